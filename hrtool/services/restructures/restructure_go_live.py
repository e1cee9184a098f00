"""A restructure goes live (DOMAIN.md 3.1, 3.4, 3.5): on its effective date its
proposed posts become establishment posts, the old posts close the day before, each person
appointed moves into their new post with the new salary (or spinal column point) as a dated
change of assignment (the old record closed, never overwritten), and pay protection follows
where their pay falls, under their council's policy in force on the date.

`plan` works out what implementing would do, and what stands in the way, without writing
anything: the preview page and `hrtool restructure implement NAME --dry-run` show it. What is
wrong is sorted with care:

- *problems* block: implementing would write records that are wrong or cannot be written (no
  effective date; an appointee who no longer holds their old post, leaves before the date, has
  a change already recorded after it, or is employed by another council than the new post's; a
  start date other than the restructure's; a new post whose employer or service cannot be told;
  a salary that is not a point of the spine of a graded post; no protection policy in force);
- *gaps* need HR to confirm with a reason: current postholders with no appointment (at risk,
  in a pool not yet decided, a slot-in not yet recorded). They stay in their old post, which
  stays open for them, so nothing about them is lost;
- *notes* are only shown: new posts nobody was appointed to are created vacant for the joint
  appointments panel; external appointees start as new starters once the post exists.

`implement` is one unit of work: it re-plans, refuses on problems (or gaps without a reason),
and writes through the services that own each record (posts.save_post,
employees.change_assignment, protections.create_protection), recording each change it made
(ImplementationChange) so the restructure page lists them and `undo` can reverse exactly them.
A restructure stands implemented at most once (a partial unique index, 0016).

`undo` is the correcting half: before the effective date nothing has taken effect, so what was
opened is taken away again (the new assignments and posts, which never applied on any day, are
deleted with their whole content in the audit trail) and what was closed reopens with the end
it had. From the effective date on, corrections are dated changes like any other.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ...errors import DomainError
from ...extensions import db
from ...letters.types import PROTECTION as PROTECTION_LETTER
from ...models import (
    Appointment,
    Assignment,
    Council,
    Employee,
    Employment,
    JobEvaluation,
    Letter,
    Policy,
    Post,
    PostGrade,
    Protection,
    ProtectionAdjustment,
    ProtectionWarning,
    Restructure,
    RouteDecision,
    Service,
    StructurePost,
)
from ...models.restructures import Implementation, ImplementationChange
from ..people.records import picture_on, spine_on
from ..platform import audit
from ..platform.unit_of_work import transaction
from .restructures import Holder, appointments, band_words, holders, plain, posts

POST_TIERS = ("officer", "head of service", "deputy chief executive", "chief executive")  # the posts pages' tiers
ROUTE_WORDS = {"slot_in": "slot-in (assimilation) not yet recorded as an appointment",
               "ring_fence": "ring-fenced selection not yet decided", "alternative": "alternative employment offered",
               "at_risk": "at risk of redundancy"}


def _fte(value: Decimal) -> str:
    """1.0 as "1.0", 0.75 as "0.75": to one place unless it needs more."""
    return f"{value:.1f}" if value == value.quantize(Decimal("0.1")) else f"{value.normalize():f}"


def _pounds(amount: Decimal | None) -> str:
    return "–" if amount is None else f"£{amount:,.2f}"


# -- the plan ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewPost:
    """A proposed post as it will join the establishment."""

    structure_post: StructurePost
    post_number: str
    council: Council | None
    service: Service | None
    pay: str  # the grade or local band, in words
    fte: Decimal
    appointees: tuple[str, ...]


@dataclass(frozen=True)
class Closing:
    """An old establishment post: closes the day before the effective date, or stays open for the
    people still in it."""

    structure_post: StructurePost
    post: Post
    closes_on: date | None
    staying: tuple[str, ...]  # people not moved, who keep it open


@dataclass(frozen=True)
class Move:
    """A person appointed to a new post, from their old post and pay to the new."""

    appointment: Appointment
    employee: Employee
    employment_id: int
    assignment_id: int
    old_post: Post
    old_pay: Decimal | None  # full-time annual on the day before
    new_post: StructurePost
    new_pay: Decimal  # full-time annual from the date
    scp: int | None
    local_salary: Decimal | None
    hours: Decimal
    protection_id: int | None  # protection already recorded with the appointment
    policy: Policy | None  # the policy that will protect them, where pay falls and none is recorded
    recorded: str = ""  # the protection recorded with the appointment, in words

    @property
    def pay_falls(self) -> bool:
        return self.old_pay is not None and self.new_pay < self.old_pay

    @property
    def protection(self) -> str:
        if self.protection_id is not None:
            return f"Recorded with the appointment: {self.recorded}"
        if not self.pay_falls:
            return "None: pay does not fall"
        assert self.old_pay is not None
        drop = self.old_pay - self.new_pay
        policy = f" under {self.policy.name}" if self.policy is not None else ""
        return f"A reduction of {_pounds(drop)} a year full-time, protected{policy}"


@dataclass(frozen=True)
class GoLivePlan:
    restructure: Restructure
    effective_date: date | None
    new_posts: tuple[NewPost, ...] = ()
    closing: tuple[Closing, ...] = ()
    moves: tuple[Move, ...] = ()
    problems: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    standing: Implementation | None = None
    fix_posts: tuple[tuple[str, int], ...] = ()  # (problem, the proposed post whose page fixes it)

    @property
    def day_before(self) -> date | None:
        return self.effective_date - timedelta(days=1) if self.effective_date else None

    @property
    def can_implement(self) -> bool:
        return self.standing is None and not self.problems


def standing(restructure: Restructure) -> Implementation | None:
    """The implementation of the restructure that stands (not undone), if any."""
    return db.session.scalar(select(Implementation).where(Implementation.restructure_id == restructure.id,
                                                          Implementation.undone_at.is_(None)))


def history(restructure: Restructure) -> list[Implementation]:
    """Every implementation of the restructure, the latest first (undone ones kept)."""
    return list(db.session.scalars(select(Implementation).where(Implementation.restructure_id == restructure.id)
                                   .order_by(Implementation.id.desc())))


def _next_numbers() -> int:
    """The next free number of the establishment's sequence (post numbers are a council prefix
    and six digits, one sequence across both councils)."""
    highest = 0
    for number in db.session.scalars(select(Post.post_number)):
        found = re.search(r"(\d+)$", number)
        if found:
            highest = max(highest, int(found.group(1)))
    return highest + 1


def _employer_on(employee_id: int, on: date) -> Employment | None:
    return db.session.scalars(select(Employment).where(
        Employment.employee_id == employee_id, Employment.start_date <= on,
        or_(Employment.end_date.is_(None), Employment.end_date >= on)).order_by(Employment.start_date.desc())).first()


def _name(employee_id: int | None, external: str = "") -> str:
    if employee_id is None:
        return f"{external} (external)"
    person = db.session.get(Employee, employee_id)
    return f"{person.full_name} ({person.person_number})" if person else "a person no longer on record"


@dataclass
class _Findings:
    """What planning found, in the order found."""

    problems: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    fix: list[tuple[str, int]] = field(default_factory=list)

    def problem(self, words: str, fix_post: int | None = None) -> None:
        """A problem, and the proposed post whose page fixes it, where one does."""
        self.problems.append(words)
        if fix_post is not None:
            self.fix.append((words, fix_post))


def plan(restructure: Restructure, today: date) -> GoLivePlan:
    """What implementing the restructure on its effective date would do, and what stands in the
    way (see the module docstring for what blocks, what needs a reason and what is only shown)."""
    effective = restructure.effective_date
    found = standing(restructure)
    if effective is None:
        return GoLivePlan(restructure, None, problems=("The restructure has no effective date: set the date its new "
                                                       "structure starts first",), standing=found)
    day_before = effective - timedelta(days=1)
    findings = _Findings()
    people = {h.employee.id: h for h in holders(restructure, today)}
    made = [a for a in appointments(restructure) if a.outcome == "appointed"]
    proposed = posts(restructure, "proposed")
    current = posts(restructure, "current")
    if not proposed:
        findings.problem("The proposed structure has no posts")
    new_posts = _plan_new_posts(proposed, current, made, people, day_before, findings)
    councils = {n.structure_post.id: n.council for n in new_posts}
    moves = _plan_moves(made, proposed, people, councils, effective, findings)
    staying = _plan_gaps(restructure, people, {m.employee.id for m in moves}, findings)
    closing = _plan_closing(current, staying, day_before, findings)
    return GoLivePlan(restructure, effective, tuple(new_posts), tuple(closing), tuple(moves), tuple(findings.problems),
                      tuple(findings.gaps), tuple(findings.notes), found, tuple(findings.fix))


def _plan_new_posts(proposed: list[StructurePost], current: list[StructurePost], made: list[Appointment],
                    people: dict[int, Holder], day_before: date, findings: _Findings) -> list[NewPost]:
    """The new posts, numbered on from the establishment's sequence: employer and service from the
    decision HR recorded, else from who fills them."""
    by_post: dict[int, list[Appointment]] = {}
    for a in made:
        by_post.setdefault(a.proposed_post_id, []).append(a)
    current_services = {p.service_id for p in (db.session.get(Post, c.post_id) for c in current if c.post_id) if p}
    new_posts: list[NewPost] = []
    number = _next_numbers()
    for post in proposed:
        appointed = by_post.get(post.id, [])
        inside = [a for a in appointed if a.employee_id]
        council = _new_post_council(post, inside, day_before, findings)
        service = _new_post_service(inside, people, current_services)
        if service is None:
            findings.problem(f"{post.title}: it cannot be told which service the post belongs to (its appointees' "
                             "old posts, and the current structure's, are in different services)")
        prefix = council.code[:2] if council else "??"
        names = tuple(_name(a.employee_id, a.external_name) for a in appointed)
        new_posts.append(NewPost(post, f"{prefix}{number:06d}", council, service, band_words(post) or "not set",
                                 post.fte, names))
        number += 1
        findings.notes.extend(_new_post_notes(post, appointed))
    return new_posts


def _new_post_council(post: StructurePost, inside: list[Appointment], day_before: date,
                      findings: _Findings) -> Council | None:
    """The new post's employer: HR's decision, else the one council employing all its appointees."""
    employers = {e.employer_id for a in inside
                 if (employee_id := a.employee_id) is not None and (e := _employer_on(employee_id, day_before)) is not None}
    council = db.session.get(Council, post.employer_id) if post.employer_id else (
        db.session.get(Council, next(iter(employers))) if len(employers) == 1 else None)
    if council is None:
        why = "its appointees are employed by different councils" if len(employers) > 1 else \
            "nobody on a council's staff is appointed to it, so its employer cannot follow from an appointee"
        findings.problem(f"{post.title}: choose its employer (edit the post): none is decided, and {why}", post.id)
    return council


def _new_post_service(inside: list[Appointment], people: dict[int, Holder], current_services: set[int]) -> Service | None:
    """The service of its appointees' old posts where they share one, else the current structure's
    where that is one; None when it cannot be told."""
    old_posts = {people[a.employee_id].post.post_id for a in inside if a.employee_id in people}
    service_ids = {p.service_id for pid in old_posts if (p := db.session.get(Post, pid)) is not None}
    if len(service_ids) != 1:
        service_ids = current_services
    return db.session.get(Service, next(iter(service_ids))) if len(service_ids) == 1 else None


def _new_post_notes(post: StructurePost, appointed: list[Appointment]) -> list[str]:
    """What to say about a new post joining vacant: nobody appointed, or only external appointees."""
    if not appointed:
        return [f"{post.title}: nobody is appointed yet; it joins the establishment vacant, for the joint "
                f"appointments panel ({'external' if post.recruitment == 'external' else 'internal'} recruitment)"]
    return [f"{a.external_name} (external) is appointed to {post.title}: the post joins the establishment vacant; "
            "start them as a new starter in it" for a in appointed if not a.employee_id]


def _plan_moves(made: list[Appointment], proposed: list[StructurePost], people: dict[int, Holder],
                councils: dict[int, Council | None], effective: date, findings: _Findings) -> list[Move]:
    """Each internal appointment: the person's move and pay."""
    _, spine = spine_on(effective)
    moves: list[Move] = []
    for a in made:
        if not a.employee_id:
            continue
        post = next(p for p in proposed if p.id == a.proposed_post_id)
        move = _plan_move(a, post, people.get(a.employee_id), councils.get(post.id), effective, spine, findings)
        if move is not None:
            moves.append(move)
    return moves


def _plan_move(a: Appointment, post: StructurePost, holder: Holder | None, council: Council | None,
               effective: date, spine: dict[int, Decimal], findings: _Findings) -> Move | None:
    """One appointee's move, or None when they no longer hold a post to move from."""
    who = _name(a.employee_id)
    day_before = effective - timedelta(days=1)
    if holder is None or holder.assignment_id is None:
        findings.problem(f"{who}: appointed to {post.title} but no longer holds a post in the current structure "
                         f"on {day_before:%-d %B %Y}")
        return None
    if a.start_date != effective:
        findings.problem(f"{who}: the appointment to {post.title} starts on "
                         f"{a.start_date:%-d %B %Y}, not on the restructure's date {effective:%-d %B %Y}"
                         if a.start_date else f"{who}: the appointment to {post.title} has no start date")
    assignment = db.session.get(Assignment, holder.assignment_id)
    assert assignment is not None
    employment = assignment.employment
    _check_employment(who, post, assignment, council, effective, findings)
    assert a.salary is not None
    scp, local = _pay_point(a.salary, post, spine)
    if scp is None and local is None:
        findings.problem(f"{who}: {_pounds(a.salary)} is not a point of the pay spine for "
                         f"{effective:%-d %B %Y}, so it cannot be paid in graded post {post.title}")
    policy = _protection_policy(who, a, holder, council, employment, effective, findings)
    if holder.full_time_salary is None:
        findings.problem(f"{who}: no pay on record on {day_before:%-d %B %Y}, so it cannot be told whether pay falls")
    old_post = db.session.get(Post, assignment.post_id)
    assert old_post is not None
    return Move(a, holder.employee, employment.id, assignment.id, old_post, holder.full_time_salary, post,
                a.salary, scp, local, assignment.hours_per_week, a.protection_id, policy,
                _recorded_protection_words(a.protection_id))


def _check_employment(who: str, post: StructurePost, assignment: Assignment, council: Council | None,
                      effective: date, findings: _Findings) -> None:
    """The appointee must still be employed on the date, with nothing recorded after their current
    assignment, by the new post's council."""
    employment = assignment.employment
    if employment.end_date is not None and employment.end_date < effective:
        findings.problem(f"{who}: leaves on {employment.end_date:%-d %B %Y}, before the new structure starts")
    later = db.session.scalars(select(Assignment).where(
        Assignment.employment_id == employment.id, Assignment.effective_from > assignment.effective_from)
        .order_by(Assignment.effective_from)).first()
    if later is not None:
        findings.problem(f"{who}: a change of post, hours or pay is already recorded from "
                         f"{later.effective_from:%-d %B %Y} ({later.reason or 'no reason given'}); correct it "
                         "on their record first, so the move does not overwrite it")
    if council is not None and council.id != employment.employer_id:
        findings.problem(f"{who}: employed by {employment.employer.short_name} but {post.title} is "
                         f"{council.short_name}'s post; a change of employer is a transfer, not a change of "
                         "post (record the transfer first, or correct the post's employer)", post.id)


def _pay_point(salary: Decimal, post: StructurePost, spine: dict[int, Decimal]) -> tuple[int | None, Decimal | None]:
    """(SCP, local salary): a graded post with no local band pays the lowest spine point worth the
    salary (neither, when none is); any other post pays the salary as a local salary."""
    if post.grade and post.band_min is None and post.band_max is None:
        points = [s for s, value in sorted(spine.items()) if value == salary]
        return (points[0] if points else None), None
    return None, salary


def _protection_policy(who: str, a: Appointment, holder: Holder, council: Council | None, employment: Employment,
                       effective: date, findings: _Findings) -> Policy | None:
    """The policy that will protect someone whose pay falls and who has no protection recorded yet."""
    assert a.salary is not None
    falls = holder.full_time_salary is not None and a.salary < holder.full_time_salary
    if not (falls and a.protection_id is None and council is not None):
        return None
    from ..protection.protections import policy_in_force

    policy = policy_in_force(employment.employer_id, effective)
    if policy is None:
        findings.problem(f"{who}: pay falls, and {employment.employer.short_name} has no pay protection "
                         f"policy in force on {effective:%-d %B %Y}")
    return policy


def _recorded_protection_words(protection_id: int | None) -> str:
    recorded = db.session.get(Protection, protection_id) if protection_id else None
    if recorded is None:
        return ""
    under = db.session.get(Policy, recorded.policy_id)
    return (f"a reduction of {_pounds(recorded.old_salary - recorded.new_salary)} a year full-time, protected "
            f"from {recorded.start_date:%-d %B %Y}" + (f" under {under.name}" if under else ""))


def _plan_gaps(restructure: Restructure, people: dict[int, Holder], moved: set[int],
               findings: _Findings) -> dict[int, list[str]]:
    """The people with no appointment, as gaps; returns who stays in each current structure post."""
    decided = {d.employee_id: d for d in db.session.scalars(
        select(RouteDecision).where(RouteDecision.restructure_id == restructure.id))}
    staying: dict[int, list[str]] = {}
    for employee_id, holder in people.items():
        if employee_id in moved:
            continue
        decision = decided.get(employee_id)
        route = ROUTE_WORDS.get(decision.route, decision.route) if decision else "no route worked out"
        findings.gaps.append(f"{_name(employee_id)}, {holder.post.title}: no appointment ({route}). They stay in "
                             "their old post, which stays open for them")
        staying.setdefault(holder.post.id, []).append(_name(employee_id))
    return staying


def _plan_closing(current: list[StructurePost], staying: dict[int, list[str]], day_before: date,
                  findings: _Findings) -> list[Closing]:
    """The old posts: each closes the day before, unless someone stays in it or it is closed already."""
    closing: list[Closing] = []
    for sp in current:
        if sp.post_id is None:
            findings.notes.append(f"{sp.title}: not linked to an establishment post, so nothing closes for it")
            continue
        post = db.session.get(Post, sp.post_id)
        assert post is not None
        keep = tuple(staying.get(sp.id, []))
        if post.closed_on is not None and post.closed_on <= day_before:
            findings.notes.append(f"{post.title} ({post.post_number}) already closed on {post.closed_on:%-d %B %Y}")
            continue
        closing.append(Closing(sp, post, None if keep else day_before, keep))
    return closing


def describe(found: GoLivePlan) -> list[str]:
    """The plan as lines of text (`hrtool restructure implement NAME --dry-run`)."""
    name = found.restructure.name
    if found.standing is not None:
        return [f"{name} was implemented on {found.standing.implemented_at:%Y-%m-%d} by "
                f"{found.standing.implemented_by}, from {found.standing.effective_date:%Y-%m-%d}: it can be "
                "implemented only once."]
    if found.effective_date is None:
        return [f"Problem: {p}" for p in found.problems]
    lines = [f"{name}: from {found.effective_date:%Y-%m-%d} (old posts close on {found.day_before:%Y-%m-%d})",
             f"New posts ({len(found.new_posts)}):"]
    for n in found.new_posts:
        lines.append(f"  {n.post_number if n.council else '(no number yet)'} {n.structure_post.title}, "
                     f"{n.council.code if n.council else 'employer not decided'}, "
                     f"{n.service.name if n.service else 'service not known'}, {n.pay}, {n.fte:.1f} FTE: "
                     f"{', '.join(n.appointees) if n.appointees else 'vacant'}")
    lines.append(f"Old posts ({len(found.closing)}):")
    for c in found.closing:
        lines.append(f"  {c.post.post_number} {c.post.title}: " + (
            f"closes {c.closes_on:%Y-%m-%d}" if c.closes_on else f"stays open for {', '.join(c.staying)}"))
    lines.append(f"People moving ({len(found.moves)}):")
    for m in found.moves:
        lines.append(f"  {m.employee.person_number} {m.employee.full_name}: {m.old_post.post_number} "
                     f"{m.old_post.title} at {_pounds(m.old_pay)} to {m.new_post.title} at {_pounds(m.new_pay)}"
                     + (f" (SCP {m.scp})" if m.scp is not None else "") + f"; protection: {m.protection}")
    lines += [f"Needs a reason (--gaps-reason): {g}" for g in found.gaps]
    lines += [f"Note: {n}" for n in found.notes]
    lines += [f"Problem: {p}" for p in found.problems]
    return lines


# -- implementing --------------------------------------------------------------------------------

@transaction
def implement(restructure: Restructure, reason: str, gaps_reason: str = "", *,
              today: date | None = None) -> Implementation:
    """Implement the restructure on its effective date, once (see the module docstring). The
    reason is kept with the implementation; going ahead with postholders not yet appointed needs
    a reason of its own. Audited per post, per person and for the restructure."""
    today = today or date.today()
    reason = reason.strip()
    gaps_reason = gaps_reason.strip()
    found = plan(restructure, today)
    _refuse_unless_ready(restructure, found, reason, gaps_reason)
    assert found.effective_date is not None and found.day_before is not None
    effective = found.effective_date
    record = _start_implementation(restructure, found, reason, gaps_reason)
    why = f"{restructure.name} implemented from {effective:%d/%m/%Y}: {reason}"
    opened = {new.structure_post.id: _open_post(restructure, new, effective, record, why) for new in found.new_posts}
    for move in found.moves:
        _move_person(restructure, move, opened[move.new_post.id], effective, record, why)
    for closing in found.closing:
        if closing.closes_on is not None:
            _close_post(closing, found.day_before, record, why)

    before = {"status": restructure.status}
    restructure.status = "implemented"
    db.session.flush()
    audit.record("implement", "restructure", restructure.id, before=before, reason=reason, after=plain({
        "status": "implemented", "effective_date": effective, "gaps_reason": record.gaps_reason,
        "posts_opened": [n.post_number for n in found.new_posts],
        "posts_closed": [c.post.post_number for c in found.closing if c.closes_on is not None],
        "posts_kept_open": [c.post.post_number for c in found.closing if c.closes_on is None],
        "people_moved": [m.employee.person_number for m in found.moves]}))
    return record


def _refuse_unless_ready(restructure: Restructure, found: GoLivePlan, reason: str, gaps_reason: str) -> None:
    if found.standing is not None:
        raise DomainError(f"{restructure.name} was already implemented on "
                          f"{found.standing.implemented_at:%-d %B %Y} by {found.standing.implemented_by}: "
                          "it can be implemented only once")
    if found.problems:
        raise DomainError("It cannot be implemented yet: " + "; ".join(found.problems))
    if not reason:
        raise DomainError("Enter the reason for implementing the restructure (the decision it follows)",
                          field="reason")
    if found.gaps and not gaps_reason:
        raise DomainError(f"{len(found.gaps)} current postholder{'s have' if len(found.gaps) > 1 else ' has'} no "
                          "appointment: confirm that it goes ahead without them, with the reason", field="gaps_reason")


def _start_implementation(restructure: Restructure, found: GoLivePlan, reason: str, gaps_reason: str) -> Implementation:
    """The implementation record, written first so a second one standing at once is refused."""
    assert found.effective_date is not None
    actor_id, actor_label = audit._actor()
    record = Implementation(restructure_id=restructure.id, effective_date=found.effective_date,
                            status_before=restructure.status, implemented_at=datetime.now(UTC),
                            implemented_by_id=actor_id, implemented_by=actor_label, reason=reason,
                            gaps_reason=gaps_reason if found.gaps else "", undone_by="", undo_reason="")
    db.session.add(record)
    try:
        db.session.flush()  # the unique index: a second implementation standing at once is refused
    except IntegrityError:
        db.session.rollback()
        raise DomainError(f"{restructure.name} has just been implemented by someone else") from None
    return record


def _note(record: Implementation, kind: str, summary: str, **ids: object) -> None:
    """Record a change the implementation made, so `undo` can reverse exactly it."""
    db.session.add(ImplementationChange(implementation_id=record.id, kind=kind, summary=summary, **ids))


def _open_post(restructure: Restructure, new: NewPost, effective: date, record: Implementation, why: str) -> Post:
    """A proposed post joins the establishment from the effective date."""
    from ..people.posts import save_post

    sp = new.structure_post
    assert new.council is not None and new.service is not None
    post = save_post(None, {
        "post_number": new.post_number, "council_id": new.council.id, "service_id": new.service.id,
        "title": sp.title, "tier": sp.tier.strip().lower() if sp.tier.strip().lower() in POST_TIERS else "officer",
        "fte": sp.fte, "je_score": None,
        "band_min": sp.band_min, "band_max": sp.band_max, "established_on": effective, "closed_on": None,
        "notes": f"Established by {restructure.name} from {effective:%d/%m/%Y}"
                 + (f". Functions: {sp.functions}" if sp.functions else "")}, reason=why)
    _note(record, "post_opened", f"{post.post_number} {post.title} ({new.council.short_name}, {new.pay}, "
                                 f"{_fte(sp.fte)} FTE) "
                                 f"established from {effective:%-d %B %Y}", structure_post_id=sp.id, post_id=post.id)
    return post


def _move_person(restructure: Restructure, move: Move, post: Post, effective: date, record: Implementation,
                 why: str) -> None:
    """A dated change of assignment into the new post, and the pay protection that follows it."""
    from ..people.employees import AssignmentChange, change_assignment

    previous = db.session.get(Assignment, move.assignment_id)
    assert previous is not None
    previous_end = previous.effective_to
    new = change_assignment(move.assignment_id, AssignmentChange(
        effective, post.id, move.hours, move.scp, move.local_salary,
        f"Appointed to {post.title} ({post.post_number}) in {restructure.name}"))
    pay = f"SCP {move.scp} ({_pounds(move.new_pay)})" if move.scp is not None else _pounds(move.new_pay)
    _note(record, "moved", f"{move.employee.full_name} ({move.employee.person_number}): from "
                           f"{move.old_post.post_number} {move.old_post.title} at {_pounds(move.old_pay)} a year to "
                           f"{post.post_number} {post.title} at {pay} a year, from {effective:%-d %B %Y}",
          structure_post_id=move.new_post.id, post_id=post.id,
          employee_id=move.employee.id, appointment_id=move.appointment.id, assignment_id=new.id,
          previous_assignment_id=previous.id, previous_end=previous_end)
    if move.appointment.protection_id is not None:
        _link_protection(move, post, record, why)
    elif move.pay_falls:
        _protect_move(restructure, move, post, effective, record)


def _link_protection(move: Move, post: Post, record: Implementation, why: str) -> None:
    """The protection recorded with the appointment names the new post, now it exists."""
    appointment = move.appointment
    protection = db.session.get(Protection, appointment.protection_id)
    assert protection is not None
    before = audit.snapshot(protection, ["new_post_id"])
    protection.new_post_id = post.id
    db.session.flush()
    audit.record("update", "protection", protection.id, before=before,
                 after=audit.snapshot(protection, ["new_post_id"]), reason=why, employee_id=move.employee.id)
    _note(record, "protection_linked", f"{move.employee.full_name}'s pay protection from "
                                       f"{protection.start_date:%-d %B %Y} ({_pounds(protection.old_salary)} to "
                                       f"{_pounds(protection.new_salary)} a year full-time) now names "
                                       f"{post.post_number} {post.title} as the new post", employee_id=move.employee.id,
          protection_id=protection.id, post_id=post.id, appointment_id=appointment.id)


def _protect_move(restructure: Restructure, move: Move, post: Post, effective: date, record: Implementation) -> None:
    """Pay protection from the effective date for someone whose pay falls with the move."""
    from ..protection.protections import create_protection

    assert move.old_pay is not None
    appointment = move.appointment
    protection = create_protection(
        employee_id=move.employee.id, start_date=effective, source="restructure",
        source_ref=restructure.name, reason=f"Appointed to {post.title} in {restructure.name} on a lower salary",
        old_salary=move.old_pay, new_salary=move.new_pay, hours_per_week=move.hours,
        old_post_id=move.old_post.id, new_post_id=post.id,
        old_grade=move.old_post.grade or band_words_of(move.old_post), new_grade=band_words(move.new_post),
        council_id=post.council_id)
    appointment.protection_id = protection.id
    _note(record, "protection_created", f"{move.employee.full_name}: pay protection from {effective:%-d %B %Y} "
                                        f"under {protection.council.short_name}'s policy, {_pounds(move.old_pay)} to "
                                        f"{_pounds(move.new_pay)} a year full-time (a reduction of "
                                        f"{_pounds(move.old_pay - move.new_pay)})",
          employee_id=move.employee.id, protection_id=protection.id, post_id=post.id,
          appointment_id=appointment.id)


def _close_post(closing: Closing, day_before: date, record: Implementation, why: str) -> None:
    """An old post closes the day before the effective date."""
    from ..people.posts import save_post

    post = closing.post
    previous_end = post.closed_on
    save_post(post, {"post_number": post.post_number, "established_on": post.established_on,
                     "je_score": post.je_score, "closed_on": day_before}, reason=why)
    _note(record, "post_closed", f"{post.post_number} {post.title} closed on {day_before:%-d %B %Y}",
          structure_post_id=closing.structure_post.id, post_id=post.id, previous_end=previous_end)


def band_words_of(post: Post) -> str:
    """An establishment post's pay in words, when it has no grade (a chief officer's local band)."""
    if post.band_min is not None and post.band_max is not None:
        return f"£{post.band_min:,.0f}" if post.band_min == post.band_max else \
            f"£{post.band_min:,.0f} to £{post.band_max:,.0f}"
    return ""


# -- what it changed, afterwards -----------------------------------------------------------------

def changes(implementation: Implementation) -> dict[str, list[ImplementationChange]]:
    """What an implementation changed, by kind, in the order made."""
    found: dict[str, list[ImplementationChange]] = {}
    for change in implementation.changes:
        found.setdefault(change.kind, []).append(change)
    return found


def established_posts(restructure: Restructure) -> dict[int, Post]:
    """Proposed post id -> the establishment post it became, while an implementation stands."""
    record = standing(restructure)
    if record is None:
        return {}
    return {c.structure_post_id: post for c in record.changes if c.kind == "post_opened" and c.structure_post_id
            and (post := db.session.get(Post, c.post_id)) is not None}


def new_holders(restructure: Restructure) -> list[Holder]:
    """The people holding the new structure's establishment posts on the effective date, once it is
    implemented (the org chart's and the costing's "after" from the posts now held)."""
    opened = established_posts(restructure)
    if not opened or restructure.effective_date is None:
        return []
    on = restructure.effective_date
    by_post = {post.id: sp_id for sp_id, post in opened.items()}
    structure = {p.id: p for p in posts(restructure, "proposed")}
    rows = db.session.execute(select(Employment.employee_id, Assignment.post_id).join(Assignment).where(
        Assignment.post_id.in_(list(by_post)), Assignment.effective_from <= on,
        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
        .order_by(Assignment.post_id, Employment.employee_id)).all()
    found = []
    for employee_id, post_id in rows:
        picture = picture_on(employee_id, on)
        if picture is None or picture.assignment is None:
            continue
        found.append(Holder(picture.employee, structure[by_post[post_id]], picture.full_time_salary, picture.salary,
                            picture.assignment.hours_per_week,
                            picture.employment.employer if picture.employment else None, picture.assignment.id))
    return found


# -- undoing -------------------------------------------------------------------------------------

@dataclass
class UndoCheck:
    possible: bool
    reasons: list[str] = field(default_factory=list)


def undo_check(restructure: Restructure, today: date) -> UndoCheck:
    """Whether the standing implementation can be undone today, and if not why: only before its
    effective date, and only while what it opened is as it left it (nothing recorded since on
    the new posts or the moved people's records, no protection payment or warning given)."""
    record = standing(restructure)
    if record is None:
        return UndoCheck(False, ["It is not implemented"])
    reasons = []
    if today >= record.effective_date:
        reasons.append(f"It took effect on {record.effective_date:%-d %B %Y}: people have held the new posts since, "
                       "so correct it with dated changes on their records instead")
    for change in record.changes:
        if change.kind == "post_opened":
            reasons += _opened_post_since(record, change)
        elif change.kind == "moved":
            reasons += _moved_person_since(record, change)
        elif change.kind == "protection_created":
            reasons += _created_protection_since(change)
        elif change.kind == "post_closed":
            post = db.session.get(Post, change.post_id)
            if post is None or post.closed_on != record.effective_date - timedelta(days=1):
                reasons.append(f"{post.title if post else 'An old post'}: its closing date has been changed since")
    return UndoCheck(not reasons, reasons)


def _opened_post_since(record: Implementation, change: ImplementationChange) -> list[str]:
    """What has happened to a post the implementation opened that undoing would lose."""
    mine = {c.assignment_id for c in record.changes if c.kind == "moved"}
    ours = {c.protection_id for c in record.changes if c.kind == "protection_created"}
    reasons = []
    post = db.session.get(Post, change.post_id)
    others = db.session.scalar(select(func.count(Assignment.id)).where(
        Assignment.post_id == change.post_id, Assignment.id.not_in(mine or {0})))
    if others:
        reasons.append(f"{post.title if post else 'A new post'} has other people's records in it now")
    if db.session.scalar(select(JobEvaluation.id).where(JobEvaluation.post_id == change.post_id).limit(1)):
        reasons.append(f"{post.title if post else 'A new post'} has been evaluated since")
    named = db.session.scalar(select(func.count(Protection.id)).where(
        or_(Protection.old_post_id == change.post_id, Protection.new_post_id == change.post_id),
        Protection.id.not_in(ours or {0}),
        Protection.id.not_in([c.protection_id for c in record.changes if c.kind == "protection_linked"]
                             or [0])))
    if named:
        reasons.append(f"A pay protection recorded since names {post.title if post else 'a new post'}")
    return reasons


def _moved_person_since(record: Implementation, change: ImplementationChange) -> list[str]:
    """Whether a moved person's records are still as the implementation left them."""
    new = db.session.get(Assignment, change.assignment_id)
    previous = db.session.get(Assignment, change.previous_assignment_id)
    who = _name(change.employee_id)
    if new is None or previous is None or previous.effective_to != record.effective_date - timedelta(days=1):
        return [f"{who}: their record has been changed since"]
    later = db.session.scalar(select(Assignment.id).where(
        Assignment.employment_id == new.employment_id, Assignment.effective_from > new.effective_from).limit(1))
    if later is not None or new.effective_to != change.previous_end:
        return [f"{who}: a later change is recorded on their record; undo that first"]
    return []


def _created_protection_since(change: ImplementationChange) -> list[str]:
    """Whether a protection the implementation created has been paid, warned about or written to."""
    reasons = []
    paid = db.session.scalar(select(ProtectionAdjustment.id).where(
        ProtectionAdjustment.protection_id == change.protection_id).limit(1))
    warned = db.session.scalar(select(ProtectionWarning.id).where(
        ProtectionWarning.protection_id == change.protection_id).limit(1))
    if paid or warned:
        reasons.append(f"{_name(change.employee_id)}: their pay protection has been acted on since")
    written = db.session.scalar(select(Letter.reference).where(
        Letter.source_kind == PROTECTION_LETTER, Letter.source_id == change.protection_id).limit(1))
    if written:
        reasons.append(f"{_name(change.employee_id)}: letter {written} confirms the pay protection this "
                       "created; correct it with dated changes and a correcting letter instead")
    return reasons


@transaction
def undo(restructure: Restructure, reason: str, *, today: date | None = None) -> Implementation:
    """Undo the standing implementation before its effective date, with the reason: the posts it
    closed reopen with the end they had, the people it moved are back in their old records as
    they were, the protections it created go (those recorded with the appointments stay, no
    longer naming a new post), and the posts it opened go. Nothing it opened ever applied on
    any day, so removing it loses no history; each removal is audited with what it held. The
    restructure goes back to its status before, and may be implemented again."""
    today = today or date.today()
    reason = reason.strip()
    record = standing(restructure)
    if record is None:
        raise DomainError(f"{restructure.name} is not implemented, so there is nothing to undo")
    check = undo_check(restructure, today)
    if not check.possible:
        raise DomainError("It cannot be undone: " + "; ".join(check.reasons))
    if not reason:
        raise DomainError("Enter the reason for undoing the implementation", field="undo_reason")
    why = f"Implementation of {restructure.name} undone: {reason}"
    for change in reversed(record.changes):
        if change.kind == "post_closed":
            _reopen_post(change, why)
        elif change.kind == "protection_linked":
            _unlink_protection(change, why)
        elif change.kind == "protection_created":
            _remove_protection(change, why)
        elif change.kind == "moved":
            _move_back(change, why)
        elif change.kind == "post_opened":
            _remove_post(record, change, why)
        db.session.flush()
    actor_id, actor_label = audit._actor()
    record.undone_at = datetime.now(UTC)
    record.undone_by_id = actor_id
    record.undone_by = actor_label
    record.undo_reason = reason
    before_status = restructure.status
    restructure.status = record.status_before
    db.session.flush()
    audit.record("undo", "restructure", restructure.id, before={"status": before_status},
                 after={"status": restructure.status, "implementation": record.id}, reason=reason)
    return record


def _reopen_post(change: ImplementationChange, why: str) -> None:
    from ..people.posts import save_post

    post = db.session.get(Post, change.post_id)
    assert post is not None
    save_post(post, {"post_number": post.post_number, "established_on": post.established_on,
                     "je_score": post.je_score, "closed_on": change.previous_end}, reason=why)


def _unlink_protection(change: ImplementationChange, why: str) -> None:
    protection = db.session.get(Protection, change.protection_id)
    if protection is not None:
        before = audit.snapshot(protection, ["new_post_id"])
        protection.new_post_id = None
        db.session.flush()
        audit.record("update", "protection", protection.id, before=before,
                     after=audit.snapshot(protection, ["new_post_id"]), reason=why,
                     employee_id=protection.employee_id)


def _remove_protection(change: ImplementationChange, why: str) -> None:
    protection = db.session.get(Protection, change.protection_id)
    appointment = db.session.get(Appointment, change.appointment_id) if change.appointment_id else None
    if appointment is not None and appointment.protection_id == change.protection_id:
        appointment.protection_id = None
    if protection is not None:
        audit.record("delete", "protection", protection.id, before=audit.snapshot(protection), reason=why,
                     employee_id=protection.employee_id)
        change.protection_id = None
        db.session.flush()
        db.session.delete(protection)


def _move_back(change: ImplementationChange, why: str) -> None:
    """The new assignment goes (audited with what it held); the old one gets back the end it had."""
    from ..people.employees import assignment_summary

    new = db.session.get(Assignment, change.assignment_id)
    previous = db.session.get(Assignment, change.previous_assignment_id)
    assert new is not None and previous is not None
    audit.record("delete", "assignment", new.id, before=assignment_summary(new), reason=why,
                 employee_id=change.employee_id)
    before = audit.snapshot(previous, ["effective_to"])
    previous.effective_to = change.previous_end
    change.assignment_id = None
    db.session.flush()
    db.session.delete(new)
    audit.record("update", "assignment", previous.id, before=before,
                 after=audit.snapshot(previous, ["effective_to"]), reason=why, employee_id=change.employee_id)


def _remove_post(record: Implementation, change: ImplementationChange, why: str) -> None:
    """An opened post goes, with its grades, audited with what it held."""
    from ..people.posts import POST_FIELDS

    post = db.session.get(Post, change.post_id)
    assert post is not None
    audit.record("delete", "post", post.id, before=audit.snapshot(post, POST_FIELDS), reason=why)
    for row in db.session.scalars(select(PostGrade).where(PostGrade.post_id == post.id)):
        db.session.delete(row)
    for other in record.changes:
        if other.post_id == post.id:
            other.post_id = None
    db.session.flush()
    db.session.delete(post)
