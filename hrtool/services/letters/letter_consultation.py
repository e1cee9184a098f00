"""Consultation with the unions, and where each proposal's letters stand.

Union representatives see only letters addressed to their own union, acknowledge receipt, and
record responses and meeting notes against a transfer or restructure; HR sees the same. The
checklist panels say, for a transfer or restructure, which letters are due, issued and
acknowledged."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select

from ...errors import DomainError
from ...extensions import db
from ...letters import types as T
from ...models import (
    ConsultationNote,
    Council,
    Letter,
    LetterAcknowledgement,
    ProtectedTerms,
    Restructure,
    RouteDecision,
    StructurePost,
    Transfer,
    TransferMember,
)
from ..platform import audit
from ..platform.unit_of_work import transaction
from ..rules import date_windows
from .letter_fields import proposed_dismissals, recognised_unions
from .letter_jobs import ROUTES

NOTE_KINDS = {"response": "Response to consultation", "meeting": "Notes of a meeting"}


# -- the union's letters -----------------------------------------------------------------------

def union_letters(union_id: int) -> list[Letter]:
    return list(db.session.scalars(select(Letter).where(Letter.union_id == union_id)
                                   .order_by(Letter.issued_at.desc(), Letter.id.desc())))


def letter_for_union(letter_id: int, union_id: int | None) -> Letter | None:
    """The letter if it is addressed to this union; None otherwise (letters to individuals and
    to other unions are not theirs to see)."""
    letter = db.session.get(Letter, letter_id)
    if letter is None or union_id is None or letter.union_id != union_id:
        return None
    return letter


@transaction
def acknowledge(letter: Letter, user: Any) -> LetterAcknowledgement:
    if letter.acknowledgement is not None:
        raise DomainError("This letter has already been acknowledged")
    ack = LetterAcknowledgement(letter_id=letter.id, union_id=letter.union_id, acknowledged_by_id=user.id)
    db.session.add(ack)
    db.session.flush()
    audit.record("acknowledge", "letter", letter.id, after={"reference": letter.reference, "union_id": letter.union_id})
    return ack


@transaction
def acknowledge_own(letter: Letter, user: Any) -> LetterAcknowledgement:
    """An employee acknowledges receipt of a letter addressed to them: recorded with
    who and when, shown to HR in the register, audited against the person. Only their own
    letters: anyone else's is refused (the view answers 404 before this is reached)."""
    if letter.employee_id is None or getattr(user, "employee_id", None) != letter.employee_id:
        raise DomainError("Only the person a letter is addressed to can acknowledge it")
    if letter.acknowledgement is not None:
        raise DomainError("You have already acknowledged this letter")
    ack = LetterAcknowledgement(letter_id=letter.id, union_id=None, acknowledged_by_id=user.id)
    db.session.add(ack)
    db.session.flush()
    audit.record("acknowledge", "letter", letter.id, employee_id=letter.employee_id,
                 after={"reference": letter.reference, "by": "the employee"})
    return ack


@transaction
def add_note(union_id: int, kind: str, body: str, user: Any, transfer_id: int | None = None,
             restructure_id: int | None = None, letter_id: int | None = None) -> ConsultationNote:
    if kind not in NOTE_KINDS:
        raise DomainError("Choose whether this is a response or notes of a meeting", field="kind")
    if not body.strip():
        raise DomainError("Write the response or the notes", field="body")
    note = ConsultationNote(union_id=union_id, transfer_id=transfer_id, restructure_id=restructure_id,
                            letter_id=letter_id, kind=kind, body=body.strip(), recorded_by_id=user.id)
    db.session.add(note)
    db.session.flush()
    audit.record("create", "consultation_note", note.id,
                 after={"kind": kind, "union_id": union_id, "transfer_id": transfer_id, "restructure_id": restructure_id})
    return note


def notes(transfer_id: int | None = None, restructure_id: int | None = None,
          union_id: int | None = None) -> list[ConsultationNote]:
    query = select(ConsultationNote)
    if transfer_id:
        query = query.where(ConsultationNote.transfer_id == transfer_id)
    if restructure_id:
        query = query.where(ConsultationNote.restructure_id == restructure_id)
    if union_id:
        query = query.where(ConsultationNote.union_id == union_id)
    return list(db.session.scalars(query.order_by(ConsultationNote.recorded_at.desc(), ConsultationNote.id.desc())))


def notes_for_letter(letter: Letter) -> list[ConsultationNote]:
    """Notes recorded against the letter, or by its union against its transfer or restructure."""
    clauses = [ConsultationNote.letter_id == letter.id]
    if letter.union_id and letter.transfer_id:
        clauses.append((ConsultationNote.union_id == letter.union_id) & (ConsultationNote.transfer_id == letter.transfer_id))
    if letter.union_id and letter.restructure_id:
        clauses.append((ConsultationNote.union_id == letter.union_id)
                       & (ConsultationNote.restructure_id == letter.restructure_id))
    return list(db.session.scalars(select(ConsultationNote).where(or_(*clauses)).order_by(ConsultationNote.recorded_at)))


# -- deadlines and figures for the unions ------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    title: str
    due_on: date
    done_on: date | None


def transfer_deadlines(transfer: Transfer) -> list[Deadline]:
    steps = [Deadline(item.title, item.due_on, item.done_on) for item in transfer.checklist
             if item.key in ("inform_representatives", "consultation_started", "individual_letters")]
    return steps + [Deadline("Transfer date", transfer.transfer_date, transfer.completed_at.date()
                             if transfer.completed_at else None)]


def restructure_deadlines(restructure: Restructure, on: date) -> list[Deadline]:
    from ...letters.rules import collective_consultation_days, latest_consultation_start
    from .letter_fields import collective_bands

    out = []
    if restructure.effective_date:
        proposed, _ = proposed_dismissals(restructure.id)
        days = collective_consultation_days(proposed, collective_bands(on))
        if days:
            out.append(Deadline(f"Collective consultation to begin ({days} days before the first dismissal)",
                                latest_consultation_start(restructure.effective_date, days), None))
        out.append(Deadline("New structure takes effect", restructure.effective_date, None))
    return out


@dataclass(frozen=True)
class GroupFigure:
    group: str
    employer: str
    count: str  # as the cell reads: "12", "Fewer than 5", "Withheld"


@dataclass(frozen=True)
class RestructureFigures:
    rows: list[GroupFigure]  # by route and employer
    posts_before: int
    posts_after: int
    total: str  # "12", "fewer than 5"
    withheld_below: int


ROUTE_LABELS = {"slot_in": "Assimilated (slot-in)", "ring_fence": "Ring-fenced selection",
                "alternative": "Suitable alternative employment", "at_risk": "At risk of redundancy"}


def restructure_figures(restructure: Restructure, on: date) -> RestructureFigures:
    """Numbers by route and employing council, and their total; no names, no pay; small groups
    withheld and nothing left to work out by subtraction (hrtool.domain.disclosure)."""
    from ...domain.disclosure import publish
    from ..platform.dashboards import disclosure_threshold

    rows = db.session.execute(
        select(RouteDecision.route, Council.short_name, func.count())
        .select_from(RouteDecision).join(StructurePost, StructurePost.id == RouteDecision.current_post_id)
        .outerjoin(Council, Council.id == StructurePost.employer_id)
        .where(RouteDecision.restructure_id == restructure.id)
        .group_by(RouteDecision.route, Council.short_name).order_by(RouteDecision.route, Council.short_name)).all()
    shown = publish({(route, employer or ""): n for route, employer, n in rows}, sum(n for _, _, n in rows),
                    disclosure_threshold(on))
    figures = [GroupFigure(ROUTE_LABELS.get(route, route), employer, shown.cells[(route, employer)])
               for route, employer in shown.parts]
    before = sum(1 for p in restructure.posts if p.side == "current")
    after = sum(1 for p in restructure.posts if p.side == "proposed")
    return RestructureFigures(figures, before, after, shown.total_words, shown.threshold)


# -- the checklist panel -----------------------------------------------------------------------

@dataclass(frozen=True)
class PanelRow:
    letter_type: str
    label: str
    due_on: date | None
    expected: int
    issued: int
    acknowledged: int | None  # by the union, or by the employee the letter is to
    scope_kind: str
    scope_id: int
    note: str = ""
    overdue: bool = False
    # Due by a date derived from one outside its plausible window: not overdue for
    # ever, but a date to correct.
    needs_correction: bool = False
    # exactly how many letters a batch would send now (those in the group without one).
    to_send: int = 0


def _issued(letter_type: str, column: Any, scope_id: int) -> tuple[int, int]:
    """(distinct records with a letter of this type, letters acknowledged)."""
    issued = db.session.scalar(select(func.count(func.distinct(
        func.coalesce(Letter.union_id, 0) * 1000000 + func.coalesce(Letter.source_id, 0))))
        .where(Letter.letter_type == letter_type, column == scope_id)) or 0
    acknowledged = db.session.scalar(select(func.count()).select_from(LetterAcknowledgement).join(Letter).where(
        Letter.letter_type == letter_type, column == scope_id)) or 0
    return issued, acknowledged


def transfer_panel(transfer: Transfer, on: date) -> list[PanelRow]:
    due = {item.key: item.due_on for item in transfer.checklist}
    unions = recognised_unions([transfer.transferor_id, transfer.transferee_id], on)
    rows = []
    issued, acked = _issued("tupe_reg13", Letter.transfer_id, transfer.id)
    rows.append(PanelRow("tupe_reg13", T.LETTER_TYPES["tupe_reg13"].name, due.get("inform_representatives"),
                         len(unions), issued, acked, "transfer", transfer.id,
                         "one to each recognised union: " + ", ".join(u.name for u in unions)))
    if transfer.status == "planned":
        live = db.session.scalar(select(func.count()).select_from(TransferMember).where(
            TransferMember.transfer_id == transfer.id, TransferMember.status.in_(("proposed", "confirmed")))) or 0
        issued, acked = _issued("transfer_notice", Letter.transfer_id, transfer.id)
        rows.append(PanelRow("transfer_notice", T.LETTER_TYPES["transfer_notice"].name, due.get("individual_letters"),
                             live, issued, acked, "transfer", transfer.id, "one to each person in the cohort"))
    else:
        snapshots = db.session.scalar(select(func.count()).select_from(ProtectedTerms).where(
            ProtectedTerms.transfer_id == transfer.id)) or 0
        issued, acked = _issued("protected_terms", Letter.transfer_id, transfer.id)
        rows.append(PanelRow("protected_terms", T.LETTER_TYPES["protected_terms"].name, None, snapshots, issued, acked,
                             "transfer", transfer.id, "one to each person now on protected terms"))
    return _flag_overdue(rows, on, not date_windows.edges("transfer_date", on).holds(transfer.transfer_date))


def restructure_panel(restructure: Restructure, on: date) -> list[PanelRow]:
    from ...letters.rules import collective_consultation_days, latest_consultation_start
    from .letter_fields import collective_bands

    rows = []
    proposed, decisions = proposed_dismissals(restructure.id)
    days = collective_consultation_days(proposed, collective_bands(on))
    if days:
        unions = recognised_unions(list(db.session.scalars(select(Council.id))), on)
        issued, acked = _issued("collective_redundancy", Letter.restructure_id, restructure.id)
        due = latest_consultation_start(restructure.effective_date, days) if restructure.effective_date else None
        rows.append(PanelRow("collective_redundancy", T.LETTER_TYPES["collective_redundancy"].name, due, len(unions),
                             issued, acked, "restructure", restructure.id,
                             f"{proposed} redundancies proposed: consultation at least {days} days before the first"))
    for letter_type, route in ROUTES.items():
        expected = sum(1 for d in decisions if d.route == route)
        if not expected:
            continue
        issued, acked = _issued(letter_type, Letter.restructure_id, restructure.id)
        rows.append(PanelRow(letter_type, T.LETTER_TYPES[letter_type].name, restructure.effective_date, expected,
                             issued, acked, "restructure", restructure.id, f"everyone on the {ROUTE_LABELS[route]} route"))
    odd = restructure.effective_date is not None and not date_windows.edges(
        "restructure_date", on).holds(restructure.effective_date)
    return _flag_overdue(rows, on, odd)


def _flag_overdue(rows: list[PanelRow], on: date, implausible: bool = False) -> list[PanelRow]:
    """Letters still to send after their due date are overdue; where the date they are due by
    follows from a date outside its plausible window, they need that date corrected instead."""
    from dataclasses import replace

    from .letter_jobs import plan

    rows = [replace(r, to_send=len(plan(r.letter_type, r.scope_kind, r.scope_id, on).to_send)) for r in rows]
    late = [bool(r.due_on and r.due_on < on and r.to_send) for r in rows]
    return [replace(r, overdue=is_late and not implausible, needs_correction=is_late and implausible)
            for r, is_late in zip(rows, late, strict=True)]


def union_consultations(union_id: int, on: date) -> tuple[list[Transfer], list[Restructure]]:
    """The proposals this union has been consulted on (written to about), newest first."""
    transfer_ids, restructure_ids = consulted(union_id)
    transfers = list(db.session.scalars(select(Transfer).where(Transfer.id.in_(transfer_ids))
                                        .order_by(Transfer.transfer_date.desc())))
    restructures = list(db.session.scalars(select(Restructure).where(Restructure.id.in_(restructure_ids))
                                           .order_by(Restructure.id.desc())))
    return transfers, restructures


def consulted(union_id: int | None) -> tuple[set[int], set[int]]:
    """The transfers and restructures a union has been consulted on: those the register holds a
    letter to the union about (the regulation 13 letter, the s.188 letter, a withdrawal). A union
    representative sees these and no others: a restructure's status says nothing about
    whom HR has consulted. One more: a completed transfer of a council that recognised the union
    on the transfer date. The union was an appropriate representative (TUPE reg. 13(3)), the
    transfer is no longer a plan, and if it was completed with the letters unmet the
    union is the one that needs to see so."""
    from ...models import UnionRecognition

    if union_id is None:
        return set(), set()
    rows = db.session.execute(select(Letter.transfer_id, Letter.restructure_id).where(
        Letter.union_id == union_id, or_(Letter.transfer_id.is_not(None), Letter.restructure_id.is_not(None)))
        .distinct()).all()
    completed = db.session.scalars(select(Transfer.id).join(UnionRecognition, and_(
        UnionRecognition.union_id == union_id,
        or_(UnionRecognition.council_id == Transfer.transferor_id, UnionRecognition.council_id == Transfer.transferee_id),
        UnionRecognition.recognised_from <= Transfer.transfer_date,
        or_(UnionRecognition.recognised_to.is_(None), UnionRecognition.recognised_to >= Transfer.transfer_date)))
        .where(Transfer.status == "completed").distinct())
    return ({t for t, _ in rows if t is not None} | set(completed), {r for _, r in rows if r is not None})


def union_transfers(union_id: int | None) -> list[Transfer]:
    """The transfers this union was consulted on, but for cancelled ones, the latest first."""
    return list(db.session.scalars(select(Transfer).where(Transfer.status != "cancelled",
                                                          Transfer.id.in_(consulted(union_id)[0]))
                                   .order_by(Transfer.transfer_date.desc(), Transfer.reference)))


def transfer_letters_to_union(transfer: Transfer, union_id: int | None) -> list[Letter]:
    """The letters to this union about a transfer, as they were issued (none without a union)."""
    if not union_id:
        return []
    return list(db.session.scalars(select(Letter).where(Letter.transfer_id == transfer.id, Letter.union_id == union_id)
                                   .order_by(Letter.issued_at)))


def transfer_for_union(transfer_id: int, union_id: int | None) -> Transfer | None:
    """The transfer if the union was consulted on it; None otherwise (its existence is not confirmed)."""
    return db.session.get(Transfer, transfer_id) if transfer_id in consulted(union_id)[0] else None


def restructure_for_union(restructure_id: int, union_id: int | None) -> Restructure | None:
    """The restructure if the union was consulted on it; None otherwise."""
    return db.session.get(Restructure, restructure_id) if restructure_id in consulted(union_id)[1] else None
