"""Demo letters: what the register would already hold. For every transfer, past and planned,
whose unions have been informed, the regulation 13 letter to each recognised union, dated when
the checklist step was done; and the notice of transfer to the people of one planned transfer. The set is bounded
(one letter per union per transfer, and at most NOTICES_AT_MOST notices), so the demo
generator stays quick at any workforce size."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ...extensions import db
from ...models import Transfer, TransferMember
from ..letters.letter_fields import recognised_unions
from ..letters.letters import (
    Target,
    allocate_numbers,
    latest,
    load_letter_templates,
    moment_of,
    prepare,
    reference,
    signatory,
    template_by_key,
    write,
)
from ..tupe.transfers import steps_for

NOTICES_AT_MOST = 12
DEMO_IMPLICATIONS = ("Employment moves to the lead authority on the same terms and conditions, with continuity of "
                     "service; membership of the Local Government Pension Scheme continues. No changes to pay, hours "
                     "or place of work are proposed because of the transfer.")
DEMO_AGENCY = "No agency workers are engaged in the service."


def _inform_on(transfer: Transfer, today: date) -> date | None:
    """The day the unions were written to: when the checklist step was recorded done; for a
    past transfer made before checklists were kept, the date the checklist policy gives. None
    if a planned transfer's step is not done yet (its letters are still due)."""
    step = next((item for item in transfer.checklist if item.key == "inform_representatives"), None)
    if step is not None:
        return min(step.done_on, today) if step.done_on else None
    steps = steps_for(transfer.transfer_date, transfer.transfer_date)
    return min(next((s.due_on for s in steps if s.key == "inform_representatives"), transfer.transfer_date), today)


def _complete_record(transfer: Transfer) -> None:
    """What HR records before writing to the unions (the generator's past transfers hold only
    their reasons)."""
    if not transfer.implications:
        transfer.implications = DEMO_IMPLICATIONS
    if not transfer.transferor_measures and not transfer.transferor_measures_none:
        transfer.transferor_measures_none = True
    if not transfer.transferee_measures and not transfer.transferee_measures_none:
        transfer.transferee_measures_none = True
    if not transfer.agency_workers:
        transfer.agency_workers = DEMO_AGENCY


def issue_demo_letters(today: date | None = None) -> int:
    """Issue the demo letters; returns how many. The caller commits."""
    today = today or date.today()
    load_letter_templates()
    reg13 = latest(template_by_key("tupe_reg13"))
    notice = latest(template_by_key("transfer_notice"))
    signed = signatory(None)
    transfers = list(db.session.scalars(select(Transfer).where(Transfer.status != "cancelled")
                                        .order_by(Transfer.transfer_date, Transfer.id)))
    plans: list[tuple[date, Target, object]] = []
    for transfer in transfers:
        on = _inform_on(transfer, today)
        if on is None:
            continue
        _complete_record(transfer)
        # UNISON first, so the demo's union login has the register's first letter.
        unions = sorted(recognised_unions([transfer.transferor_id, transfer.transferee_id], on),
                        key=lambda u: (u.code != "UNISON", u.code))
        plans += [(on, Target("tupe_reg13", transfer.id, u.id), reg13) for u in unions]
    db.session.flush()
    planned = [t for t in transfers if t.status == "planned"]
    if planned:
        chosen = max(planned, key=lambda t: sum(1 for m in t.members if m.status in ("proposed", "confirmed")))
        members = db.session.scalars(select(TransferMember.id).where(
            TransferMember.transfer_id == chosen.id, TransferMember.status.in_(("proposed", "confirmed")))
            .order_by(TransferMember.id).limit(NOTICES_AT_MOST))
        individual = next((i.due_on for i in chosen.checklist if i.key == "individual_letters"), today)
        on = min(individual, today)
        plans += [(on, Target("transfer_notice", member_id), notice) for member_id in members]
    start = allocate_numbers(len(plans)) if plans else 1
    for number, (on, target, version) in enumerate(plans, start=start):
        item = prepare(target, version, on, reference(number, on), signed)  # type: ignore[arg-type]
        write([item], None, moment_of(on))
    return len(plans)
