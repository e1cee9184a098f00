"""The pay award run: arrears owed to everyone on the NJC spine when an award is agreed after it
took effect (DOMAIN.md 3.2). The rule is `domain.arrears.arrears_owed`; this module
finds the people (in one query), prices each stretch of their contracts on the previous and the
award's pay year spines, totals by employing council, and exports the list."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import or_, select

from ...domain.arrears import Arrears, PaySpell, arrears_owed, first_of_month, next_month
from ...errors import DomainError
from ...extensions import db
from ...formatting import hours
from ...models import Assignment, Council, Employee, Employment, PayAward, Post
from ..people.records import rule_value
from ..platform import audit
from ..platform.unit_of_work import transaction
from .pay_spines import pay_year_label, previous_year, spine_of_year


@dataclass(frozen=True)
class PersonArrears:
    employee_id: int
    person_number: str
    name: str
    council: str  # the employer's code
    posts: str
    hours: str
    scps: str
    arrears: Arrears


@dataclass(frozen=True)
class NotComputed:
    employee_id: int
    person_number: str
    name: str
    council: str
    reason: str


@dataclass(frozen=True)
class CouncilTotal:
    code: str
    name: str
    people: int
    total: Decimal


@dataclass(frozen=True)
class ArrearsRun:
    award: PayAward
    effective_from: date
    first_paid_on: date
    old_year: date
    new_year: date
    full_time_hours: Decimal
    people: list[PersonArrears]
    not_computed: list[NotComputed]
    totals: list[CouncilTotal]
    total: Decimal


def default_first_pay_date(award: PayAward) -> date | None:
    """The first of the month after the award was agreed: when payroll can first pay the new rates."""
    return next_month(first_of_month(award.agreed_on)) if award.agreed_on else None


def check(award: PayAward, first_paid_on: date) -> None:
    """Refuse a run that cannot be worked out, in words (the page checks before starting a job)."""
    if award.agreed_on is None:
        raise DomainError("This award has no date agreed yet: record when it was agreed first")
    if award.agreed_on <= award.pay_year_from:
        raise DomainError(f"This award was agreed on {award.agreed_on:%-d %B %Y}, before it took effect, "
                          "so no arrears are owed")
    if first_paid_on <= award.pay_year_from:
        raise DomainError(f"The first pay date must be after {award.pay_year_from:%-d %B %Y}, when the award "
                          "took effect", field="first_paid_on")
    year_end = date(award.pay_year_from.year + 1, 4, 1)
    if first_paid_on > year_end:
        raise DomainError(f"The first pay date must be on or before {year_end:%-d %B %Y}: arrears after that "
                          "depend on the next pay year's award", field="first_paid_on")


def run(award: PayAward, first_paid_on: date | None = None) -> ArrearsRun:
    """Everyone on the NJC spine with an assignment in force at any time from the award's
    effective date to the day before `first_paid_on` (default: the first of the month after
    the award was agreed), with their arrears. Old rates: the previous pay year's spine."""
    first_paid_on = first_paid_on or default_first_pay_date(award)
    if first_paid_on is None:
        raise DomainError("This award has no date agreed yet: record when it was agreed first")
    check(award, first_paid_on)
    effective_from, last_day = award.pay_year_from, first_paid_on - timedelta(days=1)
    old_year = previous_year(award.pay_year_from)
    old, new = spine_of_year(old_year, award.spine), spine_of_year(award.pay_year_from, award.spine)
    if not new:
        raise DomainError(f"There is no {pay_year_label(award.pay_year_from)} spine yet: apply the award first")
    if not old:
        raise DomainError(f"There is no {pay_year_label(old_year)} spine to compare with")
    full_time_hours = Decimal(rule_value("full_time_hours", effective_from))

    rows = db.session.execute(
        select(Employee.id, Employee.person_number, Employee.first_name, Employee.last_name, Council.code,
               Employment.start_date, Employment.end_date, Assignment.effective_from, Assignment.effective_to,
               Assignment.hours_per_week, Assignment.scp, Post.title)
        .join(Employment, Employment.employee_id == Employee.id)
        .join(Council, Council.id == Employment.employer_id)
        .join(Assignment, Assignment.employment_id == Employment.id)
        .join(Post, Post.id == Assignment.post_id)
        .where(Assignment.scp.is_not(None), Assignment.local_salary.is_(None),
               Assignment.effective_from <= last_day,
               or_(Assignment.effective_to.is_(None), Assignment.effective_to >= effective_from),
               Employment.start_date <= last_day,
               or_(Employment.end_date.is_(None), Employment.end_date >= effective_from))
        .order_by(Council.code, Employee.last_name, Employee.first_name, Employee.id, Assignment.effective_from))

    grouped: dict[tuple[int, str], list[Any]] = {}
    for row in rows:
        grouped.setdefault((row.id, row.code), []).append(row)
    people: list[PersonArrears] = []
    not_computed: list[NotComputed] = []
    for (employee_id, code), spells in grouped.items():
        found = _person_arrears(award, employee_id, code, spells, (old_year, old, new), first_paid_on, full_time_hours)
        if isinstance(found, NotComputed):
            not_computed.append(found)
        else:
            people.append(found)

    councils = db.session.execute(select(Council.code, Council.name).order_by(Council.code)).all()
    totals = [CouncilTotal(code, name, sum(1 for p in people if p.council == code),
                           sum((p.arrears.total for p in people if p.council == code), Decimal("0.00")))
              for code, name in councils]
    return ArrearsRun(award, effective_from, first_paid_on, old_year, award.pay_year_from, full_time_hours, people,
                      not_computed, totals, sum((t.total for t in totals), Decimal("0.00")))


def _person_arrears(award: PayAward, employee_id: int, code: str, spells: list[Any],
                    spines: tuple[date, dict[int, Decimal], dict[int, Decimal]], first_paid_on: date,
                    full_time_hours: Decimal) -> PersonArrears | NotComputed:
    """One person's arrears with one council, or why they cannot be worked out (a point on only one
    of the two spines)."""
    old_year, old, new = spines
    first = spells[0]
    name = f"{first.first_name} {first.last_name}"
    missing = sorted({s.scp for s in spells if s.scp not in old or s.scp not in new})
    if missing:
        scp = missing[0]
        where = pay_year_label(old_year if scp not in old else award.pay_year_from)
        return NotComputed(employee_id, first.person_number, name, code,
                           f"SCP {scp} is not on the {where} spine: work these arrears out by hand")
    arrears = arrears_owed(
        [PaySpell(max(s.effective_from, s.start_date), _earlier(s.effective_to, s.end_date), s.hours_per_week,
                  old[s.scp], new[s.scp]) for s in spells],
        award.pay_year_from, first_paid_on, full_time_hours)
    return PersonArrears(
        employee_id, first.person_number, name, code, _distinct(s.title for s in spells),
        _distinct(hours(s.hours_per_week) for s in spells), _distinct(str(s.scp) for s in spells), arrears)


def _earlier(a: date | None, b: date | None) -> date | None:
    return min(d for d in (a, b) if d is not None) if (a or b) else None


def _distinct(values: Iterable[str]) -> str:
    return ", ".join(dict.fromkeys(values))


def _summary(result: ArrearsRun) -> dict[str, Any]:
    return {"pay_year_from": result.effective_from.isoformat(), "first_paid_on": result.first_paid_on.isoformat(),
            "people": len(result.people), "not_computed": len(result.not_computed), "total": str(result.total),
            "by_council": {t.code: str(t.total) for t in result.totals}}


def record_run(result: ArrearsRun) -> None:
    """Each run is audited: who looked at whose arrears, for which award and pay date."""
    audit.record("run", "pay_award_arrears", result.award.id, after=_summary(result))


COLUMNS = [("person_number", "text"), ("name", "text"), ("employer", "text"), ("posts", "text"),
           ("hours_per_week", "text"), ("scp", "text"), ("months", "number"), ("arrears", "money")]


def export(result: ArrearsRun, out: BinaryIO, fmt: str) -> int:
    """The run as CSV or XLSX (cells a spreadsheet would run as formulas are neutralised), audited."""
    from ..platform.tabular import write_table

    lines = ([p.person_number, p.name, p.council, p.posts, p.hours, p.scps, p.arrears.months, p.arrears.total]
             for p in result.people)
    count = write_table(out, fmt, COLUMNS, lines)
    audit.record("export", "pay_award_arrears", result.award.id, after=dict(_summary(result), format=fmt))
    return count


# -- the run as a job: worked out once by a worker, its figures kept with the job ----

def to_stored(result: ArrearsRun) -> dict[str, Any]:
    """The run's figures as the job keeps them (JSON: money as strings, compact rows), so the
    page pages through them and the downloads write them without working the run out again."""
    return {
        "award_id": result.award.id, "effective_from": result.effective_from.isoformat(),
        "first_paid_on": result.first_paid_on.isoformat(), "old_year": result.old_year.isoformat(),
        "new_year": result.new_year.isoformat(), "full_time_hours": str(result.full_time_hours),
        "totals": [[t.code, t.name, t.people, str(t.total)] for t in result.totals], "total": str(result.total),
        "people": [[p.employee_id, p.person_number, p.name, p.council, p.posts, p.hours, p.scps, p.arrears.months,
                    str(p.arrears.total)] for p in result.people],
        "not_computed": [[n.employee_id, n.person_number, n.name, n.council, n.reason] for n in result.not_computed],
    }


def stored_person(row: list[Any]) -> PersonArrears:
    """One person's line of a kept run (the months are kept as a count, not month by month)."""
    employee_id, number, name, code, posts, hours_, scps, months, total = row
    return PersonArrears(employee_id, number, name, code, posts, hours_, scps, Arrears(months, (), Decimal(total)))


def stored_not_computed(row: list[Any]) -> NotComputed:
    return NotComputed(*row)


def from_stored(award: PayAward, data: dict[str, Any], *, people: bool = True) -> ArrearsRun:
    """A run kept by its job, as the downloads read it; without `people`, only its summary (the
    page reads a page of people at a time: `stored_person`)."""
    return ArrearsRun(
        award, date.fromisoformat(data["effective_from"]), date.fromisoformat(data["first_paid_on"]),
        date.fromisoformat(data["old_year"]), date.fromisoformat(data["new_year"]), Decimal(data["full_time_hours"]),
        [stored_person(row) for row in data["people"]] if people else [],
        [stored_not_computed(row) for row in data["not_computed"]] if people else [],
        [CouncilTotal(code, name, count, Decimal(total)) for code, name, count, total in data["totals"]],
        Decimal(data["total"]))


@transaction
def export_stored(result: ArrearsRun, out: BinaryIO, fmt: str) -> int:
    """A kept run written to `out` as CSV or XLSX, the export audited (one unit of work)."""
    return export(result, out, fmt)
