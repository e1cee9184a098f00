"""Dates within sense: the plausible window of each kind of date, read from the rule
settings in force on the day (domain/date_windows.py says what a window is; the defaults are
hrtool/reference_data/date_windows.csv; an administrator changes them on the rules pages).

`check` is the one line a service function that takes a person's date calls at its top: it
raises DomainError naming the form field and the window. `problem` gives the same words without
raising (form validators, the import's row errors). `held_warning` is for pages that meet a date
held from before the window was a rule: shown as a warning, never an error page. `outside` gives
a window's first and last days, for queries that set such rows apart (the HR dashboard)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select

from ...domain.date_windows import (
    KEY_PREFIX,
    LABELS,
    PARTS,
    YEARS_BEFORE_PAY_YEAR,
    Anchor,
    Bounds,
    DateWindow,
    award_agreed_anchor,
    bounds,
    date_problem,
    window_from,
)
from ...domain.date_windows import (
    held_warning as _held_warning,
)
from ...domain.dates import pay_year_start
from ...errors import DomainError
from ...extensions import db
from ...models import RuleSetting

__all__ = ["Anchor", "check", "check_award", "check_details", "edges", "held_warning", "problem", "window"]


def window(kind: str, today: date) -> DateWindow:
    """The window of `kind` held in the rule settings in force on `today` (the latest value of
    each of its bounds starting on or before that day). A kind with no settings held has no bounds."""
    if kind not in LABELS:
        raise KeyError(f"no date window is defined for {kind!r}")
    prefix = f"{KEY_PREFIX}.{kind}."
    rows = db.session.execute(
        select(RuleSetting.key, RuleSetting.value).where(RuleSetting.key.startswith(prefix, autoescape=True),
                                                         RuleSetting.effective_from <= today)
        .order_by(RuleSetting.key, RuleSetting.effective_from)).all()
    latest = {key.removeprefix(prefix): value for key, value in rows}  # later rows replace earlier ones
    values: dict[str, date | int] = {}
    for part in PARTS:
        text = (latest.get(part) or "").strip()
        if text:
            values[part] = date.fromisoformat(text) if "-" in text else int(text)
    return window_from(values)


def _today(today: date | None) -> date:
    return today or date.today()


def problem(kind: str, value: date | None, *, today: date | None = None, not_before: Sequence[Anchor] = (),
            not_after: Sequence[Anchor] = ()) -> str | None:
    """What is wrong with `value` as a date of `kind` today, in words; None if nothing (or no date)."""
    if value is None:
        return None
    day = _today(today)
    return date_problem(LABELS[kind], value, window(kind, day), day, not_before, not_after)


def check(kind: str, value: date | None, *, field: str | None = None, today: date | None = None,
          not_before: Sequence[Anchor] = (), not_after: Sequence[Anchor] = ()) -> None:
    """Refuse a date of `kind` outside its plausible window: DomainError naming `field` (the form
    field; `kind` if not given) and the window. No date (an optional one left empty) passes."""
    found = problem(kind, value, today=today, not_before=not_before, not_after=not_after)
    if found:
        raise DomainError(found, field=field or kind)


def check_award(pay_year_from: date | None, agreed_on: date | None, *, today: date | None = None) -> None:
    """A pay award's dates: its pay year within the plausible pay years, and the date it was agreed
    within its window (not after today) and not long before its pay year starts (awards are
    agreed, often late, for a pay year that has begun; a two-year agreement up to a year before)."""
    check("pay_year", pay_year_from, field="pay_year_from", today=today)
    if pay_year_from is None or agreed_on is None:
        return
    day = _today(today)
    before = db.session.scalars(select(RuleSetting.value).where(
        RuleSetting.key == YEARS_BEFORE_PAY_YEAR, RuleSetting.effective_from <= day)
        .order_by(RuleSetting.effective_from.desc()).limit(1)).first()
    anchor = award_agreed_anchor(pay_year_start(pay_year_from), int(before or 0))
    check("award_agreed_on", agreed_on, field="agreed_on", today=day, not_before=[anchor])


def held_award_warning(pay_year_from: date, agreed_on: date | None, *, today: date | None = None) -> str | None:
    """A warning for a page showing an award held with a date agreed outside its window (entered
    before the rule): the page still shows the award, and says to correct the date."""
    if agreed_on is None:
        return None
    day = _today(today)
    before = db.session.scalars(select(RuleSetting.value).where(
        RuleSetting.key == YEARS_BEFORE_PAY_YEAR, RuleSetting.effective_from <= day)
        .order_by(RuleSetting.effective_from.desc()).limit(1)).first()
    anchor = award_agreed_anchor(pay_year_start(pay_year_from), int(before or 0))
    return held_warning("award_agreed_on", agreed_on, "This award's date agreed", today=day, not_before=[anchor],
                        action="correct it on the award before relying on these arrears")


def check_details(values: Mapping[str, Any], *, today: date | None = None) -> None:
    """A person's details as a form or file gives them: the date of birth and the continuous
    service date, where given, each in its window."""
    check("date_of_birth", values.get("date_of_birth"), today=today)
    check("continuous_service_date", values.get("continuous_service_date"), today=today)


def held_warning(kind: str, value: date | None, what: str, *, today: date | None = None,
                 not_before: Sequence[Anchor] = (), not_after: Sequence[Anchor] = (),
                 action: str = "correct it") -> str | None:
    """A warning for a page showing a held date outside its window: "This transfer's date,
    1 January 1900, is outside the plausible window (...): correct it." None if it is inside."""
    if value is None:
        return None
    day = _today(today)
    return _held_warning(what, value, window(kind, day), day, not_before, not_after, action)


def edges(kind: str, today: date | None = None) -> Bounds:
    """The first and last days of `kind`'s window today (either may be None: open on that side)."""
    day = _today(today)
    return bounds(window(kind, day), day)
