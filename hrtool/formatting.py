"""Display formats the way UK HR staff write them: money, dates, hours. Also Jinja filters."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import Flask


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"£{value:,.2f}"


def uk_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y at %H:%M}"


def hours(value: Decimal | None) -> str:
    """37.00 -> 37, 18.50 -> 18.5."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def register_filters(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(uk_date, "uk_date")
    app.add_template_filter(uk_datetime, "uk_datetime")
    app.add_template_filter(hours, "hours")
