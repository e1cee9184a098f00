"""HR's transfers: plan, cohort, checklist, objections, dry run and completion."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...domain.tupe import transfer_status
from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...models import Transfer, TransferMember
from ...permissions import requires
from ...services.letters import letter_jobs
from ...services.people import councils, employees
from ...services.rules import bank_holidays
from ...services.tupe import transfer_changes, transfer_steps, transfers
from ..auth.reauth import recent_password_required
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import Page, paginate, paginate_list
from .forms import (
    AddMemberForm,
    CompleteForm,
    ConfirmForm,
    EditTransferForm,
    EliCheckedForm,
    ObjectionForm,
    ReasonForm,
    StepForm,
    TransferDateForm,
    TransferForm,
    UnwrittenForm,
    WithdrawForm,
)

bp = Blueprint("transfers", __name__, url_prefix="/transfers")
# Templates: the words where a due date falls on a weekend or bank holiday, else None.
bp.add_app_template_global(bank_holidays.note_for, "plan_note")


def _transfer(transfer_id: int) -> Transfer:
    return db.get_or_404(Transfer, transfer_id)


def _member(transfer: Transfer, member_id: int) -> TransferMember:
    member = transfers.member_of(transfer, member_id)
    if member is None:
        abort(404)
    return member


def _fail(error: DomainError, back: str) -> Any:
    flash(error.message)
    return redirect(back)


@bp.get("/")
@requires("transfers.view")
def transfers_list() -> Any:
    found = transfers.overview(date.today())
    return render_template("transfers/list.html", transfers=found.transfers, status=found.status,
                           overdue=found.overdue, cohort=found.cohort, to_correct=found.to_correct)


def _choices(form: TransferForm) -> None:
    form.service_id.choices = [(s.id, s.name) for s in councils.shared_services()]
    employers = [(c.id, c.name) for c in councils.councils()]
    form.transferor_id.choices = employers
    form.transferee_id.choices = employers


def _field_errors(form: Any, error: DomainError) -> None:
    """A refusal shown where it belongs: each field the letters need at its field, else as any
    other service refusal (show_domain_error)."""
    if isinstance(error, transfer_changes.FieldsRequired):
        for name, message in error.missing.items():
            show_domain_error(form, DomainError(message, field=name))
        return
    show_domain_error(form, error)


def _letters_need(form: TransferForm) -> None:
    """On a form refused for another reason, also name the blank fields the letters need, so
    every problem shows at once."""
    if request.method == "POST" and form.errors:
        for name, message in transfer_changes.missing_for_letters(form.values()).items():
            if not getattr(form, name).errors:
                getattr(form, name).errors = list(getattr(form, name).errors) + [message]


def _changed_since(form: Any, record: Transfer) -> bool:
    """The transfer was saved by someone else since the page was shown (its version moved on):
    say so, and show the page as it is now; submitting again acts on what is now shown."""
    seen = form.version.data
    if seen in (None, "") or seen == str(record.version):
        form.version.data = str(record.version)
        return False
    form.form_errors.append(transfer_changes.stale_message(record, "looking at this page") if str(seen).isdigit() else
                            "This page is out of date: check it again before you go on.")
    form.version.data = str(record.version)
    return True


@bp.route("/new", methods=["GET", "POST"])
@requires("transfers.manage")
def create() -> Any:
    form = TransferForm()
    _choices(form)
    if request.method == "GET":
        form.legal_basis.data = "tupe"
    if form.validate_on_submit():
        try:
            transfer = transfer_changes.plan_transfer(form.values(), date.today())
        except DomainError as error:
            _field_errors(form, error)
        else:
            flash(f"Transfer {transfer.reference} created; the cohort is proposed from the service's staff.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer.id))
    _letters_need(form)
    return render_template("transfers/new.html", form=form, required=transfer_changes.required_fields())


@bp.route("/<int:transfer_id>/edit", methods=["GET", "POST"])
@requires("transfers.manage")
def edit(transfer_id: int) -> Any:
    """Change any of a planned transfer's facts, with a reason."""
    record = _transfer(transfer_id)
    if record.status != "planned":
        flash(f"This transfer is {record.status}: it can no longer be changed.")
        return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    form = EditTransferForm(obj=record if request.method == "GET" else None)
    _choices(form)
    if request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit():
        try:
            seen = int(form.version.data or 0)
            outcome = transfer_changes.edit_transfer(record, form.values(), form.change_reason.data, seen, date.today())
        except StaleRecord as error:
            form.form_errors.append(error.message)
            form.version.data = str(record.version)  # saving again now overwrites, knowingly
        except (DomainError, ValueError) as error:
            _field_errors(form, error if isinstance(error, DomainError) else DomainError("Open the transfer again"))
        else:
            flash(f"Transfer {record.reference} changed: {', '.join(outcome.changed)}."
                  + (f" No longer in scope: {', '.join(outcome.removed)}." if outcome.removed else "")
                  + (f" {outcome.proposed} newly proposed from the service's staff." if outcome.proposed else ""),
                  "success")
            if transfer_changes.affected_letters(record, date.today()):
                return redirect(url_for("transfers.affected_letters", transfer_id=transfer_id))
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    _letters_need(form)
    return render_template("transfers/edit.html", form=form, transfer=record,
                           required=transfer_changes.required_fields()), 400 if form.errors else 200


@bp.get("/<int:transfer_id>/letters/affected")
@requires("transfers.view")
def affected_letters(transfer_id: int) -> Any:
    """Issued letters that said something the transfer now says differently: each can be
    corrected by a new letter (the register's correction), the old one kept as sent."""
    record = _transfer(transfer_id)
    return render_template("transfers/affected.html", transfer=record,
                           affected=transfer_changes.affected_letters(record, date.today()))


@bp.route("/<int:transfer_id>/withdraw", methods=["GET", "POST"])
@requires("transfers.manage")
def withdraw(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    form = WithdrawForm()
    if record.status != "planned":
        flash(f"This transfer is {record.status}: it can no longer be withdrawn.")
        return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    if request.method == "GET":
        form.version.data = str(record.version)
    if form.validate_on_submit() and not _changed_since(form, record):
        try:
            done = transfer_changes.withdraw(record, form.reason.data, date.today(), current_user)
        except DomainError as error:
            _field_errors(form, error)
        else:
            flash(f"Transfer {record.reference} withdrawn: {done.released} people released from the cohort, "
                  f"{done.jobs_cancelled} letter batches cancelled, {len(done.letters)} letters to the unions issued.",
                  "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/withdraw.html", form=form, transfer=record,
                           unions=transfer_changes.letters_unions(record, date.today()),
                           live=sum(1 for m in record.members if m.status in ("proposed", "confirmed", "objected"))
                           ), 400 if form.errors else 200


def _cohort(record: Transfer) -> Page:
    """One page of the cohort: a big transfer (hundreds of people) is never one page."""
    return paginate(transfers.cohort_query(record), "transfers.transfer", capped=False, transfer_id=record.id)


@bp.get("/<int:transfer_id>")
@requires("transfers.view")
def transfer(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    today = date.today()
    steps = [(item, StepForm(prefix=f"step{item.id}", obj=item)) for item in record.checklist]
    done = sum(1 for item in record.checklist if item.done_on)
    return render_template("transfers/transfer.html", transfer=record, steps=steps, today=today,
                           status=transfer_status(record.status, done), groups=transfers.members_by_status(record),
                           cohort=_cohort(record), add_form=AddMemberForm(), confirm_form=ConfirmForm(),
                           date_warning=transfers.date_warning(record, today), **transfer_changes.page_facts(record, date.today()))


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
        employee_id = employees.employee_id_with_number(form.person_number.data)
        try:
            if employee_id is None:
                raise DomainError("No employee has that person number", field="person_number")
            transfers.add_member(record, employee_id, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Added to the cohort.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    steps = [(item, StepForm(prefix=f"step{item.id}", obj=item)) for item in record.checklist]
    return render_template("transfers/transfer.html", transfer=record, steps=steps, today=date.today(),
                           status=transfer_status(record.status, sum(1 for i in record.checklist if i.done_on)),
                           groups=transfers.members_by_status(record), cohort=_cohort(record), add_form=form,
                           confirm_form=ConfirmForm(),
                           date_warning=transfers.date_warning(record), **transfer_changes.page_facts(record, date.today())), 400


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
            transfers.record_objection(member, required_date(form.objected_on), form.note.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Objection recorded for {member.employee.full_name}.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/objection.html", transfer=record, member=member, form=form,
                           consequence=transfers.objection_consequence(member))


@bp.post("/<int:transfer_id>/steps/<int:item_id>")
@requires("transfers.manage")
def step(transfer_id: int, item_id: int) -> Any:
    record = _transfer(transfer_id)
    item = transfers.step_of(record, item_id)
    if item is None:
        abort(404)
    form = StepForm(prefix=f"step{item.id}")
    if form.validate_on_submit():
        if form.done_on.data and form.done_on.data > date.today():
            flash("A step cannot be done on a future date.")
        else:
            try:
                transfers.mark_step(item, form.done_on.data, form.note.data or "")
            except DomainError as error:
                flash(error.message)
            else:
                flash(f"“{item.title}” saved.", "success")
    else:
        flash("; ".join(m for errors in form.errors.values() for m in errors) or "Check the date and try again.")
    return redirect(url_for("transfers.transfer", transfer_id=transfer_id) + "#checklist")


@bp.route("/<int:transfer_id>/date", methods=["GET", "POST"])
@requires("transfers.manage")
def correct_date(transfer_id: int) -> Any:
    """Correct a planned transfer's date (one held outside the plausible window)."""
    record = _transfer(transfer_id)
    form = TransferDateForm()
    if form.validate_on_submit():
        try:
            transfers.correct_transfer_date(record, form.transfer_date.data, form.reason.data, date.today())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Transfer date corrected to {record.transfer_date:%-d %B %Y}; the checklist's due dates follow it. "
                  "Propose the cohort again if the service's staff on the new date differ.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/correct_date.html", transfer=record, form=form,
                           date_warning=transfers.date_warning(record)), 400 if form.errors else 200


def _completion_page(record: Transfer, form: CompleteForm) -> Any:
    today = date.today()
    steps = transfer_steps.guard(record, today) if record.status == "planned" else []
    plan = transfers.plan_completion(record, today)
    return render_template("transfers/completion.html", transfer=record, form=form, steps=steps,
                           unmet=[s for s in steps if not s.met], plan=plan,
                           members=paginate_list(plan.members, "transfers.completion", transfer_id=record.id),
                           with_problem=sum(1 for m in plan.members if m.problem))


@bp.get("/<int:transfer_id>/completion")
@requires("transfers.view")
def completion(transfer_id: int) -> Any:
    """The dry run and the completion guard: each legal step and whether it was met."""
    record = _transfer(transfer_id)
    return _completion_page(record, CompleteForm(data={"version": str(record.version)}))


@bp.post("/<int:transfer_id>/complete")
@requires("transfers.complete")
def complete(transfer_id: int) -> Any:
    record = _transfer(transfer_id)
    form = CompleteForm()
    if form.validate_on_submit() and not _changed_since(form, record):
        try:
            plan = transfers.complete(record, date.today(), form.reason.data or "")  # all or nothing
        except DomainError as error:
            _field_errors(form, error)
        else:
            moved = sum(1 for m in plan.members if m.outcome == "transfers")
            unmet = len(record.completion_unmet or [])
            flash(f"Transfer {record.reference} completed: {moved} people now employed by "
                  f"{record.transferee.short_name}."
                  + (f" {unmet} legal {'step' if unmet == 1 else 'steps'} not met, recorded with your reason."
                     if unmet else ""), "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return _completion_page(record, form), 400


# -- bulk actions on the cohort ------------------------------------------------------

@bp.route("/<int:transfer_id>/eli-checked", methods=["GET", "POST"])
@requires("transfers.manage")
def eli_checked(transfer_id: int) -> Any:
    """Mark many people's disciplinary, grievance and claims records as checked at once."""
    record = _transfer(transfer_id)
    members = [m for m in record.members if m.status in ("proposed", "confirmed")]
    form = EliCheckedForm()
    if request.method == "GET":
        form.checked_on.data = date.today()
        form.members.data = [m.id for m in members if m.eli_cases_checked_on is None]
    if form.validate_on_submit():
        try:
            count = transfer_changes.mark_eli_checked(record, form.members.data or [], form.checked_on.data,
                                                      date.today())
        except DomainError as error:
            _field_errors(form, error)
        else:
            flash(f"{count} {'person' if count == 1 else 'people'} marked as checked for the employee liability "
                  "information.", "success")
            return redirect(url_for("transfers.transfer", transfer_id=transfer_id))
    return render_template("transfers/eli_checked.html", form=form, transfer=record, members=members,
                           chosen=set(form.members.data or [])), 400 if form.errors else 200


@bp.route("/<int:transfer_id>/letters/unwritten", methods=["GET", "POST"])
@requires("letters.issue")
@recent_password_required
def unwritten(transfer_id: int) -> Any:
    """Issue a letter to everyone in the cohort (or every union) not yet written to."""
    record = _transfer(transfer_id)
    form = UnwrittenForm()
    missing = None
    if form.validate_on_submit():
        try:
            job = letter_jobs.start(form.letter_type.data, letter_jobs.UNWRITTEN, record.id, date.today(),
                                    current_user)
        except letter_jobs.BatchRefused as error:
            form.letter_type.errors = list(form.letter_type.errors) + [error.message]
            missing = error.missing
        except DomainError as error:
            form.letter_type.errors = list(form.letter_type.errors) + [error.message]
        else:
            return redirect(url_for("letters.job", job_id=job.id))
    return render_template("transfers/unwritten.html", form=form, transfer=record, missing=missing,
                           counts=transfer_changes.unwritten(record, date.today())), 400 if form.errors else 200
