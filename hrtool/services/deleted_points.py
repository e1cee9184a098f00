"""Pay points deleted by an award (issue 14; the rule is domain/deleted_points.py). `plan` says
who is on a deleted point on or after the date of deletion and which grade bands start on one;
`move_holders` moves each such record to the lowest point that remains above it from that date
(or from the record's own start, if later), through regrading.move_holder: a dated assignment
change, audited, whose protection schedules and grades are settled with it (services/derived.py).
Grade bands are only flagged with the proposed realignment: an administrator changes them under
Pay and grading (a new dated version), never this module."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select

from ..domain.deleted_points import BandRealignment, band_realignments, point_after_deletion
from ..domain.pay import parse_scps
from ..errors import DomainError
from ..extensions import db
from ..models import Assignment, Council, Employee, Employment, PayAward, Post
from . import conventions
from .pay_spines import NJC, award_of_year, pay_year_label, spine_of_year
from .unit_of_work import transaction


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


@dataclass(frozen=True)
class DeletionPlan:
    award: PayAward
    deleted: list[int]
    holders: list[Holder]
    bands: list[tuple[str, BandRealignment]]  # (council short name, proposal)

    @property
    def year_label(self) -> str:
        return pay_year_label(self.award.pay_year_from)

    def as_json(self) -> dict[str, object]:
        return {"pay_year": self.year_label, "deleted_scps": self.deleted,
                "from": self.award.pay_year_from.isoformat(),
                "holders": [{"person_number": h.person_number, "post": h.post_number, "council": h.council,
                             "scp": h.scp, "moves_to": h.moves_to, "from": h.from_date.isoformat()}
                            for h in self.holders],
                "bands": [{"council": c, "grade": b.grade, "scp_min": b.scp_min, "scp_max": b.scp_max,
                           "proposed_min": b.proposed_min, "proposed_max": b.proposed_max, "note": b.note}
                          for c, b in self.bands]}


def plan(award: PayAward) -> DeletionPlan:
    """Who is on a point the award deletes, and which bands start on one. The award's spine
    year must be held (the points that remain are read from it)."""
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
    holders = [Holder(a.id, a.employment_id, a.post_id, e.person_number, e.full_name, p.post_number, c.code,
                      a.scp or 0, point_after_deletion(a.scp or 0, remaining), max(on, a.effective_from))
               for a, e, p, c in rows]
    bands: list[tuple[str, BandRealignment]] = []
    for council in db.session.scalars(select(Council).order_by(Council.code)):
        versions = [v for v in conventions.history(council.id)
                    if v.effective_to is None or v.effective_to >= on]
        for version in versions:
            bands += [(council.short_name, b) for b in band_realignments(
                [(band.grade, band.scp_min, band.scp_max) for band in version.bands], deleted, remaining)]
    return DeletionPlan(award, deleted, holders, bands)


def outstanding(spine: str = NJC) -> list[DeletionPlan]:
    """Every award with deleted points whose spine is held and that still has people on a deleted
    point or a band starting on one (the administrator's reference data page shows these)."""
    plans = []
    for award in db.session.scalars(select(PayAward).where(PayAward.spine == spine, PayAward.deleted_scps != "")
                                    .order_by(PayAward.pay_year_from)):
        if not spine_of_year(award.pay_year_from, spine):
            continue
        found = plan(award)
        if found.holders or found.bands:
            plans.append(found)
    return plans


@transaction
def move_holders(pay_year: int, reason: str) -> list[Holder]:
    """Move everyone on a point deleted by the `pay_year` award to the point after it, from the
    date of deletion. One unit of work; each move audited with `reason`."""
    from .regrading import move_holder

    if not reason.strip():
        raise DomainError("Enter the reason for the moves", field="reason")
    found = plan(award_of_year(pay_year))
    stuck = [h for h in found.holders if h.moves_to is None]
    if stuck:
        raise DomainError(f"No point above SCP {stuck[0].scp} remains on the {found.year_label} spine: "
                          "correct the spine first")
    for h in found.holders:
        why = (f"{reason}: SCP {h.scp} deleted from the NJC spine from {found.award.pay_year_from:%-d %B %Y} "
               f"({found.year_label} award); moved to SCP {h.moves_to}, the lowest point that remains")
        move_holder(h.employment_id, h.post_id, h.from_date, h.moves_to or 0, why)
    return found.holders
