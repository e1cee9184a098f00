"""TUPE dates as a careful adviser reads them (issue 14), through `hrtool calc tupe-timeline` and
the transfer service on the session database (the reference data's dated rule `eli_clear_days`,
the checklist policy and the `holidays` package's England and Wales bank holidays).

Each date is worked by hand in its comment from TUPE 2006 reg. 11(6) (28 clear days before the
transfer; 14 for transfers before 1 May 2014, SI 2014/16) and the published bank holidays."""
from __future__ import annotations

import json
from datetime import date

import pytest

from hrtool.services.rules.bank_holidays import note_for, plan_for
from hrtool.services.tupe import transfers

from ..factories import council, service


def _timeline(app, transfer_date: str) -> dict:
    result = app.test_cli_runner().invoke(args=["calc", "tupe-timeline", "--transfer-date", transfer_date])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("transfer_date, clear_days, due_by, plan_by", [
    # 2011: 14 clear days. 1 July 2011 - 15 days = Thursday 16 June 2011 (17-30 June clear), a
    # working day.
    ("2011-07-01", 14, "2011-06-16", "2011-06-16"),
    # 2014, the day before the amendment: 30 April 2014 - 15 = Tuesday 15 April (16-29 clear).
    ("2014-04-30", 14, "2014-04-15", "2014-04-15"),
    # 2014, the first day of 28 clear days: 1 May 2014 - 29 = Wednesday 2 April (3-30 April clear).
    ("2014-05-01", 28, "2014-04-02", "2014-04-02"),
    # 28 days counted as calendar days would have said 3 April 2014: one day late.
    # Last day on a Sunday: 13 July 2026 - 29 = Sunday 14 June 2026; plan for Friday 12 June.
    ("2026-07-13", 28, "2026-06-14", "2026-06-12"),
    # Last day on Easter Monday: 5 May 2026 - 29 = Monday 6 April 2026 (Easter Monday); Sunday,
    # Saturday and Good Friday (3 April) before it, so plan for Thursday 2 April.
    ("2026-05-05", 28, "2026-04-06", "2026-04-02"),
    # Last day on Christmas Day: 23 January 2027 - 29 = Friday 25 December 2026; plan for
    # Thursday 24 December.
    ("2027-01-23", 28, "2026-12-25", "2026-12-24"),
    # Christmas Day on a Sunday: 23 January 2023 - 29 = Sunday 25 December 2022; Saturday before
    # it, so plan for Friday 23 December.
    ("2023-01-23", 28, "2022-12-25", "2022-12-23"),
])
def test_eli_due_by_and_plan_by(app, transfer_date, clear_days, due_by, plan_by):
    out = _timeline(app, transfer_date)
    assert (out["eli_clear_days"], out["eli_due_by"], out["eli_plan_by"]) == (clear_days, due_by, plan_by)
    assert ("eli" in out["plan_notes"]) == (due_by != plan_by)


def test_every_step_has_its_pair_and_the_words_where_they_differ(app):
    # 4 May 2026: ELI 4 May - 29 = Sunday 5 April 2026 (Easter Sunday); plan for Thursday 2 April.
    out = _timeline(app, "2026-05-04")
    steps = [k[:-len("_due_by")] for k in out if k.endswith("_due_by")]
    assert all(f"{step}_plan_by" in out for step in steps)
    assert out["plan_notes"]["eli"] == ("Due by Sunday 5 April 2026; plan for Thursday 2 April 2026: Friday 3 April "
                                        "and Monday 6 April are bank holidays")
    # The reg. 13 letter 60 days before: 4 May - 60 = Thursday 5 March 2026, a working day.
    assert out["inform_representatives_due_by"] == out["inform_representatives_plan_by"] == "2026-03-05"
    assert out["warnings"] == []


def test_the_measures_are_due_before_the_reg_13_letter(app):
    out = _timeline(app, "2027-06-01")
    # 1 June 2027 - 74 = 19 March 2027 (31 May, 30 April: 1 June - 61 = 1 April; - 13 = 19 March);
    # the letter 60 days before: 2 April 2027.
    assert out["measures_letter_due_by"] == "2027-03-19" < out["inform_representatives_due_by"] == "2027-04-02"
    order = [k for k in out if k.endswith("_due_by")]
    assert order.index("measures_letter_due_by") < order.index("inform_representatives_due_by")


def test_a_planned_transfer_holds_the_statutory_last_day(ctx):
    # Planned on 1 December 2026 for 23 January 2027: ELI by Friday 25 December 2026 (above).
    transfer = transfers.create_transfer({
        "service_id": service("Licensing").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": date(2027, 1, 23), "legal_basis": "tupe",
        "reasons": "Shared service"}, date(2026, 12, 1))
    due = {item.key: item.due_on for item in transfer.checklist}
    assert due["eli_sent"] == date(2026, 12, 25)
    assert [item.key for item in transfer.checklist][:2] == ["measures_letter", "inform_representatives"]
    assert plan_for(due["eli_sent"]).plan_on == date(2026, 12, 24)
    # Boxing Day 2026 is a Saturday: its substitute is Monday 28 December.
    assert note_for(due["eli_sent"]) == ("Due by Friday 25 December 2026; plan for Thursday 24 December 2026: "
                                         "Friday 25 December and Monday 28 December are bank holidays")
    assert note_for(date(2026, 12, 24)) is None


def test_one_off_bank_holidays_come_from_the_package(ctx):
    # The state funeral of Queen Elizabeth II, Monday 19 September 2022: plan for Friday 16th.
    assert plan_for(date(2022, 9, 19)).plan_on == date(2022, 9, 16)
