"""Months already paid, and what a statement may say (issue 13): hand-worked tables, no app."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from hrtool.domain.protection import (
    TAPERED,
    AdjustmentSpan,
    MonthAdjustment,
    Phase,
    PhaseSpan,
    ProtectionPolicy,
    adjustment_spans,
    is_paid,
    length_of,
    paid_months_changed,
    phases_reached,
)

D = Decimal
OCT, NOV, DEC, JAN = date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1)


@pytest.mark.parametrize(("month", "changed_on", "paid"), [
    (OCT, date(2025, 10, 31), False),  # its last day is not before the change
    (OCT, date(2025, 11, 1), True),
    (DEC, date(2026, 1, 15), True),
    (JAN, date(2026, 1, 15), False),
])
def test_a_month_is_paid_once_it_has_ended(month, changed_on, paid):
    assert is_paid(month, changed_on) is paid


def test_only_months_paid_and_changed_are_adjusted():
    held = {OCT: D("304.08"), NOV: D("304.08"), DEC: D("304.08"), JAN: D("304.08")}
    due = {OCT: D("313.83"), NOV: D("304.08"), DEC: D("313.83"), JAN: D("313.83")}
    # 15 January 2026: October to December paid; November unchanged; January still to come.
    assert paid_months_changed(held, due, date(2026, 1, 15)) == [
        MonthAdjustment(OCT, D("304.08"), D("313.83")), MonthAdjustment(DEC, D("304.08"), D("313.83"))]
    assert MonthAdjustment(OCT, D("304.08"), D("313.83")).difference == D("9.75")


def test_a_month_dropped_or_added_counts_against_nothing():
    # Ended early from December: December was paid £304.08 and is due nothing (overpaid).
    assert paid_months_changed({NOV: D("304.08"), DEC: D("304.08")}, {NOV: D("304.08")}, date(2026, 1, 15)) == [
        MonthAdjustment(DEC, D("304.08"), D("0.00"))]
    # A month now due that was never in the schedule was paid nothing (underpaid).
    assert paid_months_changed({}, {DEC: D("50.00")}, date(2026, 1, 15)) == [
        MonthAdjustment(DEC, D("0.00"), D("50.00"))]


def test_adjustments_group_into_spans_of_consecutive_months_one_way():
    on, other = date(2026, 1, 15), date(2026, 2, 3)
    spans = adjustment_spans([
        (OCT, D("9.75"), on, "award"), (NOV, D("9.75"), on, "award"), (DEC, D("9.75"), on, "award"),
        (JAN, D("-4.00"), on, "award"),  # the other way: a span of its own
        (OCT, D("1.00"), other, "hours"),  # recorded another day
    ])
    assert spans == [AdjustmentSpan(OCT, DEC, D("29.25"), on, "award"), AdjustmentSpan(JAN, JAN, D("-4.00"), on, "award"),
                     AdjustmentSpan(OCT, OCT, D("1.00"), other, "hours")]


CCDC = ProtectionPolicy(TAPERED, (Phase(12, D("1")), Phase(12, D("0.5"))))


@pytest.mark.parametrize(("ends_on", "spans"), [
    # Runs its course: both phases, whole.
    (date(2029, 4, 1), [PhaseSpan(1, date(2027, 4, 1), date(2028, 3, 31), D("1")),
                        PhaseSpan(2, date(2028, 4, 1), date(2029, 3, 31), D("0.5"))]),
    # Ends after 12 months: the half phase is never reached, so a statement must not promise it.
    (date(2028, 4, 1), [PhaseSpan(1, date(2027, 4, 1), date(2028, 3, 31), D("1"))]),
    # Ends part way through the second phase.
    (date(2028, 9, 15), [PhaseSpan(1, date(2027, 4, 1), date(2028, 3, 31), D("1")),
                         PhaseSpan(2, date(2028, 4, 1), date(2028, 9, 14), D("0.5"))]),
    (date(2027, 4, 1), []),  # ends where it starts
])
def test_a_statement_names_only_the_phases_the_schedule_reaches(ends_on, spans):
    assert phases_reached(CCDC, date(2027, 4, 1), ends_on) == spans


@pytest.mark.parametrize(("start", "ends_on", "length"), [
    (date(2027, 4, 1), date(2029, 4, 1), (24, 0)),
    (date(2027, 4, 1), date(2028, 4, 1), (12, 0)),
    (date(2025, 10, 1), date(2025, 12, 10), (2, 9)),
    (date(2025, 1, 31), date(2025, 2, 28), (1, 0)),  # 31 January + 1 month is 28 February
    (date(2025, 10, 1), date(2025, 10, 1), (0, 0)),
])
def test_length_in_months_and_days(start, ends_on, length):
    assert length_of(start, ends_on) == length
