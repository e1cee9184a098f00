"""Grading: the same job under both councils' bands, job evaluations, and increment runs."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Council, Post
from ...permissions import has, requires
from ...services.pay import conventions, increments, job_evaluations, post_grades, side_by_side
from ...services.pay.jes import forms_data, scheme
from ...services.people import councils
from ..downloads import send_spreadsheet
from ..fields import required_date
from ..form_errors import show_domain_error
from ..paging import filters_from_query, paginate_list
from .forms import (
    ApplyRunForm,
    EvaluationForm,
    IncrementRunForm,
    StatusForm,
    chosen,
    chosen_levels,
    initial,
    offer_choices,
    panel,
)

bp = Blueprint("grading", __name__, url_prefix="/grading")
PAGE = 50


@bp.get("/")
@requires("grading.view")
def compare() -> Any:
    today = date.today()
    rows = list(side_by_side.compare_posts(today))
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, -(-len(rows) // PAGE))
    page = min(page, pages)
    by_service = side_by_side.totals(rows, "service")
    largest = max((abs(t.fte_weighted_difference) for t in by_service.values()), default=0) or 1
    chart = [{"label": name, "value": t.fte_weighted_difference,
              "pct": int(abs(t.fte_weighted_difference) * 100 / largest)} for name, t in by_service.items()]
    return render_template("grading/compare.html", rows=rows[(page - 1) * PAGE:page * PAGE], total=len(rows),
                           page=page, pages=pages, by_service=by_service, by_council=side_by_side.totals(rows, "council"),
                           chart=chart, today=today)


@bp.get("/compare.<fmt>")
@requires("grading.view")
def compare_export(fmt: str) -> Any:
    return send_spreadsheet(lambda out: side_by_side.export_comparison(out, fmt, date.today()), fmt,
                            f"same-job-different-pay-{date.today():%Y-%m-%d}.{fmt}")


def _council(value: Any, default: Council) -> Council:
    """?council= by id (the page's own links) or by code (CCDC, SBC: an address people type)."""
    try:
        found = db.session.get(Council, int(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        found = councils.council_with_code(str(value))
    return found or default


def _prepare(form: EvaluationForm, council: Council) -> dict[str, Any]:
    """Offer the levels of the scheme version in force on the panel date typed (today until one
    is) and the council's current conventions; what the form's page shows besides."""
    today = date.today()
    on = form.evaluated_on.data or today
    version = scheme.version_on(on) or scheme.version_on(today)
    factors = forms_data.factor_options(version) if version else []
    offer_choices(form, factors, forms_data.convention_options(council.id))
    return {"council": council, "version": version, "groups": forms_data.grouped(factors), "on": on,
            "bands": forms_data.band_table(on), "councils": councils.councils()}


def _form_page(template: str, form: EvaluationForm, prepared: dict[str, Any], status: int, **context: Any) -> Any:
    """The form with the total so far and each council's grade for it (the server's figures)."""
    return render_template(template, form=form, preview=forms_data.preview(chosen_levels(form), prepared["on"]),
                           **prepared, **context), status


@bp.route("/posts/<int:post_id>/evaluations", methods=["GET", "POST"])
@requires("grading.view")
def evaluations(post_id: int) -> Any:
    """The post's evaluations and grades, and (HR) the form recording a new one factor by factor;
    ?council= chooses whose conventions apply, ?start=latest starts from the latest one's levels."""
    post = db.get_or_404(Post, post_id)
    if request.method == "POST" and not has("grading.edit"):
        abort(403)
    council = _council(request.form.get("council_id") if request.method == "POST" else request.args.get("council"),
                       post.council)
    start = forms_data.latest_with_levels(post_id, council.id) if request.args.get("start") == "latest" else None
    form = EvaluationForm() if request.method == "POST" else EvaluationForm(data=initial(council.id, start,
                                                                                         levels_only=True))
    prepared = _prepare(form, council)
    if form.validate_on_submit():
        try:
            made = job_evaluations.record_evaluation(
                post_id, council.id, required_date(form.evaluated_on), chosen(form), panel=panel(form),
                job_description=form.job_description.data or "", notes=form.notes.data or "",
                status="agreed" if form.record_agreed.data else "draft", today=date.today())
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Evaluation recorded{' as a draft' if made.status == 'draft' else ''}: {made.score} points.",
                  "success")
            return redirect(url_for("grading.evaluation", evaluation_id=made.id))
    today = date.today()
    grade = post_grades.status(post_id, today)  # the same words as the post page
    year, ranges = side_by_side.compare_score(grade.je_score, today) if grade.je_score is not None else (None, {})
    versions = {c.id: c.name for c in conventions.history(post.council_id)}
    return _form_page("grading/evaluations.html", form, prepared, 400 if request.method == "POST" else 200,
                      post=post, history=job_evaluations.history(post_id), ranges=ranges, pay_year=year, grade=grade,
                      versions=versions, start=start, asked_start=request.args.get("start") == "latest")


def _evaluation_or_404(evaluation_id: int) -> Any:
    found = forms_data.evaluation(evaluation_id)
    if found is None:
        abort(404)
    return found


def _evaluation_page(evaluation: Any, status: int = 200, agree_form: StatusForm | None = None,
                     withdraw_form: StatusForm | None = None) -> Any:
    return render_template("grading/evaluation.html", evaluation=evaluation,
                           rows=forms_data.factor_rows(evaluation), grades=forms_data.grades_on(evaluation),
                           recorded_by=forms_data.recorded_by(evaluation),
                           agree_form=agree_form or StatusForm(version=evaluation.version),
                           withdraw_form=withdraw_form or StatusForm(version=evaluation.version),
                           total_only=job_evaluations.TOTAL_ONLY), status


@bp.get("/evaluations/<int:evaluation_id>")
@requires("grading.view")
def evaluation(evaluation_id: int) -> Any:
    return _evaluation_page(_evaluation_or_404(evaluation_id))


@bp.route("/evaluations/<int:evaluation_id>/edit", methods=["GET", "POST"])
@requires("grading.edit")
def edit_evaluation(evaluation_id: int) -> Any:
    """Change a draft (an agreed evaluation is corrected by a new one, or an appeal)."""
    found = _evaluation_or_404(evaluation_id)
    if found.status != "draft":
        flash("Only a draft can be changed: an agreed evaluation is corrected by a new evaluation or an appeal.")
        return redirect(url_for("grading.evaluation", evaluation_id=evaluation_id))
    form = EvaluationForm() if request.method == "POST" else EvaluationForm(data=initial(found.council_id, found))
    form.council_id.data = found.council_id
    prepared = _prepare(form, found.council)
    if form.validate_on_submit():
        try:
            job_evaluations.update_draft(evaluation_id, chosen(form), panel=panel(form),
                                         job_description=form.job_description.data or "", notes=form.notes.data or "",
                                         evaluated_on=required_date(form.evaluated_on), today=date.today(),
                                         seen_version=form.version.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Draft saved.", "success")
            return redirect(url_for("grading.evaluation", evaluation_id=evaluation_id))
    return _form_page("grading/edit_evaluation.html", form, prepared, 400 if request.method == "POST" else 200,
                      evaluation=found, post=found.post)


def _move(evaluation_id: int, status: str, done: str) -> Any:
    found = _evaluation_or_404(evaluation_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            job_evaluations.set_status(evaluation_id, status, form.reason.data or "", seen_version=form.version.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("grading.evaluation", evaluation_id=evaluation_id))
    db.session.refresh(found)
    forms = {"agree_form": form} if status == "agreed" else {"withdraw_form": form}
    return _evaluation_page(found, 400, **forms)


@bp.post("/evaluations/<int:evaluation_id>/agree")
@requires("grading.edit")
def agree_evaluation(evaluation_id: int) -> Any:
    return _move(evaluation_id, "agreed", "Evaluation agreed: it grades the post from its date.")


@bp.post("/evaluations/<int:evaluation_id>/withdraw")
@requires("grading.edit")
def withdraw_evaluation(evaluation_id: int) -> Any:
    return _move(evaluation_id, "withdrawn", "Evaluation withdrawn: the post's grades have been worked out again.")


@bp.get("/increments")
@requires("grading.view")
def increment_run() -> Any:
    form = IncrementRunForm(request.args)
    form.council.choices = [(str(c.id), c.name) for c in councils.councils()]
    result = None
    if request.args and form.validate():
        try:
            result = increments.preview(int(form.council.data), required_date(form.run_on))
        except (DomainError, ValueError) as error:
            form.form_errors.append(getattr(error, "message", "Choose an employer"))
    apply_form = ApplyRunForm(council=form.council.data, run_on=required_date(form.run_on).isoformat()) if result else None
    # One page of each list: a council's whole workforce is never one page.
    pages = {name: paginate_list(getattr(result, name), "grading.increment_run", arg=f"{name}_page",
                                 **filters_from_query()) for name in ("moves", "stays")} if result else {}
    return render_template("grading/increments.html", form=form, result=result, apply_form=apply_form, **pages)


@bp.post("/increments/apply")
@requires("grading.edit")
def apply_increments() -> Any:
    form = ApplyRunForm()
    try:
        council_id, run_on = int(form.council.data or ""), date.fromisoformat(form.run_on.data or "")
    except ValueError:
        flash("Choose an employer and an increment date first.")
        return redirect(url_for("grading.increment_run"))
    if not form.validate_on_submit():
        flash("The form had expired: check the preview and apply again.")
    else:
        try:
            run = increments.apply(council_id, run_on)
            flash(f"Increments applied: {run.moved} people moved up a point.", "success")
        except DomainError as error:
            flash(error.message)
    return redirect(url_for("grading.increment_run", council=council_id,
                            run_on=[str(run_on.day), str(run_on.month), str(run_on.year)]))
