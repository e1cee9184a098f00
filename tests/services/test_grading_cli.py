"""`hrtool grading set-bands` and `hrtool report grades` (issue 13), through the same services as
the pages. Illustrative CCDC bands (hrtool/reference_data): H is 455-494 points on SCP 27-29, G
415-454 on SCP 24-26; the file tried widens G to 474 points, so a 468-point post falls to G."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hrtool.extensions import db
from hrtool.models import GradeConvention, Protection
from hrtool.services.pay import post_grades

from ..factories import assign, council, employ, make_employee, make_post, own_terms

TODAY = date.today()
FUTURE = date(TODAY.year + 1, 4, 1)
REFERENCE = Path(__file__).resolve().parents[2] / "hrtool" / "reference_data" / "grade_conventions_illustrative.csv"
HEADER = "grade,je_points_min,je_points_max,scp_min,scp_max\n"
CCDC_2027 = HEADER + "".join(f"{row}\n" for row in [
    "A,0,209,2,4", "B,210,249,5,6", "C,250,289,7,9", "D,290,329,10,14", "E,330,369,15,19", "F,370,414,20,23",
    "G,415,474,24,26", "H,475,494,27,29", "I,495,534,30,32", "J,535,579,33,36", "K,580,624,37,40",
    "L,625,669,41,43"])


@pytest.fixture
def setup(app, tmp_path):
    """A 468-point CCDC post (H today) held on SCP 29, and the CSV of the 2027 bands."""
    with app.app_context():
        post = make_post("CCDC", je_score=468, title="CLI test post", post_number="CLI-468")
        person = make_employee(last_name="Commandline")
        employment = employ(person, "CCDC", date(2020, 4, 6))
        assign(employment, post, date(2020, 4, 6), scp=29)
        own_terms(employment, date(2020, 4, 6))
        db.session.commit()
        ids = (post.id, person.id, person.person_number)
    path = tmp_path / "ccdc_2027.csv"
    path.write_text(CCDC_2027, encoding="utf-8")
    return ids, path


def _versions(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GradeConvention))


def test_a_dry_run_prints_who_is_affected_and_changes_nothing(app, setup):
    (post_id, person_id, number), path = setup
    versions = _versions(app)
    result = app.test_cli_runner().invoke(args=["grading", "set-bands", "--council", "CCDC", "--from",
                                                FUTURE.isoformat(), str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"CLI-468 CLI test post: H -> G (SCP 24-26) from {FUTURE.isoformat()}" in result.output
    assert (f"{number} Test Commandline, SCP 29 (outside the new range): Moves down to SCP 26 from "
            f"{FUTURE.day} April {FUTURE.year}, with pay protection under") in result.output
    assert "Dry run: nothing saved" in result.output
    assert _versions(app) == versions
    with app.app_context():
        assert post_grades.grade_on(post_id, FUTURE) == "H"
        assert db.session.scalar(select(Protection.id).where(Protection.employee_id == person_id)) is None


def test_setting_bands_from_a_date_regrades_from_it_and_protects(app, setup):
    (post_id, person_id, _), path = setup
    result = app.test_cli_runner().invoke(args=["grading", "set-bands", "--council", "ccdc", "--from",
                                                FUTURE.isoformat(), str(path), "--reason", "Pay review"])
    assert result.exit_code == 0, result.output
    assert "Saved CCDC grading from" in result.output and "protection(s) made" in result.output
    with app.app_context():
        assert (post_grades.grade_on(post_id, TODAY), post_grades.grade_on(post_id, FUTURE)) == ("H", "G")
        assert db.session.scalar(select(Protection.start_date).where(Protection.employee_id == person_id)) == FUTURE
        latest = db.session.scalars(select(GradeConvention).where(GradeConvention.council_id == council("CCDC").id)
                                    .order_by(GradeConvention.effective_from.desc()).limit(1)).one()
        assert latest.effective_from == FUTURE


def test_the_reference_file_picks_the_councils_rows_and_same_bands_change_no_grade(app, setup):
    result = app.test_cli_runner().invoke(args=["grading", "set-bands", "--council", "SBC", "--from",
                                                FUTURE.isoformat(), str(REFERENCE), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No post's grade changes.")


@pytest.mark.parametrize("args, content, exit_code, message", [
    (["--council", "XYZ"], CCDC_2027, 2, "no council 'XYZ'"),
    (["--from", "1/4/2027"], CCDC_2027, 2, "use YYYY-MM-DD"),
    ([], "grade,je_points_min,je_points_max,scp_min\nA,0,209,2\n", 1, "no column 'scp_max'"),
    ([], HEADER + "A,0,209,2,four\n", 1, "line 2: scp_max must be a whole number, not 'four'"),
    ([], CCDC_2027.replace("G,415,474", "G,415,480"), 1, "G and H overlap at 475 points"),
    (["--from", "1999-04-01"], CCDC_2027, 1, "Refused:"),
])
def test_errors_exit_non_zero_with_a_clear_message(app, setup, tmp_path, args, content, exit_code, message):
    path = tmp_path / "bands.csv"
    path.write_text(content, encoding="utf-8")
    base = {"--council": "CCDC", "--from": FUTURE.isoformat()}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    versions = _versions(app)
    result = app.test_cli_runner().invoke(args=["grading", "set-bands", *[x for kv in base.items() for x in kv],
                                                str(path)])
    assert result.exit_code == exit_code, result.output
    assert message in result.output
    assert _versions(app) == versions


def test_report_grades_prints_each_open_post_with_its_grade_and_people_on_the_date(app, setup):
    (_, _, number), path = setup
    runner = app.test_cli_runner()
    assert runner.invoke(args=["grading", "set-bands", "--council", "CCDC", "--from", FUTURE.isoformat(),
                               str(path)]).exit_code == 0
    with app.app_context():
        make_post("CCDC", je_score=468, post_number="CLI-CLOSED", closed_on=date(2024, 3, 31))
        make_post("CCDC", je_score=468, post_number="CLI-LATER", established_on=FUTURE)
        db.session.commit()
    today = json.loads(runner.invoke(args=["report", "grades", "--on", TODAY.isoformat()]).output)
    ahead = json.loads(runner.invoke(args=["report", "grades", "--on", FUTURE.isoformat()]).output)
    entry = next(e for e in today if e["post_number"] == "CLI-468")
    assert entry == {"post_number": "CLI-468", "council": "CCDC", "je_score": 468, "grade": "H", "people": [number]}
    assert next(e for e in ahead if e["post_number"] == "CLI-468")["grade"] == "G"
    numbers = {e["post_number"] for e in today}
    assert "CLI-CLOSED" not in numbers and "CLI-LATER" not in numbers
    assert "CLI-LATER" in {e["post_number"] for e in ahead}
    assert all(set(e) == {"post_number", "council", "je_score", "grade", "people"} for e in today)
    assert runner.invoke(args=["report", "grades", "--on", "tomorrow"]).exit_code == 2
