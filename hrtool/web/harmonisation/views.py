"""Harmonisation models: draft a single set of grade bands, run it over the workforce, read the
results and the equality picture, compare models, and export a summary for the unions."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.utils import secure_filename

from ...errors import DomainError, StaleRecord
from ...extensions import db
from ...jobs import records
from ...jobs.kinds import harmonisation as harmonisation_kinds
from ...models import ConventionSet, HarmonisationModel, Job
from ...permissions import requires
from ...services.harmonisation import harmonisation
from ...services.harmonisation import harmonisation_reports as reports
from ...services.harmonisation import harmonisation_union as union
from ...services.harmonisation.harmonisation_results import Results
from ..auth.reauth import recent_password_required
from ..downloads import require_spreadsheet_format, send_bytes, send_spreadsheet
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import Page, paginate_list
from .forms import BLANK_ROWS, CompareForm, DeleteForm, ModelForm, NewModelForm

bp = Blueprint("harmonisation", __name__, url_prefix="/harmonisation")
bp.add_app_template_filter(reports.signed_money, "signed_money")
bp.add_app_template_filter(reports.percent, "percent")
bp.add_app_template_filter(reports.pounds, "pounds")

FORM_LEVEL = {"bands"}  # service errors about the whole bands table go to the top of the form


def _model_with_results(model_id: int) -> tuple[HarmonisationModel, Results | None]:
    record = db.get_or_404(HarmonisationModel, model_id)
    return record, reports.results_of(record)


def _not_run(record: HarmonisationModel) -> Any:
    flash("Run the model first: it has no results yet.")
    return redirect(url_for("harmonisation.model", model_id=record.id))


@bp.get("/", endpoint="models")
@requires("harmonisation.model")
def list_models() -> Any:
    return render_template("harmonisation/list.html", models=reports.saved_models())


@bp.route("/new", methods=["GET", "POST"])
@requires("harmonisation.model")
def create() -> Any:
    form = NewModelForm()
    form.start.choices = [("", "Choose a starting point"), *harmonisation.starting_points(date.today())]
    form.convention_set_id.choices = harmonisation.convention_set_choices()
    if request.method == "GET":
        form.as_of.data = date.today()
    if form.validate_on_submit():
        try:
            record = harmonisation.create_model(form.name.data.strip(), (form.description.data or "").strip(),
                                                required_date(form.as_of), form.start.data, form.convention_set())
        except DomainError as error:
            show_domain_error(form, error, form_level=FORM_LEVEL)
            return render_template("harmonisation/new.html", form=form), 400
        flash("Model created. Check its grade bands, then run it.", "success")
        return redirect(url_for("harmonisation.model", model_id=record.id))
    return render_template("harmonisation/new.html", form=form)


@bp.get("/<int:model_id>")
@requires("harmonisation.model")
def model(model_id: int) -> Any:
    record, results = _model_with_results(model_id)
    return render_template("harmonisation/model.html", model=record, results=results,
                           convention_set=db.session.get(ConventionSet, record.convention_set_id)
                           if record.convention_set_id else None,
                           bands=harmonisation.bands_of(record), charts=reports.charts(results) if results else None,
                           convention_effects=reports.convention_effects(results) if results else [],
                           running=_running(harmonisation_kinds.run_key(model_id)))


def _running(dedupe_key: str) -> Job | None:
    """The job doing this now (queued or running), if any."""
    return records.active(dedupe_key)


@bp.route("/<int:model_id>/edit", methods=["GET", "POST"])
@requires("harmonisation.model")
def edit(model_id: int) -> Any:
    record = db.get_or_404(HarmonisationModel, model_id)
    form = ModelForm(data=None if request.method == "POST" else {
        "name": record.name, "description": record.description, "as_of": record.as_of, "version": str(record.version),
        "bands": [*record.bands, *[{} for _ in range(BLANK_ROWS)]],
        "convention_set_id": str(record.convention_set_id or "")})
    form.convention_set_id.choices = harmonisation.convention_set_choices()
    if form.validate_on_submit():
        try:
            harmonisation.update_model(record, int(form.version.data or 0), form.name.data.strip(),
                                       (form.description.data or "").strip(), required_date(form.as_of), form.grade_bands(),
                                       convention_set_id=form.convention_set())
        except DomainError as error:
            show_domain_error(form, error, form_level=FORM_LEVEL)
            status = 409 if isinstance(error, StaleRecord) else 400
            return render_template("harmonisation/edit.html", form=form,
                                   model=db.session.get(HarmonisationModel, model_id)), status
        flash("Model saved." if reports.results_of(record) else "Model saved. Run it to see its results.", "success")
        return redirect(url_for("harmonisation.model", model_id=model_id))
    return render_template("harmonisation/edit.html", form=form, model=record)


@bp.post("/<int:model_id>/run")
@requires("harmonisation.model")
def run(model_id: int) -> Any:
    """Running a model is a job (minutes at 100,000 people): its page shows progress,
    then links to the model's results."""
    record = db.get_or_404(HarmonisationModel, model_id)
    try:
        harmonisation.check_runnable(record)
        job = records.submit("harmonisation_run", {"model_id": model_id}, current_user,
                             description=f"Run harmonisation model “{record.name}”",
                             dedupe_key=harmonisation_kinds.run_key(model_id))
    except DomainError as error:
        flash(f"The model could not be run. {error.message}")
        return redirect(url_for("harmonisation.model", model_id=model_id))
    return redirect(url_for("jobs.show", job_id=job.id))


@bp.get("/<int:model_id>/people")
@requires("harmonisation.model")
def people(model_id: int) -> Any:
    record, results = _model_with_results(model_id)
    if results is None:
        return _not_run(record)
    direction = request.args.get("direction", "") if request.args.get("direction") in ("up", "down") else ""
    rows = [p for p in reports.affected_people(results) if not direction or p.row.direction == direction]
    return render_template("harmonisation/people.html", model=record, results=results, direction=direction,
                           page=_page(rows, "harmonisation.people", model_id=model_id, direction=direction))


def _page(rows: list[Any], endpoint: str, **params: Any) -> Page:
    """One page of an in-memory list, with links like the database-backed pages."""
    return paginate_list(rows, endpoint, **params)


@bp.get("/<int:model_id>/people.<fmt>")
@requires("harmonisation.model")
@recent_password_required  # a bulk export of personal data
def export(model_id: int, fmt: str) -> Any:
    require_spreadsheet_format(fmt)
    record, results = _model_with_results(model_id)
    if results is None:
        return _not_run(record)
    return send_spreadsheet(lambda out: reports.export_affected(record, results, out, fmt), fmt,
                            f"harmonisation-{record.id}-people-affected.{fmt}")


@bp.get("/<int:model_id>/summary.pdf")
@requires("harmonisation.model")
def summary_pdf(model_id: int) -> Any:
    record, results = _model_with_results(model_id)
    if results is None:
        return _not_run(record)
    pdf = union.summary_pdf(record, results, date.today())
    name = secure_filename(record.name.lower()) or str(record.id)
    return send_bytes(pdf, "application/pdf", f"harmonisation-{name}-union-summary.pdf")


@bp.get("/compare")
@requires("harmonisation.model")
def compare() -> Any:
    form = CompareForm(request.args)
    form.a.choices = form.b.choices = [("", "Choose a model"), *reports.run_models()]
    lines, chosen = None, None
    if "a" in request.args and form.validate():
        (a, results_a), (b, results_b) = _model_with_results(int(form.a.data)), _model_with_results(int(form.b.data))
        if results_a is None or results_b is None:
            abort(404)
        chosen, lines = (a, results_a, b, results_b), reports.compare(results_a, results_b)
    return render_template("harmonisation/compare.html", form=form, lines=lines, chosen=chosen,
                           submitted="a" in request.args)


@bp.route("/<int:model_id>/delete", methods=["GET", "POST"])
@requires("harmonisation.model")
def delete(model_id: int) -> Any:
    record = db.get_or_404(HarmonisationModel, model_id)
    form = DeleteForm()
    if form.validate_on_submit():
        if form.confirm.data != "yes":
            return redirect(url_for("harmonisation.model", model_id=model_id))
        name = record.name
        harmonisation.delete_model(record)
        flash(f"Model “{name}” deleted.", "success")
        return redirect(url_for("harmonisation.models"))
    return render_template("harmonisation/delete.html", form=form, model=record)
