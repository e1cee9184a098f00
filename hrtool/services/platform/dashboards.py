"""Aggregate figures for the landing pages: one grouped query each, whatever the workforce size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from ...domain.disclosure import publish
from ...extensions import db
from ...models import Assignment, ChecklistItem, Council, Election, Employment, Post, PostGrade, Service, Transfer
from ..people.records import employed_on, rule_value
from .figures_cache import cached


@dataclass(frozen=True)
class HeadcountRow:
    service: str
    employer: str
    headcount: int | None  # None where suppressed
    fte: Decimal | None


def headcount_by_service_and_employer(on: date) -> list[HeadcountRow]:
    """People and FTE in post on a date, by service and employing council. A scan of every
    assignment in force, so it is cached until the data changes (figures_cache)."""
    return cached(("headcount_by_service_and_employer", on), lambda: _headcount(on))


def _headcount(on: date) -> list[HeadcountRow]:
    full_time = Decimal(rule_value("full_time_hours", on))
    rows = db.session.execute(
        select(Service.name, Council.short_name, func.count(func.distinct(Employment.employee_id)),
               func.sum(Assignment.hours_per_week))
        .select_from(Assignment)
        .join(Employment, Employment.id == Assignment.employment_id)
        .join(Post, Post.id == Assignment.post_id)
        .join(Service, Service.id == Post.service_id)
        .join(Council, Council.id == Employment.employer_id)
        .where(employed_on(on), Assignment.effective_from <= on,
               or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
        .group_by(Service.name, Council.short_name)
        .order_by(Service.name, Council.short_name)
    )
    return [HeadcountRow(s, c, n, (Decimal(h) / full_time).quantize(Decimal("0.1"))) for s, c, n, h in rows]


def totals_by_employer(rows: list[HeadcountRow]) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.employer] = totals.get(row.employer, 0) + (row.headcount or 0)
    return totals


def disclosure_threshold(on: date) -> int:
    """The smallest group a union representative may see a figure about (rule setting, dated)."""
    return int(rule_value("aggregate_min_group_size", on))


@dataclass(frozen=True)
class ServiceHeadcount:
    service: str
    by_employer: dict[str, int | None]  # None where suppressed
    total: int | None
    fte: Decimal | None


def by_service(rows: list[HeadcountRow], employers: list[str]) -> list[ServiceHeadcount]:
    """One line per service with a column per employer. A total is withheld if any part is."""
    grouped: dict[str, list[HeadcountRow]] = {}
    for row in rows:
        grouped.setdefault(row.service, []).append(row)
    result = []
    for service, parts in grouped.items():
        counts: dict[str, int | None] = {e: 0 for e in employers}
        for part in parts:
            counts[part.employer] = part.headcount
        withheld = any(p.headcount is None for p in parts)
        total = None if withheld else sum(p.headcount or 0 for p in parts)
        fte = None if withheld else sum((p.fte or Decimal(0) for p in parts), Decimal(0))
        result.append(ServiceHeadcount(service, counts, total, fte))
    return result


def union_headcount(on: date) -> tuple[list[ServiceHeadcount], list[str]]:
    """The landing page's headcount for union representatives (hrtool.domain.disclosure): a
    service's figure for an employer about fewer than the threshold is withheld, and then the
    service's total (not the other employer's figure, so a transfer page showing that figure
    agrees with this one). FTE goes with the total."""
    rows = headcount_by_service_and_employer(on)
    employers = sorted({row.employer for row in rows})
    threshold = disclosure_threshold(on)
    result = []
    for line in by_service(rows, employers):
        parts = {e: n or 0 for e, n in line.by_employer.items()}
        shown = publish(parts, line.total or 0, threshold, give_up_total=True)
        result.append(ServiceHeadcount(line.service, shown.parts, shown.total,
                                       line.fte if shown.total is not None else None))
    return result, employers


@dataclass(frozen=True)
class TransferFigures:
    """What a union representative may see of a transfer: the numbers affected by grade and in
    all; no individual's pay; small groups withheld, and nothing to be worked out by subtraction
    (hrtool.domain.disclosure)."""

    rows: list[tuple[str, str]]  # (grade, the count as its cell reads: "12", "Fewer than 5", "Withheld")
    total: int | None  # None where withheld
    total_words: str  # "12", "fewer than 5"
    withheld_below: int
    empty: bool  # no one is in the cohort


NO_GRADE = "Chief officer / local band"
NO_POST = "No post on the day"


def transfer_figures(transfer_id: int, on: date) -> TransferFigures:
    """Each member counted once, under the grade of their main post on the day (most hours), so
    the grades add up to the total."""
    from ...models import TransferMember

    found = db.session.execute(
        select(TransferMember.id, PostGrade.grade, Assignment.hours_per_week)
        .select_from(TransferMember)
        .outerjoin(Assignment, and_(Assignment.employment_id == TransferMember.employment_id,
                                    Assignment.effective_from <= on,
                                    or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on)))
        .outerjoin(PostGrade, and_(PostGrade.post_id == Assignment.post_id, PostGrade.effective_from <= on,
                                   or_(PostGrade.effective_to.is_(None), PostGrade.effective_to >= on)))
        .where(TransferMember.transfer_id == transfer_id, TransferMember.status != "removed")).all()
    main: dict[int, tuple[Decimal, str]] = {}  # member -> (hours, grade) of their main post
    for member, grade, hours in found:
        label = NO_POST if hours is None else (grade or NO_GRADE)
        here = (Decimal(hours or 0), label)
        if member not in main or (here[0], main[member][1]) > (main[member][0], here[1]):
            main[member] = here
    counts: dict[str, int] = {}
    for _hours, label in main.values():
        counts[label] = counts.get(label, 0) + 1
    shown = publish(dict(sorted(counts.items())), len(main), disclosure_threshold(on))
    return TransferFigures(list(shown.cells.items()), shown.total, shown.total_words, shown.threshold, not main)


@dataclass(frozen=True)
class TransferSteps:
    """The HR dashboard's transfer steps not done: overdue ones, and those of transfers dated
    outside the plausible window, set apart as needing a correction rather than
    counted overdue for ever."""

    overdue: list[tuple[ChecklistItem, Transfer]]
    needing_correction: list[tuple[Transfer, list[ChecklistItem]]]  # by transfer, in order of first step due
    due_soon: list[tuple[ChecklistItem, Transfer]] = field(default_factory=list)  # today to SOON_DAYS ahead


SOON_DAYS = 14  # how far ahead the dashboard lists steps coming due, with the working day to plan by


def transfer_steps_due(today: date) -> TransferSteps:
    """Steps of planned transfers not done and due before `today`, or within SOON_DAYS from it,
    in one query (the transfer's service with it), split by whether the transfer's date is within
    its plausible window."""
    from ..rules.date_windows import edges

    rows = db.session.execute(
        select(ChecklistItem, Transfer).join(Transfer).options(joinedload(Transfer.service)).where(
            Transfer.status == "planned", ChecklistItem.done_on.is_(None),
            ChecklistItem.due_on <= today + timedelta(days=SOON_DAYS))
        .order_by(ChecklistItem.due_on, ChecklistItem.id)).all()
    window = edges("transfer_date", today)
    held = [(item, transfer) for item, transfer in rows if window.holds(transfer.transfer_date)]
    odd: dict[Transfer, list[ChecklistItem]] = {}
    for item, transfer in rows:
        if not window.holds(transfer.transfer_date) and item.due_on < today:
            odd.setdefault(transfer, []).append(item)
    return TransferSteps([(i, t) for i, t in held if i.due_on < today], list(odd.items()),
                         [(i, t) for i, t in held if i.due_on >= today])


def elections_awaiting_countersignature() -> int:
    """How many protected-terms elections are not countersigned yet."""
    return db.session.scalar(select(func.count()).select_from(Election).where(Election.countersigned_at.is_(None))) or 0
