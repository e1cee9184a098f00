"""`hrtool check` finds no drift on the demo data, nor after each dated event a pay team scripts
from the command line (issue 13): an award applied while provisional, then agreed; bands moved
from a date ahead and from a date past; and the reports read what check reads."""
from __future__ import annotations

import json
from pathlib import Path


def _bands(path: Path, shift: int) -> Path:
    """SBC's illustrative bands with every boundary above Grade 3 moved by `shift` points."""
    from hrtool import ROOT

    rows = [line.split(",") for line in (ROOT / "hrtool/reference_data/grade_conventions_illustrative.csv")
            .read_text().splitlines()[1:] if line.startswith("SBC,")]
    lines = ["grade,je_points_min,je_points_max,scp_min,scp_max"]
    for i, (_, _, grade, low, high, scp_min, scp_max) in enumerate(rows):
        low_n = int(low) + (shift if i > 0 else 0)
        high_n = int(high) + (shift if i < len(rows) - 1 else 0)
        lines.append(f"{grade},{low_n},{high_n},{scp_min},{scp_max}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _check(runner) -> dict:
    result = runner.invoke(args=["check", "--json"])
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["drift"] == [], report["drift"][:5]
    return report


def test_no_drift_after_each_command_line_event(app, tmp_path):
    runner = app.test_cli_runner()
    first = _check(runner)
    assert first["checked"]["post_grades"] > 0 and first["checked"]["protection_schedules"] > 0

    steps = [
        # issue 14: 2025/26 was agreed on 23 July 2025; 2026/27 is provisional (SCP 2 deleted,
        # values carried) until agreed: applied provisional, then agreed, replacing it.
        ["pay", "apply-award", "--pay-year", "2025", "--reason", "2025/26 award, agreed"],
        ["grading", "set-bands", "--council", "SBC", "--from", "2027-04-01",
         str(_bands(tmp_path / "ahead.csv", 20)), "--reason", "Review from April 2027"],
        ["grading", "set-bands", "--council", "SBC", "--from", "2028-04-01",
         str(_bands(tmp_path / "later.csv", -20)), "--reason", "Review from April 2028"],
        ["pay", "apply-award", "--pay-year", "2026", "--reason", "2026/27 provisional"],
        ["pay", "apply-award", "--pay-year", "2026", "--agreed-on", "2026-11-15", "--replace",
         "--reason", "2026/27 award agreed"],
    ]
    for args in steps:
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
        _check(runner)
        for on in ("2025-10-01", "2027-04-01", "2028-04-01"):
            dated = runner.invoke(args=["check", "--json", "--on", on])
            assert dated.exit_code == 0, (args, on, json.loads(dated.output)["drift"][:5])

    grades = json.loads(runner.invoke(args=["report", "grades", "--on", "2027-04-01"]).output)
    assert grades and set(grades[0]) == {"post_number", "council", "je_score", "grade", "people"}
    protections = json.loads(runner.invoke(args=["report", "protections"]).output)
    assert protections and {"id", "person_number", "policy", "start", "end", "end_reason", "months"} <= set(protections[0])


def test_check_exits_1_naming_the_post_when_a_grade_is_altered_behind_the_apps_back(app):
    from sqlalchemy import text

    from hrtool.extensions import db

    with app.app_context():
        post_id, number, grade = db.session.execute(text(
            "SELECT p.id, p.post_number, g.grade FROM posts p JOIN post_grades g ON g.post_id = p.id "
            "WHERE g.grade IS NOT NULL ORDER BY p.id LIMIT 1")).one()
        db.session.execute(text("UPDATE post_grades SET grade = 'Z' WHERE post_id = :id"), {"id": post_id})
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["check"])
    assert result.exit_code == 1
    assert f"post {number}" in result.output and "held Z" in result.output and grade in result.output
