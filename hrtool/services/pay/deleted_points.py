"""Pay points deleted by an award (the rule is domain/deleted_points.py). `plan` says
who is on a deleted point on or after the date of deletion and which grade bands start on one;
`move_holders` moves each such record to the lowest point that remains above it from that date
(or from the record's own start, if later), through regrading.move_holder: a dated assignment
change, audited, whose protection schedules and grades are settled with it (services/platform/derived.py).
Grade bands are only flagged with the proposed realignment: an administrator changes them under
Pay and grading (a new dated version), never this module.

A move dated before today is back-dated: each month that ended before the day of the change was
paid at the old point, so the arrears owed for those months (new point's salary minus the old
point's, pro rata by hours, by domain/arrears.py) are worked out from the person's dated record and
the spine of each pay year, shown before and after the move and written into its audit reason.
They are not stored: the pay-by-year page derives pay from the dated assignments, so after the
move it shows the new point from the date of deletion, and the figure here is its difference."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import or_, select

from ...domain.arrears import Arrears, PaySpell, arrears_owed, first_of_month
from ...domain.deleted_points import BandRealignment, band_realignments, point_after_deletion
from ...domain.pay import parse_scps
from ...errors import DomainError
from ...extensions import db
from ...models import Assignment, Council, Employee, Employment, PayAward, Post
from ..people.records import rule_value
from ..platform.unit_of_work import transaction
from . import conventions
from .pay_spines import NJC, award_of_year, pay_year_label, spine_of_year, spine_years


@dataclass(frozen=True)
class Holder:
    assignment_id: int
    employment_id: int
    post_id: int
    person_number: str
    name: str
    post_number: str
    council: str
    scp: int
    moves_to: int | None
    from_date: date  # the date of deletion, or the record's own start if later
    employee_id: int = 0
    arrears: Arrears | None = None  # owed for months already paid at the old point; None: not worked out
    arrears_note: str = ""  # the arrears in words, or why they could not be worked out

    @property
    def arrears_total(self) -> Decimal | None:
        return self.arrears.total if self.arrears is not None else None


@dataclass(frozen=True)
class DeletionPlan:
    award: PayAward
    deleted: list[int]
    holders: list[Holder]
    bands: list[tuple[str, BandRealignment]]  # (council short name, proposal)
    today: date  # the day of the change: months that ended before it were paid at the old point

    @property
    def year_label(self) -> str:
        return pay_year_label(self.award.pay_year_from)

    @property
    def arrears_total(self) -> Decimal:
        return sum((h.arrears.total for h in self.holders if h.arrears is not None), Decimal("0.00"))

    def as_json(self) -> dict[str, object]:
        return {"pay_year": self.year_label, "deleted_scps": self.deleted,
                "from": self.award.pay_year_from.isoformat(), "as_at": self.today.isoformat(),
                "arrears_total": f"{self.arrears_total:.2f}",
                "holders": [{"person_number": h.person_number, "post": h.post_number, "council": h.council,
                             "scp": h.scp, "moves_to": h.moves_to, "from": h.from_date.isoformat(),
                             "arrears": f"{h.arrears.total:.2f}" if h.arrears is not None else None,
                             "arrears_months": h.arrears.months if h.arrears is not None else None,
                             "arrears_note": h.arrears_note}
                            for h in self.holders],
                "bands": [{"council": c, "grade": b.grade, "scp_min": b.scp_min, "scp_max": b.scp_max,
                           "proposed_min": b.proposed_min, "proposed_max": b.proposed_max, "note": b.note}
                          for c, b in self.bands]}


def _months_words(arrears: Arrears) -> str:
    first, last = arrears.rows[0].month, arrears.rows[-1].month
    if first == last:
        return f"{first:%B %Y}"
    return f"{first:%B}{'' if first.year == last.year else f' {first.year}'} to {last:%B %Y}"


def holder_arrears(scp: int, moves_to: int | None, start: date, end: date | None, hours: Decimal,
                   today: date, spines: dict[date, dict[int, Decimal]]) -> tuple[Arrears | None, str]:
    """The arrears owed for moving a record (on `scp`, `hours` a week, from `start` to `end`) to
    `moves_to` on `today`: each month that ended before today was paid at the old point. Each
    pay year is priced on its own spine; a year whose spine no longer holds the old point paid it
    at the last value held for it (what payroll kept paying). With the words to show."""
    first_paid_on = first_of_month(today)
    if moves_to is None:
        return None, "not worked out: no point remains to move to"
    if start >= first_paid_on:
        return Arrears(0, (), Decimal("0.00")), "no arrears: no month at the old point had been paid"
    years = sorted(spines)
    cuts = [y for y in years if start < y < first_paid_on and (end is None or y <= end)]
    spells: list[PaySpell] = []
    begin = start
    for piece_end in [c - timedelta(days=1) for c in cuts] + [end]:
        held = [y for y in years if y <= begin]
        if not held:
            return None, f"not worked out: no pay spine is held for {begin:%-d %B %Y}"
        new = spines[held[-1]].get(moves_to)
        old = next((spines[y][scp] for y in reversed(held) if scp in spines[y]), None)
        if new is None or old is None:
            missing = moves_to if new is None else scp
            return None, f"not worked out: SCP {missing} is not on the {pay_year_label(held[-1])} spine"
        spells.append(PaySpell(begin, piece_end, hours, old, new))
        if piece_end is not None:
            begin = piece_end + timedelta(days=1)
    found = arrears_owed(spells, start, first_paid_on, Decimal(rule_value("full_time_hours", start)))
    if not found.rows:
        return found, "no arrears: no month at the old point had been paid"
    return found, (f"£{found.total:,.2f} arrears for {_months_words(found)} ({found.months} month"
                   f"{'s' if found.months != 1 else ''} paid at SCP {scp})")


def plan(award: PayAward, today: date | None = None) -> DeletionPlan:
    """Who is on a point the award deletes, and which bands start on one, with the arrears each
    move owes if made on `today` (default: today). The award's spine year must be held (the
    points that remain are read from it)."""
    today = today or date.today()
    deleted = sorted(parse_scps(award.deleted_scps))
    on = award.pay_year_from
    remaining = set(spine_of_year(on, award.spine))
    if deleted and not remaining:
        raise DomainError(f"There is no {pay_year_label(on)} spine yet: make it from the award first")
    rows = db.session.execute(
        select(Assignment, Employee, Post, Council).join(Employment, Assignment.employment_id == Employment.id)
        .join(Employee, Employment.employee_id == Employee.id).join(Post, Assignment.post_id == Post.id)
        .join(Council, Employment.employer_id == Council.id)
        .where(Assignment.scp.in_(deleted), Assignment.local_salary.is_(None),
               or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on),
               or_(Employment.end_date.is_(None), Employment.end_date >= on))
        .order_by(Employee.person_number, Assignment.effective_from)).all() if deleted else []
    spines = {year: spine_of_year(year, award.spine) for year in spine_years(award.spine)} if rows else {}
    holders = []
    for a, e, p, c in rows:
        scp, starts = a.scp or 0, max(on, a.effective_from)
        moves_to = point_after_deletion(scp, remaining)
        ends = min((d for d in (a.effective_to, a.employment.end_date) if d is not None), default=None)
        owed, words = holder_arrears(scp, moves_to, starts, ends, a.hours_per_week, today, spines)
        holders.append(Holder(a.id, a.employment_id, a.post_id, e.person_number, e.full_name, p.post_number, c.code,
                              scp, moves_to, starts, e.id, owed, words))
    bands: list[tuple[str, BandRealignment]] = []
    for council in db.session.scalars(select(Council).order_by(Council.code)):
        versions = [v for v in conventions.history(council.id)
                    if v.effective_to is None or v.effective_to >= on]
        for version in versions:
            bands += [(council.short_name, b) for b in band_realignments(
                [(band.grade, band.scp_min, band.scp_max) for band in version.bands], deleted, remaining)]
    return DeletionPlan(award, deleted, holders, bands, today)


def outstanding(spine: str = NJC, today: date | None = None) -> list[DeletionPlan]:
    """Every award with deleted points whose spine is held and that still has people on a deleted
    point or a band starting on one (the administrator's reference data page shows these), with
    the arrears each move would owe if made on `today`."""
    plans = []
    for award in db.session.scalars(select(PayAward).where(PayAward.spine == spine, PayAward.deleted_scps != "")
                                    .order_by(PayAward.pay_year_from)):
        if not spine_of_year(award.pay_year_from, spine):
            continue
        found = plan(award, today)
        if found.holders or found.bands:
            plans.append(found)
    return plans


@transaction
def move_holders(pay_year: int, reason: str, today: date | None = None) -> list[Holder]:
    """Move everyone on a point deleted by the `pay_year` award to the point after it, from the
    date of deletion, the change made on `today` (default: today). One unit of work; each move
    audited with `reason` and the arrears it owes for months already paid at the old point."""
    from .regrading import move_holder

    if not reason.strip():
        raise DomainError("Enter the reason for the moves", field="reason")
    found = plan(award_of_year(pay_year), today)
    stuck = [h for h in found.holders if h.moves_to is None]
    if stuck:
        raise DomainError(f"No point above SCP {stuck[0].scp} remains on the {found.year_label} spine: "
                          "correct the spine first")
    for h in found.holders:
        why = (f"{reason}: SCP {h.scp} deleted from the NJC spine from {found.award.pay_year_from:%-d %B %Y} "
               f"({found.year_label} award); moved to SCP {h.moves_to}, the lowest point that remains; "
               f"{h.arrears_note}")
        move_holder(h.employment_id, h.post_id, h.from_date, h.moves_to or 0, why)
    return found.holders
