"""Display formats the way UK HR staff write them: money, dates, hours. Also Jinja filters."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Flask


def money(value: Decimal | None) -> str:
    """£25,992.00; a negative amount as -£1,271.00 (the sign before the pound sign, never £-1,271.00)."""
    if value is None:
        return ""
    return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"


def money_change(value: Decimal | None) -> str:
    """A difference in words, as a letter states it: "an increase of £1,271.00", "a reduction of
    £1,271.00" (never a minus sign), or "no change"."""
    if value is None:
        return ""
    pence = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if pence == 0:
        return "no change"
    return f"{'an increase' if pence > 0 else 'a reduction'} of {money(abs(pence))}"


# Plurals a letter needs that do not just add "s".
IRREGULAR_PLURALS = {"person": "people", "week's pay": "weeks' pay", "employee's": "employees'"}


def plural(count: int | Decimal | None, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun agreeing: "1 month", "2 months", "1 person", "3 people", "1,200
    employees". Whole numbers only are singular at 1 (1.5 hours is plural)."""
    if count is None:
        return ""
    many = plural_form or IRREGULAR_PLURALS.get(singular) or (
        singular + "es" if singular.endswith(("s", "x", "ch", "sh")) else singular + "s")
    number = f"{count:,}" if isinstance(count, int) else hours(Decimal(count))
    return f"{number} {singular if count == 1 else many}"


def sentence(text: str | None) -> str | None:
    """Free text someone typed, made to stand as a sentence of its own: trimmed (spaces within a
    line tidied, line breaks kept), the first letter a capital, and a full stop at the end unless
    it already ends a sentence (a trailing comma, semicolon or colon gives way to the full stop).
    Never spliced into the middle of the letter's own grammar ("because Redeployed at their
    request" is what this prevents: a template puts it after a full stop, a colon or on its own
    line)."""
    if text is None or not any(ch.isalnum() for ch in text):
        return None  # nothing said ("", "-"): the letter waits for the record to say it
    lines = [" ".join(line.split()) for line in text.strip().splitlines()]
    words = "\n".join(line for line in lines if line)
    words = words[0].upper() + words[1:]
    closed = words.rstrip("\"'”’)]")
    if not closed.endswith((".", "!", "?", "…")):
        if closed == words:
            words = words.rstrip(",;:- ") + "."
        else:
            words += "."
    return words


NUMERIC_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")


def dates_in_words(text: str | None) -> str | None:
    """Dates written 01/04/2027 (day first, as UK records write them) inside recorded text, put
    as a letter writes them: "1 April 2027". Anything that is not a real date is left alone."""
    if text is None:
        return None

    def words(match: re.Match[str]) -> str:
        try:
            return uk_date(date(int(match.group(3)), int(match.group(2)), int(match.group(1))))
        except ValueError:
            return match.group(0)

    return NUMERIC_DATE.sub(words, text)


def quoted(text: str | None) -> str | None:
    """Free text quoted as it was recorded: “Redeployed at their request” (curly quotes, the
    words unchanged apart from spacing)."""
    if text is None or not text.strip():
        return None
    return f"“{' '.join(text.split())}”"


def service_phrase(name: str | None) -> str | None:
    """A service named in a sentence without doubling the word: "Electoral Services" and
    "Customer Services" stand as they are; "Licensing" becomes "the Licensing service"."""
    if name is None or not name.strip():
        return None
    name = " ".join(name.split())
    last = name.split()[-1].lower()
    return name if last in ("service", "services") else f"the {name} service"


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
    app.add_template_filter(money_change, "money_change")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(sentence, "sentence")
    app.add_template_filter(quoted, "quoted")
    app.add_template_filter(service_phrase, "service_phrase")
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
