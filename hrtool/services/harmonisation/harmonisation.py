"""Harmonisation models (DOMAIN.md 3.2 and 3.5): draft a single set of grade bands, run it over
the workforce as at a date, and save what it finds.

A run loads everyone in post on the model's as-at date in one query, puts them into the
model's bands (hrtool.domain.harmonisation), costs the change with the employer's on-costs
(RuleSetting `on_cost_rate`), costs pay protection for everyone who goes down under *their
employer's* `pay_protection` policy (hrtool.domain.protection), and draws the equality picture
(hrtool.domain.equality). Protection is costed from the as-at date assuming no further pay
awards or increments: the new salary stays at its as-at value, so cash-frozen protection is
not eroded and runs its full length. Each change is one user action, one unit of work (`@transaction`).

A model may choose a set of local conventions (either council's, or a draft merged set).
Running it then re-evaluates each post's latest grading evaluation (under the post's own council,
dated on or before the as-at date) under that set before grading: only the factor levels a
convention decided change (`domain.harmonisation.under_conventions`), the points are worked out
under the factor plan in force on the as-at date, and an evaluation holding only a total keeps it.
Without a set each post is graded on its score as evaluated.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from ...domain import equality
from ...domain.dates import age_on
from ...domain.grading import GradeBand, band_problems
from ...domain.harmonisation import (
    Outcome,
    Position,
    harmonise,
    pay_after,
    pay_before,
    summarise,
    under_conventions,
    with_on_costs,
)
from ...domain.job_evaluation import Level, LevelOutOfRange
from ...domain.protection import (
    PolicyProblem,
    ProtectionPolicy,
    cost_by_financial_year,
    protection_schedule,
)
from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import (
    Assignment,
    Convention,
    ConventionSet,
    Council,
    Employee,
    Employment,
    EvaluationFactor,
    HarmonisationModel,
    JobEvaluation,
    Policy,
    Post,
    Situation,
)
from ...models.grading import GRADING_STATUSES
from ...models.people import SEXES
from ..pay.jes import local_conventions, scheme
from ..pay.post_grades import grade_at
from ..people.posts import bands_on
from ..people.records import employed_on, rule_value, spine_on
from ..platform import audit
from ..platform.unit_of_work import transaction
from .harmonisation_results import (
    Affected,
    ConventionChange,
    ConventionsUsed,
    Figures,
    Gap,
    GradeRow,
    GroupRow,
    PostRescored,
    Results,
    dump,
)

AGE_BANDS = "16-24, 25-34, 35-44, 45-54, 55-64, 65+"
COUNCIL_START, MODEL_START = "council:", "model:"
ENTITY = "harmonisation_model"


def _bands_json(bands: Sequence[GradeBand]) -> list[dict[str, Any]]:
    return [{"grade": b.grade, "points_min": b.points_min, "points_max": b.points_max, "scp_min": b.scp_min,
             "scp_max": b.scp_max} for b in sorted(bands, key=lambda b: b.points_min)]


def bands_of(model: HarmonisationModel) -> list[GradeBand]:
    return [GradeBand(str(b["grade"]), int(b["points_min"]), int(b["points_max"]), int(b["scp_min"]),
                      int(b["scp_max"])) for b in model.bands or []]


def starting_points(on: date) -> list[tuple[str, str]]:
    """Where a new model can start: each council's bands in force, or a copy of a saved model."""
    points = [(f"{COUNCIL_START}{code}", f"{name}'s current grade bands")
              for code, name in db.session.execute(select(Council.code, Council.name).order_by(Council.code))]
    points += [(f"{MODEL_START}{model_id}", f"A copy of the model “{name}”")
               for model_id, name in db.session.execute(select(HarmonisationModel.id, HarmonisationModel.name)
                                                        .order_by(HarmonisationModel.name))]
    return points


def _starting_bands(start: str, on: date) -> tuple[str, list[GradeBand]]:
    if start.startswith(COUNCIL_START):
        code = start.removeprefix(COUNCIL_START)
        council_id = db.session.scalar(select(Council.id).where(Council.code == code))
        bands = bands_on(council_id, on) if council_id is not None else []
        if not bands:
            raise DomainError(f"{code} has no grade bands in force on that date", field="start")
        return code, bands
    source_id = start.removeprefix(MODEL_START)
    source = db.session.get(HarmonisationModel, int(source_id)) if source_id.isdigit() else None
    if source is None:
        raise DomainError("Choose where the model starts from", field="start")
    return "draft", bands_of(source)


def _check(name: str, bands: Sequence[GradeBand], on: date, model_id: int | None = None) -> None:
    taken = db.session.scalar(select(HarmonisationModel.id).where(HarmonisationModel.name == name))
    if taken is not None and taken != model_id:
        raise DomainError("Another model already has that name", field="name")
    if not bands:
        raise DomainError("Give the model at least one grade band", field="bands")
    grades = [b.grade for b in bands]
    if len(set(grades)) != len(grades):
        raise DomainError("Each grade can appear only once", field="bands")
    _, spine = spine_on(on)
    if not spine:
        raise DomainError("No pay spine is held for that date or earlier", field="as_of")
    problems = band_problems(bands, sorted(spine))
    if problems:
        raise DomainError("The bands have problems: " + "; ".join(problems), field="bands")


def convention_set_choices() -> list[tuple[str, str]]:
    """The sets of local conventions a model can re-evaluate posts under ("" for none)."""
    return [("", "None: grade each post on its score as evaluated"),
            *[(str(s.id), f"{s.name}{' (draft merged set)' if s.is_draft else ''}") for s in local_conventions.sets()]]


def _check_set(convention_set_id: int | None) -> None:
    if convention_set_id is not None and db.session.get(ConventionSet, convention_set_id) is None:
        raise DomainError("That set of conventions no longer exists: choose another", field="convention_set_id")


FIELDS = ["name", "description", "based_on", "as_of", "bands", "convention_set_id"]


@transaction
def create_model(name: str, description: str, as_of: date, start: str,
                 convention_set_id: int | None = None) -> HarmonisationModel:
    """A new model drafted from a council's current bands or a copy of a saved model, grading
    posts as evaluated or re-evaluated under a set of local conventions."""
    based_on, bands = _starting_bands(start, as_of)
    _check(name, bands, as_of)
    _check_set(convention_set_id)
    model = HarmonisationModel(name=name, description=description, based_on=based_on, bands=_bands_json(bands),
                               as_of=as_of, convention_set_id=convention_set_id, created_by_id=audit._actor()[0])
    db.session.add(model)
    db.session.flush()
    audit.record("create", ENTITY, model.id, after=audit.snapshot(model, FIELDS))
    return model


_UNCHANGED: Any = object()


@transaction
def update_model(model: HarmonisationModel, seen_version: int, name: str, description: str, as_of: date,
                 bands: Sequence[GradeBand], *, convention_set_id: int | None = _UNCHANGED) -> HarmonisationModel:
    """Change a model's name, description, as-at date, bands or set of conventions. New bands, a
    new date or another set make the saved results describe something else, so they go."""
    if model.version != seen_version:
        raise StaleRecord("Someone else changed this model while you were editing it. "
                          "Their version is shown: check it and make your change again.")
    _check(name, bands, as_of, model.id)
    fields = ["name", "description", "as_of", "bands", "convention_set_id"]
    before = audit.snapshot(model, fields)
    model.name, model.description, model.as_of, model.bands = name, description, as_of, _bands_json(bands)
    if convention_set_id is not _UNCHANGED:
        _check_set(convention_set_id)
        model.convention_set_id = convention_set_id
    was, now = audit.changed(before, audit.snapshot(model, fields))
    if not now:
        return model
    if "bands" in now and model.based_on != "draft":
        model.based_on = "draft"  # no longer a council's bands as they stand
    if {"bands", "as_of", "convention_set_id"} & set(now):
        model.results = None  # they describe other bands, another date or other conventions
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleRecord("Someone else changed this model while you were editing it.") from None
    audit.record("update", ENTITY, model.id, before=was, after=now)
    return model


@transaction
def delete_model(model: HarmonisationModel) -> None:
    audit.record("delete", ENTITY, model.id, before=audit.snapshot(model, FIELDS))
    db.session.delete(model)
    db.session.flush()


# -- running a model ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Who:
    employee_id: int
    person_number: str
    post_title: str


def _workforce(on: date) -> tuple[list[Position], dict[int, _Who], dict[int, int]]:
    """Everyone in post on a date, one position per assignment in force, in one query; and the
    post of each position."""
    in_force = and_(Assignment.employment_id == Employment.id, Assignment.effective_from <= on,
                    or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on))
    rows = db.session.execute(
        select(Assignment.id, Employee.id, Employee.person_number, Employee.sex, Employee.date_of_birth, Council.code,
               Assignment.hours_per_week, Assignment.scp, Assignment.local_salary, Post.je_score, grade_at(Post.id, on),
               Post.band_min, Post.title, Post.id)
        .select_from(Employee)
        .join(Employment, and_(Employment.employee_id == Employee.id, employed_on(on)))
        .join(Council, Council.id == Employment.employer_id)
        .join(Assignment, in_force)
        .join(Post, Post.id == Assignment.post_id)
        .order_by(Employee.id, Assignment.id))
    _, spine = spine_on(on)
    positions, who, posts = [], {}, {}
    for (ref, employee_id, number, sex, born, employer, hours, scp, local, score, grade, band_min, title,
         post_id) in rows:
        chief = local is not None or band_min is not None
        salary = local if local is not None else (spine.get(scp) if scp is not None else None)
        positions.append(Position(ref, employer, score, scp, salary, hours, sex, age_on(born, on), grade, chief))
        who[ref] = _Who(employee_id, number, title)
        posts[ref] = post_id
    return positions, who, posts


def _latest_evaluations(on: date) -> Any:
    """The id of each post's latest evaluation that grades it (under its own council's
    conventions, agreed, under appeal or confirmed) dated on or before `on`."""
    ranked = (select(JobEvaluation.id.label("id"), func.row_number().over(
        partition_by=JobEvaluation.post_id, order_by=(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc()))
        .label("n"))
        .join(Post, and_(Post.id == JobEvaluation.post_id, Post.council_id == JobEvaluation.council_id))
        .where(JobEvaluation.status.in_(GRADING_STATUSES), JobEvaluation.evaluated_on <= on).subquery())
    return select(ranked.c.id).where(ranked.c.n == 1)


def _under_conventions(set_id: int, on: date, post_ids: set[int]) -> tuple[ConventionsUsed, dict[int, int]]:
    """Each post's latest grading evaluation re-evaluated under a set of conventions and scored
    under the factor plan in force on `on`: (what was done, post id -> points). Posts whose
    evaluation holds only a total keep it; posts never evaluated are left to the score they hold."""
    the_set = db.session.get(ConventionSet, set_id)
    if the_set is None:
        raise DomainError("The model's set of conventions no longer exists: choose another")
    version, plan = scheme.plan_on(on)
    readings = local_conventions.readings(set_id)
    latest = _latest_evaluations(on)
    evaluations = {row.id: row for row in db.session.execute(
        select(JobEvaluation.id, JobEvaluation.post_id, JobEvaluation.score, JobEvaluation.evaluated_on,
               JobEvaluation.scheme_version_id).where(JobEvaluation.id.in_(latest))) if row.post_id in post_ids}
    levels: dict[int, list[Level]] = defaultdict(list)
    for evaluation_id, number, level, situation_id in db.session.execute(
            select(EvaluationFactor.evaluation_id, EvaluationFactor.factor_number, EvaluationFactor.level,
                   Convention.situation_id)
            .outerjoin(Convention, Convention.id == EvaluationFactor.convention_id)
            .where(EvaluationFactor.evaluation_id.in_(latest))):
        if evaluation_id in evaluations:
            levels[evaluation_id].append(Level(number, level, situation_id))
    points: dict[int, int] = {}
    changed: list[tuple[Any, int, list[Any]]] = []
    total_only = 0
    for evaluation in evaluations.values():
        if evaluation.scheme_version_id is None or not levels.get(evaluation.id):
            total_only += 1
            points[evaluation.post_id] = evaluation.score
            continue
        try:
            rescored = under_conventions(levels[evaluation.id], readings, plan)
        except LevelOutOfRange as error:
            number = db.session.scalar(select(Post.post_number).where(Post.id == evaluation.post_id))
            raise DomainError(f"Post {number} cannot be re-evaluated under “{the_set.name}”: {error}") from None
        points[evaluation.post_id] = rescored.points
        if rescored.points != evaluation.score or rescored.effects:
            changed.append((evaluation, rescored.points, rescored.effects))
    situations = dict(db.session.execute(select(Situation.id, Situation.text)).all())
    about = {row.id: row for row in db.session.execute(
        select(Post.id, Post.post_number, Post.title, Council.code).join(Council, Council.id == Post.council_id)
        .where(Post.id.in_([e.post_id for e, _, _ in changed])))} if changed else {}
    rescored_posts = [
        PostRescored(e.post_id, about[e.post_id].post_number, about[e.post_id].title, about[e.post_id].code,
                     e.evaluated_on, e.score, after,
                     [ConventionChange(c.factor_number, c.factor, situations.get(c.situation_id, ""), c.level_before,
                                       c.level_after, c.points) for c in effects])
        for e, after, effects in changed]
    used = ConventionsUsed(
        set_id, the_set.name, the_set.council.code if the_set.council else "draft", version.name,
        posts_reevaluated=len(evaluations) - total_only, posts_total_only=total_only,
        posts_not_evaluated=len(post_ids - {e.post_id for e in evaluations.values()}),
        posts=sorted(rescored_posts, key=lambda p: (-abs(p.points_after - p.points_before), p.post_number)))
    return used, points


def _protection_policies(on: date) -> dict[str, ProtectionPolicy]:
    """Each council's pay protection policy in force on a date (the latest to start)."""
    rows = db.session.execute(
        select(Council.code, Policy.name, Policy.body).join(Council, Council.id == Policy.council_id)
        .where(Policy.kind == "pay_protection", Policy.effective_from <= on,
               or_(Policy.effective_to.is_(None), Policy.effective_to >= on))
        .order_by(Policy.effective_from))
    policies = {}
    for code, name, body in rows:
        try:
            policies[code] = ProtectionPolicy.from_body(body, name)
        except PolicyProblem as problem:
            raise DomainError(f"{code}'s pay protection policy cannot be applied: {problem}") from None
    return policies


@dataclass(frozen=True)
class _Protection:
    policy: str
    months: int
    by_year: dict[str, Decimal]

    @property
    def cost(self) -> Decimal:
        return sum(self.by_year.values(), Decimal(0))


_NONE = _Protection("", 0, {})  # no protection: not going down, or no policy applies


def _protect(outcome: Outcome, policy: ProtectionPolicy | None, on: date, full_time_hours: Decimal) -> _Protection:
    if policy is None or outcome.position.full_time_salary is None:
        return _NONE
    # No further awards or increments: the new salary is one step from the start date.
    schedule = protection_schedule(policy, outcome.position.full_time_salary, [(on, outcome.full_time_salary)], on,
                                   outcome.position.hours, full_time_hours)
    return _Protection(policy.name, len(schedule), cost_by_financial_year(schedule))


def _grouped(outcomes: Sequence[Outcome], key: Callable[[Outcome], str], order: Sequence[str],
             full_time_hours: Decimal, protection: dict[int, _Protection], rate: Decimal) -> dict[str, Figures]:
    """Figures per group: counts, pay bills, and the change and protection with on-costs (each
    rounded once, so parts may differ from a total by a penny)."""
    costs: dict[str, Decimal] = defaultdict(Decimal)
    for outcome in outcomes:
        if outcome.position.ref in protection:
            costs[key(outcome)] += protection[outcome.position.ref].cost
    return {label: Figures(label, g.people, g.up, g.same, g.down, g.pay_before, g.pay_after,
                           with_on_costs(g.change, rate), with_on_costs(costs[label], rate))
            for label, g in summarise(outcomes, key, full_time_hours, order).items()}


def _protection_costs(outcomes: Sequence[Outcome], policies: dict[str, ProtectionPolicy], on: date,
                      full_time_hours: Decimal) -> dict[int, _Protection]:
    """Protection for everyone who goes down, under their employer's policy (none if it has none).
    With no further awards a schedule depends only on the policy, both salaries and the hours, and
    people on the same points share them, so each distinct schedule is worked out once."""
    worked: dict[tuple[Any, ...], _Protection] = {}
    costs = {}
    for o in outcomes:
        if o.direction != equality.DOWN:
            continue
        key = (o.position.employer, o.position.full_time_salary, o.full_time_salary, o.position.hours)
        if key not in worked:
            worked[key] = _protect(o, policies.get(o.position.employer), on, full_time_hours)
        costs[o.position.ref] = worked[key]
    return costs


def _by_council_and_year(outcomes: Sequence[Outcome], protection: dict[int, _Protection],
                         rate: Decimal) -> dict[str, dict[str, Decimal]]:
    pay: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for outcome in outcomes:
        for year, cost in protection.get(outcome.position.ref, _NONE).by_year.items():
            pay[outcome.position.employer][year] += cost
    return {code: {year: with_on_costs(cost, rate) for year, cost in sorted(years.items())}
            for code, years in sorted(pay.items())}


def _by_year(outcomes: Sequence[Outcome], protection: dict[int, _Protection], rate: Decimal) -> dict[str, Decimal]:
    pay: dict[str, Decimal] = defaultdict(Decimal)
    for outcome in outcomes:
        for year, cost in protection.get(outcome.position.ref, _NONE).by_year.items():
            pay[year] += cost
    return {year: with_on_costs(cost, rate) for year, cost in sorted(pay.items())}


def _protected_people(outcomes: Sequence[Outcome],
                      protection: dict[int, _Protection]) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """How many people each council's protection figures are about: in all, and in each year
    (so the unions' summary can withhold figures about too few people)."""
    people: dict[str, int] = defaultdict(int)
    by_year: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in outcomes:
        protected = protection.get(outcome.position.ref, _NONE)
        people[outcome.position.employer] += protected.cost > 0
        for year, cost in protected.by_year.items():
            by_year[outcome.position.employer][year] += cost > 0
    return dict(people), {code: dict(years) for code, years in by_year.items()}


def _group_rows(counts: dict[str, equality.Movement], labels: dict[str, str] | None = None) -> list[GroupRow]:
    return [GroupRow((labels or {}).get(k, k), m.up, m.same, m.down) for k, m in counts.items()]


def _gap(gap: equality.PayGap) -> Gap:
    return Gap(gap.mean, gap.median, gap.men, gap.women)


def _inputs(model: HarmonisationModel) -> tuple[date, date | None, dict[int, Decimal], list[GradeBand]]:
    on = model.as_of
    if on is None:
        raise DomainError("Give the model an as-at date before running it")
    pay_year, spine = spine_on(on)
    if not spine:
        raise DomainError(f"No pay spine is held for {on.day} {on:%B %Y} or earlier")
    bands = bands_of(model)
    problems = band_problems(bands, sorted(spine))
    if problems:
        raise DomainError("The bands have problems: " + "; ".join(problems))
    return on, pay_year, spine, bands


def check_runnable(model: HarmonisationModel) -> None:
    """Refuse, in words, a model that cannot be run (no as-at date, no spine, bands with
    problems): the page checks before it starts the run as a job."""
    _inputs(model)


@transaction
def run_model(model: HarmonisationModel) -> Results:
    """Run the model over the workforce on its as-at date and save the results on it."""
    on, pay_year, spine, bands = _inputs(model)
    full_time_hours = Decimal(rule_value("full_time_hours", on))
    rate = Decimal(rule_value("on_cost_rate", on))
    positions, who, post_of = _workforce(on)
    conventions = None
    if model.convention_set_id is not None:
        conventions, points = _under_conventions(model.convention_set_id, on, set(post_of.values()))
        positions = [replace(p, je_score=points.get(post_of[p.ref], p.je_score)) for p in positions]
    result = harmonise(positions, bands, spine)
    outcomes = result.outcomes
    policies = _protection_policies(on)
    protection = _protection_costs(outcomes, policies, on, full_time_hours)
    councils = dict(db.session.execute(select(Council.code, Council.name).order_by(Council.code)).all())
    by_council = _grouped(outcomes, lambda o: o.position.employer, list(councils), full_time_hours, protection, rate)
    by_grade = _grouped(outcomes, lambda o: o.grade, [b.grade for b in bands], full_time_hours, protection, rate)
    employers = Counter((o.grade, o.position.employer) for o in outcomes)
    protected_people, protected_by_year = _protected_people(outcomes, protection)
    picture = equality.equality_picture(
        [equality.Person(o.position.sex, o.position.age, o.position.hours, pay_before(o, full_time_hours),
                         pay_after(o, full_time_hours), o.direction) for o in outcomes],
        equality.parse_age_bands(AGE_BANDS))
    results = Results(
        as_of=on, ran_at=datetime.now(UTC), pay_year=pay_year, on_cost_rate=rate,
        full_time_hours=full_time_hours, weeks_per_year=equality.WEEKS_PER_YEAR, age_bands=AGE_BANDS,
        total=_grouped(outcomes, lambda o: "All", ["All"], full_time_hours, protection, rate)["All"],
        councils=list(by_council.values()), council_names=councils,
        grades=[GradeRow(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max, spine.get(b.scp_min),
                         spine.get(b.scp_max), by_grade[b.grade],
                         {code: employers[(b.grade, code)] for code in councils}) for b in bands],
        excluded=result.excluded_by_reason(),
        protection_pay=sum((p.cost for p in protection.values()), Decimal(0)),
        protection_by_year=_by_year(outcomes, protection, rate),
        protection_by_council_year=_by_council_and_year(outcomes, protection, rate),
        protected_people=protected_people, protected_people_by_year=protected_by_year,
        no_policy=sum(1 for o in outcomes if o.position.ref in protection and o.position.employer not in policies),
        by_sex=_group_rows(picture.by_sex, SEXES), by_age_band=_group_rows(picture.by_age_band),
        gap_before=_gap(picture.gap_before), gap_after=_gap(picture.gap_after),
        affected=_affected(outcomes, who, protection, full_time_hours), conventions=conventions)
    model.results = dump(results)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise StaleRecord("Someone else changed this model while it ran: run it again.") from None
    audit.record("run", ENTITY, model.id, after={
        "as_of": on.isoformat(), "people": results.total.people, "up": results.total.up, "same": results.total.same,
        "down": results.total.down, "change_with_on_costs": str(results.total.change_with_on_costs),
        "protection_with_on_costs": str(results.total.protection_with_on_costs),
        "convention_set": conventions.name if conventions else None})
    return results


def _affected(outcomes: Sequence[Outcome], who: dict[int, _Who], protection: dict[int, _Protection],
              full_time_hours: Decimal) -> list[Affected]:
    rows = []
    for o in outcomes:
        if o.direction == equality.SAME:
            continue
        person, protected = who[o.position.ref], protection.get(o.position.ref, _NONE)
        rows.append(Affected(
            person.employee_id, person.person_number, o.position.employer, person.post_title, o.position.hours,
            o.position.grade, o.position.scp or 0, pay_before(o, full_time_hours), o.grade, o.scp,
            pay_after(o, full_time_hours), o.direction, protected.policy, protected.months, protected.cost))
    return sorted(rows, key=lambda a: (a.employer, a.direction, a.person_number))


STALE_KEY = "stale"


def mark_results_stale(items: list[tuple[tuple[Any, ...], str]]) -> int:
    """Saved results describe the workforce, spine and grades when the model was run. After any
    of those changes they are kept (they are what was reported) but marked stale with why, until
    the model is run again (`derived.settle` calls this). A change to a set of local conventions
    (scope ("convention_set", id)) reaches only the models re-evaluating posts under that set.
    Returns how many models were marked."""
    why = "; ".join(sorted({w for _, w in items if w}))[:300] or "the data it was run on changed"
    query = select(HarmonisationModel).where(HarmonisationModel.results.is_not(None))
    if all(scope[:1] == ("convention_set",) for scope, _ in items):
        query = query.where(HarmonisationModel.convention_set_id.in_({scope[1] for scope, _ in items}))
    marked = 0
    for model in db.session.scalars(query):
        results = model.results or {}
        if results.get(STALE_KEY):
            continue
        model.results = {**results, STALE_KEY: {"since": datetime.now(UTC).isoformat(timespec="seconds"),
                                                 "why": why}}
        marked += 1
    return marked


def stale_reason(model: HarmonisationModel) -> dict[str, str] | None:
    """{"since", "why"} when the model's saved results no longer describe today's data."""
    stale = (model.results or {}).get(STALE_KEY)
    return stale if isinstance(stale, dict) else None
