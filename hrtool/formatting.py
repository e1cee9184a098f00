"""Display formats the way UK HR staff write them: money, dates, hours. Also Jinja filters."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

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
    app.add_template_global(describe_change, "describe_change")


def describe_change(event: Any) -> str:
    """An audit event's change in words: 'Hours per week: 37 → 30; Reason: ...'."""
    before = event.before or {}
    after = event.after or {}
    parts = []
    for key in list(after) or list(before):
        label = key.replace("_", " ").capitalize()
        old, new = before.get(key), after.get(key)
        if event.action == "update":
            parts.append(f"{label}: {_plain(old)} → {_plain(new)}")
        elif event.action == "create":
            if new not in (None, ""):
                parts.append(f"{label}: {_plain(new)}")
        else:
            parts.append(f"{label}: {_plain(new if new is not None else old)}")
    return "; ".join(parts)


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)
