"""TUPE rules: the timeline (employee liability information 28 clear days before, 14 before 1 May
2014: reg. 11(6); the transferee's measures before the reg. 13 letter), the working day to plan
by, and terms compared term by term. Every date below is worked by hand in its comment."""
from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.tupe import (
    LeaveBand,
    NoticeBand,
    StepRule,
    annual_leave_days,
    compare_number,
    eli_due_by,
    notice_months,
    plan_by,
    plan_note,
    step_order_problems,
    timeline,
    transfer_status,
)

D = date


@pytest.mark.parametrize("transfer_date, clear_days, last_day", [
    # 2011, under the 14-day rule: 1 July 2011; 14 clear days are 17-30 June; the last day is
    # 16 June (1 July - 15 days).
    (D(2011, 7, 1), 14, D(2011, 6, 16)),
    # The day before the amendment: 30 April 2014, still 14 days; 16-29 April clear; 15 April.
    (D(2014, 4, 30), 14, D(2014, 4, 15)),
    # The first day of 28: 1 May 2014; 28 clear days are 3-30 April; the last day is 2 April
    # (1 May - 29 days).
    (D(2014, 5, 1), 28, D(2014, 4, 2)),
    # 1 April 2027: 4-31 March clear (28 days); the last day is 3 March, not 4 March (which leaves
    # only 27 days between).
    (D(2027, 4, 1), 28, D(2027, 3, 3)),
    # Across a leap day: 29 March 2024 - 29 days = 29 February 2024 (1-28 March clear).
    (D(2024, 3, 29), 28, D(2024, 2, 29)),
])
def test_eli_last_day_leaves_the_clear_days(transfer_date, clear_days, last_day):
    assert eli_due_by(transfer_date, clear_days) == last_day
    between = (transfer_date - last_day).days - 1  # the days strictly between the two
    assert between == clear_days


def test_the_timeline_puts_the_law_on_eli_and_the_lead_times_on_the_rest():
    rules = [StepRule("measures_letter", "Measures", 74), StepRule("inform_representatives", "Reg 13 letter", 60),
             StepRule("eli_sent", "ELI (an old policy's lead time)", 28), StepRule("individual_letters", "Letters", 21)]
    steps = timeline(D(2027, 4, 1), rules, 28)
    # 1 April 2027 - 74 days = 17 January (March 31 days, February 28: 1 April - 59 = 1 February,
    # - 15 more = 17 January); - 60 = 31 January; ELI 3 March (above, not 4 March from the 28
    # days the old policy said); - 21 = 11 March.
    assert [(s.key, s.due_on) for s in steps] == [
        ("measures_letter", D(2027, 1, 17)), ("inform_representatives", D(2027, 1, 31)),
        ("eli_sent", D(2027, 3, 3)), ("individual_letters", D(2027, 3, 11))]
    assert steps[2].title == "ELI (an old policy's lead time)"
    assert [s.key for s in timeline(D(2027, 4, 1), rules[:2], 28)][-1] == "eli_sent"  # always there


def test_the_measures_come_before_the_reg_13_letter():
    right = [StepRule("measures_letter", "Measures", 74), StepRule("inform_representatives", "Letter", 60)]
    assert step_order_problems(right) == []
    wrong = [StepRule("inform_representatives", "Letter", 60), StepRule("measures_letter", "Measures", 45)]
    assert "before the information-and-consultation letter" in step_order_problems(wrong)[0]
    assert step_order_problems([StepRule("measures_letter", "Measures", 60),
                                StepRule("inform_representatives", "Letter", 60)])  # the same day is not before


# England and Wales bank holidays as published (gov.uk/bank-holidays), given by hand here: the
# domain takes them as values; the service takes them from the `holidays` package.
EASTER_2026 = {D(2026, 4, 3), D(2026, 4, 6)}  # Good Friday, Easter Monday
CHRISTMAS_2026 = {D(2026, 12, 25), D(2026, 12, 28)}  # Christmas Day (Friday); Boxing Day's substitute Monday
CHRISTMAS_2022 = {D(2022, 12, 26), D(2022, 12, 27)}  # Boxing Day (Monday); Christmas Day's substitute Tuesday


@pytest.mark.parametrize("due, holidays, plan_on, note", [
    # A working day: nothing to say.
    (D(2026, 6, 15), set(), D(2026, 6, 15), None),
    # An ordinary Sunday: Saturday 13 is not a working day either, so Friday 12 June.
    (D(2026, 6, 14), set(), D(2026, 6, 12),
     "Due by Sunday 14 June 2026; plan for Friday 12 June 2026: the due date is at a weekend"),
    # Easter Sunday 2026: Saturday, then Good Friday, so Thursday 2 April; the office is shut
    # from Friday 3 to Monday 6 April.
    (D(2026, 4, 5), EASTER_2026, D(2026, 4, 2),
     "Due by Sunday 5 April 2026; plan for Thursday 2 April 2026: Friday 3 April and Monday 6 April are bank "
     "holidays"),
    # Easter Monday 2026 itself: back through Sunday, Saturday and Good Friday to Thursday 2 April.
    (D(2026, 4, 6), EASTER_2026, D(2026, 4, 2),
     "Due by Monday 6 April 2026; plan for Thursday 2 April 2026: Friday 3 April and Monday 6 April are bank "
     "holidays"),
    # Christmas Day 2026, a Friday: Thursday 24 December; shut to Monday 28 (Boxing Day's substitute).
    (D(2026, 12, 25), CHRISTMAS_2026, D(2026, 12, 24),
     "Due by Friday 25 December 2026; plan for Thursday 24 December 2026: Friday 25 December and Monday 28 "
     "December are bank holidays"),
    # Christmas Day 2022, a Sunday: Friday 23 December; shut until Wednesday 28.
    (D(2022, 12, 25), CHRISTMAS_2022, D(2022, 12, 23),
     "Due by Sunday 25 December 2022; plan for Friday 23 December 2022: Monday 26 December and Tuesday 27 "
     "December are bank holidays"),
])
def test_the_working_day_to_plan_by(due, holidays, plan_on, note):
    plan = plan_by(due, holidays)
    assert (plan.due_on, plan.plan_on, plan.differs) == (due, plan_on, plan_on != due)
    assert plan_note(plan) == note


def test_plan_by_at_the_ends_of_the_calendar():
    assert plan_by(D(1, 1, 6), set()).plan_on == D(1, 1, 6)  # a Saturday with no week before it to go back to
    assert plan_by(D(9999, 12, 31), set()).plan_on == D(9999, 12, 31)  # a Friday
    assert plan_by(D(9999, 12, 26), set()).plan_on == D(9999, 12, 24)  # a Sunday


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
    assert compare_number("Pay", Decimal("30000"), Decimal("31000"), "GBP").verdict == "£1,000.00 better on lead terms"
    # Issue 15: money as people write it, and a count agreeing with its noun.
    pay = compare_number("Pay", Decimal("25992"), Decimal("27263"), "GBP")
    assert (pay.protected, pay.lead) == ("£25,992.00", "£27,263.00")
    notice = compare_number("Notice", 1, 2, "months")
    assert (notice.protected, notice.lead, notice.verdict) == ("1 month", "2 months", "1 month better on lead terms")
