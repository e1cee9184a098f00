"""Job evaluations for the demo workforce: every post with a score is evaluated factor by
factor, following its council's illustrative local conventions, and a few posts are evaluated
under the other council's conventions too, with different results.

For each post a few situations that fit the job are picked from the conventions (a manager "line
manages a team of 5 to 9 staff"; a professional post "a degree plus membership of a professional
body"; counter staff "handle cash and card payments"; outdoor services "regular outdoor work in
all weathers"...). The council's convention for each decides that factor's level and is cited. The
other levels are chosen with the scheme's `profile_for` so the total is the post's score; where
the scheme cannot make that total exactly (its lowest totals have gaps), the nearest total in the
same grade is used and the post's score becomes the evaluation's points, so score and grade agree.
A situation whose fixed levels would leave the score out of reach is left out (a job scoring near
the bottom of the scheme is not the one managing a team).

A post established before the scheme's first version (1 April 1997, single status) is evaluated
on that date: before it, the score held on the post stands (services/pay/post_grades.py), the same.

Rows are built as plain dicts for demo_data's bulk inserts: fast for 100,000 employees."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain.grading import GradeBand
from ...domain.job_evaluation import Level, Plan, closest_profile, in_force, profiles, reevaluate, score
from ...extensions import db
from ...models import Convention, ConventionSet, JobEvaluation
from ..pay.jes import local_conventions, scheme
from ..pay.job_evaluations import Member

# The joint panels (fictional people): management and union side.
PANELS = {
    "CCDC": (Member("Alex Morgan", "management", "Head of HR"), Member("Sam Patel", "union", "UNISON steward")),
    "SBC": (Member("Jordan Hughes", "management", "HR Business Partner"),
            Member("Chris Nolan", "union", "GMB branch secretary")),
}
# Situations by the illustrative conventions' text (hrtool/reference_data/jes_local_conventions_illustrative.csv).
DEGREE = "Post requires a degree plus membership of a professional body"
NVQ3 = "Post requires an NVQ level 3 or equivalent experience"
BROAD_POLICY = "Works within broad policy with no routine check of decisions"
MANAGES = "Line manages a team of 5 to 9 staff"
BUDGET = "Holds a revenue budget of 250k to 1m"
CASH = "Handles cash and card payments daily at a counter"
OUTDOOR = "Regular outdoor work in all weathers"
DISTRESSED = "Regular contact with distressed or aggressive members of the public"

PROFESSIONAL = {"Legal Services", "Finance", "Human Resources", "Environmental Health", "Development Management",
                "Building Control", "Technology", "Audit, Risk and Resilience and Procurement", "Planning Policy",
                "Information Governance", "Housing Strategy and Homelessness", "Private Sector Housing",
                "Health and Safety", "Corporate Asset Management", "Economic Development", "Climate Change"}
COUNTER = {"Customer Services", "Revenues and Benefits", "Car Parking", "Bereavement Services", "Markets",
           "Licensing", "Land Charges"}
OUTDOORS = {"Streetscene and Parks", "Caretaking and Cleaning", "Waste Contract Management", "Pest Control",
            "Bereavement Services", "Fleet Management and Vehicle Workshop", "Markets", "Car Parking",
            "Community Safety and CCTV", "Planning Enforcement"}
PUBLIC = {"Housing (HRA)", "Housing Register (CCDC)", "Housing Register (SBC)", "Housing Strategy and Homelessness",
          "Customer Services", "Revenues and Benefits", "Environmental Health", "Community Safety and CCTV",
          "Private Sector Housing"}
BOTH_COUNCILS_ON = date(2025, 10, 1)  # the demo's joint exercise evaluating a few posts under both sets
BOTH_COUNCILS_POSTS = 8
CHUNK = 5_000  # evaluations whose factor and panel rows go in one executemany


def situations_for(service: str, title: str) -> list[str]:
    """The situations a job plausibly meets, most telling first (left out from the end if the
    post's score cannot carry them)."""
    rank = title.removeprefix(service).strip()
    found: list[str] = []
    if rank == "Manager":
        found += [MANAGES, BUDGET]
    elif rank == "Team Leader":
        found += [MANAGES]
    if service in PROFESSIONAL and rank in ("Manager", "Senior Officer", "Team Leader"):
        found += [DEGREE] + ([BROAD_POLICY] if rank == "Manager" else [])
    elif rank in ("Officer", "Senior Officer", "Team Leader") and (service in OUTDOORS or service in COUNTER):
        found += [NVQ3]
    if service in COUNTER and rank in ("Assistant", "Officer"):
        found += [CASH]
    if service in PUBLIC and rank in ("Assistant", "Officer", "Senior Officer"):
        found += [DISTRESSED]
    if service in OUTDOORS and rank != "Manager":
        found += [OUTDOOR]
    return found


@dataclass
class Built:
    evaluations: list[dict[str, Any]] = field(default_factory=list)
    # Per evaluation: its id, its council's code (whose panel) and its 13 (factor, level, points,
    # convention id); made into rows a chunk at a time, so 100,000 posts' 1.3 million factor rows
    # are never all held as dicts.
    levels: list[tuple[int, str, tuple[tuple[int, int, int, int | None], ...]]] = field(default_factory=list)
    rescored: int = 0  # posts whose score became the nearest total the scheme can make
    both_councils: list[int] = field(default_factory=list)  # post ids evaluated under both sets

    def factor_rows(self, chunk: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self.levels), chunk):
            yield [{"evaluation_id": evaluation_id, "factor_number": number, "level": level, "points": points,
                    "convention_id": convention_id, "note": ""}
                   for evaluation_id, _, factors in self.levels[start:start + chunk]
                   for number, level, points, convention_id in factors]

    def panel_rows(self, chunk: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self.levels), chunk):
            yield [{"evaluation_id": evaluation_id, "name": m.name, "side": m.side, "role": m.role}
                   for evaluation_id, code, _ in self.levels[start:start + chunk] for m in PANELS[code]]


class _Evaluator:
    def __init__(self, councils: Mapping[str, Any], bands: Mapping[str, Sequence[GradeBand]], ids: Any,
                 services: Mapping[int, str]) -> None:
        self.ids, self.services, self.bands = ids, services, bands
        self.codes = {c.id: code for code, c in councils.items()}
        self.versions = [(v.id, scheme.as_plan(v)) for v in scheme.versions()]
        if not self.versions:
            raise RuntimeError("load the reference data (the job evaluation scheme) before generating demo data")
        self.first_on = min(p.effective_from for _, p in self.versions)
        sets = {s.council_id: s for s in db.session.scalars(select(ConventionSet).where(
            ConventionSet.council_id.is_not(None)))}
        # council code -> situation text -> its current convention (with the situation loaded)
        self.conventions: dict[str, dict[str, Convention]] = {}
        self.readings = {}
        for council_id, the_set in sets.items():
            code = self.codes.get(council_id)
            if code is None:
                continue
            self.conventions[code] = {c.situation.text: c for c in db.session.scalars(
                select(Convention).options(selectinload(Convention.situation))
                .where(Convention.set_id == the_set.id, Convention.superseded_on.is_(None)))}
            self.readings[code] = local_conventions.readings(the_set.id)
        self._tables: dict[tuple[int, tuple[tuple[int, int], ...]], dict[int, list[int]]] = {}
        self.built = Built()

    def _plan(self, on: date) -> tuple[int, Plan]:
        plan = in_force([p for _, p in self.versions], on)
        return next((i, p) for i, p in self.versions if p is plan)

    def _table(self, version_id: int, plan: Plan, fixed: Mapping[int, int]) -> dict[int, list[int]]:
        key = (version_id, tuple(sorted(fixed.items())))
        if key not in self._tables:  # one pass of the scheme per set of fixed levels, for every score
            self._tables[key] = profiles(plan, fixed)
        return self._tables[key]

    def _levels(self, code: str, post: Mapping[str, Any], version_id: int, plan: Plan
                ) -> tuple[list[int], dict[int, Convention]]:
        """Levels scoring the post's score with as many of its situations' conventions as fit."""
        known = self.conventions.get(code, {})
        cited = [known[s] for s in situations_for(self.services[post["service_id"]], post["title"]) if s in known]
        target = post["je_score"]
        while True:
            fixed = {c.situation.factor_number: c.level for c in cited}
            if len(fixed) == len(cited):  # two situations for one factor: keep the first
                table = self._table(version_id, plan, fixed)
                if target in table:
                    return list(table[target]), {c.situation.factor_number: c for c in cited}
            if not cited:
                break
            cited = cited[:-1]
        # No exact total: the nearest the scheme can make within the post's grade.
        table = self._table(version_id, plan, {})
        band = next((b for b in self.bands[code] if b.points_min <= target <= b.points_max), None)
        same_grade = {t: v for t, v in table.items() if band is None or band.points_min <= t <= band.points_max}
        return closest_profile(target, same_grade or table), {}

    def _add(self, post: Mapping[str, Any], code: str, council_id: int, on: date, version_id: int, plan: Plan,
             levels: list[int], cited: Mapping[int, Convention], notes: str) -> int:
        result = score(levels, plan)
        evaluation_id = self.ids.next(JobEvaluation)
        panel = PANELS[code]
        self.built.evaluations.append({
            "id": evaluation_id, "post_id": post["id"], "council_id": council_id, "score": result.points,
            "evaluated_on": on, "panel": "; ".join(m.name for m in panel), "factor_levels": None, "notes": notes,
            "scheme_version_id": version_id, "status": "agreed", "job_description": f"{post['post_number']} JD v1",
            "replaces_id": None, "version": 1, "recorded_by_id": None})
        self.built.levels.append((evaluation_id, code, tuple(
            (f.number, f.level, f.points, cited[f.number].id if f.number in cited else None) for f in result.factors)))
        return result.points

    def own(self, post: dict[str, Any]) -> tuple[list[int], dict[int, Convention]]:
        """The post evaluated under its own council's conventions; its score made the evaluation's."""
        code = self.codes[post["council_id"]]
        on = max(post["established_on"], self.first_on)
        version_id, plan = self._plan(on)
        levels, cited = self._levels(code, post, version_id, plan)
        points = self._add(post, code, post["council_id"], on, version_id, plan, levels, cited, "")
        if points != post["je_score"]:
            post["je_score"] = points
            self.built.rescored += 1
        return levels, cited

    def other(self, post: dict[str, Any], levels: list[int], cited: Mapping[int, Convention]) -> bool:
        """The same job under the other council's conventions: only the levels a convention decided
        are read again (local_conventions.readings + reevaluate); recorded if the total differs."""
        code = self.codes[post["council_id"]]
        other = next(c for c in self.conventions if c != code)
        again = reevaluate([Level(n, lv, cited[n].situation_id if n in cited else None)
                            for n, lv in enumerate(levels, start=1)], self.readings[other])
        if not again.changes:
            return False
        version_id, plan = self._plan(BOTH_COUNCILS_ON)
        new_levels = [lv.level for lv in again.levels]
        theirs = {n: self.conventions[other][cited[n].situation.text] for n in cited}
        other_id = next(i for i, c in self.codes.items() if c == other)
        self._add(post, other, other_id, BOTH_COUNCILS_ON, version_id, plan, new_levels, theirs,
                  f"The same job evaluated under {other}'s local conventions, for the comparison of the councils' "
                  "conventions")
        return True


def evaluate_posts(posts: Iterable[dict[str, Any]], councils: Mapping[str, Any],
                   bands: Mapping[str, Sequence[GradeBand]], ids: Any, services: Mapping[int, str]) -> Built:
    """Evaluations (with their factor levels and panels) of every post with a score, as rows for
    bulk inserts; a post's `je_score` is set to its evaluation's points where the scheme cannot
    make the score exactly. A few open posts (BOTH_COUNCILS_POSTS) whose cited conventions part
    between the councils are evaluated under the other council's conventions too."""
    evaluator = _Evaluator(councils, bands, ids, services)
    both: dict[int, int] = {}  # factor that parts -> posts chosen for it, so several kinds show
    for post in posts:
        if post["je_score"] is None:
            continue
        levels, cited = evaluator.own(post)
        if (len(evaluator.built.both_councils) >= BOTH_COUNCILS_POSTS or post["closed_on"] is not None
                or post["established_on"] > BOTH_COUNCILS_ON or not cited):
            continue
        first = min(cited)
        if both.get(first, 0) >= 2:
            continue
        if evaluator.other(post, levels, cited):
            both[first] = both.get(first, 0) + 1
            evaluator.built.both_councils.append(post["id"])
    return evaluator.built
