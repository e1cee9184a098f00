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


Matches = Mapping[tuple[int, int], int]  # (current post id, new post id) -> job match percent
Relations = Mapping[tuple[int, int], PayRelation]  # (employee id, new post id) -> pay relation


def _match(matches: Matches, c: Candidate, post_id: int) -> int | None:
    return matches.get((c.current_post_id, post_id))


def assimilation_routes(candidates: Sequence[Candidate], posts: Sequence[NewPost],
                        matches: Mapping[tuple[int, int], int], policy: AssimilationPolicy,
                        starts_on: date | None) -> list[Route]:
    """Each postholder's route under the joint policy, with the reasons in words.

    `matches` maps (current post id, new post id) to the percentage of job content that
    matches; pairs not in it have not been assessed (treated as no match). `starts_on` is the
    day the new structure starts, from which a trial period runs."""
    relations = {(c.employee_id, p.id): pay_relation(c, p, policy) for c in candidates for p in posts}
    choices = _slot_in_choices(candidates, posts, matches, relations, policy.slot_in_min_job_match_percent)
    routes, taken = _slot_in_stage(candidates, posts, choices, matches, relations, policy.slot_in_min_job_match_percent)
    people_left = [c for c in candidates if c.employee_id not in routes]
    routes.update(_selection_stage(people_left, posts, _open_places(posts, taken), matches, relations, policy, starts_on))
    for c in candidates:
        if c.employee_id not in routes:
            routes[c.employee_id] = _at_risk_route(c, posts, matches, policy.ring_fence_min_job_match_percent)
    return [routes[c.employee_id] for c in candidates]


def _slot_in_choices(candidates: Sequence[Candidate], posts: Sequence[NewPost], matches: Matches,
                     relations: Relations, slot_min: int) -> dict[int, list[NewPost]]:
    """Stage 1's test: for each person who could slot in somewhere, the posts they match best
    (more than one when posts tie, which selection then decides)."""
    qualifying: dict[int, list[NewPost]] = {}
    for c in candidates:
        ok = [p for p in posts if (_match(matches, c, p.id) or 0) >= slot_min and relations[(c.employee_id, p.id)].within]
        if ok:
            best = max(_match(matches, c, p.id) or 0 for p in ok)
            qualifying[c.employee_id] = [p for p in ok if _match(matches, c, p.id) == best]
    return qualifying


def _slot_in_stage(candidates: Sequence[Candidate], posts: Sequence[NewPost], choices: Mapping[int, list[NewPost]],
                   matches: Matches, relations: Relations, slot_min: int) -> tuple[dict[int, Route], dict[int, int]]:
    """Stage 1: slot-ins, and ring-fenced pools where more qualify for a post than it has places
    or someone's best posts tie. Returns the routes and each post's places filled or contested."""
    by_id = {p.id: p for p in posts}
    contenders: dict[int, list[Candidate]] = {}
    for c in candidates:
        tops = choices.get(c.employee_id, [])
        if len(tops) == 1:
            contenders.setdefault(tops[0].id, []).append(c)
    routes: dict[int, Route] = {}
    taken: dict[int, int] = {}
    for post_id, people in contenders.items():
        post = by_id[post_id]
        for c in people:
            routes[c.employee_id] = _one_post_route(c, people, post, matches, relations[(c.employee_id, post_id)], slot_min)
        taken[post_id] = min(len(people), post.places)
    # After the single-post contenders: a tie between posts contests all their places.
    for c in candidates:
        tops = choices.get(c.employee_id, [])
        if len(tops) > 1:
            routes[c.employee_id] = _tied_posts_route(c, tops, matches, slot_min)
            for p in tops:
                taken[p.id] = p.places
    return routes, taken


def _one_post_route(c: Candidate, people: Sequence[Candidate], post: NewPost, matches: Matches,
                    rel: PayRelation, slot_min: int) -> Route:
    """A slot-in when the people whose one best post this is fit its places; otherwise they are
    a ring-fenced pool for it."""
    m = _match(matches, c, post.id)
    said = f"match {m}% ≥ {slot_min}%, {rel.words}"
    detail = {"match_percent": m, "pay": rel.words}
    if len(people) <= post.places:
        who = _people(len(people)) if post.places == 1 else f"{len(people)} candidates for {_places(post.places)}"
        return Route(c.employee_id, c.current_post_id, "slot_in", f"{said}, {who}",
                     proposed_post_id=post.id, details=detail)
    others = sorted({_match(matches, o, post.id) or 0 for o in people if o is not c})
    tie = " (a tie)" if m in others else ""
    return Route(c.employee_id, c.current_post_id, "ring_fence",
                 f"{said}, {len(people)} candidates for {_places(post.places)}{tie}: ring-fenced selection "
                 f"for {post.title}", pool=(post.id,), details=detail)


def _tied_posts_route(c: Candidate, tops: Sequence[NewPost], matches: Matches, slot_min: int) -> Route:
    m = _match(matches, c, tops[0].id)
    titles = " and ".join(p.title for p in tops)
    return Route(c.employee_id, c.current_post_id, "ring_fence",
                 f"match {m}% ≥ {slot_min}% for {titles} equally: ring-fenced selection decides",
                 pool=tuple(sorted(p.id for p in tops)), details={"match_percent": m})


def _open_places(posts: Sequence[NewPost], taken: Mapping[int, int]) -> dict[int, int]:
    """Each new post's places not filled or contested at stage 1 (posts with none left omitted)."""
    return {p.id: p.places - taken.get(p.id, 0) for p in posts if p.places - taken.get(p.id, 0) > 0}


def _ring_fence_edges(people: Sequence[Candidate], open_places: Mapping[int, int], matches: Matches,
                      ring_min: int) -> dict[int, list[int]]:
    """Each person's open posts matched by at least the ring-fence percentage, best match first."""
    return {c.employee_id: sorted((pid for pid in open_places if (_match(matches, c, pid) or 0) >= ring_min),
                                  key=lambda pid: (-(_match(matches, c, pid) or 0), pid))
            for c in people}


def _pools(people: Sequence[Candidate], edges: Mapping[int, list[int]]) -> list[tuple[list[Candidate], set[int]]]:
    """The connected groups of people and the open posts they match: each group is one pool.
    People with no such post are in none."""
    seen: set[int] = set()
    groups: list[tuple[list[Candidate], set[int]]] = []
    for c in people:
        if c.employee_id in seen or not edges[c.employee_id]:
            continue
        group_people, group_posts, todo = {c.employee_id}, set(edges[c.employee_id]), list(edges[c.employee_id])
        while todo:
            pid = todo.pop()
            for o in people:
                if pid in edges[o.employee_id] and o.employee_id not in group_people:
                    group_people.add(o.employee_id)
                    fresh = [q for q in edges[o.employee_id] if q not in group_posts]
                    group_posts.update(fresh)
                    todo.extend(fresh)
        seen |= group_people
        groups.append(([o for o in people if o.employee_id in group_people], group_posts))
    return groups


def _selection_stage(people: Sequence[Candidate], posts: Sequence[NewPost], open_places: Mapping[int, int],
                     matches: Matches, relations: Relations, policy: AssimilationPolicy,
                     starts_on: date | None) -> dict[int, Route]:
    """Stages 2 and 3: in each pool, suitable alternative employment when everyone can have a
    post of their own, otherwise a ring-fenced selection for all the pool's posts."""
    by_id = {p.id: p for p in posts}
    edges = _ring_fence_edges(people, open_places, matches, policy.ring_fence_min_job_match_percent)
    routes: dict[int, Route] = {}
    for members, group_posts in _pools(people, edges):
        places = {pid: open_places[pid] for pid in sorted(group_posts)}
        total = sum(places.values())
        fit = _bipartite([o.employee_id for o in members], edges, places) if len(members) <= total else None
        for o in members:
            if fit is not None:
                post = by_id[fit[o.employee_id]]
                routes[o.employee_id] = _alternative_route(o, post, matches, relations[(o.employee_id, post.id)],
                                                           policy, starts_on)
            else:
                best = by_id[edges[o.employee_id][0]]
                pool = tuple(sorted(group_posts))
                titles = ", ".join(by_id[p].title for p in pool)
                routes[o.employee_id] = Route(
                    o.employee_id, o.current_post_id, "ring_fence",
                    f"match {_match(matches, o, best.id)}% ≥ {policy.ring_fence_min_job_match_percent}% for {best.title}, "
                    f"{len(members)} candidates for {_places(total)}: ring-fenced selection for {titles}",
                    pool=pool, details={"match_percent": _match(matches, o, best.id)})
    return routes


def _alternative_route(c: Candidate, post: NewPost, matches: Matches, rel: PayRelation,
                       policy: AssimilationPolicy, starts_on: date | None) -> Route:
    """Stage 3: the post offered as suitable alternative employment, with its statutory trial."""
    m = _match(matches, c, post.id)
    slot_min = policy.slot_in_min_job_match_percent
    why = (f"match {m}% ≥ {policy.ring_fence_min_job_match_percent}% but < {slot_min}% for {post.title}"
           if (m or 0) < slot_min else f"match {m}% for {post.title} but {rel.words}, too far for a slot-in")
    trial = trial_period_end(starts_on, policy.trial_period_weeks) if starts_on else None
    trial_words = (f"{policy.trial_period_weeks}-week statutory trial "
                   + (f"{starts_on:%d/%m/%Y} to {trial:%d/%m/%Y}" if starts_on and trial else "from the start date"))
    return Route(c.employee_id, c.current_post_id, "alternative",
                 f"{why}, no competition: suitable alternative employment, {trial_words}",
                 proposed_post_id=post.id, trial_ends_on=trial, details={"match_percent": m, "pay": rel.words})


def _at_risk_route(c: Candidate, posts: Sequence[NewPost], matches: Matches, ring_min: int) -> Route:
    """Stage 4: at risk, saying how near the person's best match came."""
    assessed = [(_match(matches, c, p.id), p) for p in posts if _match(matches, c, p.id) is not None]
    if not assessed:
        why = "no job match recorded against any new post"
    else:
        m, p = max(assessed, key=lambda mp: (mp[0] or 0, -mp[1].id))
        if (m or 0) >= ring_min:
            why = f"match {m}% for {p.title}, but its places are taken by people ahead under the policy"
        else:
            why = f"best match {m}% < {ring_min}% ({p.title})"
    return Route(c.employee_id, c.current_post_id, "at_risk",
                 f"{why}: at risk of redundancy, redeployment considered first")


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
