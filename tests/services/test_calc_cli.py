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
