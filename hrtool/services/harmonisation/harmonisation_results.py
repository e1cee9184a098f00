"""What a harmonisation model run found, as typed records kept as JSON on the model row (money as
exact strings, dates as ISO text), so a saved model shows and compares exactly as it ran even
after the workforce or the pay spine has moved on."""
from __future__ import annotations

import types
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Union, cast, get_args, get_origin, get_type_hints

from ...domain.protection import financial_year

# Bumped when the shape changes; results saved in another shape are treated as "run it again".
FORMAT = 1


@dataclass(frozen=True)
class Figures:
    """People and money for one group (everyone, a council, a grade). Pay is annual at
    contractual hours; the on-cost figures include the employer's on-costs."""

    label: str
    people: int
    up: int
    same: int
    down: int
    pay_before: Decimal
    pay_after: Decimal
    change_with_on_costs: Decimal
    protection_with_on_costs: Decimal

    @property
    def change(self) -> Decimal:
        return self.pay_after - self.pay_before


@dataclass(frozen=True)
class GradeRow:
    grade: str
    points_min: int
    points_max: int
    scp_min: int
    scp_max: int
    salary_min: Decimal | None  # full-time, from the spine the model ran on
    salary_max: Decimal | None
    figures: Figures
    by_employer: dict[str, int]


@dataclass(frozen=True)
class GroupRow:
    label: str
    up: int
    same: int
    down: int

    @property
    def total(self) -> int:
        return self.up + self.same + self.down


@dataclass(frozen=True)
class Gap:
    mean: Decimal | None  # per cent of men's hourly pay; None without both men and women
    median: Decimal | None
    men: int
    women: int


@dataclass(frozen=True)
class Affected:
    """Someone whose pay would change. Salaries are annual at their contractual hours."""

    employee_id: int
    person_number: str
    employer: str
    post_title: str
    hours: Decimal
    grade_before: str | None
    scp_before: int
    salary_before: Decimal
    grade_after: str
    scp_after: int
    salary_after: Decimal
    direction: str
    protection_policy: str  # the policy's name, "" if none applies
    protection_months: int
    protection_cost: Decimal  # pay only, no on-costs


@dataclass(frozen=True)
class ConventionChange:
    """A factor level the model's set of conventions changed in one post's evaluation."""

    factor: int
    factor_name: str
    situation: str
    level_before: int
    level_after: int
    points: int  # after minus before


@dataclass(frozen=True)
class PostRescored:
    """A post whose points the model's set of conventions changed."""

    post_id: int
    post_number: str
    title: str
    council: str
    evaluated_on: date
    points_before: int  # its latest evaluation's points
    points_after: int  # re-evaluated under the set, scored under the plan in force on the as-at date
    changes: list[ConventionChange]


@dataclass(frozen=True)
class ConventionsUsed:
    """The set of local conventions a model re-evaluated posts under, and what it did."""

    set_id: int
    name: str
    kind: str  # a council's code, or "draft" (a merged draft set)
    scheme_version: str  # the factor plan the posts were re-scored under
    posts_reevaluated: int  # posts with factor levels, re-evaluated under the set
    posts_total_only: int  # posts whose latest evaluation holds only a total: kept as it is
    posts_not_evaluated: int  # posts with no evaluation on or before the date: the score held on the post
    posts: list[PostRescored]  # those whose points changed


@dataclass(frozen=True)
class Results:
    as_of: date
    ran_at: datetime
    pay_year: date | None  # the pay year of the spine used
    on_cost_rate: Decimal
    full_time_hours: Decimal
    weeks_per_year: Decimal
    age_bands: str
    total: Figures
    councils: list[Figures]  # label: council code
    council_names: dict[str, str]
    grades: list[GradeRow]
    excluded: dict[str, int]  # reason -> people
    protection_pay: Decimal  # all protection payments, no on-costs
    protection_by_year: dict[str, Decimal]  # financial year -> with on-costs
    protection_by_council_year: dict[str, dict[str, Decimal]]  # council -> year -> with on-costs
    protected_people: dict[str, int]  # council -> people with a protection payment
    protected_people_by_year: dict[str, dict[str, int]]  # council -> financial year -> people paid
    no_policy: int  # people going down whose employer has no pay protection policy
    by_sex: list[GroupRow]
    by_age_band: list[GroupRow]
    gap_before: Gap
    gap_after: Gap
    affected: list[Affected]
    # the set of conventions posts were re-evaluated under (None: each post as evaluated).
    # Results saved before it have no such key and read as None.
    conventions: ConventionsUsed | None = None

    @property
    def excluded_total(self) -> int:
        return sum(self.excluded.values())

    @property
    def pay_year_label(self) -> str:
        return financial_year(self.pay_year) if self.pay_year else "no known year"


def to_json(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, list):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    return value


@cache
def _fields_of(kind: type) -> tuple[tuple[str, Any], ...]:
    """A dataclass's field names and resolved types (resolving them is slow; results hold thousands)."""
    hints = get_type_hints(kind)
    return tuple((f.name, hints[f.name]) for f in fields(kind))


def from_json(kind: Any, data: Any) -> Any:
    """Rebuild a value of type `kind` (a dataclass above, or the types they use) from JSON."""
    if data is None:
        return None
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in get_args(kind) if a is not type(None)]
        return from_json(inner, data)
    if origin is list:
        return [from_json(get_args(kind)[0], v) for v in data]
    if origin is dict:
        return {k: from_json(get_args(kind)[1], v) for k, v in data.items()}
    if is_dataclass(kind):  # a field older results lack takes its default (none: TypeError, "run it again")
        dataclass_type = cast(type, kind)  # a dataclass, never an instance of one
        return dataclass_type(**{name: from_json(hint, data[name]) for name, hint in _fields_of(dataclass_type)
                                 if name in data})
    if kind is Decimal:
        return Decimal(data)
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    return data


def dump(results: Results) -> dict[str, Any]:
    return {"format": FORMAT, **to_json(results)}


def load(data: dict[str, Any] | None) -> Results | None:
    """The saved results, or None if the model has not been run (or ran in an older shape)."""
    if not data or data.get("format") != FORMAT:
        return None
    try:
        return from_json(Results, data)  # type: ignore[no-any-return]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None
