"""The completion guard of a TUPE transfer (DOMAIN.md 3.3): before a transfer is
completed, each legal step and whether it was met. Values in, values out: the service loads
the checklist, the measures, the cohort and the letters and passes them in.

The steps:
- employee liability information given in time: TUPE 2006 reg. 11(6), "not less than 28 days
  before the relevant transfer" (14 before 1 May 2014), read as clear days: given on or before
  `eli_due_by` (the transfer date minus the clear days minus one);
- the regulation 13 information given to the unions, and consultation begun, by the dates the
  checklist holds for them (the joint checklist policy's lead times: "long enough before");
- measures stated by both sides (reg. 13(2)(d)), text or a stated "none";
- the cohort settled and objections resolved: nobody still only proposed, and each objection
  (reg. 4(7)) recorded with the date it was made, on or before the transfer date;
- letters issued: a notice of transfer to every person transferring and a regulation 13 letter
  to every recognised union.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .tupe import eli_due_by


@dataclass(frozen=True)
class StepDone:
    """A checklist step: when it was due and when (if ever) it was recorded as done."""
    key: str
    due_on: date
    done_on: date | None


@dataclass(frozen=True)
class Objection:
    name: str
    objected_on: date | None


@dataclass(frozen=True)
class GuardFacts:
    transfer_date: date
    eli_clear_days: int
    steps: Sequence[StepDone]
    transferor_measures_stated: bool
    transferee_measures_stated: bool
    proposed: Sequence[str]  # names of people still only proposed
    objections: Sequence[Objection]
    without_notice: Sequence[str]  # names of people in the cohort with no notice of transfer issued
    unions_without_letter: Sequence[str]  # recognised unions with no regulation 13 letter
    on: date | None = None  # the day asked about (the wording of a step not yet due); None: after all are due
    # The day by which every recognised union had a regulation 13 letter, from the register (None
    # if one has none): the information given even where the checklist was not marked.
    reg13_letters_on: date | None = None


@dataclass(frozen=True)
class GuardStep:
    key: str
    title: str
    met: bool
    detail: str


ELI = "eli_in_time"
REG13 = "reg13_in_time"
CONSULTATION = "consultation_in_time"
MEASURES = "measures_stated"
OBJECTIONS = "objections_resolved"
LETTERS = "letters_issued"
TITLES = {
    ELI: "Employee liability information given in time (reg. 11(6))",
    REG13: "Regulation 13 information given to the unions in time",
    CONSULTATION: "Consultation with the unions held in time (reg. 13(6))",
    MEASURES: "Measures stated by both councils (reg. 13(2)(d))",
    OBJECTIONS: "Cohort settled and objections resolved (reg. 4(7))",
    LETTERS: "Letters issued to every person transferring and every recognised union",
}


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _names(names: Sequence[str], limit: int = 5) -> str:
    shown = list(names[:limit])
    more = len(names) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _sentence(parts: Sequence[str]) -> str:
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def clear_days_between(given_on: date, transfer_date: date) -> int:
    """Whole days strictly between the day given and the transfer day (neither counts)."""
    return (transfer_date - given_on).days - 1


def _was_due(facts: GuardFacts, due: date) -> str:
    return f"it is due by {_day(due)}" if facts.on is not None and facts.on <= due else f"it was due by {_day(due)}"


def _eli(facts: GuardFacts) -> GuardStep:
    due = eli_due_by(facts.transfer_date, facts.eli_clear_days)
    done = next((s.done_on for s in facts.steps if s.key == "eli_sent"), None)
    if done is None:
        return GuardStep(ELI, TITLES[ELI], False, f"Not recorded as given; {_was_due(facts, due)} "
                                                   f"({facts.eli_clear_days} clear days before the transfer).")
    clear = clear_days_between(done, facts.transfer_date)
    if done <= due:
        return GuardStep(ELI, TITLES[ELI], True, f"Given {_day(done)}: {clear} clear days before the transfer "
                                                  f"({facts.eli_clear_days} needed; due by {_day(due)}).")
    return GuardStep(ELI, TITLES[ELI], False, f"Given {_day(done)}, {max(clear, 0)} clear days before the transfer: "
                                               f"{facts.eli_clear_days} were needed (due by {_day(due)}).")


def _in_time(key: str, step_key: str, facts: GuardFacts, what: str, evidence: date | None = None,
             evidence_words: str = "") -> GuardStep:
    step = next((s for s in facts.steps if s.key == step_key), None)
    if step is None:
        return GuardStep(key, TITLES[key], False, f"The checklist holds no step for {what}.")
    if step.done_on is None and evidence is not None:
        met = evidence <= step.due_on
        return GuardStep(key, TITLES[key], met, f"{evidence_words} {_day(evidence)} (due by {_day(step.due_on)}; "
                                                f"the checklist step is not marked done).")
    if step.done_on is None:
        return GuardStep(key, TITLES[key], False, f"Not recorded as done; {_was_due(facts, step.due_on)}.")
    if step.done_on <= step.due_on:
        return GuardStep(key, TITLES[key], True, f"Done {_day(step.done_on)} (due by {_day(step.due_on)}).")
    late = (step.done_on - step.due_on).days
    return GuardStep(key, TITLES[key], False, f"Done {_day(step.done_on)}, {late} {'day' if late == 1 else 'days'} "
                                              f"after it was due ({_day(step.due_on)}).")


def _measures(facts: GuardFacts) -> GuardStep:
    missing = [side for side, stated in (("the transferor", facts.transferor_measures_stated),
                                         ("the transferee", facts.transferee_measures_stated)) if not stated]
    if missing:
        return GuardStep(MEASURES, TITLES[MEASURES], False,
                         f"No measures (nor that there are none) stated for {' or '.join(missing)}.")
    return GuardStep(MEASURES, TITLES[MEASURES], True, "Both councils' measures are stated (or that there are none).")


def _objections(facts: GuardFacts) -> GuardStep:
    problems = []
    if facts.proposed:
        problems.append(f"{len(facts.proposed)} still only proposed: {_names(facts.proposed)}")
    undated = [o.name for o in facts.objections if o.objected_on is None]
    late = [o.name for o in facts.objections if o.objected_on is not None and o.objected_on > facts.transfer_date]
    if undated:
        problems.append(f"objection with no date: {_names(undated)}")
    if late:
        problems.append(f"objection dated after the transfer: {_names(late)}")
    if problems:
        return GuardStep(OBJECTIONS, TITLES[OBJECTIONS], False, _sentence(problems))
    count = len(facts.objections)
    return GuardStep(OBJECTIONS, TITLES[OBJECTIONS], True,
                     "Everyone's position is settled; " + (f"{count} {'objection' if count == 1 else 'objections'} "
                                                           "recorded in time." if count else "no objections."))


def _letters(facts: GuardFacts) -> GuardStep:
    problems = []
    if facts.without_notice:
        count = len(facts.without_notice)
        problems.append(f"{count} {'person has' if count == 1 else 'people have'} no notice of transfer: "
                        f"{_names(facts.without_notice)}")
    if facts.unions_without_letter:
        problems.append(f"no regulation 13 letter to {_names(facts.unions_without_letter)}")
    if problems:
        return GuardStep(LETTERS, TITLES[LETTERS], False, _sentence(problems))
    return GuardStep(LETTERS, TITLES[LETTERS], True, "Every person transferring and every recognised union has been "
                                                     "written to.")


def completion_guard(facts: GuardFacts) -> list[GuardStep]:
    """Each legal step before completion and whether it was met, in the order they fall due."""
    return [
        _measures(facts),
        _in_time(REG13, "inform_representatives", facts, "informing the unions", facts.reg13_letters_on,
                 "A regulation 13 letter had reached every recognised union by"),
        _in_time(CONSULTATION, "consultation_started", facts, "starting consultation"),
        _eli(facts),
        _objections(facts),
        _letters(facts),
    ]


def unmet(steps: Sequence[GuardStep]) -> list[GuardStep]:
    return [s for s in steps if not s.met]
