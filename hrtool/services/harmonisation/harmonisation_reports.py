"""Reading saved harmonisation results: the list of models, charts for the results page, the
people affected (HR only, with names) and their export, and two models side by side. The
unions' summary is in harmonisation_union."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import select

from ...domain.equality import DOWN, UP
from ...extensions import db
from ...formatting import money
from ...models import Employee, HarmonisationModel
from ..platform import audit
from ..platform.tabular import write_table
from ..platform.unit_of_work import transaction
from .harmonisation import ENTITY
from .harmonisation_results import FORMAT, Affected, GroupRow, Results, load

DIRECTIONS = {UP: "Up", "same": "Same", DOWN: "Down"}


def signed_money(value: Decimal | None) -> str:
    """£1,234.56, and -£1,234.56 for a saving (the shared `money` filter writes £-1,234.56)."""
    if value is None:
        return ""
    return f"-{money(-value)}" if value < 0 else money(value)


def pounds(value: Decimal | None) -> str:
    """Spine salaries are whole pounds: £25,000 rather than £25,000.00."""
    if value is None or value != value.to_integral_value():
        return signed_money(value)
    return f"£{value:,.0f}"


def percent(rate: Decimal) -> str:
    """A rate held as a fraction, as people write it: 0.28 -> 28%."""
    return f"{(rate * 100).normalize():f}%"


def results_of(model: HarmonisationModel) -> Results | None:
    return load(model.results)


# -- the results page ---------------------------------------------------------------------------

def _share(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass(frozen=True)
class Listing:
    id: int
    name: str
    description: str
    based_on: str
    as_of: date | None
    ran_at: datetime | None
    people: int | None
    up: int | None
    same: int | None
    down: int | None


def saved_models() -> list[Listing]:
    """Every saved model with its headline counts, read out of the results JSON by the database so
    the list never loads whole result sets."""
    results = HarmonisationModel.results
    rows = db.session.execute(select(
        HarmonisationModel.id, HarmonisationModel.name, HarmonisationModel.description, HarmonisationModel.based_on,
        HarmonisationModel.as_of, results[("format",)].as_integer(), results[("ran_at",)].as_string(),
        *[results[("total", key)].as_integer() for key in ("people", "up", "same", "down")],
    ).order_by(HarmonisationModel.name))
    listings = []
    for model_id, name, description, based_on, as_of, fmt, ran_at, *counts in rows:
        ran = fmt == FORMAT and ran_at is not None
        people, up, same, down = counts if ran else (None, None, None, None)
        listings.append(Listing(model_id, name, description, based_on, as_of,
                                datetime.fromisoformat(ran_at) if ran else None, people, up, same, down))
    return listings


def run_models() -> list[tuple[str, str]]:
    """(id, name) of the models that have results, for choosing two to compare."""
    return [(str(m.id), m.name) for m in saved_models() if m.ran_at is not None]


def charts(results: Results) -> dict[str, list[dict[str, Any]]]:
    return {"outcome": outcome_chart(results), "down_by_sex": down_chart(results.by_sex),
            "down_by_age": down_chart(results.by_age_band)}


def outcome_chart(results: Results) -> list[dict[str, Any]]:
    """Rows for the bar_chart macro: people going up, staying the same and going down."""
    total = results.total.people
    return [{"label": label, "value": f"{n:,}", "pct": _share(n, total)}
            for label, n in (("Up", results.total.up), ("Same", results.total.same), ("Down", results.total.down))]


def down_chart(groups: Sequence[GroupRow]) -> list[dict[str, Any]]:
    """Rows for the bar_chart macro: how many in each group go down, and what share of the group."""
    return [{"label": g.label, "value": f"{g.down:,} of {g.total:,}", "pct": _share(g.down, g.total)} for g in groups]


@dataclass(frozen=True)
class AffectedPerson:
    row: Affected
    name: str

    @property
    def change(self) -> Decimal:
        return self.row.salary_after - self.row.salary_before


def affected_people(results: Results) -> list[AffectedPerson]:
    """Everyone whose pay would change, with today's names (HR only)."""
    ids = {a.employee_id for a in results.affected}
    names: dict[int, str] = {}
    for start in range(0, len(ids), 1000):  # bounded IN lists
        chunk = sorted(ids)[start:start + 1000]
        names.update({i: f"{last}, {first}" for i, first, last in db.session.execute(
            select(Employee.id, Employee.first_name, Employee.last_name).where(Employee.id.in_(chunk)))})
    return [AffectedPerson(a, names.get(a.employee_id, "(no longer held)")) for a in results.affected]


EXPORT_COLUMNS = [
    ("person_number", "text"), ("name", "text"), ("employer", "text"), ("post", "text"), ("hours_per_week", "number"),
    ("grade_now", "text"), ("scp_now", "number"), ("salary_now", "money"), ("grade_under_model", "text"),
    ("scp_under_model", "number"), ("salary_under_model", "money"), ("change", "money"), ("direction", "text"),
    ("protection_policy", "text"), ("protection_months", "number"), ("protection_cost", "money"),
]


@transaction
def export_affected(model: HarmonisationModel, results: Results, out: BinaryIO, fmt: str) -> int:
    """Write the people affected as CSV or XLSX (salaries at contractual hours), and audit it."""
    people = affected_people(results)
    count = write_table(out, fmt, EXPORT_COLUMNS, (
        [p.row.person_number, p.name, p.row.employer, p.row.post_title, p.row.hours, p.row.grade_before,
         p.row.scp_before, p.row.salary_before, p.row.grade_after, p.row.scp_after, p.row.salary_after, p.change,
         DIRECTIONS[p.row.direction], p.row.protection_policy, p.row.protection_months, p.row.protection_cost]
        for p in people))
    audit.record("export", ENTITY, model.id, after={"format": fmt, "rows": count, "what": "people affected"})
    return count


@dataclass(frozen=True)
class ConventionEffect:
    """One change a model's set of conventions made (a factor's level for a situation), summed over posts."""

    factor: int
    factor_name: str
    situation: str
    level_before: int
    level_after: int
    posts: int
    points: int  # summed over the posts


def convention_effects(results: Results) -> list[ConventionEffect]:
    """What the model's set of conventions changed, by convention, largest effect on points first."""
    if results.conventions is None:
        return []
    found: dict[tuple[int, str, int, int], list[int]] = {}
    names: dict[int, str] = {}
    for post in results.conventions.posts:
        for c in post.changes:
            names[c.factor] = c.factor_name
            found.setdefault((c.factor, c.situation, c.level_before, c.level_after), []).append(c.points)
    effects = [ConventionEffect(f, names[f], text, before, after, len(points), sum(points))
               for (f, text, before, after), points in found.items()]
    return sorted(effects, key=lambda e: (-abs(e.points), e.factor, e.situation, e.level_before))


# -- two models side by side ----------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    label: str
    kind: str  # count / money / percent
    a: Decimal | int | None
    b: Decimal | int | None

    @property
    def difference(self) -> Decimal | int | None:
        return None if self.a is None or self.b is None else self.b - self.a


def compare(a: Results, b: Results) -> list[Line]:
    """The headline figures of two runs, line by line, with B minus A."""
    lines = [
        Line("People in the model", "count", a.total.people, b.total.people),
        Line("Going up", "count", a.total.up, b.total.up),
        Line("Staying the same", "count", a.total.same, b.total.same),
        Line("Going down", "count", a.total.down, b.total.down),
        Line("Left out (chief officers, posts without a score)", "count", a.excluded_total, b.excluded_total),
        Line("Pay bill now", "money", a.total.pay_before, b.total.pay_before),
        Line("Pay bill under the model", "money", a.total.pay_after, b.total.pay_after),
        Line("Annual cost of the change, with on-costs", "money", a.total.change_with_on_costs,
             b.total.change_with_on_costs),
        Line("Pay protection cost, with on-costs", "money", a.total.protection_with_on_costs,
             b.total.protection_with_on_costs),
    ]
    a_councils, b_councils = {f.label: f for f in a.councils}, {f.label: f for f in b.councils}
    for code in sorted(set(a_councils) | set(b_councils)):
        fa, fb = a_councils.get(code), b_councils.get(code)
        for label, kind, name in ((f"{code}: going down", "count", "down"),
                                  (f"{code}: annual cost, with on-costs", "money", "change_with_on_costs"),
                                  (f"{code}: protection cost, with on-costs", "money", "protection_with_on_costs")):
            lines.append(Line(label, kind, getattr(fa, name, None), getattr(fb, name, None)))
    for label, ga, gb in zip(("Women going down", "Men going down"), a.by_sex, b.by_sex, strict=False):
        lines.append(Line(label, "count", ga.down, gb.down))
    lines += [
        Line("Mean hourly pay gap after (%)", "percent", a.gap_after.mean, b.gap_after.mean),
        Line("Median hourly pay gap after (%)", "percent", a.gap_after.median, b.gap_after.median),
    ]
    return lines
