"""The completion guard: load what a transfer's legal steps depend on and ask the
domain rule (domain/transfer_guard.py) which were met. The dry run shows it; completing with
any step unmet needs a reason, and the unmet steps and the reason are kept on the transfer."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ...domain.transfer_guard import GuardFacts, GuardStep, Objection, StepDone, completion_guard, unmet
from ...domain.tupe import StepRule, step_order_problems
from ...extensions import db
from ...models import Letter, Transfer
from ..letters.letter_fields import recognised_unions
from .transfers import eli_clear_days

# The letter types the guard asks for: a notice to each person, a reg. 13 letter to each union.
NOTICE = "transfer_notice"
REG13 = "tupe_reg13"


def unions_on(transfer: Transfer, today: date) -> list[Any]:
    """The appropriate representatives: unions recognised at either council on the transfer
    date (or today, if that is earlier: a union recognised later cannot have been written to)."""
    return recognised_unions([transfer.transferor_id, transfer.transferee_id], min(today, transfer.transfer_date))


def facts_for(transfer: Transfer, today: date) -> GuardFacts:
    """Everything the guard reads, from the records: a handful of queries for the whole cohort."""
    written = set(db.session.scalars(select(Letter.source_id).where(
        Letter.transfer_id == transfer.id, Letter.letter_type == NOTICE)))
    first_letter: dict[int | None, date] = {}  # by union (a Regulation 13 letter is always to one)
    for union_id, issued_at in db.session.execute(select(Letter.union_id, Letter.issued_at).where(
            Letter.transfer_id == transfer.id, Letter.letter_type == REG13)):
        first_letter[union_id] = min(first_letter.get(union_id, issued_at.date()), issued_at.date())
    unions = unions_on(transfer, today)
    live = [m for m in transfer.members if m.status in ("proposed", "confirmed", "transferred")]
    return GuardFacts(
        transfer_date=transfer.transfer_date,
        eli_clear_days=eli_clear_days(transfer.transfer_date),
        steps=[StepDone(item.key, item.due_on, item.done_on) for item in transfer.checklist],
        transferor_measures_stated=transfer.transferor_measures_none or bool(transfer.transferor_measures.strip()),
        transferee_measures_stated=transfer.transferee_measures_none or bool(transfer.transferee_measures.strip()),
        proposed=[m.employee.full_name for m in transfer.members if m.status == "proposed"],
        objections=[Objection(m.employee.full_name, m.objected_on) for m in transfer.members if m.status == "objected"],
        without_notice=[f"{m.employee.full_name} ({m.employee.person_number})" for m in live if m.id not in written],
        unions_without_letter=[u.name for u in unions if u.id not in first_letter],
        on=today,
        reg13_letters_on=max(first_letter[u.id] for u in unions) if unions and all(
            u.id in first_letter for u in unions) else None,
    )


def guard(transfer: Transfer, today: date) -> list[GuardStep]:
    """Each legal step before completion, met or not (domain.transfer_guard.completion_guard)."""
    return completion_guard(facts_for(transfer, today))


def unmet_steps(transfer: Transfer, today: date) -> list[GuardStep]:
    return unmet(guard(transfer, today))


def as_record(steps: list[GuardStep]) -> list[dict[str, str]]:
    """The unmet steps as kept on the transfer (JSON), worded as they were shown."""
    return [{"key": s.key, "title": s.title, "detail": s.detail} for s in steps]


# -- the checklist policy's order (reg. 13(4)) ---------------------------------------------------

MEASURES_STEP = "measures_letter"
REG13_STEP = "inform_representatives"


def checklist_order_problem(items: list[Any]) -> str:
    """Why a transfer checklist policy's steps (its body's `items`) cannot be kept in that order,
    or "": the transferee's measures must be due before the information-and-consultation letter,
    since the transferor passes them on in it (domain.tupe.step_order_problems). Every version
    saved goes through rules_admin, which refuses it with this message on the measures step."""
    rules = []
    for item in items:
        try:
            rules.append(StepRule(str(item["key"]), str(item["title"]), int(item["days_before"])))
        except (KeyError, TypeError, ValueError):
            continue  # a row the form has already refused
    if not step_order_problems(rules):
        return ""
    due = {r.key: r for r in rules}
    measures, letter = due[MEASURES_STEP], due[REG13_STEP]
    return (f"“{measures.title}” ({measures.days_before} days before the transfer) must be due before "
            f"“{letter.title}” ({letter.days_before} days before): the transferor passes the transferee's "
            "measures to the unions in that letter (TUPE reg. 13(4)). Give the measures step more days before "
            "the transfer")
