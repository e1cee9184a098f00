"""A policy body (JSON: values, nested groups, lists of rows) as the items of a form, and the
answers to that form read back into a new body of the same shape and types. Pure.

`describe` turns a body into Values (one labelled box each, nested groups flattened into the
label: "Standby: weekday night (£)") and Tables (a list of rows, each row's keys the columns).
`read_body` reads the answers, keyed by the names `value_name` and `cell_name` give, into a
new body: every value keeps its type (rule_values), rows left blank are dropped, and anything the
form cannot show (a list of lists, say) is carried over unchanged. A policy's review date
(`review_on`) is not one of the items: its own date field sets it (`review_date`)."""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from .rule_values import Kind, ValueProblem, infer_kind, parse_value, shown, stored_like

Path = tuple[str, ...]

# A policy's review date (YYYY-MM-DD) at the top of its body: it has its own date field on the
# forms and its own line on the pages, so it is never drawn as one of the body's values.
REVIEW_ON = "review_on"

# Labels for keys whose words alone do not read well; any other key is humanised.
LABELS: dict[str, str] = {
    "multiplier_of_statutory_weeks": "Multiplier of the statutory weeks",
    "max_weeks": "Maximum number of weeks' pay",
    "week_pay": "Week's pay used (actual or statutory)",
    "date_rule": "Increment date rule (1 April or anniversary)",
    "min_months_in_post": "Minimum months in post before an increment",
    "trial_period_weeks": "Trial period (weeks)",
    "period_days": "Period (days)",
    "from_dismissals": "From (number of dismissals)",
    "days_before": "Days before the transfer",
    "from_years": "From (complete years of service)",
    "working_week_hours": "Working week (hours)",
}
PREFIXES = {"slot_in": "Slot-in", "ring_fence": "Ring fence"}
WORDS = {"min": "minimum", "max": "maximum", "gbp": "(£)", "percent": "(%)", "pct": "(%)", "scp": "SCP",
         "tupe": "TUPE", "je": "JE", "njc": "NJC"}
LONG_TEXT = 80  # text longer than this gets a text area


def humanise(key: str) -> str:
    """'slot_in_min_job_match_percent' -> 'Slot-in: minimum job match (%)'."""
    if key in LABELS:
        return LABELS[key]
    for prefix, label in PREFIXES.items():
        if key.startswith(prefix + "_"):
            rest = humanise(key[len(prefix) + 1:])
            return f"{label}: {rest[:1].lower()}{rest[1:]}"
    words = [WORDS.get(w, w) for w in re.split(r"[_\s]+", key.strip()) if w]
    text = " ".join(words) or key
    return text[:1].upper() + text[1:]


def label_for(path: Path) -> str:
    """A readable label for a key path: the groups, then the key ('Standby: weekday night (£)')."""
    parts = [humanise(p) for p in path]
    return ": ".join([parts[0], *[p[:1].lower() + p[1:] if not p.isupper() else p for p in parts[1:]]])


@dataclass(frozen=True)
class Value:
    path: Path
    label: str
    kind: Kind
    sample: Any  # the value held today: the new one is stored the same way
    long: bool
    required: bool


@dataclass(frozen=True)
class Column:
    key: str | None  # None: the list holds plain values, not rows of keys
    label: str
    kind: Kind
    sample: Any
    long: bool


@dataclass(frozen=True)
class Table:
    path: Path
    label: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]  # today's rows as the text in each box
    min_rows: int


Item = Value | Table


def value_name(index: int) -> str:
    return f"v{index}"


def cell_name(index: int, row: int, column: int) -> str:
    return f"t{index}-r{row}-c{column}"


CELL = re.compile(r"^t(\d+)-r(\d+)-c(\d+)$")


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def describe(body: Mapping[str, Any], *, kinds: Mapping[Path, Kind] | None = None,
             columns: Mapping[Path, Sequence[tuple[str, Kind]]] | None = None,
             min_rows: Mapping[Path, int] | None = None) -> list[Item]:
    """The body's items in its own order. `kinds` overrides an inferred type (a whole number
    today that may be a fraction tomorrow); `columns` gives the columns of a list that may be
    empty; `min_rows` how many rows a list must keep (default: 1 if it has rows today)."""
    kinds, columns, min_rows = kinds or {}, columns or {}, min_rows or {}
    items: list[Item] = []

    def walk(group: Mapping[str, Any], prefix: Path) -> None:
        for key, value in group.items():
            if not prefix and key == REVIEW_ON:
                continue  # carried over by read_body; the review date field sets it
            path = (*prefix, str(key))
            if isinstance(value, dict):
                walk(value, path)
            elif isinstance(value, list):
                table = _table(path, value, kinds, columns.get(path), min_rows.get(path))
                if table is not None:
                    items.append(table)
            elif _scalar(value):
                kind = kinds.get(path) or infer_kind(value)
                items.append(Value(path, label_for(path), kind, value,
                                   long=kind == "text" and len(str(value or "")) > LONG_TEXT,
                                   required=kind != "text" or bool(str(value or "").strip())))

    walk(body, ())
    return items


def _table(path: Path, rows: list[Any], kinds: Mapping[Path, Kind], hint: Sequence[tuple[str, Kind]] | None,
           least: int | None) -> Table | None:
    if rows and all(_scalar(r) for r in rows):  # a list of plain values: one column
        return _value_list(path, rows, kinds, least)
    if not all(isinstance(r, dict) and all(_scalar(v) for v in r.values()) for r in rows):
        return None  # not a table of plain values: carried over unchanged
    keys = _column_keys(rows, hint)
    if not keys:
        return None
    hinted = dict(hint or [])
    cols = [_column(path, key, rows, kinds, hinted) for key in keys]
    text_rows = tuple(tuple(shown(r.get(c.key), c.kind) for c in cols) for r in rows)
    return Table(path, label_for(path), tuple(cols), text_rows, (1 if rows else 0) if least is None else least)


def _value_list(path: Path, rows: list[Any], kinds: Mapping[Path, Kind], least: int | None) -> Table:
    """A list of plain values, as a table of one column."""
    sample = next((r for r in rows if r is not None), None)
    kind = kinds.get(path) or infer_kind(sample)
    column = Column(None, label_for(path), kind, sample, long=False)
    return Table(path, label_for(path), (column,), tuple((shown(r, kind),) for r in rows),
                 1 if least is None else least)


def _column_keys(rows: list[dict[str, Any]], hint: Sequence[tuple[str, Kind]] | None) -> list[str]:
    """The hinted columns first, then any other key in the order the rows first use it."""
    keys: list[str] = [k for k, _ in hint] if hint else []
    for row in rows:
        keys += [k for k in row if k not in keys]
    return keys


def _column(path: Path, key: str, rows: list[dict[str, Any]], kinds: Mapping[Path, Kind],
            hinted: Mapping[str, Kind]) -> Column:
    """One column: its kind as declared, hinted or inferred from its first value; long text when
    it is the `text` column or any value is longer than LONG_TEXT."""
    sample = next((r[key] for r in rows if r.get(key) is not None), None)
    kind = kinds.get((*path, key)) or hinted.get(key) or infer_kind(sample)
    long = kind == "text" and (key == "text" or any(len(str(r.get(key) or "")) > LONG_TEXT for r in rows))
    return Column(key, humanise(key), kind, sample, long=long)


def rows_answered(answers: Mapping[str, str], index: int) -> int:
    """How many rows of table `index` the answers hold (blank rows included)."""
    found = [int(m.group(2)) for m in (CELL.match(name) for name in answers) if m and int(m.group(1)) == index]
    return max(found) + 1 if found else 0


def read_body(body: Mapping[str, Any], items: Sequence[Item],
              answers: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The new body the answers give, and the problems found (field name -> message; the
    table's own name `t<index>` for a problem with the table as a whole)."""
    new = copy.deepcopy(dict(body))
    problems: dict[str, str] = {}
    for index, item in enumerate(items):
        if isinstance(item, Value):
            name = value_name(index)
            try:
                value = parse_value(answers.get(name), item.kind, item.label, required=item.required)
            except ValueProblem as problem:
                problems[name] = problem.message
                continue
            _put(new, item.path, None if value == "" and item.sample is None else stored_like(item.sample, value))
        else:
            rows = _read_table(index, item, answers, problems)
            if rows is not None:
                _put(new, item.path, rows)
    return new, problems


def _read_table(index: int, table: Table, answers: Mapping[str, str], problems: dict[str, str]) -> list[Any] | None:
    rows: list[Any] = []
    ok = True
    for row in range(rows_answered(answers, index)):
        texts = [(answers.get(cell_name(index, row, c)) or "").strip() for c in range(len(table.columns))]
        if not any(texts):
            continue  # a blank row: not there (this is how a row is removed)
        values: dict[str | None, Any] = {}
        for c, (column, text) in enumerate(zip(table.columns, texts)):
            label = f"{table.label}, row {row + 1}: {column.label[:1].lower()}{column.label[1:]}" \
                if column.key is not None else f"{table.label}, row {row + 1}"
            try:
                values[column.key] = stored_like(column.sample, parse_value(text, column.kind, label))
            except ValueProblem as problem:
                problems[cell_name(index, row, c)] = problem.message
                ok = False
        rows.append(values[None] if table.columns[0].key is None else values)
    if ok and len(rows) < table.min_rows:
        problems[f"t{index}"] = f"Enter at least {table.min_rows} row{'s' if table.min_rows != 1 else ''} in {table.label}"
        ok = False
    return rows if ok else None


def _put(body: dict[str, Any], path: Path, value: Any) -> None:
    group = body
    for key in path[:-1]:
        group = group[key]
    group[path[-1]] = value


def current_text(items: Sequence[Item]) -> dict[str, str]:
    """The answers that reproduce today's body: what a new-version form starts from."""
    answers: dict[str, str] = {}
    for index, item in enumerate(items):
        if isinstance(item, Value):
            answers[value_name(index)] = shown(item.sample, item.kind)
        else:
            for r, row in enumerate(item.rows):
                for c, text in enumerate(row):
                    answers[cell_name(index, r, c)] = text
    return answers


def review_date(body: Mapping[str, Any] | None) -> date | None:
    """A body's review date, or None if it has none (or one that is not a date)."""
    text = body.get(REVIEW_ON) if isinstance(body, Mapping) else None
    try:
        return date.fromisoformat(str(text)) if text else None
    except ValueError:
        return None
