"""HR's letters: the register, issuing one letter or a batch for a cohort, corrections, and the
templates. Employees' "My letters" is here too (only their own). No route changes or deletes
an issued letter: the register only grows."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...letters import types as T
from ...letters.template import TemplateError, plain, render, spliced
from ...models import (
    Letter,
    LetterBatch,
    LetterJob,
    LetterTemplate,
    Restructure,
    Transfer,
)
from ...permissions import requires
from ...services.letters import letter_consultation as consultation
from ...services.letters import letter_jobs, letters
from ..auth.reauth import recent_password_required
from ..fields import id_from_query, page_from_query, parse_id
from ..paging import paginate
from .forms import (
    BatchForm,
    ConfirmForm,
    CorrectionForm,
    IssueForm,
    RegisterFilterForm,
    TemplateForm,
)

bp = Blueprint("letters", __name__, url_prefix="/letters")
my_bp = Blueprint("my_letters", __name__, url_prefix="/me/letters")


def _pdf_response(letter: Letter) -> Any:
    letters.record_download(letter)
    return _pdf(letter.pdf, f"{letter.reference}.pdf")


def _pdf(data: bytes, filename: str, inline: bool = False) -> Any:
    from flask import Response

    disposition = "inline" if inline else "attachment"
    return Response(data, mimetype="application/pdf",
                    headers={"Content-Disposition": f'{disposition}; filename="{filename}"',
                             "Cache-Control": "no-store"})


# -- the register ------------------------------------------------------------------------------

@bp.get("/")
@requires("letters.view")
def register() -> Any:
    form = RegisterFilterForm(request.args)
    valid = form.validate() if request.args else True
    filters = letters.RegisterFilter(
        letter_type=form.letter_type.data or "", audience=form.audience.data or "", q=form.q.data or "",
        transfer_id=id_from_query("transfer_id"), restructure_id=id_from_query("restructure_id"),
        issued_from=form.issued_from.data if valid else None, issued_to=form.issued_to.data if valid else None)
    page = page_from_query()
    rows, total = letters.register(filters, limit=100, offset=(page - 1) * 100)
    return render_template("letters/register.html", form=form, rows=rows, total=total, page=page,
                           types=T.LETTER_TYPES, union_name=letters.union_name)


@bp.get("/<int:letter_id>")
@requires("letters.view")
def letter(letter_id: int) -> Any:
    record = db.get_or_404(Letter, letter_id)
    return render_template("letters/letter.html", letter=record, kind=T.LETTER_TYPES.get(record.letter_type),
                           corrections=letters.corrections_of(record), notes=consultation.notes_for_letter(record),
                           union_name=letters.union_name(record.union_id))


@bp.get("/<int:letter_id>/read")
@requires("letters.view")
def letter_read(letter_id: int) -> Any:
    """The letter as its addressee reads it on the web."""
    record = db.get_or_404(Letter, letter_id)
    return _read_page(record, url_for("letters.letter_pdf", letter_id=record.id),
                      url_for("letters.letter", letter_id=record.id), f"Letter {record.reference}")


def _read_page(record: Letter, pdf_url: str, back_url: str, back_text: str, ack_url: str | None = None) -> Any:
    """An issued letter as an accessible web page: the document its PDF was built from, rebuilt
    from the register (letters.document_of); a letter that cannot be rebuilt exactly offers its PDF."""
    document = letters.document_of(record)
    return render_template("letters/document.html", letter=record, pdf_url=pdf_url, back_url=back_url,
                           back_text=back_text, page=letters.page_of(document) if document else None,
                           ack_url=ack_url, ack_form=ConfirmForm())


@bp.get("/<int:letter_id>/pdf")
@requires("letters.view")
def letter_pdf(letter_id: int) -> Any:
    return _pdf_response(db.get_or_404(Letter, letter_id))


@bp.route("/<int:letter_id>/correct", methods=["GET", "POST"])
@requires("letters.issue")
def correct(letter_id: int) -> Any:
    record = db.get_or_404(Letter, letter_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            new = letters.correct(record, form.reason.data, date.today(), current_user)
        except TemplateError as error:
            form.form_errors.extend(str(p) for p in error.problems)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Correction {new.reference} issued; {record.reference} is kept unchanged.", "success")
            return redirect(url_for("letters.letter", letter_id=new.id))
    return render_template("letters/correct.html", letter=record, form=form)


# -- issuing one -------------------------------------------------------------------------------

@bp.route("/issue", methods=["GET", "POST"])
@requires("letters.issue")
def issue() -> Any:
    form = IssueForm()
    if request.method == "GET" and request.args.get("type") in T.LETTER_TYPES:
        form.letter_type.data = request.args["type"]
    letter_type = form.letter_type.data if form.letter_type.data in T.LETTER_TYPES else "tupe_reg13"
    form.source.choices = [("", "Choose a record")] + letters.candidates(letter_type, date.today())
    preview = problems = sources = None
    if request.method == "POST" and form.validate():
        try:
            target = letters.Target.parse(letter_type, form.source.data)
            if form.submit.data:
                record = letters.issue_one(target, date.today(), current_user)
                flash(f"Letter {record.reference} issued and kept in the register.", "success")
                return redirect(url_for("letters.letter", letter_id=record.id))
            version = letters.latest(letters.template_by_key(letter_type))
            prepared = letters.prepare(target, version, date.today(), "(reference given on issue)",
                                       letters.signatory(current_user))
            preview = (prepared.subject, plain(prepared.blocks), "\n".join(prepared.filled.addressee))
            sources = letters.field_rows(T.LETTER_TYPES[letter_type], version, prepared.filled)
        except TemplateError as error:
            problems = [str(p) for p in error.problems]
        except DomainError as error:
            form.form_errors.append(error.message)
    return render_template("letters/issue.html", form=form, preview=preview, problems=problems,
                           kind=T.LETTER_TYPES[letter_type], sources=sources)


# -- batches -----------------------------------------------------------------------------------

def _batch(scope_kind: str, scope: Any, label: str) -> Any:
    form = BatchForm()
    form.letter_type.choices = [(t.key, t.name) for t in T.LETTER_TYPES.values() if t.cohort == scope_kind]
    missing = None  # the fields a refused batch lacks (letter_jobs.check_batch)
    if request.method == "GET" and request.args.get("letter_type") in dict(form.letter_type.choices):
        form.letter_type.data = request.args["letter_type"]  # "start again" from a failed job's page
    if form.validate_on_submit() and form.reissue.data and not (form.reason.data or "").strip():
        form.reason.errors = list(form.reason.errors) + ["Say why the letter is sent again to people who have it"]
    elif form.validate_on_submit():
        try:
            job = letter_jobs.start(form.letter_type.data, scope_kind, scope.id, date.today(), current_user,
                                    (form.reason.data or "") if form.reissue.data else "")
        except DomainError as error:
            form.letter_type.errors = list(form.letter_type.errors) + [error.message]
            missing = getattr(error, "missing", None)
        else:
            return redirect(url_for("letters.job", job_id=job.id))
    panel = (consultation.transfer_panel(scope, date.today()) if scope_kind == "transfer"
             else consultation.restructure_panel(scope, date.today()))
    plans = []  # per letter type, exactly whom a batch would write to and whom it skips
    for key, _ in form.letter_type.choices:
        try:
            found = letter_jobs.plan(key, scope_kind, scope.id, date.today())
        except DomainError:
            continue
        if found.to_send or found.skipped:
            plans.append((found, [letters._recipient_label(t) for t in found.skipped[:50]]))
    return render_template("letters/batch.html", form=form, label=label, panel=panel, scope_kind=scope_kind,
                           scope=scope, missing=missing, plans=plans)


@bp.route("/batch/transfer/<int:transfer_id>", methods=["GET", "POST"])
@requires("letters.issue")
@recent_password_required
def batch_transfer(transfer_id: int) -> Any:
    transfer = db.get_or_404(Transfer, transfer_id)
    return _batch("transfer", transfer, f"Transfer {transfer.reference}: {transfer.service.name}")


@bp.route("/batch/restructure/<int:restructure_id>", methods=["GET", "POST"])
@requires("letters.issue")
@recent_password_required
def batch_restructure(restructure_id: int) -> Any:
    restructure = db.get_or_404(Restructure, restructure_id)
    return _batch("restructure", restructure, restructure.name)


def _batch_fields(scope_kind: str, scope: Any, label: str) -> Any:
    """Before a batch is issued: each field's value for a sample recipient and where
    it came from, with missing values flagged. Reads only."""
    choices = [t for t in T.LETTER_TYPES.values() if t.cohort == scope_kind]
    letter_type = request.args.get("letter_type", "")
    kind = T.LETTER_TYPES[letter_type] if letter_type in {t.key for t in choices} else choices[0]
    preview = error = None
    try:
        preview = letters.field_preview(kind.key, scope_kind, scope.id, date.today(), current_user,
                                        request.args.get("sample", ""))
    except DomainError as problem:
        error = problem.message
    if preview is not None and preview.sample_employee_id is not None:
        from ...services.people import record_views  # a person's particulars shown: their record viewed

        record_views.record_many([preview.sample_employee_id], request.endpoint or "", request.path)
    return render_template("letters/batch_fields.html", label=label, scope_kind=scope_kind, scope=scope,
                           choices=choices, kind=kind, preview=preview, error=error)


@bp.get("/batch/transfer/<int:transfer_id>/fields")
@requires("letters.issue")
def batch_transfer_fields(transfer_id: int) -> Any:
    transfer = db.get_or_404(Transfer, transfer_id)
    return _batch_fields("transfer", transfer, f"Transfer {transfer.reference}: {transfer.service.name}")


@bp.get("/batch/restructure/<int:restructure_id>/fields")
@requires("letters.issue")
def batch_restructure_fields(restructure_id: int) -> Any:
    restructure = db.get_or_404(Restructure, restructure_id)
    return _batch_fields("restructure", restructure, restructure.name)


@bp.get("/jobs/<int:job_id>")
@requires("letters.issue")
def job(job_id: int) -> Any:
    record = db.get_or_404(LetterJob, job_id)
    # The batch's letters a page at a time (a batch can hold thousands), without their PDFs.
    issued = paginate(letter_jobs.batch_letters_query(record.batch_id), "letters.job", capped=False,
                      job_id=job_id) if record.batch_id else None
    return render_template("letters/job.html", job=record, status=letter_jobs.status(record), letters=issued)


@bp.get("/jobs/<int:job_id>/status")
@requires("letters.issue")
def job_status(job_id: int) -> Any:
    record = db.get_or_404(LetterJob, job_id)
    payload = letter_jobs.status(record)
    payload["zip_url"] = url_for("letters.batch_zip", batch_id=record.batch_id) if record.batch_id else None
    response = jsonify(payload)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/batches/<int:batch_id>/zip")
@requires("letters.view")
@recent_password_required  # a bulk export of personal data
def batch_zip(batch_id: int) -> Any:
    from flask import Response

    batch = db.get_or_404(LetterBatch, batch_id)
    return Response(letter_jobs.download_batch(batch.id), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="letters-batch-{batch.id}.zip"',
                             "Cache-Control": "no-store"})


# -- templates ---------------------------------------------------------------------------------

@bp.get("/templates")
@requires("letters.templates")
def templates() -> Any:
    rows = letters.templates_list()
    return render_template("letters/templates.html", templates=rows, types=T.LETTER_TYPES)


@bp.get("/templates/<int:template_id>")
@requires("letters.templates")
def template(template_id: int) -> Any:
    record = db.get_or_404(LetterTemplate, template_id)
    return render_template("letters/template.html", template=record, kind=T.LETTER_TYPES[record.key])


@bp.route("/templates/<int:template_id>/edit", methods=["GET", "POST"])
@requires("letters.templates")
@recent_password_required
def edit_template(template_id: int) -> Any:
    record = db.get_or_404(LetterTemplate, template_id)
    kind = T.LETTER_TYPES[record.key]
    current = letters.latest(record)
    form = TemplateForm(data={"subject": current.subject, "body": current.body} if request.method == "GET" else None)
    form.source.choices = [("", "Choose a record")] + letters.candidates(record.key, date.today(), limit=100)
    preview = problems = None
    if request.method == "POST" and form.preview.data:
        preview, problems = _preview(kind, form)
    elif form.validate_on_submit():
        try:
            version = letters.save_version(record, form.subject.data, form.body.data, form.note.data)
        except TemplateError as error:
            problems = [str(p) for p in error.problems]
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            flash(f"Version {version.version} saved. Letters issued from now on use it.", "success")
            return redirect(url_for("letters.template", template_id=record.id))
    advice = [str(a) for a in spliced(form.subject.data or "", form.body.data or "", T.FREE_TEXT)]
    return render_template("letters/edit_template.html", template=record, kind=kind, form=form, preview=preview,
                           problems=problems, advice=advice)


def _preview(kind: T.LetterType, form: TemplateForm) -> tuple[Any, list[str] | None]:
    """The edited (unsaved) text filled from the chosen record: problems listed, never blanks."""
    subject, body = form.subject.data or "", form.body.data or ""
    if not form.source.data or not _source_ids_valid(form.source.data):
        form.source.errors = ["Choose a record to preview the letter with"]
        return None, None
    try:
        target = letters.Target.parse(kind.key, form.source.data)
        from ...services.letters.letter_fields import fill

        filled = fill(kind.key, target.source_id, target.union_id, date.today())
        filled.fields.update({"letter": {"date": "(date of issue)", "reference": "(reference given on issue)"},
                              "sender": {"councils": " and ".join(filled.councils)},
                              "signatory": dict(zip(("name", "role"), letters.signatory(current_user), strict=True))})
        filled_subject, blocks = render(subject, body, filled.fields, kind.fields)
    except TemplateError as error:
        return None, [str(p) for p in error.problems]
    except DomainError as error:
        return None, [error.message]
    if filled.employee_id is not None:  # filled from one person's record: a view of it
        from ...services.people import record_views

        record_views.record_many([filled.employee_id], request.endpoint or "", request.path)
    return (filled_subject, plain(blocks), "\n".join(filled.addressee)), None


@bp.get("/templates/<int:template_id>/preview.pdf")
@requires("letters.templates")
def preview_pdf(template_id: int) -> Any:
    """The latest version filled from a chosen record, as the PDF would look (not issued)."""
    record = db.get_or_404(LetterTemplate, template_id)
    source = request.args.get("source", "")
    if source.strip() and not _source_ids_valid(source):
        abort(404)  # a record id that cannot be one, as for a bad id in the path
    try:
        target = letters.Target.parse(record.key, source)
        prepared = letters.prepare(target, letters.latest(record), date.today(), "PREVIEW-NOT-ISSUED",
                                   letters.signatory(current_user))
    except TemplateError as error:
        flash("This record cannot fill the letter: " + "; ".join(str(p) for p in error.problems))
        return redirect(url_for("letters.template", template_id=record.id))
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("letters.template", template_id=record.id))
    if prepared.filled.employee_id is not None:  # filled from one person's record: a view of it
        from ...services.people import record_views

        record_views.record_many([prepared.filled.employee_id], request.endpoint or "", request.path)
    return _pdf(prepared.pdf, f"preview-{record.key}.pdf", inline=True)


def _source_ids_valid(token: str) -> bool:
    """A record token ("<id>" or "<id>:<union id>") whose ids can be ids (web/fields.parse_id)."""
    return all(parse_id(part) for part in token.split(":", 1))


# -- my letters (employees) --------------------------------------------------------------------

def _mine(letter_id: int) -> Letter:
    record = db.session.get(Letter, letter_id)
    if record is None or current_user.employee_id is None or record.employee_id != current_user.employee_id:
        abort(404)  # someone else's letter, or a union's: do not confirm it exists
    return record


@my_bp.get("/")
@requires("me.letters")
def my_letters() -> Any:
    rows = [] if current_user.employee_id is None else letters.letters_of_employee(current_user.employee_id)
    return render_template("me/letters.html", rows=rows, types=T.LETTER_TYPES, ack_form=ConfirmForm())


@my_bp.get("/<int:letter_id>")
@requires("me.letters")
def my_letter(letter_id: int) -> Any:
    """The employee's own letter as a web page, beside its PDF."""
    record = _mine(letter_id)
    return _read_page(record, url_for("my_letters.my_letter_pdf", letter_id=record.id),
                      url_for("my_letters.my_letters"), "My letters",
                      None if record.acknowledgement else url_for("my_letters.my_letter_acknowledge",
                                                                   letter_id=record.id))


@my_bp.get("/<int:letter_id>/pdf")
@requires("me.letters")
def my_letter_pdf(letter_id: int) -> Any:
    return _pdf_response(_mine(letter_id))


@my_bp.post("/<int:letter_id>/acknowledge")
@requires("me.letters")
def my_letter_acknowledge(letter_id: int) -> Any:
    """The employee acknowledges receipt of their own letter; HR sees it in the register."""
    record = _mine(letter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        consultation.acknowledge_own(record, current_user)
    except DomainError as error:
        flash(error.message)
    else:
        flash(f"Thank you: you have acknowledged receipt of {record.reference}. Human Resources can see this.",
              "success")
    return redirect(url_for("my_letters.my_letters"))


@bp.app_template_global("is_free_text")
def is_free_text(name: str) -> bool:
    """For templates/letters/_fields.html: a field holding text someone typed (types.FREE_TEXT)."""
    return name in T.FREE_TEXT


@bp.app_template_global("letters_panel")
def letters_panel(transfer: Transfer | None = None, restructure: Restructure | None = None) -> list[Any]:
    """For templates/letters/_letters_panel.html on the transfer and restructure pages:
    `{% set panel = letters_panel(transfer=transfer) %}{% include "letters/_letters_panel.html" %}`."""
    from ...permissions import has

    if not has("letters.view"):
        return []
    if transfer is not None:
        return consultation.transfer_panel(transfer, date.today())
    if restructure is not None:
        return consultation.restructure_panel(restructure, date.today())
    return []
