"""The pure helpers that turn pay years and record changes into dated salary steps (issue 7)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hrtool.domain.protection import (
    END_CAUGHT_UP,
    END_EARLY,
    END_LAST_PHASE,
    ProtectionEnd,
    early_ending_kinds,
    end_in_words,
    pay_year_starts,
    salary_steps,
)


def test_pay_year_starts_strictly_between():
    assert pay_year_starts(date(2024, 10, 1), date(2026, 10, 1)) == [date(2025, 4, 1), date(2026, 4, 1)]
    assert pay_year_starts(date(2024, 4, 1), date(2025, 4, 1)) == []
    assert pay_year_starts(date(2024, 3, 31), date(2024, 4, 2)) == [date(2024, 4, 1)]


def test_salary_steps_leave_out_changes_that_change_nothing():
    values = {date(2025, 4, 1): Decimal(32600), date(2025, 9, 1): Decimal(32600),
              date(2026, 4, 1): Decimal(33500)}
    steps = salary_steps(date(2024, 10, 1), Decimal(31586), [date(2026, 4, 1), date(2025, 4, 1), date(2025, 9, 1),
                                                                 date(2024, 1, 1)], values.__getitem__)
    assert steps == [(date(2024, 10, 1), Decimal(31586)), (date(2025, 4, 1), Decimal(32600)),
                     (date(2026, 4, 1), Decimal(33500))]


def test_early_endings_and_words():
    assert early_ending_kinds(["promotion", "new salary reaches protected salary", "leaving"]) == ["promotion", "leaving"]
    assert "promoted" in end_in_words(ProtectionEnd(date(2025, 1, 1), END_EARLY), "promotion")
    assert "reaches the salary you had" in end_in_words(ProtectionEnd(date(2025, 1, 1), END_CAUGHT_UP))
    assert "comes to an end" in end_in_words(ProtectionEnd(date(2025, 1, 1), END_LAST_PHASE))
