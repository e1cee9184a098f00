"""The councils' joint Redundancy and Restructuring Policy: each current postholder's route into
a new structure (DOMAIN.md 3.4). Values in, values out; the thresholds are the policy's data.

The routes, in the order the policy applies them:

1. **Assimilation (slot-in)**: the person's job matches a new post by at least the slot-in
   percentage, the new post's pay is at most the allowed drop below theirs (one grade, or a
   percentage of salary for banded posts), and no more people qualify for that post than it
   has places. Where more do (including ties), they form a ring-fenced pool for it.
2. **Ring-fenced competitive selection**: of the posts left, where more people match them by
   at least the ring-fence percentage than there are places, those people compete for them.
3. **Suitable alternative employment**: a post left that matches the person by at least the
   ring-fence percentage with nobody competing is offered, with the statutory trial period
   (ERA 1996 s.138(3): four weeks beginning with the day work starts under the new contract).
4. Otherwise the person is **at risk** of redundancy (redeployment first).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

ROUTES = ("slot_in", "ring_fence", "alternative", "at_risk")
ROUTE_LABELS = {"slot_in": "Assimilation (slot-in)", "ring_fence": "Ring-fenced selection",
                "alternative": "Suitable alternative employment", "at_risk": "At risk of redundancy"}


@dataclass(frozen=True)
class AssimilationPolicy:
    slot_in_min_job_match_percent: int
    slot_in_max_grade_drop: int
    slot_in_max_salary_drop_percent: Decimal
    ring_fence_min_job_match_percent: int
    trial_period_weeks: int


@dataclass(frozen=True)
class Candidate:
    employee_id: int
    name: str
    current_post_id: int
    salary: Decimal | None  # full-time annual salary now
    grade_rank: int | None = None  # position in a grade scale shared with the new posts, if any


@dataclass(frozen=True)
class NewPost:
    id: int
    title: str
    places: int = 1
    band_min: Decimal | None = None
    band_max: Decimal | None = None
    grade_rank: int | None = None


@dataclass(frozen=True)
class PayRelation:
    within: bool  # close enough for a slot-in
    words: str  # "salary 4% lower ≤ 10%"
    drop_percent: Decimal | None = None
    grade_drop: int | None = None


@dataclass(frozen=True)
class Route:
    employee_id: int
    current_post_id: int
    route: str
    reasons: str
    proposed_post_id: int | None = None
    pool: tuple[int, ...] = ()
    trial_ends_on: date | None = None
    details: Mapping[str, object] = field(default_factory=dict)


def percent_words(value: Decimal) -> str:
    """4 → "4%", 4.25 → "4.25%", 2.5641 → "2.56%": at most two decimal places, none when whole."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{rounded.normalize():f}%"


def salary_in_post(salary: Decimal, post: NewPost) -> Decimal | None:
    """Where the person would sit in the new post's band: their own salary if the band holds it,
    the bottom if they are below it, the top if above (the rest being pay protection's job)."""
    if post.band_max is None and post.band_min is None:
        return None
    top = post.band_max if post.band_max is not None else post.band_min
    bottom = post.band_min if post.band_min is not None else post.band_max
    assert top is not None and bottom is not None
    return min(max(salary, bottom), top)


def pay_relation(candidate: Candidate, post: NewPost, policy: AssimilationPolicy) -> PayRelation:
    """How the new post's pay compares with the person's: by grade where both sit on one grade
    scale, otherwise by salary (the new salary being where they would sit in the band)."""
    if candidate.grade_rank is not None and post.grade_rank is not None:
        drop = candidate.grade_rank - post.grade_rank
        limit = policy.slot_in_max_grade_drop
        if drop <= 0:
            words = "same grade" if drop == 0 else f"{-drop} grade{'s' if drop < -1 else ''} higher"
        else:
            sign = "≤" if drop <= limit else ">"
            words = f"{drop} grade{'s' if drop > 1 else ''} lower {sign} {limit}"
        return PayRelation(drop <= limit, words, grade_drop=drop)
    if candidate.salary is None:
        return PayRelation(False, "current salary not known")
    new = salary_in_post(candidate.salary, post)
    if new is None:
        return PayRelation(False, "new post has no grade or salary band")
    if candidate.salary == 0 or new >= candidate.salary:
        return PayRelation(True, "salary not lower", drop_percent=Decimal(0))
    fall = (candidate.salary - new) / candidate.salary * 100
    most = policy.slot_in_max_salary_drop_percent
    sign = "≤" if fall <= most else ">"
    return PayRelation(fall <= most, f"salary {percent_words(fall)} lower {sign} {percent_words(most)}",
                       drop_percent=fall)


def trial_period_end(starts_on: date, weeks: int) -> date:
    """ERA 1996 s.138(3)(b): the trial period begins with the day work starts under the new
    contract, so four weeks end 27 days later."""
    return starts_on + timedelta(days=7 * weeks - 1)


def _people(n: int) -> str:
    return "only candidate" if n == 1 else f"{n} candidates"


def _places(n: int) -> str:
    return f"{n} place{'s' if n != 1 else ''}"


def _bipartite(people: list[int], edges: dict[int, list[int]], places: dict[int, int]) -> dict[int, int] | None:
    """Give each person one of their posts, no post beyond its places (Kuhn's augmenting paths,
    trying each person's posts best match first). None if not everyone can have one."""
    holder: dict[tuple[int, int], int] = {}

    def place(person: int, seen: set[tuple[int, int]]) -> bool:
        for post in edges[person]:
            for slot in ((post, i) for i in range(places[post])):
                if slot in seen:
                    continue
                seen.add(slot)
                if slot not in holder or place(holder[slot], seen):
                    holder[slot] = person
                    return True
        return False

    for person in people:
        if not place(person, set()):
            return None
    return {person: slot[0] for slot, person in holder.items()}


def assimilation_routes(candidates: Sequence[Candidate], posts: Sequence[NewPost],
                        matches: Mapping[tuple[int, int], int], policy: AssimilationPolicy,
                        starts_on: date | None) -> list[Route]:
    """Each postholder's route under the joint policy, with the reasons in words.

    `matches` maps (current post id, new post id) to the percentage of job content that
    matches; pairs not in it have not been assessed (treated as no match). `starts_on` is the
    day the new structure starts, from which a trial period runs."""
    by_id = {p.id: p for p in posts}
    slot_min = policy.slot_in_min_job_match_percent
    ring_min = policy.ring_fence_min_job_match_percent

    def match(c: Candidate, p: NewPost) -> int | None:
        return matches.get((c.current_post_id, p.id))

    routes: dict[int, Route] = {}
    relations = {(c.employee_id, p.id): pay_relation(c, p, policy) for c in candidates for p in posts}

    # 1. Slot-in: each person's best qualifying post (ties between posts go to selection).
    qualifying: dict[int, list[NewPost]] = {}
    for c in candidates:
        ok = [p for p in posts if (match(c, p) or 0) >= slot_min and relations[(c.employee_id, p.id)].within]
        if ok:
            best = max(match(c, p) or 0 for p in ok)
            qualifying[c.employee_id] = [p for p in ok if match(c, p) == best]
    contenders: dict[int, list[Candidate]] = {}
    for c in candidates:
        tops = qualifying.get(c.employee_id, [])
        if len(tops) == 1:
            contenders.setdefault(tops[0].id, []).append(c)
    taken: dict[int, int] = {}  # new post id -> places filled or contested at stage 1
    for post_id, people in contenders.items():
        post = by_id[post_id]
        taken[post_id] = post.places
        for c in people:
            rel = relations[(c.employee_id, post_id)]
            said = f"match {match(c, post)}% ≥ {slot_min}%, {rel.words}"
            detail = {"match_percent": match(c, post), "pay": rel.words}
            if len(people) <= post.places:
                routes[c.employee_id] = Route(
                    c.employee_id, c.current_post_id, "slot_in",
                    f"{said}, {_people(len(people)) if post.places == 1 else f'{len(people)} candidates for {_places(post.places)}'}",
                    proposed_post_id=post_id, details=detail)
            else:
                others = sorted({match(o, post) or 0 for o in people if o is not c})
                tie = " (a tie)" if match(c, post) in others else ""
                routes[c.employee_id] = Route(
                    c.employee_id, c.current_post_id, "ring_fence",
                    f"{said}, {len(people)} candidates for {_places(post.places)}{tie}: ring-fenced selection "
                    f"for {post.title}", pool=(post_id,), details=detail)
        if len(people) < post.places:
            taken[post_id] = len(people)
    for c in candidates:
        tops = qualifying.get(c.employee_id, [])
        if len(tops) > 1:
            pool = tuple(sorted(p.id for p in tops))
            titles = " and ".join(p.title for p in tops)
            routes[c.employee_id] = Route(
                c.employee_id, c.current_post_id, "ring_fence",
                f"match {match(c, tops[0])}% ≥ {slot_min}% for {titles} equally: ring-fenced selection decides",
                pool=pool, details={"match_percent": match(c, tops[0])})
            for p in tops:
                taken[p.id] = p.places

    # 2 and 3. The places left, among the people left, by at least the ring-fence match.
    left_places = {p.id: p.places - taken.get(p.id, 0) for p in posts if p.places - taken.get(p.id, 0) > 0}
    people_left = [c for c in candidates if c.employee_id not in routes]
    edges = {c.employee_id: sorted((pid for pid in left_places if (match(c, by_id[pid]) or 0) >= ring_min),
                                   key=lambda pid: (-(match(c, by_id[pid]) or 0), pid))
             for c in people_left}
    # Connected groups of people and posts: each group is one pool.
    seen: set[int] = set()
    for c in people_left:
        if c.employee_id in seen or not edges[c.employee_id]:
            continue
        group_people, group_posts, todo = {c.employee_id}, set(edges[c.employee_id]), list(edges[c.employee_id])
        while todo:
            pid = todo.pop()
            for o in people_left:
                if pid in edges[o.employee_id] and o.employee_id not in group_people:
                    group_people.add(o.employee_id)
                    for q in edges[o.employee_id]:
                        if q not in group_posts:
                            group_posts.add(q)
                            todo.append(q)
        seen |= group_people
        members = [o for o in people_left if o.employee_id in group_people]
        places = {pid: left_places[pid] for pid in sorted(group_posts)}
        total = sum(places.values())
        fit = _bipartite([o.employee_id for o in members], edges, places) if len(members) <= total else None
        for o in members:
            best = edges[o.employee_id][0]
            if fit is not None:
                post = by_id[fit[o.employee_id]]
                m = match(o, post)
                rel = relations[(o.employee_id, post.id)]
                why = (f"match {m}% ≥ {ring_min}% but < {slot_min}% for {post.title}" if (m or 0) < slot_min
                       else f"match {m}% for {post.title} but {rel.words}, too far for a slot-in")
                trial = trial_period_end(starts_on, policy.trial_period_weeks) if starts_on else None
                trial_words = (f"{policy.trial_period_weeks}-week statutory trial "
                               + (f"{starts_on:%d/%m/%Y} to {trial:%d/%m/%Y}" if starts_on and trial else "from the start date"))
                routes[o.employee_id] = Route(
                    o.employee_id, o.current_post_id, "alternative",
                    f"{why}, no competition: suitable alternative employment, {trial_words}",
                    proposed_post_id=post.id, trial_ends_on=trial, details={"match_percent": m, "pay": rel.words})
            else:
                pool = tuple(sorted(group_posts))
                titles = ", ".join(by_id[p].title for p in pool)
                routes[o.employee_id] = Route(
                    o.employee_id, o.current_post_id, "ring_fence",
                    f"match {match(o, by_id[best])}% ≥ {ring_min}% for {by_id[best].title}, {len(members)} candidates "
                    f"for {_places(total)}: ring-fenced selection for {titles}",
                    pool=pool, details={"match_percent": match(o, by_id[best])})

    # 4. Everyone else.
    for c in candidates:
        if c.employee_id in routes:
            continue
        assessed = [(match(c, p), p) for p in posts if match(c, p) is not None]
        if not assessed:
            why = "no job match recorded against any new post"
        else:
            m, p = max(assessed, key=lambda mp: (mp[0] or 0, -mp[1].id))
            if (m or 0) >= ring_min:
                why = f"match {m}% for {p.title}, but its places are taken by people ahead under the policy"
            else:
                why = f"best match {m}% < {ring_min}% ({p.title})"
        routes[c.employee_id] = Route(c.employee_id, c.current_post_id, "at_risk",
                                      f"{why}: at risk of redundancy, redeployment considered first")
    return [routes[c.employee_id] for c in candidates]


def vacant_after(routes: Sequence[Route], posts: Sequence[NewPost]) -> dict[int, int]:
    """Places left for the joint appointments panel: each new post's places less those filled by
    slot-in or offered as suitable alternative employment, and less those a ring-fenced pool is
    competing for (they are filled, if at all, by the selection)."""
    used: dict[int, int] = {}
    for r in routes:
        if r.route in ("slot_in", "alternative") and r.proposed_post_id is not None:
            used[r.proposed_post_id] = used.get(r.proposed_post_id, 0) + 1
    contested = {pid for r in routes if r.route == "ring_fence" for pid in r.pool}
    return {p.id: p.places - used.get(p.id, 0) for p in posts
            if p.id not in contested and p.places - used.get(p.id, 0) > 0}


def proposed_dismissals(routes: Sequence[Route], places: Mapping[int, int]) -> int:
    """How many dismissals as redundant the routes propose: everyone at risk, plus in each
    ring-fenced pool the people beyond its places (for collective consultation)."""
    at_risk = sum(1 for r in routes if r.route == "at_risk")
    pools: dict[tuple[int, ...], int] = {}
    for r in routes:
        if r.route == "ring_fence":
            pools[r.pool] = pools.get(r.pool, 0) + 1
    surplus = sum(max(0, n - sum(places.get(p, 1) for p in pool)) for pool, n in pools.items())
    return at_risk + surplus
