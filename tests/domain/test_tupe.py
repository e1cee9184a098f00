"""TUPE rules: the timeline (ELI 28 days before, reg. 11(6)) and terms compared term by term."""
from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.tupe import (
    LeaveBand,
    NoticeBand,
    StepRule,
    annual_leave_days,
    compare_number,
    notice_months,
    timeline,
    transfer_status,
)


def test_eli_is_due_28_days_before_the_transfer():
    steps = timeline(date(2027, 4, 1), [StepRule("eli_sent", "ELI", 28), StepRule("inform", "Inform", 60)])
    assert [(s.key, s.due_on) for s in steps] == [("inform", date(2027, 1, 31)), ("eli_sent", date(2027, 3, 4))]


def test_status_follows_the_steps():
    assert transfer_status("planned", 0) == "planned"
    assert transfer_status("planned", 2) == "in progress"
    assert transfer_status("completed", 5) == "completed"


CCDC_LEAVE = [LeaveBand(0, 25), LeaveBand(5, 28), LeaveBand(10, 30)]


@pytest.mark.parametrize("years, days", [(0, 25), (4, 25), (5, 28), (9, 28), (10, 30), (30, 30)])
def test_annual_leave_by_service(years, days):
    assert annual_leave_days(CCDC_LEAVE, years) == days


@pytest.mark.parametrize("grade, months", [("A", 1), ("F", 1), ("G", 2), ("I", 2), ("L", 3), ("Z", None), (None, None)])
def test_notice_by_letter_grade(grade, months):
    assert notice_months([NoticeBand("A-F", 1), NoticeBand("G-I", 2), NoticeBand("J-L", 3)], grade) == months


@pytest.mark.parametrize("grade, months", [("Grade 1", 1), ("Grade 6", 1), ("Grade 7", 2), ("Grade 10", 2), ("Grade 12", 3)])
def test_notice_by_numbered_grade(grade, months):
    assert notice_months([NoticeBand("1-6", 1), NoticeBand("7-10", 2), NoticeBand("11-12", 3)], grade) == months


def test_comparing_a_number_says_which_way_it_cuts():
    assert compare_number("Annual leave", 29, 28, "days").verdict == "1 day better on protected terms"
    assert compare_number("Annual leave", 25, 28, "days").verdict == "3 days better on lead terms"
    assert compare_number("Notice", 2, 2, "months").verdict == "the same"
    assert compare_number("Pay", Decimal("30000"), Decimal("31000"), "GBP").verdict == "1000 GBP better on lead terms"
