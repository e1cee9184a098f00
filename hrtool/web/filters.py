"""Jinja filters for display: money and dates the way UK HR staff write them."""
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


def register_filters(app: Flask) -> None:
    app.add_template_filter(money, "money")
    app.add_template_filter(uk_date, "uk_date")
    app.add_template_filter(uk_datetime, "uk_datetime")
