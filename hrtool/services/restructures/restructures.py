"""Restructures (DOMAIN.md 3.4): the current and proposed structures, the job match grid, each
postholder's route under the joint policy (with HR's overrides), the posts left for the joint
appointments panel, and appointments (with pay protection where pay falls). Each change is one
user action, one unit of work (`@transaction`): it commits once, or rolls back whole."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ...domain.assimilation import (
    ROUTES,
    AssimilationPolicy,
    Candidate,
    NewPost,
    Route,
    assimilation_routes,
    trial_period_end,
    vacant_after,
)
from ...errors import DomainError
from ...extensions import db
from ...models import (
    Appointment,
    Assignment,
    Council,
    Employee,
    Employment,
    JobMatch,
    Policy,
    Post,
    Restructure,
    RouteDecision,
    StructurePost,
)
from ..people.records import picture_on
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows

SIDES = ("current", "proposed")


def policy(kind: str, council_id: int | None, on: date) -> Policy | None:
    """The policy of a kind in force on a date (joint policies have no council)."""
    where = Policy.council_id.is_(None) if council_id is None else Policy.council_id == council_id
    return db.session.scalars(select(Policy).where(Policy.kind == kind, where, Policy.effective_from <= on)
                              .order_by(Policy.effective_from.desc()).limit(1)).first()


def assimilation_policy(on: date) -> AssimilationPolicy:
    """The joint Redundancy and Restructuring Policy's thresholds in force on a date."""
    found = policy("assimilation", None, on)
    if found is None:
        raise DomainError("No joint assimilation policy is held: an administrator loads the reference data")
    b = found.body
    return AssimilationPolicy(int(b["slot_in_min_job_match_percent"]), int(b["slot_in_max_grade_drop"]),
                              Decimal(str(b["slot_in_max_salary_drop_percent"])),
                              int(b["ring_fence_min_job_match_percent"]), int(b["trial_period_weeks"]))


def by_name(name: str) -> Restructure | None:
    return db.session.scalar(select(Restructure).where(Restructure.name == name))


def newest_first() -> list[Restructure]:
    """Every restructure, the latest created first."""
    return list(db.session.scalars(select(Restructure).order_by(Restructure.created_at.desc(),
                                                                Restructure.id.desc())))


def as_at(restructure: Restructure, today: date) -> date:
    """Whose posts and pay the restructure looks at: the day before it takes effect, or today."""
    return restructure.effective_date - timedelta(days=1) if restructure.effective_date else today


def places(post: StructurePost) -> int:
    """How many people a post takes: its whole FTE, at least one."""
    return max(1, int(post.fte))


def _whole_pounds(amount: Decimal) -> str:
    return f"£{amount:,.0f}"


def band_words(post: StructurePost, amount: Callable[[Decimal], str] = _whole_pounds, after: str = "") -> str:
    """The post's grade, else its salary band (each end worded by `amount`, then `after`), else ""."""
    if post.grade:
        return post.grade
    if post.band_min is not None and post.band_max is not None:
        if post.band_min == post.band_max:
            return f"{amount(post.band_max)}{after}"
        return f"{amount(post.band_min)} to {amount(post.band_max)}{after}"
    return ""


def refuse_if_implemented(restructure: Restructure) -> None:
    """Once implemented, the structures are the establishment's history: changing them would make
    the restructure disagree with the posts and records it made. Undo it first (before
    its date), or change the establishment itself."""
    if restructure.status == "implemented":
        raise DomainError(f"{restructure.name} is implemented, so its structures, routes and appointments can no "
                          "longer change: undo the implementation first (before its date), or change the posts "
                          "and people's records in the establishment")


# -- creating ------------------------------------------------------------------------------------

@transaction
def create_restructure(name: str, description: str, effective_date: date | None) -> Restructure:
    date_windows.check("restructure_date", effective_date, field="effective_date")
    name = name.strip()
    if not name:
        raise DomainError("Enter a name", field="name")
    if by_name(name) is not None:
        raise DomainError("A restructure with that name already exists", field="name")
    record = Restructure(name=name, description=description.strip(), effective_date=effective_date, status="draft")
    db.session.add(record)
    db.session.flush()
    audit.record("create", "restructure", record.id, after=plain({"name": name, "effective_date": effective_date}))
    return record


# The columns of a structure post that HR sets (post_id from the establishment post number).
POST_COLUMNS = ("side", "title", "tier", "grade", "band_min", "band_max", "fte", "functions", "reports_to_id",
                "employer_id", "ccdc_share", "budget", "post_id", "recruitment")
RECRUITMENT = ("internal", "external")
PENNY, FOUR_PLACES = Decimal("0.01"), Decimal("0.0001")


# radon: one independent check per field of the post form, in the form's order
def _post_columns(restructure: Restructure, values: dict[str, Any],
                  post: StructurePost | None = None) -> dict[str, Any]:
    """Check what HR entered for a new post (post None) or a change to one, and return the
    columns to store. A current post may name the establishment post (by post number) whose
    holders it stands for."""
    side = values.get("side")
    if side not in SIDES:
        raise DomainError("Choose current or proposed", field="side")
    title = (values.get("title") or "").strip()
    if not title:
        raise DomainError("Enter the post title", field="title")
    post_id = None
    number = (values.get("post_number") or "").strip().upper()
    if number:
        post_id = db.session.scalar(select(Post.id).where(Post.post_number == number))
        if post_id is None:
            raise DomainError("No establishment post has that number", field="post_number")
    band_min, band_max = values.get("band_min"), values.get("band_max")
    if band_min is not None and band_max is not None and band_min > band_max:
        raise DomainError("The bottom of the band is above the top", field="band_max")
    recruitment = values.get("recruitment") or "internal"
    if recruitment not in RECRUITMENT:
        raise DomainError("Choose how the post is recruited", field="recruitment")
    reports_to = values.get("reports_to_id") or None
    if reports_to is not None:
        boss = db.session.get(StructurePost, reports_to)
        if boss is None or boss.restructure_id != restructure.id or boss.side != side:
            raise DomainError("Choose a post in the same structure", field="reports_to_id")
        if post is not None and _is_below(boss, post):
            raise DomainError(f"{post.title} can't report to itself or to a post that reports to it",
                              field="reports_to_id")
    if post is not None and side != post.side:
        uses = _uses(post, matches=True)
        if uses:
            raise DomainError(f"{post.title} can't move to the {side} structure because it is used by "
                              f"{_and(uses)}", field="side")
    share = values.get("ccdc_share")
    return {"side": side, "title": title, "tier": (values.get("tier") or "").strip(),
            "grade": (values.get("grade") or "").strip(), "band_min": _to(band_min, PENNY),
            "band_max": _to(band_max, PENNY), "fte": _to(values.get("fte") or Decimal(1), FOUR_PLACES),
            "functions": (values.get("functions") or "").strip(), "reports_to_id": reports_to,
            "employer_id": values.get("employer_id") or None,
            "ccdc_share": _to(share if share is not None else Decimal("0.5"), FOUR_PLACES),
            "budget": _to(values.get("budget"), PENNY), "post_id": post_id, "recruitment": recruitment}


def _to(value: Decimal | None, places: Decimal) -> Decimal | None:
    """As the column holds it, so the audit trail shows what was stored."""
    return None if value is None else Decimal(value).quantize(places)


def _is_below(candidate: StructurePost, post: StructurePost) -> bool:
    """Whether candidate is the post itself or reports to it, directly or through others."""
    seen: set[int] = set()
    current: StructurePost | None = candidate
    while current is not None and current.id not in seen:
        if current.id == post.id:
            return True
        seen.add(current.id)
        current = db.session.get(StructurePost, current.reports_to_id) if current.reports_to_id else None
    return False


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _uses(post: StructurePost, matches: bool = False) -> list[str]:
    """What refers to a post, in words: people's routes (their current post, the post they go to or
    a pool they compete in), appointments, posts reporting to it and (if asked) job matches."""
    found = []
    routes = [d for d in db.session.scalars(select(RouteDecision).where(
        RouteDecision.restructure_id == post.restructure_id).order_by(RouteDecision.id))
        if post.id in (d.current_post_id, d.proposed_post_id) or post.id in (d.pool or [])]
    if routes:
        names = [_person_name(d.employee_id) for d in routes]
        found.append(f"the route{'s' if len(names) > 1 else ''} for {_and(names)}")
    made = list(db.session.scalars(select(Appointment).where(Appointment.proposed_post_id == post.id)
                                   .order_by(Appointment.id)))
    if made:
        names = [_person_name(a.employee_id) if a.employee_id else a.external_name for a in made]
        found.append(f"the appointment{'s' if len(names) > 1 else ''} of {_and(names)}")
    reports = list(db.session.scalars(select(StructurePost.title).where(StructurePost.reports_to_id == post.id)
                                      .order_by(StructurePost.id)))
    if reports:
        found.append(f"the post{'s' if len(reports) > 1 else ''} reporting to it ({_and(reports)})")
    if matches:
        count = len(_matches_of(post))
        if count:
            found.append(f"{count} job match{'es' if count > 1 else ''}")
    return found


def _person_name(employee_id: int) -> str:
    person = db.session.get(Employee, employee_id)
    return person.full_name if person else f"employee {employee_id}"


def _matches_of(post: StructurePost) -> list[JobMatch]:
    return list(db.session.scalars(select(JobMatch).where(
        (JobMatch.current_post_id == post.id) | (JobMatch.proposed_post_id == post.id)).order_by(JobMatch.id)))


def values_of(post: StructurePost) -> dict[str, Any]:
    """A post as the values add_post and update_post take (so the form can show it)."""
    values = {name: getattr(post, name) for name in POST_COLUMNS if name != "post_id"}
    values["post_number"] = db.session.scalar(select(Post.post_number).where(Post.id == post.post_id)) \
        if post.post_id else ""
    values["reports_to_id"] = post.reports_to_id or 0
    values["employer_id"] = post.employer_id or 0
    return values


@transaction
def add_post(restructure: Restructure, values: dict[str, Any]) -> StructurePost:
    """A post in the current or proposed structure."""
    refuse_if_implemented(restructure)
    record = StructurePost(restructure=restructure, **_post_columns(restructure, values))
    db.session.add(record)
    db.session.flush()
    audit.record("create", "structure_post", record.id,
                 after={"restructure": restructure.name, "side": record.side, "title": record.title})
    return record


@transaction
def update_post(post: StructurePost, values: dict[str, Any]) -> StructurePost:
    """Correct a post: the same checks as adding one, and it may not report to itself or to a
    post below it. It stays on its side once routes, appointments, job matches or other posts
    refer to it. One audit event holds what changed, before and after."""
    refuse_if_implemented(post.restructure)
    columns = _post_columns(post.restructure, values, post)
    before = {name: getattr(post, name) for name in POST_COLUMNS}
    changed = [name for name in POST_COLUMNS if before[name] != columns[name]]
    if not changed:
        return post
    for name in changed:
        setattr(post, name, columns[name])
    db.session.flush()
    audit.record("update", "structure_post", post.id, before=plain({k: before[k] for k in changed}),
                 after=plain({k: columns[k] for k in changed}))
    return post


@transaction
def remove_post(post: StructurePost, reason: str) -> None:
    """Take a post out of its structure, with the reason. Refused while people's routes or
    appointments refer to it or other posts report to it; its job matches go with it (kept in
    the audit event, with the post as it was)."""
    refuse_if_implemented(post.restructure)
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for removing the post", field="reason")
    uses = _uses(post)
    if uses:
        raise DomainError(f"{post.title} can't be removed because it is used by {_and(uses)}. "
                          f"Change {'that' if len(uses) == 1 else 'those'} first")
    restructure = post.restructure
    gone = _matches_of(post)
    before = plain({"restructure": restructure.name, **{name: getattr(post, name) for name in POST_COLUMNS}})
    if gone:
        before["job_matches"] = [{"current_post_id": m.current_post_id, "proposed_post_id": m.proposed_post_id,
                                  "match_percent": m.match_percent, "note": m.note} for m in gone]
    for match in gone:
        db.session.delete(match)
    db.session.flush()  # the matches first: they point at the post
    audit.record("delete", "structure_post", post.id, before=before, reason=reason)
    db.session.delete(post)
    db.session.flush()
    db.session.expire(restructure, ["posts"])


# -- structures and holders ------------------------------------------------------------------------

@dataclass
class Holder:
    employee: Employee
    post: StructurePost
    full_time_salary: Decimal | None
    salary: Decimal | None  # pro rata to hours
    hours: Decimal | None
    employer: Council | None
    assignment_id: int | None


@dataclass
class Node:
    post: StructurePost
    holders: list[Holder] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)


def posts(restructure: Restructure, side: str) -> list[StructurePost]:
    return [p for p in restructure.posts if p.side == side]


def holders(restructure: Restructure, today: date) -> list[Holder]:
    """The people holding the current structure's establishment posts on the as-at day."""
    on = as_at(restructure, today)
    current = {p.post_id: p for p in posts(restructure, "current") if p.post_id is not None}
    if not current:
        return []
    rows = db.session.execute(
        select(Employment.employee_id, Assignment.post_id).join(Assignment).where(
            Assignment.post_id.in_(current), Assignment.effective_from <= on,
            (Assignment.effective_to.is_(None)) | (Assignment.effective_to >= on),
            Employment.start_date <= on, (Employment.end_date.is_(None)) | (Employment.end_date >= on))
        .order_by(Assignment.post_id, Employment.employee_id)).all()
    found = []
    for employee_id, post_id in rows:
        picture = picture_on(employee_id, on)
        assert picture is not None
        found.append(Holder(picture.employee, current[post_id], picture.full_time_salary, picture.salary,
                            picture.assignment.hours_per_week if picture.assignment else None,
                            picture.employment.employer if picture.employment else None,
                            picture.assignment.id if picture.assignment else None))
    return found


def chart(restructure: Restructure, side: str, today: date) -> list[Node]:
    """The structure as a tree (roots first, each post's reports under it, in the order added)."""
    nodes = {p.id: Node(p) for p in posts(restructure, side)}
    if side == "current":
        for holder in holders(restructure, today):
            nodes[holder.post.id].holders.append(holder)
    else:  # once implemented, who holds each new post from the effective date
        from .restructure_go_live import new_holders

        for holder in new_holders(restructure):
            nodes[holder.post.id].holders.append(holder)
    roots: list[Node] = []
    for node in nodes.values():
        boss = nodes.get(node.post.reports_to_id) if node.post.reports_to_id else None
        (boss.children if boss else roots).append(node)
    return roots


# -- the job match grid ----------------------------------------------------------------------------

def matches(restructure: Restructure) -> dict[tuple[int, int], JobMatch]:
    """(current post id, proposed post id) -> the match HR recorded."""
    rows = db.session.scalars(select(JobMatch).where(JobMatch.restructure_id == restructure.id))
    return {(m.current_post_id, m.proposed_post_id): m for m in rows}


@transaction
def save_matches(restructure: Restructure, entries: dict[tuple[int, int], tuple[int | None, str]], reason: str = "") -> int:
    """Record the grid: for each (current, proposed) pair a percentage (None clears it) and a
    note. Returns how many cells changed; each change audited."""
    refuse_if_implemented(restructure)
    current = {p.id for p in posts(restructure, "current")}
    proposed = {p.id for p in posts(restructure, "proposed")}
    held = matches(restructure)
    changed = 0
    for (cur, new), (percent, note) in entries.items():
        if cur not in current or new not in proposed:
            raise DomainError("That cell is not in this restructure's grid")
        if percent is not None and not 0 <= percent <= 100:
            raise DomainError("Enter a percentage from 0 to 100", field=f"m_{cur}_{new}")
        note = note.strip()
        row = held.get((cur, new))
        before = {"match_percent": row.match_percent, "note": row.note} if row else None
        if percent is None:
            if row is not None:
                db.session.delete(row)
                audit.record("delete", "job_match", f"{cur}-{new}", before=before, reason=reason)
                changed += 1
            continue
        if row is not None and row.match_percent == percent and row.note == note:
            continue
        if row is None:
            row = JobMatch(restructure_id=restructure.id, current_post_id=cur, proposed_post_id=new,
                           match_percent=percent, note=note)
            db.session.add(row)
        else:
            row.match_percent, row.note = percent, note
        audit.record("update" if before else "create", "job_match", f"{cur}-{new}", before=before,
                     after={"match_percent": percent, "note": note}, reason=reason)
        changed += 1
    db.session.flush()
    return changed


# -- the engine ------------------------------------------------------------------------------------

def _new_posts(restructure: Restructure) -> list[NewPost]:
    return [NewPost(p.id, p.title, places(p), p.band_min, p.band_max) for p in posts(restructure, "proposed")]


@dataclass(frozen=True)
class EngineRun:
    computed: int
    kept: int  # HR's overrides left as they were


@transaction
def run_engine(restructure: Restructure, today: date) -> EngineRun:
    """Apply the joint policy to every current postholder and store each route with its reasons.
    Decisions HR has overridden are kept; the rest are replaced."""
    refuse_if_implemented(restructure)
    people = holders(restructure, today)
    if not people:
        raise DomainError("Nobody holds a post in the current structure: link its posts to the establishment first")
    if not posts(restructure, "proposed"):
        raise DomainError("The proposed structure has no posts yet")
    rules = assimilation_policy(restructure.effective_date or today)
    candidates = [Candidate(h.employee.id, h.employee.full_name, h.post.id, h.full_time_salary) for h in people]
    keyed = {k: m.match_percent for k, m in matches(restructure).items()}
    routes = assimilation_routes(candidates, _new_posts(restructure), keyed, rules, restructure.effective_date)
    held = {d.employee_id: d for d in db.session.scalars(
        select(RouteDecision).where(RouteDecision.restructure_id == restructure.id))}
    kept = 0
    for route in routes:
        decision = held.pop(route.employee_id, None)
        if decision is not None and decision.overridden:
            kept += 1
            continue
        before = _decision_summary(decision) if decision else None
        if decision is None:
            decision = RouteDecision(restructure_id=restructure.id, employee_id=route.employee_id)
            db.session.add(decision)
        _apply(decision, route)
        after = _decision_summary(decision)
        if before != after:
            audit.record("update" if before else "create", "route_decision", route.employee_id, before=before,
                         after=after, employee_id=route.employee_id, reason="assimilation engine")
    for gone in held.values():  # no longer holds a current post
        audit.record("delete", "route_decision", gone.employee_id, before=_decision_summary(gone),
                     employee_id=gone.employee_id, reason="no longer holds a post in the current structure")
        db.session.delete(gone)
    if restructure.status == "draft":
        restructure.status = "consulting"
    db.session.flush()
    return EngineRun(len(routes) - kept, kept)


def _apply(decision: RouteDecision, route: Route) -> None:
    decision.current_post_id = route.current_post_id
    decision.route = route.route
    decision.proposed_post_id = route.proposed_post_id
    decision.pool = list(route.pool) or None
    decision.reasons = route.reasons
    decision.trial_ends_on = route.trial_ends_on
    decision.details = {k: v for k, v in route.details.items()} or None


def _decision_summary(decision: RouteDecision) -> dict[str, Any]:
    return plain({"route": decision.route, "proposed_post_id": decision.proposed_post_id, "pool": decision.pool,
                  "reasons": decision.reasons, "trial_ends_on": decision.trial_ends_on,
                  "overridden": bool(decision.overridden), "override_reason": decision.override_reason})


def plain(values: dict[str, Any]) -> dict[str, Any]:
    """Audit-safe values: dates as ISO text, money as exact text."""
    return {k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, Decimal) else v
            for k, v in values.items()}


def decisions(restructure: Restructure) -> list[RouteDecision]:
    return list(db.session.scalars(select(RouteDecision).where(RouteDecision.restructure_id == restructure.id)
                                   .order_by(RouteDecision.current_post_id, RouteDecision.employee_id)))


@transaction
def override(decision: RouteDecision, route: str, proposed_post_id: int | None, reason: str,
             user_id: int | None) -> RouteDecision:
    """HR sets a person's route by hand, with the reason (kept, and audited). Slot-in and
    alternative employment name the post; a ring-fence names the post competed for."""
    if route not in ROUTES:
        raise DomainError("Choose a route", field="route")
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter the reason for overriding the policy's route", field="reason")
    restructure = db.session.get(Restructure, decision.restructure_id)
    assert restructure is not None
    refuse_if_implemented(restructure)
    proposed = {p.id: p for p in posts(restructure, "proposed")}
    if route != "at_risk":
        if proposed_post_id not in proposed:
            raise DomainError("Choose the new post", field="proposed_post_id")
    else:
        proposed_post_id = None
    before = _decision_summary(decision)
    decision.route = route
    decision.proposed_post_id = proposed_post_id if route in ("slot_in", "alternative") else None
    decision.pool = [proposed_post_id] if route == "ring_fence" and proposed_post_id else None
    decision.trial_ends_on = None
    if route == "alternative" and restructure.effective_date:
        weeks = assimilation_policy(restructure.effective_date).trial_period_weeks
        decision.trial_ends_on = trial_period_end(restructure.effective_date, weeks)
    post_words = f" ({proposed[proposed_post_id].title})" if proposed_post_id in proposed else ""
    decision.reasons = f"Set by HR{post_words}: {reason}"
    decision.overridden = True
    decision.override_reason = reason
    decision.overridden_by_id = user_id
    db.session.flush()
    audit.record("override", "route_decision", decision.employee_id, before=before,
                 after=_decision_summary(decision), reason=reason, employee_id=decision.employee_id)
    return decision


# -- vacancies and appointments ------------------------------------------------------------------

@dataclass(frozen=True)
class Vacancy:
    post: StructurePost
    places: int
    contested: bool  # a ring-fenced pool competes for it
    appointed: int


def vacancies(restructure: Restructure) -> list[Vacancy]:
    """New posts with places not filled by slot-in or alternative employment, for the joint
    appointments panel (internal first; external where the post says so). Posts a ring-fenced
    pool competes for are listed as such; appointments made so far are counted."""
    routes = [Route(d.employee_id, d.current_post_id, d.route, d.reasons, d.proposed_post_id, tuple(d.pool or ()))
              for d in decisions(restructure)]
    new = _new_posts(restructure)
    open_places = vacant_after(routes, new)
    contested = {pid for r in routes if r.route == "ring_fence" for pid in r.pool}
    appointed: dict[int, int] = {}
    for a in appointments(restructure):
        if a.outcome == "appointed":
            appointed[a.proposed_post_id] = appointed.get(a.proposed_post_id, 0) + 1
    found = []
    for post in posts(restructure, "proposed"):
        if post.id in open_places or post.id in contested:
            found.append(Vacancy(post, open_places.get(post.id, places(post)), post.id in contested,
                                 appointed.get(post.id, 0)))
    return found


def appointments(restructure: Restructure) -> list[Appointment]:
    return list(db.session.scalars(select(Appointment).where(Appointment.restructure_id == restructure.id)
                                   .order_by(Appointment.proposed_post_id, Appointment.id)))


def other_appointees(made: list[Appointment], holders: list[Holder]) -> dict[int, str]:
    """The people appointed who hold none of the current posts, as "name (person number)" by id."""
    others = {a.employee_id for a in made if a.employee_id} - {h.employee.id for h in holders}
    if not others:
        return {}
    return {e.id: f"{e.full_name} ({e.person_number})"
            for e in db.session.scalars(select(Employee).where(Employee.id.in_(others)))}


@transaction
def record_appointment(restructure: Restructure, values: dict[str, Any], today: date) -> Appointment:
    """Record a selection outcome or an appointment to a new post. Someone appointed on a lower
    full-time salary than theirs now gets a pay protection record from the start date."""
    refuse_if_implemented(restructure)
    date_windows.check("appointment_start", values.get("start_date"), field="start_date", today=today)
    post = _proposed_post(restructure, values.get("proposed_post_id"))
    outcome = values.get("outcome") or "appointed"
    if outcome not in ("appointed", "unsuccessful"):
        raise DomainError("Choose the outcome", field="outcome")
    employee_id, external = _appointee(values)
    people = {h.employee.id: h for h in holders(restructure, today)}
    if employee_id and employee_id not in people:
        raise DomainError("That person does not hold a post in the current structure", field="employee_id")
    if external and outcome != "appointed":
        raise DomainError("Only appointments are recorded for external candidates", field="outcome")
    start: date | None
    salary: Decimal | None
    start, salary = values.get("start_date"), values.get("salary")
    if outcome == "appointed":
        _check_appointment(post, employee_id, start, salary, appointments(restructure))
    record = Appointment(restructure_id=restructure.id, proposed_post_id=post.id, employee_id=employee_id,
                         external_name=external, outcome=outcome, start_date=start if outcome == "appointed" else None,
                         salary=salary if outcome == "appointed" else None, note=(values.get("note") or "").strip())
    db.session.add(record)
    db.session.flush()
    holder = people.get(employee_id) if employee_id else None
    # Appointed: _check_appointment made sure of the start date and salary (the checker cannot see it).
    if outcome == "appointed" and start and salary and holder and holder.full_time_salary \
            and salary < holder.full_time_salary:
        record.protection_id = _protect_lower_salary(restructure, post, holder, start, salary)
    audit.record("create", "appointment", record.id, employee_id=employee_id,
                 after=plain({"restructure": restructure.name, "post": post.title, "outcome": outcome,
                              "external_name": external, "start_date": record.start_date, "salary": record.salary,
                              "protection_id": record.protection_id}))
    db.session.flush()
    return record


def _proposed_post(restructure: Restructure, post_id: int | None) -> StructurePost:
    post = db.session.get(StructurePost, post_id)
    if post is None or post.restructure_id != restructure.id or post.side != "proposed":
        raise DomainError("Choose a post in the proposed structure", field="proposed_post_id")
    return post


def _appointee(values: dict[str, Any]) -> tuple[int | None, str]:
    """The current postholder's employee id or the external appointee's name: exactly one."""
    employee_id = values.get("employee_id") or None
    external = (values.get("external_name") or "").strip()
    if bool(employee_id) == bool(external):
        raise DomainError("Choose a current postholder, or give an external appointee's name (not both)",
                          field="employee_id")
    return employee_id, external


def _check_appointment(post: StructurePost, employee_id: int | None, start: date | None, salary: Decimal | None,
                       earlier: list[Appointment]) -> None:
    """An appointment needs a start date and a salary within the post's band, a place left in the
    post, and a person not already appointed in this restructure."""
    if start is None:
        raise DomainError("Enter the start date", field="start_date")
    if salary is None or salary <= 0:
        raise DomainError("Enter the full-time annual salary", field="salary")
    if (post.band_min is not None and salary < post.band_min) or (post.band_max is not None and salary > post.band_max):
        raise DomainError(f"The salary is outside the post's band ({band_words(post)})", field="salary")
    filled = sum(1 for a in earlier if a.proposed_post_id == post.id and a.outcome == "appointed")
    if filled >= places(post):
        raise DomainError(f"{post.title} is already filled", field="proposed_post_id")
    if employee_id and any(a.employee_id == employee_id and a.outcome == "appointed" for a in earlier):
        raise DomainError("This person has already been appointed to a post in this restructure",
                          field="employee_id")


def _protect_lower_salary(restructure: Restructure, post: StructurePost, holder: Holder, start: date,
                          salary: Decimal) -> int:
    """Pay protection for a postholder appointed on a lower full-time salary than theirs now: its id."""
    from ..protection.protections import create_protection

    assert holder.full_time_salary is not None, "called only for a holder paid more than the new salary"
    return create_protection(
        employee_id=holder.employee.id, start_date=start, source="restructure", source_ref=restructure.name,
        reason=f"Appointed to {post.title} in {restructure.name} on a lower salary",
        old_salary=holder.full_time_salary, new_salary=salary, hours_per_week=holder.hours or Decimal(37),
        old_post_id=holder.post.post_id, old_grade=holder.post.grade or band_words(holder.post),
        new_grade=band_words(post),
        council_id=post.employer_id or (holder.employer.id if holder.employer else None)).id
