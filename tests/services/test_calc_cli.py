"""`hrtool calc grade` on the test database: JSON per council, money as strings, exit 1 with a
message on stderr when the points are outside every band of a council."""
from __future__ import annotations

import json

import pytest


def test_the_issues_example(app):
    result = app.test_cli_runner().invoke(args=["calc", "grade", "--points", "460", "--on", "2023-06-01"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "CCDC": {"grade": "H", "scp_min": 27, "scp_max": 29, "salary_min": "35745.00", "salary_max": "37336.00",
                 "pay_year": "2023/24"},
        "SBC": {"grade": "Grade 8", "scp_min": 26, "scp_max": 28, "salary_min": "34834.00", "salary_max": "36648.00",
                "pay_year": "2023/24"}}


def test_a_date_after_the_latest_pay_year_uses_the_latest(app):
    result = app.test_cli_runner().invoke(args=["calc", "grade", "--points", "455", "--on", "2030-01-01"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["CCDC"] == {"grade": "H", "scp_min": 27, "scp_max": 29, "salary_min": "37035.00",
                                                 "salary_max": "38626.00", "pay_year": "2024/25"}


@pytest.mark.parametrize("points, outside", [("660", "SBC"), ("700", "CCDC and SBC")])
def test_points_outside_every_band(app, points, outside):
    result = app.test_cli_runner().invoke(args=["calc", "grade", "--points", points, "--on", "2024-06-01"])
    assert result.exit_code == 1
    assert f"{points} points is outside every grade band of {outside} on 2024-06-01" in result.stderr
    data = json.loads(result.stdout)
    assert data["SBC"] is None
    assert (data["CCDC"] is None) == (outside == "CCDC and SBC")


@pytest.mark.parametrize("args", [["--points", "-1"], ["--points", "x"], [], ["--points", "400", "--on", "1/6/2024"]])
def test_usage_errors(app, args):
    assert app.test_cli_runner().invoke(args=["calc", "grade", *args]).exit_code == 2


# `hrtool calc je` (issue 18), worked by hand from hrtool/reference_data/njc_jes_factors.csv and
# the illustrative bands (grade_conventions_illustrative.csv):
#   levels 4 4 4 2 4 2 2 2 1 3 1 1 1 = 80+52+52+26+52+20+20+20+13+39+13+13+10 = 410 points:
#   CCDC F (370-414, SCP 20-23), SBC Grade 7 (400-439, SCP 23-25).
def test_calc_je_prints_the_points_factor_by_factor_and_each_councils_grade(app):
    levels = ["4", "4", "4", "2", "4", "2", "2", "2", "1", "3", "1", "1", "1"]
    result = app.test_cli_runner().invoke(args=["calc", "je", *levels, "--on", "2025-06-01"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["points"] == 410
    assert [f["points"] for f in data["factors"]] == [80, 52, 52, 26, 52, 20, 20, 20, 13, 39, 13, 13, 10]
    assert data["factors"][9] == {"number": 10, "level": 3, "points": 39,
                                  "factor": "Responsibility for supervision, direction and co-ordination of employees"}
    assert data["grades"] == {"CCDC": {"grade": "F", "scp_min": 20, "scp_max": 23},
                              "SBC": {"grade": "Grade 7", "scp_min": 23, "scp_max": 25}}


def test_calc_je_at_the_ends_of_the_scheme(app):
    runner = app.test_cli_runner()
    bottom = json.loads(runner.invoke(args=["calc", "je", *["1"] * 13]).stdout)
    assert bottom["points"] == 164  # 20 + 8 x 13 + 4 x 10
    top = json.loads(runner.invoke(args=["calc", "je", "8", "6", "6", "5", "8", "5", "5", "5", "6", "6", "6", "6",
                                         "5"]).stdout)
    assert top["points"] == 1000
    assert top["grades"] == {"CCDC": None, "SBC": None}  # above every band: chief officers' local pay


@pytest.mark.parametrize("levels, message", [
    (["9"] + ["1"] * 12, "Factor 1, Knowledge: level 9 is outside its range 1 to 8"),
    (["1"] * 12 + ["6"], "Factor 13, Working conditions: level 6 is outside its range 1 to 5"),
    (["1"] * 12, "give 13 levels"),
])
def test_calc_je_refuses_a_level_outside_its_factors_range(app, levels, message):
    result = app.test_cli_runner().invoke(args=["calc", "je", *levels])
    assert result.exit_code == 2
    assert message in result.output


def test_a_date_before_any_bands_are_held_says_so(app):
    # The pay spine reaches back to 1 April 1997, the (illustrative) bands of both councils only to
    # 1 April 2000: in 1999 no band is held, which is not the same as points above the top grade.
    result = app.test_cli_runner().invoke(args=["calc", "grade", "--points", "300", "--on", "1999-06-01"])
    assert result.exit_code == 1
    assert "no grade bands are held for CCDC and SBC on 1999-06-01" in result.stderr
    assert "outside every grade band" not in result.stderr
    assert json.loads(result.stdout) == {"CCDC": None, "SBC": None}
