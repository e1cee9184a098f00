"""Reading the appeal forms: the factors ticked with their reasons and levels, the panel, dates.
Each reader returns what was typed (to show again) and the problems found, field by field."""
from __future__ import annotations

from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from ...services.pay.jes.appeals import Ground
from ...services.pay.job_evaluations import Member

FACTORS = range(1, 14)
PANEL_ROWS = 4


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() else None


def parse_date(text: str) -> date | None:
    text = text.strip()
    for parse in (date.fromisoformat, lambda t: date(*reversed([int(p) for p in t.split("/")]))):
        try:
            return parse(text)
        except (ValueError, TypeError):
            continue
    return None


def grounds(form: MultiDict[str, str]) -> tuple[list[Ground], dict[str, str]]:
    """The factors ticked, each with the reasons and level sought typed beside it."""
    found: list[Ground] = []
    problems: dict[str, str] = {}
    for raw in form.getlist("factor"):
        factor = _int(raw)
        if factor is None or factor not in FACTORS:
            problems["grounds"] = "Choose factors from the list."
            continue
        sought_text = form.get(f"sought_{factor}", "").strip()
        sought = _int(sought_text)
        if sought_text and sought is None:
            problems[f"factor_{factor}"] = f"Factor {factor}: the level you seek is a whole number, or leave it blank."
            continue
        found.append(Ground(factor, form.get(f"reasons_{factor}", ""), sought))
    return found, problems


def typed_grounds(form: MultiDict[str, str]) -> dict[str, Any]:
    """What was typed in the appeal form, to show it again."""
    return {"ticked": {_int(v) for v in form.getlist("factor")},
            "reasons": {n: form.get(f"reasons_{n}", "") for n in FACTORS},
            "sought": {n: form.get(f"sought_{n}", "") for n in FACTORS}}


def decision(form: MultiDict[str, str], appealed: list[int]) -> tuple[dict[str, Any], dict[str, str]]:
    """The decide form: outcome, new levels of the appealed factors, panel, dates, notes."""
    problems: dict[str, str] = {}
    levels: dict[int, int] = {}
    for factor in appealed:
        text = form.get(f"level_{factor}", "").strip()
        if not text:
            continue
        level = _int(text)
        if level is None:
            problems[f"level_{factor}"] = f"Factor {factor}: the new level is a whole number, or leave it blank."
        else:
            levels[factor] = level
    panel = []
    for row in range(PANEL_ROWS):
        name = form.get(f"panel_name_{row}", "").strip()
        if name:
            panel.append(Member(name, form.get(f"panel_side_{row}", ""), form.get(f"panel_role_{row}", "")))
    dates = {}
    for name, label in (("decided_on", "the date the panel decided"), ("effective_from", "the date it takes effect")):
        dates[name] = parse_date(form.get(name, ""))
        if dates[name] is None and (name == "decided_on" or form.get("outcome") != "not upheld"):
            problems[name] = f"Enter {label} as a date, for example 2024-09-02."
    version = _int(form.get("version", ""))
    return ({"outcome": form.get("outcome", ""), "levels": levels, "panel": panel, "notes": form.get("notes", ""),
             "decided_on": dates["decided_on"], "effective_from": dates["effective_from"], "version": version},
            problems)
