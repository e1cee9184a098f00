"""The business case's own figures, reproducible (issue 14): the senior structure's £88k saving
shared £44k / £44k (section 9.28) beside apportionment by the pre-sharing costs (12.2), through
`calc apportion`, `report structure-costing` and the pages; percentages that add up to 100.00;
`--reduce` given twice. Worked by hand in the comments."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from hrtool.services.restructures import restructures as service
from hrtool.services.restructures.restructure_costing import costing

from ..factories import DEMO_PASSWORDS

TODAY = __import__("datetime").date(2026, 11, 22)
NAME = "Senior structure 2023"


def _apportion(app, *args: str):
    return app.test_cli_runner().invoke(args=["calc", "apportion", *args])


def test_the_paper_splits_the_senior_saving_equally(ctx):
    # 9.24-9.28: CCDC 655k + SBC 673k = 1,328k before; 1,240k after; saving 88k, "£44k for Cannock
    # Chase and £44k for Stafford". So CCDC pays 655 - 44 = 611k and SBC 673 - 44 = 629k.
    result = costing(service.by_name(NAME), TODAY, "saving_shared_equally")
    assert result.saving == Decimal(88000)
    assert result.saving_by_council == {"CCDC": Decimal(44000), "SBC": Decimal(44000)}
    assert result.after_by_council == {"CCDC": Decimal(611000), "SBC": Decimal(629000)}


def test_calc_apportion_with_the_papers_convention(app):
    result = _apportion(app, "--pre", "CCDC=655000", "--pre", "SBC=673000", "--shared-cost", "1240000",
                        "--convention", "saving_shared_equally")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["convention"] == "saving_shared_equally"
    assert (out["CCDC"]["saving"], out["SBC"]["saving"], out["total"]["saving"]) == ("44000.00", "44000.00",
                                                                                      "88000.00")
    assert (out["CCDC"]["new_cost"], out["SBC"]["new_cost"]) == ("611000.00", "629000.00")
    # Shares of 1,240k: 611/1,240 = 49.274..% and 629/1,240 = 50.725..%: 49.27 + 50.73 = 100.00.
    assert (out["CCDC"]["share_percent"], out["SBC"]["share_percent"]) == ("49.27", "50.73")


def test_report_structure_costing_with_the_papers_convention(app):
    result = app.test_cli_runner().invoke(args=["report", "structure-costing", "--restructure", NAME,
                                                "--split", "saving_shared_equally"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["split"] == {"CCDC": "44000.00", "SBC": "44000.00"} and out["saving"] == "88000.00"
    assert out["split_rule"] == "saving_shared_equally"


def test_percentages_sum_to_a_hundred_when_rounding_each_would_not(app):
    # CCDC 1, SBC 2 of a shared cost of 100: 33.333..% and 66.666..%; rounded down 33.33 + 66.66 =
    # 99.99; the 0.01 goes to the larger remainder (0.0066.. for SBC): 33.33 and 66.67.
    out = json.loads(_apportion(app, "--pre", "CCDC=1", "--pre", "SBC=2", "--shared-cost", "100").stdout)
    assert (out["CCDC"]["share_percent"], out["SBC"]["share_percent"]) == ("33.33", "66.67")
    # After SBC cuts 0.01 from 66.67: 33.33 and 66.66 of 99.99: 33.3333..% and 66.6666..%: 33.33 and
    # 66.67 again (not 33.33 + 66.66 = 99.99).
    out = json.loads(_apportion(app, "--pre", "CCDC=1", "--pre", "SBC=2", "--shared-cost", "100",
                                "--reduce", "SBC=0.01").stdout)
    later = out["after_reduction"]
    assert (later["CCDC"]["share_percent"], later["SBC"]["share_percent"]) == ("33.33", "66.67")
    assert (later["CCDC"]["new_cost"], later["SBC"]["new_cost"], later["total"]["new_cost"]) == ("33.33", "66.66",
                                                                                               "99.99")


def test_reduce_twice_applies_both(app):
    # 12.2's example, then CCDC cuts 8 and SBC cuts 10 together: CCDC 48 - 8 = 40, SBC 32 - 10 = 22,
    # total 62; 40/62 = 64.516..% and 22/62 = 35.483..%: 64.52 and 35.48; each saves its own cut.
    result = _apportion(app, "--pre", "CCDC=60", "--pre", "SBC=40", "--shared-cost", "80",
                        "--reduce", "CCDC=8", "--reduce", "SBC=10")
    assert result.exit_code == 0, result.output
    later = json.loads(result.stdout)["after_reduction"]
    assert later["reductions"] == {"CCDC": "8.00", "SBC": "10.00"}
    assert (later["CCDC"]["new_cost"], later["CCDC"]["saving"], later["CCDC"]["share_percent"]) == ("40.00", "8.00",
                                                                                                    "64.52")
    assert (later["SBC"]["new_cost"], later["SBC"]["saving"], later["SBC"]["share_percent"]) == ("22.00", "10.00",
                                                                                                 "35.48")
    assert later["total"] == {"new_cost": "62.00", "saving": "18.00"}


def test_reduce_twice_for_one_council_is_refused_not_dropped(app):
    result = _apportion(app, "--pre", "CCDC=60", "--pre", "SBC=40", "--shared-cost", "80",
                        "--reduce", "SBC=10", "--reduce", "SBC=5")
    assert result.exit_code == 2
    assert "SBC is given twice: give one cut per council" in result.stderr


def test_an_equal_share_larger_than_a_councils_cost_is_refused(app):
    # CCDC 10 and SBC 90 sharing 20: a saving of 80, 40 each, more than CCDC's 10.
    result = _apportion(app, "--pre", "CCDC=10", "--pre", "SBC=90", "--shared-cost", "20",
                        "--convention", "saving_shared_equally")
    assert result.exit_code == 1 and "more than CCDC's cost before sharing" in result.stderr


@pytest.mark.parametrize("amount", ["60.001", "1e30", "NaN", "-1", "10000000.01"])
def test_money_beyond_the_penny_or_the_limit_is_refused(app, amount):
    result = _apportion(app, "--pre", f"CCDC={amount}", "--pre", "SBC=40", "--shared-cost", "80")
    assert result.exit_code == 2 and "Error: Invalid value for --pre" in result.stderr


def _login(client) -> None:
    client.post("/login", data={"username": "hr@hrtool.example", "password": DEMO_PASSWORDS["hr@hrtool.example"]})


def test_the_pages_offer_the_papers_convention(app, client):
    _login(client)
    page = client.get("/restructures/calculators/apportion?ccdc=655000&sbc=673000&shared_cost=1240000"
                      "&convention=saving_shared_equally").get_data(as_text=True)
    assert "Saving shared equally (business case 9.28" in page
    assert "£611,000.00" in page and "£629,000.00" in page and page.count("£44,000.00") == 2
    assert "49.27%" in page and "50.73%" in page
    with app.app_context():
        rid = service.by_name(NAME).id
    costing_page = client.get(f"/restructures/{rid}/costing?split=saving_shared_equally").get_data(as_text=True)
    assert "the saving shared equally between the councils (business case 9.28" in costing_page
    assert costing_page.count("£44,000.00") == 2
