"""Pay spines and pay awards (DOMAIN.md 3.2): the NJC spine by pay year, awards as
rules, and applying an award to make the next year's spine. Every value and award created or
changed is audited with what it was before and after."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from ...domain.pay import AWARD_KINDS, AwardRule, apply_award, parse_scps, to_pennies
from ...errors import DomainError
from ...extensions import db
from ...models import PayAward, PaySpinePoint
from ..people.records import rule_value
from ..platform import audit, derived
from ..platform.unit_of_work import transaction
from ..rules import date_windows

NJC = "NJC"
AWARD_FIELDS = ["spine", "pay_year_from", "scp_from", "scp_to", "kind", "amount", "deleted_scps", "status",
                "agreed_on", "note"]
POINT_FIELDS = ["spine", "pay_year_from", "scp", "annual_salary"]
STATUSES = ("agreed", "provisional")


def pay_year_label(start: date) -> str:
    """1 April 2024 -> '2024/25'."""
    return f"{start.year}/{(start.year + 1) % 100:02d}"


def previous_year(year: date) -> date:
    return date(year.year - 1, 4, 1)


def spine_years(spine: str = NJC) -> list[date]:
    return list(db.session.scalars(select(PaySpinePoint.pay_year_from).where(PaySpinePoint.spine == spine)
                                   .distinct().order_by(PaySpinePoint.pay_year_from)))


def spine_of_year(year: date, spine: str = NJC) -> dict[int, Decimal]:
    """The spine of exactly this pay year (empty if the year is not held)."""
    rows = db.session.execute(select(PaySpinePoint.scp, PaySpinePoint.annual_salary)
                              .where(PaySpinePoint.spine == spine, PaySpinePoint.pay_year_from == year))
    return {scp: salary for scp, salary in rows}


@dataclass(frozen=True)
class SpineTable:
    years: list[date]
    rows: list[tuple[int, dict[date, PaySpinePoint]]]  # by SCP, then by pay year
    provisional_years: set[date]


def spine_table(spine: str = NJC) -> SpineTable:
    """Every pay year side by side; a year is provisional while its award is."""
    points = db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.spine == spine)
                                .order_by(PaySpinePoint.scp, PaySpinePoint.pay_year_from)).all()
    by_scp: dict[int, dict[date, PaySpinePoint]] = {}
    for point in points:
        by_scp.setdefault(point.scp, {})[point.pay_year_from] = point
    provisional = set(db.session.scalars(select(PayAward.pay_year_from).where(
        PayAward.spine == spine, PayAward.status == "provisional")))
    years = sorted({p.pay_year_from for p in points})
    return SpineTable(years, sorted(by_scp.items()), provisional & set(years))


def awards(spine: str = NJC) -> list[PayAward]:
    return list(db.session.scalars(select(PayAward).where(PayAward.spine == spine)
                                   .order_by(PayAward.pay_year_from.desc())))


def award_rule(award: PayAward) -> AwardRule:
    try:
        return AwardRule(award.kind, award.amount, award.scp_from, award.scp_to, parse_scps(award.deleted_scps))
    except ValueError as error:
        raise DomainError(f"The award for {pay_year_label(award.pay_year_from)} cannot be applied: {error}") from None


def is_late(award: PayAward) -> bool:
    """Agreed after it took effect, so arrears are owed."""
    return award.agreed_on is not None and award.agreed_on > award.pay_year_from


def _check_award(award: PayAward | None, values: dict[str, Any]) -> dict[str, Any]:
    year: date = values["pay_year_from"]
    if (year.month, year.day) != (4, 1):
        raise DomainError("Pay years start on 1 April: enter 1 April of the award's pay year", field="pay_year_from")
    if values["kind"] not in AWARD_KINDS:
        raise DomainError("Choose a flat amount or a percentage", field="kind")
    if values["scp_to"] < values["scp_from"]:
        raise DomainError("The last point is below the first point", field="scp_to")
    if values["kind"] == "percent" and values["amount"] > 100:
        raise DomainError("A percentage award must be 100 or less", field="amount")
    try:
        deleted = parse_scps(values.get("deleted_scps") or "")
    except ValueError:
        raise DomainError("Enter deleted points as numbers separated by commas, like 1, 2",
                          field="deleted_scps") from None
    if values["status"] not in STATUSES:
        raise DomainError("Choose agreed or provisional", field="status")
    if values["status"] == "agreed" and values.get("agreed_on") is None:
        raise DomainError("Enter the date the award was agreed", field="agreed_on")
    if values["status"] == "provisional" and values.get("agreed_on") is not None:
        raise DomainError("A provisional award has not been agreed yet: leave the date agreed empty, "
                          "or mark the award as agreed", field="agreed_on")
    duplicate = db.session.scalar(select(PayAward.id).where(
        PayAward.spine == values.get("spine", NJC), PayAward.pay_year_from == year))
    if duplicate is not None and (award is None or duplicate != award.id):
        raise DomainError(f"There is already an award for {pay_year_label(year)}: change that one instead",
                          field="pay_year_from")
    # Stored as Numeric(12, 4): quantized here too, so an unchanged amount audits as unchanged.
    return dict(values, amount=Decimal(values["amount"]).quantize(Decimal("0.0001")),
                deleted_scps=", ".join(str(p) for p in sorted(deleted)))


@transaction
def save_award(award: PayAward | None, values: dict[str, Any], reason: str) -> PayAward:
    """Add an award, or change one (audited with before and after). One award per pay year."""
    date_windows.check_award(values.get("pay_year_from"), values.get("agreed_on"))
    values = _check_award(award, dict(values, spine=values.get("spine", NJC)))
    if award is None:
        return audit.added(PayAward(**values), "pay_award", AWARD_FIELDS, reason)
    before = audit.snapshot(award, AWARD_FIELDS)
    for key, value in values.items():
        setattr(award, key, value)
    was, now = audit.changed(before, audit.snapshot(award, AWARD_FIELDS))
    if now:
        db.session.flush()
        audit.record("update", "pay_award", award.id, before=was, after=now, reason=reason)
    return award


@transaction
def set_spine_value(point: PaySpinePoint, annual_salary: Decimal, reason: str) -> PaySpinePoint:
    """Correct one spine value (audited). Salaries on past dates follow the value, so the reason
    is required: this is for correcting a value that was wrong, not for a pay award."""
    if annual_salary <= 0:
        raise DomainError("The salary must be more than £0", field="annual_salary")
    before = audit.snapshot(point, POINT_FIELDS)
    point.annual_salary = to_pennies(annual_salary)
    was, now = audit.changed(before, audit.snapshot(point, POINT_FIELDS))
    if now:
        db.session.flush()
        audit.record("update", "pay_spine_point", point.id, before=was, after=now, reason=reason)
    return point


@dataclass(frozen=True)
class PreviewRow:
    scp: int
    old: Decimal | None  # the previous pay year
    new: Decimal | None  # after the award; None for a deleted point
    held: Decimal | None  # what the award's pay year holds now, if anything


@dataclass(frozen=True)
class AwardPreview:
    award: PayAward
    from_year: date
    to_year: date
    rows: list[PreviewRow]
    year_exists: bool
    replaceable: bool  # the year exists and was made from a provisional award
    later_year_exists: bool
    rounding: Decimal


def preview_award(award: PayAward) -> AwardPreview:
    """What applying the award to the previous pay year's spine would give, next to what the
    award's pay year holds now."""
    from_year = previous_year(award.pay_year_from)
    old = spine_of_year(from_year, award.spine)
    if not old:
        raise DomainError(f"There is no {pay_year_label(from_year)} spine to apply the award to")
    rounding = Decimal(rule_value("spine_rounding", award.pay_year_from))
    new = apply_award(old, award_rule(award), rounding)
    held = spine_of_year(award.pay_year_from, award.spine)
    later = db.session.scalar(select(func.count()).select_from(PaySpinePoint).where(
        PaySpinePoint.spine == award.spine, PaySpinePoint.pay_year_from > award.pay_year_from))
    rows = [PreviewRow(scp, old.get(scp), new.get(scp), held.get(scp)) for scp in sorted(set(old) | set(held))]
    return AwardPreview(award, from_year, award.pay_year_from, rows, bool(held),
                        bool(held) and award.status == "provisional", bool(later), rounding)


@dataclass(frozen=True)
class AwardApplied:
    year: date
    created: int
    changed: int
    removed: int
    provisional: bool


def award_of_year(year: int, spine: str = NJC) -> PayAward:
    """The award for the pay year starting 1 April `year`, or a DomainError naming the years held."""
    award = db.session.scalar(select(PayAward).where(PayAward.spine == spine,
                                                     PayAward.pay_year_from == date(year, 4, 1)))
    if award is None:
        known = ", ".join(pay_year_label(a.pay_year_from) for a in awards(spine)) or "none"
        raise DomainError(f"There is no {spine} pay award for {year}/{(year + 1) % 100:02d} (awards held: {known})",
                          field="pay_year")
    return award


@transaction
def apply_award_to_spine(award: PayAward, *, agreed_on: date | None, replace: bool, reason: str) -> AwardApplied:
    """Make the award's pay year spine from the previous year's. Refused if that year
    is already held, unless it was made from this award while it was provisional and `replace`
    is asked for. Giving `agreed_on` records the award as agreed on that date. Every spine value
    created, changed or removed is audited. One unit of work: the pay protection schedules the
    new spine reaches (every one running in or after its pay year, back-dated months included)
    are recomputed before it commits (services/platform/derived.py: PaySpinePoint -> protection_schedules),
    with this award named as why."""
    date_windows.check_award(award.pay_year_from, agreed_on)
    preview = preview_award(award)
    label = pay_year_label(preview.to_year)
    if preview.year_exists and not replace:
        raise DomainError(f"The {label} spine already exists. To replace a provisional spine, say so.",
                          field="replace")
    if preview.year_exists and not preview.replaceable:
        raise DomainError(f"The {label} spine was made from an agreed award and cannot be replaced: "
                          "correct single values on the pay spine page instead", field="replace")
    if preview.later_year_exists:
        raise DomainError(f"A spine for a later pay year than {label} exists: it was made from this one, "
                          "so this one cannot be changed", field="replace")
    # Name the award as why the schedules it reaches are recomputed (before any spine row is
    # flushed, so these words win over the rows' own).
    derived.note("protection_schedules", "since", award.pay_year_from,
                 why=f"Pay award for {label} applied to the spine")
    if agreed_on is not None:
        values = {name: getattr(award, name) for name in AWARD_FIELDS}
        save_award(award, dict(values, status="agreed", agreed_on=agreed_on), reason)
    points = {p.scp: p for p in db.session.scalars(select(PaySpinePoint).where(
        PaySpinePoint.spine == award.spine, PaySpinePoint.pay_year_from == award.pay_year_from))}
    created = changed = removed = 0
    for row in preview.rows:
        point = points.get(row.scp)
        if row.new is None:
            if point is not None:
                audit.record("delete", "pay_spine_point", point.id, before=audit.snapshot(point, POINT_FIELDS),
                             reason=reason)
                db.session.delete(point)
                removed += 1
        elif point is None:
            point = PaySpinePoint(spine=award.spine, pay_year_from=award.pay_year_from, scp=row.scp,
                                  annual_salary=to_pennies(row.new))
            db.session.add(point)
            db.session.flush()
            audit.record("create", "pay_spine_point", point.id, after=audit.snapshot(point, POINT_FIELDS),
                         reason=reason)
            created += 1
        elif point.annual_salary != row.new:
            set_spine_value(point, row.new, reason)
            changed += 1
    provisional = award.status == "provisional"
    audit.record("apply", "pay_award", award.id, after={
        "pay_year_from": award.pay_year_from.isoformat(), "from_spine": preview.from_year.isoformat(),
        "created": created, "changed": changed, "removed": removed, "provisional": provisional}, reason=reason)
    db.session.flush()
    return AwardApplied(award.pay_year_from, created, changed, removed, provisional)
