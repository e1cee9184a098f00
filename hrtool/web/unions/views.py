"""The trade union representative's area: aggregate figures only, never individuals; small groups
withheld (hrtool.domain.disclosure); only the transfers and restructures their union was consulted
on: any other is a 404, its existence not confirmed."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ...errors import DomainError
from ...letters.types import LETTER_TYPES
from ...permissions import requires
from ...services.letters import letter_consultation as consultation
from ...services.platform.dashboards import transfer_figures, union_headcount
from ...services.tupe.transfers import date_warning, implausibly_dated
from ..letters.forms import ConfirmForm, NoteForm
from ..letters.views import _pdf_response, _read_page

bp = Blueprint("unions", __name__, url_prefix="/union")


@bp.get("/")
@requires("union.portal")
def overview() -> Any:
    today = date.today()
    services, employers = union_headcount(today)
    return render_template("unions/overview.html", services=services, employers=employers,
                           union=current_user.union, today=today)


@bp.get("/transfers")
@requires("union.portal")
def transfers() -> Any:
    rows = consultation.union_transfers(_union_id())
    return render_template("unions/transfers.html", transfers=rows, union=current_user.union,
                           to_correct=implausibly_dated(rows))


@bp.get("/transfers/<int:transfer_id>")
@requires("union.portal")
def transfer(transfer_id: int) -> Any:
    record = _consulted(consultation.transfer_for_union(transfer_id, _union_id()))
    # The member's employment is with the transferor; figures are taken before the transfer date.
    figures = transfer_figures(transfer_id, min(date.today(), record.transfer_date - timedelta(days=1)))
    return render_template("unions/transfer.html", transfer=record, figures=figures,
                           letters=consultation.transfer_letters_to_union(record, _union_id()),
                           deadlines=consultation.transfer_deadlines(record),
                           notes=consultation.notes(transfer_id=record.id, union_id=_union_id()),
                           date_warning=date_warning(record, action="HR have been asked to correct it"))


# -- letters and consultation --------------------------------------------------------
# A rep sees only letters addressed to their own union: a letter to a person or to another
# union is a 404 (its existence is not confirmed). No individual's pay is ever shown.

def _union_id() -> int | None:
    return current_user.union_id


def _consulted(record: Any) -> Any:
    """A transfer or restructure the union was consulted on; otherwise a 404."""
    if record is None:
        abort(404)
    return record


def _own_letter(letter_id: int) -> Any:
    letter = consultation.letter_for_union(letter_id, _union_id())
    if letter is None:
        abort(404)
    return letter


@bp.get("/letters")
@requires("union.letters")
def letters() -> Any:
    union_id = _union_id()
    rows = consultation.union_letters(union_id) if union_id else []
    return render_template("unions/letters.html", rows=rows, union=current_user.union, types=LETTER_TYPES)


@bp.get("/letters/<int:letter_id>")
@requires("union.letters")
def letter(letter_id: int) -> Any:
    record = _own_letter(letter_id)
    return render_template("unions/letter.html", letter=record, kind=LETTER_TYPES.get(record.letter_type),
                           notes=consultation.notes_for_letter(record), ack_form=ConfirmForm(), note_form=NoteForm())


@bp.get("/letters/<int:letter_id>/read")
@requires("union.letters")
def letter_read(letter_id: int) -> Any:
    """The letter as a web page: the same document as its PDF."""
    record = _own_letter(letter_id)
    return _read_page(record, url_for("unions.letter_pdf", letter_id=record.id),
                      url_for("unions.letter", letter_id=record.id), f"Letter {record.reference}",
                      None if record.acknowledgement else url_for("unions.acknowledge", letter_id=record.id))


@bp.get("/letters/<int:letter_id>/pdf")
@requires("union.letters")
def letter_pdf(letter_id: int) -> Any:
    return _pdf_response(_own_letter(letter_id))


@bp.post("/letters/<int:letter_id>/acknowledge")
@requires("union.letters")
def acknowledge(letter_id: int) -> Any:
    record = _own_letter(letter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        consultation.acknowledge(record, current_user)
    except DomainError as error:
        flash(error.message)
    else:
        flash(f"Receipt of {record.reference} acknowledged. HR can see this.", "success")
    return redirect(url_for("unions.letter", letter_id=record.id))


@bp.post("/letters/<int:letter_id>/notes")
@requires("union.letters")
def letter_note(letter_id: int) -> Any:
    """A response or meeting notes, recorded against the letter's consultation."""
    record = _own_letter(letter_id)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            # _own_letter found the letter addressed to this user's union, so there is one.
            consultation.add_note(cast(int, _union_id()), form.kind.data, form.body.data, current_user,
                                  transfer_id=record.transfer_id, restructure_id=record.restructure_id,
                                  letter_id=record.id)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash("Recorded. HR can see it with the letter.", "success")
            return redirect(url_for("unions.letter", letter_id=record.id))
    return render_template("unions/letter.html", letter=record, kind=LETTER_TYPES.get(record.letter_type),
                           notes=consultation.notes_for_letter(record), ack_form=ConfirmForm(), note_form=form)


@bp.get("/consultations")
@requires("union.letters")
def consultations() -> Any:
    today = date.today()
    union_id = _union_id()
    transfers, restructures = consultation.union_consultations(union_id, today) if union_id else ([], [])
    return render_template("unions/consultations.html", union=current_user.union, today=today,
                           transfers=[(t, consultation.transfer_deadlines(t)) for t in transfers],
                           restructures=[(r, consultation.restructure_deadlines(r, today)) for r in restructures])


@bp.get("/restructures/<int:restructure_id>")
@requires("union.letters")
def restructure(restructure_id: int) -> Any:
    record = _consulted(consultation.restructure_for_union(restructure_id, _union_id()))
    today = date.today()
    return render_template("unions/restructure.html", restructure=record,
                           figures=consultation.restructure_figures(record, today),
                           deadlines=consultation.restructure_deadlines(record, today),
                           notes=consultation.notes(restructure_id=record.id, union_id=_union_id()))
