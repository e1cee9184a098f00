"""Job evaluation appeals: an employee appeals their post's evaluation on named
factors; an appeal panel (management and union side) confirms it or makes a new dated one.

The rules (DOMAIN.md 3.2; NJC JES appeals as the councils run them):

- An employee may appeal only the latest grading evaluation (agreed or confirmed; or already
  under appeal by a colleague in the same post) of a post they hold on the day, made under that
  post's own council's conventions and recorded factor by factor (a total-only evaluation has no
  levels to appeal against).
- The appeal names the factors (at least one, none twice), each with the employee's reasons and,
  if they wish, the level they seek (within the factor's range, and not the level it has).
- It is lodged within the appeal window, a rule setting (`jes_appeal_window_days`, 91 days as
  shipped: three months), counted from the evaluation date or, for someone who took up the post
  after it, from the day they took it up (when they were told its evaluation). The last day is
  the start plus the window.
- One open appeal per evaluation per employee; an appeal the panel has decided is not lodged
  again (the outcome is the answer: a new evaluation can be appealed in its own window).
- Lodging puts the evaluation "under appeal" (it still grades). The panel's outcome:
  * upheld / partly upheld (levels changed on every / on some of the appealed factors, and on
    no other): a NEW evaluation from `effective_from` with the old levels and the changed ones,
    keeping the old citations except on the changed factors, made by the appeal panel, agreed,
    `replaces_id` the old one. The post's grade and its holders' pay follow from that date
    (services/pay/job_evaluations.record_evaluation -> services/pay/regrading.py: a holder below the new
    grade's lowest point moves up to it; one above its top moves down with pay protection). The
    old evaluation goes back to "agreed" (it still graded the days before).
  * not upheld (no levels): the old evaluation becomes "confirmed"; nothing else changes.
- The letter to the employee ("Job evaluation appeal outcome") is issued as part of deciding, in
  the same unit of work: the employee must be told in writing, and the letter states the facts
  recorded in that very decision; a decision the letter cannot be made for (its template edited
  to use a field the record lacks) is refused whole, so there is never a decided appeal nobody
  was told about. It is in the register and the employee's letters, and mailed as a notice.

Everything is audited; an appeal is optimistic-locked (`version`)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from ....errors import DomainError, StaleRecord
from ....extensions import db
from ....formatting import money, money_change, uk_date
from ....letters.template import Table
from ....models import (
    Assignment,
    Employee,
    Employment,
    EvaluationAppeal,
    EvaluationFactor,
    JobEvaluation,
    Letter,
    Post,
    SchemeVersion,
    User,
)
from ....models.grading import GRADING_STATUSES
from ...people.records import as_at, rule_value, spine_on
from ...platform import audit
from ...platform.unit_of_work import transaction
from .. import job_evaluations

WINDOW_SETTING = "jes_appeal_window_days"
OUTCOMES = ("upheld", "partly upheld", "not upheld")
LETTER = "jes_appeal_outcome"
APPEALABLE_STATUSES = ("agreed", "confirmed", "under appeal")


@dataclass(frozen=True)
class Ground:
    factor: int  # 1..13
    reasons: str  # required, the employee's words
    level_sought: int | None = None


class AppealRefused(DomainError):
    """What is wrong with an appeal or a decision, field by field (a form shows each beside its
    field and keeps what was typed)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(" ".join(problems.values()), field=next(iter(problems)))
        self.problems = problems


# -- what an employee may appeal ----------------------------------------------------------------

@dataclass(frozen=True)
class Standing:
    """One post a person holds on a day, its latest grading evaluation, and whether they may
    appeal it (`refusal` says why not, in words; empty if they may)."""

    post: Post
    held_since: date
    evaluation: JobEvaluation | None
    window_from: date | None = None
    last_day: date | None = None
    open_appeal: EvaluationAppeal | None = None
    refusal: str = ""


def window_days(on: date) -> int:
    try:
        return int(rule_value(WINDOW_SETTING, on))
    except LookupError:
        raise DomainError(f"No appeal window is held: an administrator adds the rule setting {WINDOW_SETTING} "
                          "(hrtool load-reference --update adds the shipped value)") from None


def _latest_grading(post: Post, on: date) -> JobEvaluation | None:
    """The evaluation that grades the post on `on`: the latest under its own council's conventions
    in a grading status, dated on or before the day (of two on one day, the one recorded last)."""
    return db.session.scalars(
        select(JobEvaluation).options(selectinload(JobEvaluation.factors), selectinload(JobEvaluation.panel_members))
        .where(JobEvaluation.post_id == post.id, JobEvaluation.council_id == post.council_id,
               JobEvaluation.status.in_(GRADING_STATUSES), JobEvaluation.evaluated_on <= on)
        .order_by(JobEvaluation.evaluated_on.desc(), JobEvaluation.id.desc()).limit(1)).first()


def _held(employee_id: int, on: date) -> list[tuple[Post, date]]:
    """The posts the person holds on `on` (their assignments then) and since when they have held
    each in that employment (records split by increments or hours changes count as one spell)."""
    held: dict[int, tuple[Post, date]] = {}
    for _, employment, assignment, post, _ in db.session.execute(as_at(on).where(Employee.id == employee_id)).all():
        if assignment is None or post is None or post.id in held:
            continue
        since = db.session.scalar(select(func.min(Assignment.effective_from)).where(
            Assignment.employment_id == employment.id, Assignment.post_id == post.id,
            Assignment.effective_from <= on))
        held[post.id] = (post, since or assignment.effective_from)
    return list(held.values())


def _appeals_by(employee_id: int, evaluation_id: int) -> list[EvaluationAppeal]:
    return list(db.session.scalars(select(EvaluationAppeal).where(
        EvaluationAppeal.employee_id == employee_id, EvaluationAppeal.evaluation_id == evaluation_id)
        .order_by(EvaluationAppeal.id)))


def standing(employee_id: int, on: date) -> list[Standing]:
    """Each post the person holds on `on`, its latest grading evaluation, and whether they may
    appeal it that day."""
    out = []
    for post, since in _held(employee_id, on):
        evaluation = _latest_grading(post, on)
        if evaluation is None:
            out.append(Standing(post, since, None, refusal="Your post has not been evaluated factor by factor yet."))
            continue
        window_from = max(evaluation.evaluated_on, since)
        try:
            days = window_days(on)
        except DomainError as error:  # no window held: nobody can appeal until an administrator adds it
            out.append(Standing(post, since, evaluation, window_from, refusal=error.message))
            continue
        last_day = window_from + timedelta(days=days)
        mine = _appeals_by(employee_id, evaluation.id)
        open_appeal = next((a for a in mine if a.status == "lodged"), None)
        decided = next((a for a in mine if a.status == "decided"), None)
        refusal = ""
        if evaluation.total_only:
            refusal = ("This evaluation holds only a total (factor levels not recorded), so there are no factor "
                       "levels to appeal against. Ask Human Resources about a re-evaluation.")
        elif evaluation.status not in APPEALABLE_STATUSES:
            refusal = f"This evaluation is {evaluation.status}: it cannot be appealed."
        elif open_appeal is not None:
            refusal = "You have an appeal against this evaluation under way."
        elif decided is not None:
            refusal = (f"An appeal panel decided your appeal against this evaluation on {uk_date(decided.decided_on)}: "
                       "it cannot be appealed again.")
        elif on > last_day:
            refusal = (f"The time to appeal ended on {uk_date(last_day)}: an appeal is lodged within "
                       f"{days} days of the evaluation, or of taking up the post after it.")
        out.append(Standing(post, since, evaluation, window_from, last_day, open_appeal, refusal))
    return out


def appealable(employee_id: int, today: date) -> list[JobEvaluation]:
    """The evaluations the person may appeal today."""
    return [s.evaluation for s in standing(employee_id, today) if s.evaluation is not None and not s.refusal]


# -- the factors of an evaluation, for the pages ------------------------------------------------

@dataclass(frozen=True)
class FactorRow:
    number: int
    name: str
    group: str
    level: int
    points: int
    definition: str  # the level's short definition in the scheme version
    top: int  # the factor's highest level
    convention: str = ""  # the situation of the convention that decided the level, if one did


def factor_rows(evaluation: JobEvaluation) -> list[FactorRow]:
    """An evaluation's 13 factors with their level, points and the level's short definition."""
    if evaluation.scheme_version_id is None:
        return []
    version = db.session.scalars(select(SchemeVersion).where(SchemeVersion.id == evaluation.scheme_version_id)
                                 .options(selectinload(SchemeVersion.factors))).one()
    factors = {f.number: f for f in version.factors}
    rows = []
    for chosen in sorted(evaluation.factors, key=lambda f: f.factor_number):
        factor = factors[chosen.factor_number]
        definition = next((lv.definition for lv in factor.levels if lv.level == chosen.level), "")
        rows.append(FactorRow(chosen.factor_number, factor.name, factor.group, chosen.level, chosen.points,
                              definition, max(lv.level for lv in factor.levels),
                              chosen.convention.situation.text if chosen.convention is not None else ""))
    return rows


# -- lodging and withdrawing ---------------------------------------------------------------------

def _check_grounds(grounds: Sequence[Ground], rows: dict[int, FactorRow]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    problems: dict[str, str] = {}
    if not grounds:
        problems["grounds"] = "Choose at least one factor you are appealing against, and say why."
    seen: set[int] = set()
    clean = []
    for ground in grounds:
        key = f"factor_{ground.factor}"
        row = rows.get(ground.factor)
        if row is None:
            problems[key] = f"Factor {ground.factor} is not one of the scheme's factors."
            continue
        if ground.factor in seen:
            problems[key] = f"Factor {ground.factor}, {row.name}: it is named twice; appeal each factor once."
            continue
        seen.add(ground.factor)
        wrong = []
        if not ground.reasons.strip():
            wrong.append("say why you think the level is wrong")
        if ground.level_sought is not None and not 1 <= ground.level_sought <= row.top:
            wrong.append(f"level {ground.level_sought} is outside its range 1 to {row.top}")
        elif ground.level_sought == row.level:
            wrong.append(f"level {row.level} is the level it has; give the level you think is right, or leave it "
                         "blank")
        if wrong:
            problems[key] = f"Factor {ground.factor}, {row.name}: {'; '.join(wrong)}."
        clean.append({"factor": ground.factor, "reasons": ground.reasons.strip(), "level_sought": ground.level_sought})
    return sorted(clean, key=lambda g: g["factor"]), problems


def _snapshot(appeal: EvaluationAppeal) -> dict[str, Any]:
    return {"evaluation_id": appeal.evaluation_id, "employee_id": appeal.employee_id,
            "lodged_on": appeal.lodged_on.isoformat(), "grounds": appeal.grounds, "status": appeal.status,
            "outcome": appeal.outcome, "decided_on": appeal.decided_on.isoformat() if appeal.decided_on else None,
            "effective_from": appeal.effective_from.isoformat() if appeal.effective_from else None,
            "appeal_panel": appeal.appeal_panel, "outcome_notes": appeal.outcome_notes,
            "new_evaluation_id": appeal.new_evaluation_id, "withdrawn_reason": appeal.withdrawn_reason}


def _flush(appeal: EvaluationAppeal) -> None:
    try:
        db.session.flush()
    except StaleDataError:
        raise StaleRecord("Someone else changed this appeal meanwhile: look at it again") from None


@transaction
def lodge(evaluation_id: int, employee_id: int, grounds: Sequence[Ground], lodged_on: date, *,
          today: date) -> EvaluationAppeal:
    """An employee's appeal against their post's latest evaluation, on named factors with reasons."""
    if lodged_on > today:
        raise DomainError("An appeal cannot be dated in the future", field="lodged_on")
    evaluation = db.session.get(JobEvaluation, evaluation_id)
    if evaluation is None:
        raise DomainError("That evaluation no longer exists")
    mine = next((s for s in standing(employee_id, lodged_on)
                 if s.evaluation is not None and s.evaluation.id == evaluation_id), None)
    if mine is None:
        raise DomainError("You can appeal only the latest agreed evaluation of a post you hold, under that post's "
                          "own council's conventions")
    if mine.refusal:
        raise DomainError(mine.refusal)
    clean, problems = _check_grounds(grounds, {r.number: r for r in factor_rows(evaluation)})
    if problems:
        raise AppealRefused(problems)
    actor_id, _ = audit._actor()
    appeal = EvaluationAppeal(evaluation_id=evaluation.id, employee_id=employee_id, lodged_on=lodged_on,
                              grounds=clean, status="lodged", lodged_by_id=actor_id)
    db.session.add(appeal)
    db.session.flush()
    audit.record("create", "job_evaluation_appeal", appeal.id, after=_snapshot(appeal), employee_id=employee_id,
                 reason=f"Appeal against the evaluation of {evaluation.evaluated_on:%d/%m/%Y}")
    if evaluation.status != "under appeal":
        job_evaluations.set_status(evaluation.id, "under appeal", f"Appeal {appeal.id} lodged")
    return appeal


def _open_on(evaluation_id: int, other_than: int) -> bool:
    return db.session.scalar(select(EvaluationAppeal.id).where(
        EvaluationAppeal.evaluation_id == evaluation_id, EvaluationAppeal.status == "lodged",
        EvaluationAppeal.id != other_than).limit(1)) is not None


def _settle_evaluation(appeal: EvaluationAppeal, why: str) -> None:
    """When the last open appeal on an evaluation ends, it leaves "under appeal": confirmed if a
    panel confirmed it (not upheld) and no appeal replaced it, else agreed."""
    evaluation = db.session.get(JobEvaluation, appeal.evaluation_id)
    if evaluation is None or evaluation.status != "under appeal" or _open_on(evaluation.id, appeal.id):
        return
    decided = list(db.session.scalars(select(EvaluationAppeal).where(
        EvaluationAppeal.evaluation_id == evaluation.id, EvaluationAppeal.status == "decided")))
    replaced = any(a.new_evaluation_id for a in decided)
    confirmed = any(a.outcome == "not upheld" for a in decided) and not replaced
    job_evaluations.set_status(evaluation.id, "confirmed" if confirmed else "agreed", why)


def _open(appeal_id: int, seen_version: int | None) -> EvaluationAppeal:
    appeal = db.session.get(EvaluationAppeal, appeal_id)
    if appeal is None:
        raise DomainError("That appeal no longer exists")
    if seen_version is not None and appeal.version != seen_version:
        raise StaleRecord("Someone else changed this appeal meanwhile: look at it again")
    if appeal.status != "lodged":
        raise DomainError(f"This appeal is {appeal.status}: it can no longer change")
    return appeal


@transaction
def withdraw(appeal_id: int, reason: str, *, seen_version: int | None = None) -> EvaluationAppeal:
    """The employee withdraws their appeal before the panel decides it (a reason is kept)."""
    appeal = _open(appeal_id, seen_version)
    if not reason.strip():
        raise DomainError("Say why you are withdrawing the appeal", field="reason")
    before = _snapshot(appeal)
    appeal.status, appeal.withdrawn_reason = "withdrawn", reason.strip()
    _flush(appeal)
    audit.record("update", "job_evaluation_appeal", appeal.id, before=before, after=_snapshot(appeal),
                 employee_id=appeal.employee_id, reason=reason.strip())
    _settle_evaluation(appeal, f"Appeal {appeal.id} withdrawn: {reason.strip()}")
    return appeal


# -- the panel's decision ----------------------------------------------------------------------

def _panel_words(panel: Sequence[job_evaluations.Member]) -> str:
    return "; ".join(f"{m.name.strip()} ({m.side} side{', ' + m.role.strip() if m.role.strip() else ''})"
                     for m in panel)


# radon: one independent check per field of the decision form, every problem reported at once
def _check_decision(appeal: EvaluationAppeal, outcome: str, levels: Mapping[int, int], rows: dict[int, FactorRow],
                    decided_on: date, effective_from: date, panel: Sequence[job_evaluations.Member], notes: str,
                    today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    appealed = {g["factor"] for g in appeal.grounds}
    if outcome not in OUTCOMES:
        problems["outcome"] = "Choose the outcome: upheld, partly upheld or not upheld."
    for factor, level in sorted(levels.items()):
        row = rows.get(factor)
        if factor not in appealed or row is None:
            problems[f"level_{factor}"] = f"Factor {factor} was not appealed: the panel decides only the factors appealed."
        elif not 1 <= level <= row.top:
            problems[f"level_{factor}"] = (f"Factor {factor}, {row.name}: level {level} is outside its range "
                                           f"1 to {row.top}.")
        elif level == row.level:
            problems[f"level_{factor}"] = (f"Factor {factor}, {row.name}: level {level} is the level it has; leave "
                                           "it blank if the panel did not change it.")
    changed = {f for f in levels if f in appealed}
    if outcome == "not upheld" and levels:
        problems.setdefault("outcome", "An appeal not upheld changes no level: clear the new levels, or choose "
                                       "upheld or partly upheld.")
    elif outcome == "upheld" and changed != appealed:
        problems.setdefault("outcome", "Upheld means the panel changed the level of every factor appealed: give "
                                       "each a new level, or choose partly upheld.")
    elif outcome == "partly upheld" and not (changed and changed < appealed):
        problems.setdefault("outcome", "Partly upheld means the panel changed some of the factors appealed, not all: "
                                       "give the new level of those it changed.")
    sides = {m.side for m in panel if m.name.strip()}
    if any(m.side not in job_evaluations.SIDES for m in panel) or not sides >= set(job_evaluations.SIDES):
        problems["panel"] = ("An appeal panel is joint: name at least one member from management and one from the "
                             "union side, and say which side each sat for.")
    if decided_on > today:
        problems["decided_on"] = "The decision cannot be dated in the future."
    elif decided_on < appeal.lodged_on:
        problems["decided_on"] = f"The decision cannot be dated before the appeal was lodged ({uk_date(appeal.lodged_on)})."
    if outcome != "not upheld":
        old = appeal.evaluation.evaluated_on
        if effective_from > today:
            problems["effective_from"] = "The new evaluation cannot take effect in the future: date it today or earlier."
        elif effective_from < old:
            problems["effective_from"] = (f"The new evaluation cannot take effect before the evaluation appealed "
                                          f"({uk_date(old)}).")
    if not notes.strip():
        problems["notes"] = "Record the panel's reasons: the letter to the employee gives them."
    return problems


@transaction
def decide(appeal_id: int, outcome: str, levels: Mapping[int, int], *, decided_on: date, effective_from: date,
           appeal_panel: Sequence[job_evaluations.Member], notes: str, today: date,
           seen_version: int | None = None) -> EvaluationAppeal:
    """Record the appeal panel's outcome (see the module's docstring), and issue the letter."""
    from ...letters import letters

    appeal = _open(appeal_id, seen_version)
    old = appeal.evaluation
    rows = {r.number: r for r in factor_rows(old)}
    levels = {int(f): int(v) for f, v in levels.items()}
    panel = [m for m in appeal_panel if m.name.strip()]
    problems = _check_decision(appeal, outcome, levels, rows, decided_on, effective_from, panel, notes, today)
    if problems:
        raise AppealRefused(problems)
    if outcome != "not upheld" and db.session.scalar(select(JobEvaluation.id).where(
            JobEvaluation.replaces_id == old.id).limit(1)) is not None:
        raise DomainError("Another appeal's outcome has already replaced this evaluation: record this appeal as not "
                          "upheld against it, or ask the employee to appeal the new evaluation", field="outcome")
    before = _snapshot(appeal)
    actor_id, _ = audit._actor()
    new = None
    if outcome != "not upheld":
        held = _in_post(appeal.employee_id, old.post_id, effective_from)  # before the outcome moves it
        appeal.pay_before = None if held is None else {
            "scp": held.scp, "local_salary": None if held.local_salary is None else str(held.local_salary)}
        choices = []
        for chosen in sorted(old.factors, key=lambda f: f.factor_number):
            if chosen.factor_number in levels:
                choices.append(job_evaluations.Choice(levels[chosen.factor_number], None,
                                                      f"Changed on appeal {appeal.id} from level {chosen.level}"))
            else:
                choices.append(job_evaluations.Choice(chosen.level, chosen.convention_id, chosen.note))
        try:
            new = job_evaluations.record_evaluation(
                old.post_id, old.council_id, effective_from, choices, panel=panel,
                job_description=old.job_description, notes=f"Appeal {appeal.id} {outcome} on {uk_date(decided_on)}: "
                f"{notes.strip()}", status="agreed", today=today, replaces_id=old.id)
        except DomainError as error:  # the new evaluation's date is the form's "takes effect" date
            raise DomainError(error.message, field="effective_from" if error.field == "evaluated_on"
                              else error.field) from None
    appeal.status, appeal.outcome, appeal.decided_on = "decided", outcome, decided_on
    appeal.effective_from = effective_from if new is not None else None
    appeal.appeal_panel, appeal.outcome_notes = _panel_words(panel), notes.strip()
    appeal.new_evaluation_id, appeal.decided_by_id = (new.id if new is not None else None), actor_id
    _flush(appeal)
    audit.record("update", "job_evaluation_appeal", appeal.id, before=before, after=_snapshot(appeal),
                 employee_id=appeal.employee_id, reason=notes.strip())
    _settle_evaluation(appeal, f"Appeal {appeal.id} {outcome}")
    user = db.session.get(User, actor_id) if actor_id is not None else None
    letters.issue_one(letters.Target(LETTER, appeal.id), today, user)
    return appeal


# -- lists -------------------------------------------------------------------------------------

def _listed() -> Any:
    return select(EvaluationAppeal).options(selectinload(EvaluationAppeal.employee),
                                            selectinload(EvaluationAppeal.evaluation).selectinload(JobEvaluation.post))


def open_appeals() -> list[EvaluationAppeal]:
    """Appeals waiting for a panel, oldest first."""
    return list(db.session.scalars(_listed().where(EvaluationAppeal.status == "lodged")
                                   .order_by(EvaluationAppeal.lodged_on, EvaluationAppeal.id)))


def decided_appeals(limit: int = 50) -> list[EvaluationAppeal]:
    return list(db.session.scalars(_listed().where(EvaluationAppeal.status != "lodged")
                                   .order_by(EvaluationAppeal.id.desc()).limit(limit)))


def appeals_of(employee_id: int) -> list[EvaluationAppeal]:
    """A person's appeals, newest first."""
    return list(db.session.scalars(_listed().where(EvaluationAppeal.employee_id == employee_id)
                                   .order_by(EvaluationAppeal.lodged_on.desc(), EvaluationAppeal.id.desc())))


def letter_of(appeal_id: int) -> Letter | None:
    """The latest letter about the appeal (a correction replaces the first)."""
    return db.session.scalars(select(Letter).where(Letter.letter_type == LETTER, Letter.source_id == appeal_id)
                              .order_by(Letter.id.desc()).limit(1)).first()


# -- the letter's facts ------------------------------------------------------------------------

def _grade_words(grade: str | None) -> str:
    if grade is None:
        return "no grade (above the top grade: a local band)"
    return grade if grade.lower().startswith("grade") else f"grade {grade}"


def _in_post(employee_id: int, post_id: int, on: date) -> Assignment | None:
    return db.session.scalars(select(Assignment).join(Employment, Employment.id == Assignment.employment_id).where(
        Employment.employee_id == employee_id, Assignment.post_id == post_id, Assignment.effective_from <= on,
        (Assignment.effective_to.is_(None)) | (Assignment.effective_to >= on))
        .order_by(Assignment.effective_from.desc()).limit(1)).first()


def _pay_words(appeal: EvaluationAppeal, post_id: int) -> str:
    """What the outcome did to the employee's pay in this post, in words: the point they held on
    the date the new evaluation takes effect under the evaluation appealed (taken as the outcome
    was recorded: `pay_before`) and the point from it, both valued on the NJC spine of the pay year
    holding that date."""
    if appeal.new_evaluation_id is None or appeal.effective_from is None:
        return "Your pay does not change."
    on = appeal.effective_from
    after = _in_post(appeal.employee_id, post_id, on)
    if appeal.pay_before is not None:
        before: Any = Assignment(scp=appeal.pay_before.get("scp"), local_salary=appeal.pay_before.get("local_salary"))
    else:  # decided before pay_before was kept
        before = _in_post(appeal.employee_id, post_id, on - timedelta(days=1))
    if after is None:
        return f"Your pay follows your post's grade from {uk_date(on)}."
    if after.local_salary is not None or after.scp is None:
        return "You are paid a local salary, which this outcome does not change."
    if before is None or before.scp is None:
        return f"From {uk_date(on)} you are paid on spinal column point {after.scp}."
    _, spine = spine_on(on)
    if before.scp == after.scp:
        return f"Your pay does not change: you stay on spinal column point {after.scp}."
    old_pay, new_pay = spine.get(before.scp), spine.get(after.scp)
    moved = f"From {uk_date(on)} you move from SCP {before.scp} to SCP {after.scp}"
    if old_pay is None or new_pay is None:
        return moved + "."
    words = (f"{moved}: your full-time salary changes from {money(old_pay)} to {money(new_pay)} a year, "
             f"{money_change(new_pay - old_pay)} a year full-time.")
    if new_pay < old_pay:
        words += " Your pay is protected under your council's pay protection policy: we confirm this in a separate letter."
    return words


def outcome_facts(appeal: EvaluationAppeal) -> dict[str, Any]:
    """The letter's facts about a decided appeal (flat names -> text or a Table), for
    letter_fields.jes_appeal."""
    from ...people.posts import grade_for

    if appeal.status != "decided":
        raise DomainError("The appeal has not been decided yet: its outcome letter waits for the panel")
    old = appeal.evaluation
    new = appeal.new_evaluation
    post = db.session.get(Post, old.post_id)
    on = appeal.effective_from or appeal.decided_on
    assert on is not None, "a decided appeal has its decision date"
    old_levels = {f.factor_number: f for f in old.factors}
    new_levels: dict[int, EvaluationFactor] = {f.factor_number: f for f in new.factors} if new else old_levels
    names = {r.number: r.name for r in factor_rows(old)}
    table_rows = []
    for ground in appeal.grounds:
        n = ground["factor"]
        sought = ground.get("level_sought")
        table_rows.append([f"{n}. {names.get(n, '')}", str(old_levels[n].level),
                           str(sought) if sought else "Not stated", str(new_levels[n].level),
                           str(old_levels[n].points), str(new_levels[n].points)])
    grade_before = grade_for(old.council_id, old.score, on)
    grade_after = grade_for(old.council_id, new.score, on) if new else grade_before
    when = uk_date(appeal.effective_from) if appeal.effective_from else ""
    if appeal.outcome == "not upheld":
        decision = (f"The panel did not uphold your appeal: the evaluation of your post made on "
                    f"{uk_date(old.evaluated_on)} is confirmed, and the levels of the factors you appealed stay as "
                    "they were.")
        grade_change = f"Your post's grade stays {_grade_words(grade_before)}."
        points_change = f"The evaluation's total stays {old.score} points."
    else:
        which = ("every factor you appealed" if appeal.outcome == "upheld"
                 else "some of the factors you appealed, and left the others as they were")
        verb = "upheld" if appeal.outcome == "upheld" else "partly upheld"
        decision = (f"The panel {verb} your appeal: it changed the level of {which}, as the table below shows. A new "
                    f"evaluation of your post takes effect from {when}.")
        grade_change = (f"Your post's grade stays {_grade_words(grade_before)}." if grade_before == grade_after else
                        f"Your post's grade changes from {_grade_words(grade_before)} to {_grade_words(grade_after)} "
                        f"from {when}.")
        points_change = f"The evaluation's total changes from {old.score} to {new.score} points."
    return {
        "appeal.lodged_on": appeal.lodged_on, "appeal.decided_on": appeal.decided_on,
        "appeal.effective_from": appeal.effective_from, "appeal.outcome": appeal.outcome,
        "appeal.post": f"{post.title} ({post.post_number})" if post else None,
        "appeal.evaluation_date": old.evaluated_on, "appeal.decision": decision,
        "appeal.reasons": appeal.outcome_notes, "appeal.panel": appeal.appeal_panel or None,
        "evaluation.points_before": f"{old.score} points", "evaluation.points_after": f"{(new or old).score} points",
        "evaluation.points_change": points_change,
        "grade.before": _grade_words(grade_before), "grade.after": _grade_words(grade_after),
        "grade.change": grade_change, "pay.change": _pay_words(appeal, old.post_id),
        "table.factors": Table(["Factor", "Level before", "Level you sought", "Level decided", "Points before",
                                "Points after"], table_rows, numeric=[1, 2, 3, 4, 5]),
    }


@dataclass
class AppealView:
    """An appeal with what its pages show beside it."""

    appeal: EvaluationAppeal
    rows: list[FactorRow]
    grounds: dict[int, dict[str, Any]] = field(default_factory=dict)
    letter: Letter | None = None


def view(appeal: EvaluationAppeal) -> AppealView:
    return AppealView(appeal, factor_rows(appeal.evaluation), {g["factor"]: g for g in appeal.grounds},
                      letter_of(appeal.id))
