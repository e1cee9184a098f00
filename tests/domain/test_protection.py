"""Pay protection schedules (DOMAIN.md 3.5), worked by hand.

The two illustrative policies: CCDC tapered, 12 months at 100% of the difference then 12 at 50%;
SBC cash-frozen, 36 months at 100%. Old salary £30,000 and new £27,000 full-time throughout
unless a case says otherwise, so the difference is £3,000 a year, £250.00 a month.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from hrtool.domain.protection import (
    CASH_FROZEN,
    END_CAUGHT_UP,
    END_EARLY,
    END_LAST_PHASE,
    TAPERED,
    Phase,
    PolicyProblem,
    ProtectionPolicy,
    add_months,
    cost_by_financial_year,
    financial_year,
    protection_end,
    protection_schedule,
)

CCDC = ProtectionPolicy(TAPERED, (Phase(12, D("1.0")), Phase(12, D("0.5"))))
SBC = ProtectionPolicy(CASH_FROZEN, (Phase(36, D("1.0")),))
START = date(2026, 4, 1)
FULL = D(37)


def payments(schedule):
    return [m.payment for m in schedule]


def test_tapered_pays_its_share_of_the_fixed_difference():
    # Months 1-12: 100% x 3,000 / 12 = 250.00; months 13-24: 50% x 3,000 / 12 = 125.00.
    # Total 12 x 250 + 12 x 125 = 3,000 + 1,500 = 4,500.00.
    schedule = protection_schedule(CCDC, D(30000), [(START, D(27000))], START, D(37), FULL)
    assert payments(schedule) == [D("250.00")] * 12 + [D("125.00")] * 12
    assert [m.phase for m in schedule] == [1] * 12 + [2] * 12
    assert sum(payments(schedule)) == D("4500.00")
    first = schedule[0]
    assert (first.month, first.starts_on, first.ends_on) == (date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 30))
    assert (first.new_salary, first.protection, first.total) == (D("27000.00"), D("3000.00"), D("30000.00"))
    assert schedule[-1].month == date(2028, 3, 1)


def test_tapered_is_not_eroded_by_a_pay_award():
    # An award lifts the new salary to £28,000 in month 7: the difference stays £3,000 in cash.
    steps = [(START, D(27000)), (date(2026, 10, 1), D(28000))]
    schedule = protection_schedule(CCDC, D(30000), steps, START, D(37), FULL)
    assert payments(schedule)[5:8] == [D("250.00")] * 3
    assert (schedule[6].new_salary, schedule[6].protection, schedule[6].total) == \
        (D("28000.00"), D("3000.00"), D("31000.00"))  # above the old salary: the tapered policy allows it


def test_cash_frozen_is_eroded_by_awards_and_ends_when_the_new_salary_catches_up():
    # Protected salary 30,000. Months 1-12 new 27,000: 3,000 / 12 = 250.00.
    # Award in month 13 (1 April 2027) to 28,000: 2,000 / 12 = 166.666... -> 166.67.
    # Month 25 (1 April 2028) the new salary is 30,500 >= 30,000: protection ends that day.
    # Total 12 x 250.00 + 12 x 166.67 = 3,000.00 + 2,000.04 = 5,000.04.
    steps = [(START, D(27000)), (date(2027, 4, 1), D(28000)), (date(2028, 4, 1), D(30500))]
    schedule = protection_schedule(SBC, D(30000), steps, START, D(37), FULL)
    assert payments(schedule) == [D("250.00")] * 12 + [D("166.67")] * 12
    assert len(schedule) == 24
    assert sum(payments(schedule)) == D("5000.04")
    end = protection_end(SBC, D(30000), steps, START)
    assert (end.ends_on, end.reason) == (date(2028, 4, 1), END_CAUGHT_UP)


def test_cash_frozen_without_awards_runs_the_whole_phase():
    schedule = protection_schedule(SBC, D(30000), [(START, D(27000))], START, D(37), FULL)
    assert payments(schedule) == [D("250.00")] * 36
    end = protection_end(SBC, D(30000), [(START, D(27000))], START)
    assert (end.ends_on, end.reason) == (date(2029, 4, 1), END_LAST_PHASE)


@pytest.mark.parametrize("policy, monthly", [(CCDC, [D("125.00")] * 12 + [D("62.50")] * 12),
                                             (SBC, [D("125.00")] * 36)])
def test_part_timer_at_half_the_full_time_week_gets_half(policy, monthly):
    # 18.5 / 37 = 0.5: 3,000 x 0.5 / 12 = 125.00; tapered phase 2: 1,500 x 0.5 / 12 = 62.50.
    schedule = protection_schedule(policy, D(30000), [(START, D(27000))], START, D("18.5"), FULL)
    assert payments(schedule) == monthly
    assert schedule[0].new_salary == D("13500.00")


def test_change_of_hours_counts_from_the_month_it_applies():
    # Full-time for 6 months, then 18.5 hours: 250.00 x 6, then 125.00.
    hours = [(START, D(37)), (date(2026, 10, 1), D("18.5"))]
    schedule = protection_schedule(SBC, D(30000), [(START, D(27000))], START, hours, FULL)
    assert payments(schedule)[:7] == [D("250.00")] * 6 + [D("125.00")]


def test_no_pro_rata_when_the_policy_says_so():
    policy = ProtectionPolicy(CASH_FROZEN, (Phase(12, D(1)),), pro_rata_for_hours=False)
    schedule = protection_schedule(policy, D(30000), [(START, D(27000))], START, D("18.5"), FULL)
    assert schedule[0].payment == D("250.00") and schedule[0].new_salary == D("13500.00")


def test_early_ending_stops_the_schedule_and_pays_the_part_month_by_days():
    # Promotion on 16 June 2026: April and May in full (250.00 each); June (30 days) pays
    # the 15 days before the 16th: 250 x 15 / 30 = 125.00; nothing after.
    schedule = protection_schedule(CCDC, D(30000), [(START, D(27000))], START, D(37), FULL,
                                   ends_early_on=date(2026, 6, 16))
    assert payments(schedule) == [D("250.00"), D("250.00"), D("125.00")]
    assert schedule[-1].ends_on == date(2026, 6, 15)
    assert protection_end(CCDC, D(30000), [(START, D(27000))], START, date(2026, 6, 16)).reason == END_EARLY


def test_starting_part_way_through_a_month_and_catching_up():
    # Start 15 January 2027; an increment to 30,000 from 1 April 2027 ends it. January pays the
    # 17 days from the 15th of 31: 250 x 17 / 31 = 137.096... -> 137.10; February and March
    # 250.00 each; nothing from 1 April.
    start = date(2027, 1, 15)
    steps = [(start, D(27000)), (date(2027, 4, 1), D(30000))]
    schedule = protection_schedule(SBC, D(30000), steps, start, D(37), FULL)
    assert payments(schedule) == [D("137.10"), D("250.00"), D("250.00")]
    assert [m.month for m in schedule] == [date(2027, 1, 1), date(2027, 2, 1), date(2027, 3, 1)]
    assert (schedule[0].starts_on, schedule[-1].ends_on) == (start, date(2027, 3, 31))


def test_a_phase_changing_part_way_through_a_month():
    # Tapered from 15 January 2027: phase 2 starts on 15 January 2028 and ends on 14 January 2029.
    # January 2028: 14 days at 250 a month and 17 at 125, of 31: 112.903 + 68.548 = 181.45.
    # January 2029: 14 days at 125 of 31 = 56.45. In all 137.10 + 11 x 250 + 181.45 + 11 x 125
    # + 56.45 = 4,500.00, the same as from the first of a month.
    start = date(2027, 1, 15)
    schedule = protection_schedule(CCDC, D(30000), [(start, D(27000))], start, D(37), FULL)
    by_month = {m.month: m for m in schedule}
    assert by_month[date(2028, 1, 1)].payment == D("181.45") and by_month[date(2028, 1, 1)].phase == 1
    assert by_month[date(2028, 2, 1)].phase == 2
    assert by_month[date(2029, 1, 1)].payment == D("56.45")
    assert len(schedule) == 25 and sum(payments(schedule)) == D("4500.00")


def test_an_award_part_way_through_a_month_counts_from_its_day():
    # Cash-frozen from 1 April 2026; an award to 28,000 from 16 April. April: 15 of 30 days at
    # 3,000 a year and 15 at 2,000: 125.00 + 83.333 = 208.33; May 2,000 / 12 = 166.67.
    steps = [(START, D(27000)), (date(2026, 4, 16), D(28000))]
    schedule = protection_schedule(SBC, D(30000), steps, START, D(37), FULL)
    assert payments(schedule)[:2] == [D("208.33"), D("166.67")]
    assert schedule[0].new_salary == D("27000.00")  # the figures shown are the month's first day's


def test_no_protection_when_the_new_salary_is_not_lower():
    assert protection_schedule(SBC, D(30000), [(START, D(30000))], START, D(37), FULL) == []
    assert protection_schedule(CCDC, D(30000), [(START, D(31000))], START, D(37), FULL) == []


def test_financial_year_split_of_a_schedule_starting_1_october_2026():
    # Tapered from 1 October 2026: Oct 2026 - Mar 2027 is 6 x 250 = 1,500.00 in 2026/27;
    # Apr - Sep 2027 is 6 x 250 = 1,500 and Oct 2027 - Mar 2028 is 6 x 125 = 750, so 2,250.00
    # in 2027/28; Apr - Sep 2028 is 6 x 125 = 750.00 in 2028/29. Total 4,500.00.
    start = date(2026, 10, 1)
    schedule = protection_schedule(CCDC, D(30000), [(start, D(27000))], start, D(37), FULL)
    assert cost_by_financial_year(schedule) == {"2026/27": D("1500.00"), "2027/28": D("2250.00"),
                                                "2028/29": D("750.00")}


@pytest.mark.parametrize("on, label", [(date(2026, 4, 1), "2026/27"), (date(2027, 3, 31), "2026/27"),
                                       (date(2099, 12, 1), "2099/00")])
def test_financial_year_labels(on, label):
    assert financial_year(on) == label


@pytest.mark.parametrize("start, months, expected", [
    (date(2027, 1, 31), 1, date(2027, 2, 28)),
    (date(2027, 1, 31), 2, date(2027, 3, 31)),
    (date(2027, 11, 30), 3, date(2028, 2, 29)),
    (date(2026, 4, 1), 36, date(2029, 4, 1)),
])
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_policy_from_the_illustrative_policy_bodies():
    body = {"kind": "tapered", "phases": [{"months": 12, "share_of_difference": "1.0"},
                                          {"months": 12, "share_of_difference": "0.5"}],
            "pro_rata_for_hours": True, "ends_early_on": ["promotion"]}
    policy = ProtectionPolicy.from_body(body, "CCDC pay protection")
    assert policy == ProtectionPolicy(TAPERED, (Phase(12, D("1.0")), Phase(12, D("0.5"))), True,
                                      "CCDC pay protection")
    assert policy.months == 24


@pytest.mark.parametrize("body", [
    {"kind": "generous", "phases": [{"months": 12, "share_of_difference": "1"}]},
    {"kind": "tapered", "phases": []},
    {"kind": "tapered"},
    {"kind": "tapered", "phases": [{"months": 0, "share_of_difference": "1"}]},
    {"kind": "tapered", "phases": [{"months": 12, "share_of_difference": "1.5"}]},
    {"kind": "tapered", "phases": [{"months": "x", "share_of_difference": "1"}]},
    {"kind": "tapered", "phases": ["12 months"]},
])
def test_bad_policy_bodies_are_refused(body):
    with pytest.raises(PolicyProblem):
        ProtectionPolicy.from_body(body)


def test_steps_must_start_by_the_start_date_and_be_in_order():
    with pytest.raises(ValueError):
        protection_schedule(SBC, D(30000), [(date(2026, 5, 1), D(27000))], START, D(37), FULL)
    with pytest.raises(ValueError):
        protection_schedule(SBC, D(30000), [(START, D(27000)), (date(2026, 1, 1), D(1))], START, D(37), FULL)
