"""Amounts as people type them (domain/money.py): worked by hand."""
from decimal import Decimal

import pytest

from hrtool.domain.money import NotAnAmount, parse_amount


@pytest.mark.parametrize("text, expected", [
    ("£1,234.50", Decimal("1234.50")),
    ("1234.5", Decimal("1234.5")),
    (" £ 12 ", Decimal("12")),
    ("£1,234,567.89", Decimal("1234567.89")),
    ("999,999", Decimal("999999")),
    ("0", Decimal("0")),
    ("007", Decimal("7")),
    ("12.", Decimal("12")),
    (".5", Decimal("0.5")),
    ("1,000.", Decimal("1000")),
])
def test_amounts_read(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


def test_places_are_kept() -> None:
    # Callers check "to the penny" on the Decimal's own places.
    assert parse_amount("1234.50").as_tuple().exponent == -2
    assert parse_amount("£1,234.500").as_tuple().exponent == -3


@pytest.mark.parametrize("text", [
    "", " ", "£", ".", "£.", "1,23", "12,3456", ",123", "1,,000", "1,000,00", "1 234", "12£", "£12£",
    "1.2.3", "1e3", "NaN", "Infinity", "1_000", "١٢", "１２", "-3", "+3", "12%", "£ -3", "twelve",
])
def test_refused_by_default(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(text)


@pytest.mark.parametrize("text, expected", [
    ("-£3.00", Decimal("-3.00")),
    ("£-3.00", Decimal("-3.00")),
    ("- £ 3", Decimal("-3")),
    ("+12", Decimal("12")),
    ("-0", Decimal("0")),
    ("-.5", Decimal("-0.5")),
    ("£1,234.50", Decimal("1234.50")),
])
def test_signed(text: str, expected: Decimal) -> None:
    assert parse_amount(text, signed=True) == expected


@pytest.mark.parametrize("text", ["-£-3", "--3", "3-", "+-3", "£"])
def test_signed_refuses_more_than_one_sign_or_a_sign_after(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(text, signed=True)


@pytest.mark.parametrize("text, expected", [
    ("1 234.50", Decimal("1234.50")),
    ("£1 234 567", Decimal("1234567")),
    ("1,234", Decimal("1234")),
])
def test_spaces_between_thousands(text: str, expected: Decimal) -> None:
    assert parse_amount(text, spaces=True) == expected


@pytest.mark.parametrize("text", ["12 34", "1  234", "1 23"])
def test_spaces_must_separate_thousands(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(text, spaces=True)


@pytest.mark.parametrize("text, expected", [("2.5%", Decimal("2.5")), ("12 %", Decimal("12")), ("1,000", Decimal("1000"))])
def test_percent(text: str, expected: Decimal) -> None:
    assert parse_amount(text, percent=True) == expected


@pytest.mark.parametrize("text", ["%", "%12", "12%%"])
def test_percent_only_after_a_number(text: str) -> None:
    with pytest.raises(NotAnAmount):
        parse_amount(text, percent=True)


def test_whole() -> None:
    assert parse_amount("£1,200", whole=True) == 1200
    assert parse_amount("-7", whole=True, signed=True) == -7
    for text in ("12.", "12.0", ".5", "1.5"):
        with pytest.raises(NotAnAmount):
            parse_amount(text, whole=True)


def test_refusal_is_a_value_error_naming_the_text() -> None:
    with pytest.raises(ValueError, match="'1,23' is not an amount"):
        parse_amount("1,23")
