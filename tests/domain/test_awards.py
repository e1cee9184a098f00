"""Pay awards as rules, checked against the published NJC spines in the reference data: applying
each year's award to the previous year's spine gives exactly the next year's spine."""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from hrtool.domain.pay import AwardRule, apply_award, parse_scps, round_half_up_to

POUND = Decimal("1")


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("hrtool").joinpath("reference_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def _spines() -> dict[date, dict[int, Decimal]]:
    spines: dict[date, dict[int, Decimal]] = {}
    for row in _csv("njc_pay_spine.csv"):
        for year, salary in row.items():
            if year != "scp" and salary:
                spines.setdefault(date.fromisoformat(year), {})[int(row["scp"])] = Decimal(salary)
    return spines


def _awards() -> dict[date, AwardRule]:
    return {date.fromisoformat(r["pay_year_from"]): AwardRule(r["kind"], Decimal(r["amount"]), int(r["scp_from"]),
                                                              int(r["scp_to"]), parse_scps(r["deleted_scps"]))
            for r in _csv("njc_pay_awards.csv")}


SPINES, AWARDS = _spines(), _awards()


@pytest.mark.parametrize("year", [y for y in sorted(AWARDS) if date(y.year - 1, 4, 1) in SPINES and y in SPINES])
def test_each_award_turns_last_years_spine_into_this_years(year):
    previous = SPINES[date(year.year - 1, 4, 1)]
    assert apply_award(previous, AWARDS[year], POUND) == SPINES[year]


@pytest.mark.parametrize("year, scp, salary", [
    (date(2023, 4, 1), 2, "22366"),  # published NJC figures
    (date(2024, 4, 1), 2, "23656"),
    (date(2023, 4, 1), 43, "51515"),
    (date(2022, 4, 1), 1, "20258"),
])
def test_published_spine_values(year, scp, salary):
    assert SPINES[year][scp] == Decimal(salary)


def test_scp_1_is_deleted_from_2023():
    assert 1 in SPINES[date(2022, 4, 1)] and 1 not in SPINES[date(2023, 4, 1)]
    assert 1 not in apply_award(SPINES[date(2022, 4, 1)], AWARDS[date(2023, 4, 1)], POUND)


def test_the_provisional_2025_award():
    # 3.2% on SCP 2-43: 23,656 x 1.032 = 24,412.992 -> £24,413; 52,805 x 1.032 = 54,494.76 -> £54,495.
    spine = apply_award(SPINES[date(2024, 4, 1)], AWARDS[date(2025, 4, 1)], POUND)
    assert spine[2] == Decimal("24413")
    assert spine[43] == Decimal("54495")
    assert sorted(spine) == list(range(2, 44))


SPINE = {1: Decimal("100"), 2: Decimal("200"), 3: Decimal("300"), 4: Decimal("400")}


@pytest.mark.parametrize("rule, expected", [
    (AwardRule("flat_gbp", Decimal("10"), 2, 3), {1: "100", 2: "210", 3: "310", 4: "400"}),
    (AwardRule("flat_gbp", Decimal("10.50"), 1, 4, frozenset({1})), {2: "210.50", 3: "310.50", 4: "410.50"}),
    # 2.5% of 100 = 102.5 -> 103 (half up, not to even); of 200 = 205; of 300 = 307.5 -> 308
    (AwardRule("percent", Decimal("2.5"), 1, 3), {1: "103", 2: "205", 3: "308", 4: "400"}),
    # a deleted point outside the range is still deleted
    (AwardRule("percent", Decimal("1"), 2, 2, frozenset({4})), {1: "100", 2: "202", 3: "300"}),
])
def test_apply_award_rules(rule, expected):
    assert apply_award(SPINE, rule, POUND) == {k: Decimal(v) for k, v in expected.items()}


def test_percentages_round_to_the_rounding_step():
    rule = AwardRule("percent", Decimal("3.2"), 1, 1)
    assert apply_award({1: Decimal("23656")}, rule, Decimal("0.01")) == {1: Decimal("24412.99")}
    assert apply_award({1: Decimal("23656")}, rule, Decimal("5")) == {1: Decimal("24415")}


@pytest.mark.parametrize("amount, step, expected", [
    ("24412.5", "1", "24413"), ("24412.49", "1", "24412"), ("0.005", "0.01", "0.01"), ("12.5", "5", "15"),
])
def test_round_half_up_to(amount, step, expected):
    assert round_half_up_to(Decimal(amount), Decimal(step)) == Decimal(expected)


def test_award_rule_refuses_nonsense():
    with pytest.raises(ValueError):
        AwardRule("bonus", Decimal("1"), 1, 2)
    with pytest.raises(ValueError):
        AwardRule("flat_gbp", Decimal("1"), 5, 2)


@pytest.mark.parametrize("text, expected", [("", set()), ("1", {1}), ("1, 2", {1, 2}), ("1;3", {1, 3}), (" 4 ", {4})])
def test_parse_scps(text, expected):
    assert parse_scps(text) == frozenset(expected)


def test_parse_scps_refuses_words():
    with pytest.raises(ValueError):
        parse_scps("one")
