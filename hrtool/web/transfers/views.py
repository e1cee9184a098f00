"""HR's transfers: plan, cohort, checklist, objections, dry run and completion."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from ...domain.tupe import transfer_status
from ...errors import DomainError
from ...extensions import db
from ...models import ChecklistItem, Council, Employee, Service, Transfer, TransferMember
from ...permissions import requires
from ...services import bank_holidays, transfers
from .forms import AddMemberForm, ConfirmForm, ObjectionForm, ReasonForm, StepForm, TransferDateForm, TransferForm

bp = Blueprint("transfers", __name__, url_prefix="/transfers")
# Templates: the words where a due date falls on a weekend or bank holiday (issue 14), else None.
bp.add_app_template_global(bank_holidays.note_for, "plan_note")


def _transfer(transfer_id: int) -> Transfer:
    return db.get_or_404(Transfer, transfer_id)


def _member(transfer: Transfer, member_id: int) -> TransferMember:
    member = db.session.get(TransferMember, member_id)
    if member is None or member.transfer_id != transfer.id:
        abort(404)
    return member


def _fail(error: DomainError, back: str) -> Any:
    flash(error.message)
    return redirect(back)


@bp.get("/")
@requires("transfers.view")
def transfers_list() -> Any:
    today = date.today()
    rows = db.session.execute(select(Transfer).order_by(Transfer.transfer_date.desc(), Transfer.reference)).scalars().all()
    done = dict(db.session.execute(select(ChecklistItem.transfer_id, func.count()).where(
        ChecklistItem.done_on.is_not(None)).group_by(ChecklistItem.transfer_id)).all())
    overdue = dict(db.session.execute(select(ChecklistItem.transfer_id, func.count()).where(
        ChecklistItem.done_on.is_(None), ChecklistItem.due_on < today).group_by(ChecklistItem.transfer_id)).all())
    cohort = dict(db.session.execute(select(TransferMember.transfer_id, func.count()).where(
        TransferMember.status != "removed").group_by(TransferMember.transfer_id)).all())
    status = {t.id: transfer_status(t.status, done.get(t.id, 0)) for t in rows}
    return render_template("transfers/list.html", transfers=rows, status=status, overdue=overdue, cohort=cohort,
                           to_correct=transfers.implausibly_dated(list(rows), today))


@bp.route("/new", methods=["GET", "POST"])
@requires("transfers.manage")
def create() -> Any:
    form = TransferForm()
    form.service_id.choices = [(s.id, s.name) for s in db.session.scalars(select(Service).order_by(Service.name))]
    councils = [(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.code))]
    form.transferor_id.choices = councils
    form.transferee_id.choices = councils
    if request.method == "GET":
        form.legal_basis.data = "tupe"
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in (
            "service_id", "transferor_id", "transferee_id", "transfer_date", "legal_basis", "reasons", "implications",
            "transferor_measures", "transferor_measures_none", "transferee_measures", "transferee_measures_none",
            "agency_workers")}
        values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        try:
            transfer = transfers.plan_transfer(values, date.today())
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Transfer {transfer.reference} created; the cohort is proposed from the service's staff.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer.id))
    return render_template("transfers/new.html", form=form)


@bp.get("/<int:transfer_id>")
@requires("transfers.view")
def transfer(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    today = date.today()
    steps = [(item, StepForm(prefix=f"step{item.id}", obj=item)) for item in record.checklist]
    done = sum(1 for item in record.checklist if item.done_on)
    return render_template("transfers/transfer.html", transfer=record, steps=steps, today=today,
                           status=transfer_status(record.status, done), groups=transfers.members_by_status(record),
                           add_form=AddMemberForm(), confirm_form=ConfirmForm(),
                           date_warning=transfers.date_warning(record, today))


@bp.post("/<int:transfer_id>/propose")
@requires("transfers.manage")
def propose(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        added = transfers.propose_more(record)
    except DomainError as error:
        return _fail(error, url_for("transfers.transfer", transfer_id=transfer_id))
    flash(f"{added} more people proposed from the service's staff." if added else "Nobody new to propose.", "success")
    return redirect(url_for("transfers.transfer", transfer_id=transfer_id))


@bp.post("/<int:transfer_id>/confirm")
@requires("transfers.manage")
def confirm(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        count = transfers.confirm_cohort(record)
    except DomainError as error:
        return _fail(error, url_for("transfers.transfer", transfer_id=transfer_id))
    flash(f"Cohort confirmed ({count} people).", "success")
    return redirect(url_for("transfers.transfer", transfer_id=transfer_id))


@bp.post("/<int:transfer_id>/members")
@requires("transfers.manage")
def add_member(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    form = AddMemberForm()
    if form.validate_on_submit():
        employee_id = db.session.scalar(select(Employee.id).where(
            Employee.person_number == form.person_number.data.strip().upper()))
        try:
            if employee_id is None:
                raise DomainError("No employee has that person number", field="person_number")
            transfers.add_member(record, employee_id, form.reason.data)
        except DomainError as error:
            (getattr(form, error.field).errors.append(error.message) if error.field in ("person_number", "reason")
             else form.form_errors.append(error.message))
        else:
            flash("Added to the cohort.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    steps = [(item, StepForm(prefix=f"step{item.id}", obj=item)) for item in record.checklist]
    return render_template("transfers/transfer.html", transfer=record, steps=steps, today=date.today(),
                           status=transfer_status(record.status, sum(1 for i in record.checklist if i.done_on)),
                           groups=transfers.members_by_status(record), add_form=form, confirm_form=ConfirmForm(),
                           date_warning=transfers.date_warning(record)), 400


@bp.route("/<int:transfer_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@requires("transfers.manage")
def remove_member(transfer_id: int, member_id: int) -> Any:
    record = _transfer(transfer_id)
    member = _member(record, member_id)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            transfers.remove_member(member, form.reason.data)
        except DomainError as error:
            return _fail(error, url_for("transfers.transfer", transfer_id=transfer_id))
        flash(f"{member.employee.full_name} removed from the cohort.", "success")
        return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/remove.html", transfer=record, member=member, form=form)


@bp.route("/<int:transfer_id>/members/<int:member_id>/objection", methods=["GET", "POST"])
@requires("transfers.manage")
def objection(transfer_id: int, member_id: int) -> Any:
    record = _transfer(transfer_id)
    member = _member(record, member_id)
    form = ObjectionForm()
    if form.validate_on_submit():
        try:
            transfers.record_objection(member, form.objected_on.data, form.note.data or "")
        except DomainError as error:
            (form.objected_on.errors.append(error.message) if error.field == "objected_on"
             else form.form_errors.append(error.message))
        else:
            flash(f"Objection recorded for {member.employee.full_name}.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/objection.html", transfer=record, member=member, form=form,
                           consequence=transfers.objection_consequence(member))


@bp.post("/<int:transfer_id>/steps/<int:item_id>")
@requires("transfers.manage")
def step(transfer_id: int, item_id: int) -> Any:
    record = _transfer(transfer_id)
    item = db.session.get(ChecklistItem, item_id)
    if item is None or item.transfer_id != record.id:
        abort(404)
    form = StepForm(prefix=f"step{item.id}")
    if form.validate_on_submit():
        if form.done_on.data and form.done_on.data > date.today():
            flash("A step cannot be done on a future date.")
        else:
            transfers.mark_step(item, form.done_on.data, form.note.data or "")
            flash(f"“{item.title}” saved.", "success")
    else:
        flash("; ".join(m for errors in form.errors.values() for m in errors) or "Check the date and try again.")
    return redirect(url_for("transfers.transfer", transfer_id=transfer_id) + "#checklist")


@bp.route("/<int:transfer_id>/date", methods=["GET", "POST"])
@requires("transfers.manage")
def correct_date(transfer_id: int) -> Any:
    """Correct a planned transfer's date (issue 13: one held outside the plausible window)."""
    record = _transfer(transfer_id)
    form = TransferDateForm()
    if form.validate_on_submit():
        try:
            transfers.correct_transfer_date(record, form.transfer_date.data, form.reason.data, date.today())
        except DomainError as error:
            target = getattr(form, error.field or "", None)
            (target.errors.append(error.message) if target is not None else form.form_errors.append(error.message))
        else:
            flash(f"Transfer date corrected to {record.transfer_date:%-d %B %Y}; the checklist's due dates follow it. "
                  "Propose the cohort again if the service's staff on the new date differ.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/correct_date.html", transfer=record, form=form,
                           date_warning=transfers.date_warning(record)), 400 if form.errors else 200


@bp.get("/<int:transfer_id>/completion")
@requires("transfers.view")
def completion(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    return render_template("transfers/completion.html", transfer=record, confirm_form=ConfirmForm(),
                           plan=transfers.plan_completion(record, date.today()))


@bp.post("/<int:transfer_id>/complete")
@requires("transfers.complete")
def complete(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        plan = transfers.complete(record, date.today())  # whatever fails part-way, nothing of it is kept
    except DomainError as error:
        return _fail(error, url_for("transfers.completion", transfer_id=transfer_id))
    moved = sum(1 for m in plan.members if m.outcome == "transfers")
    flash(f"Transfer {record.reference} completed: {moved} people now employed by {record.transferee.short_name}.",
          "success")
    return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
