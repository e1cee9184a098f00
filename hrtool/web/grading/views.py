"""Grading: the same job under both councils' bands, job evaluations, and increment runs."""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ...errors import DomainError
from ...extensions import db
from ...models import Council, Post
from ...permissions import requires
from ...services import conventions, increments, job_evaluations, post_grades, side_by_side
from ...services.job_evaluations import FACTORS
from ...services.tabular import write_table
from ..paging import filters_from_query, paginate_list
from .forms import ApplyRunForm, EvaluationForm, IncrementRunForm

bp = Blueprint("grading", __name__, url_prefix="/grading")
PAGE = 50
EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


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
    if fmt not in EXPORT_TYPES:
        abort(404)
    columns = [("post_number", "text"), ("title", "text"), ("council", "text"), ("service", "text"),
               ("fte", "number"), ("je_score", "number"),
               ("ccdc_grade", "text"), ("ccdc_salary_min", "money"), ("ccdc_salary_max", "money"),
               ("sbc_grade", "text"), ("sbc_salary_min", "money"), ("sbc_salary_max", "money"),
               ("difference_top_of_grade_sbc_minus_ccdc", "money")]

    def lines() -> Any:
        for c in side_by_side.compare_posts(date.today()):
            cc, sb = c.ranges.get("CCDC"), c.ranges.get("SBC")
            yield [c.post_number, c.title, c.council, c.service, c.fte, c.score,
                   cc.grade if cc else "above the top grade", cc.salary_min if cc else None, cc.salary_max if cc else None,
                   sb.grade if sb else "above the top grade", sb.salary_min if sb else None, sb.salary_max if sb else None,
                   c.difference]

    buffer = io.BytesIO()
    count = write_table(buffer, fmt, columns, lines())
    from ...services import audit

    audit.record_export("grading_comparison", {"format": fmt, "count": count})
    buffer.seek(0)
    return send_file(buffer, mimetype=EXPORT_TYPES[fmt], as_attachment=True,
                     download_name=f"same-job-different-pay-{date.today():%Y-%m-%d}.{fmt}")


@bp.route("/posts/<int:post_id>/evaluations", methods=["GET", "POST"])
@requires("grading.view")
def evaluations(post_id: int) -> Any:
    post = db.get_or_404(Post, post_id)
    form = EvaluationForm()
    form.council_id.choices = [(c.id, c.name) for c in db.session.scalars(select(Council).order_by(Council.code))]
    if request.method == "GET":
        form.council_id.data = post.council_id
    factor_fields = [getattr(form, f"factor_{i}") for i in range(len(FACTORS))]
    if request.method == "POST":
        from ...permissions import has

        if not has("grading.edit"):
            abort(403)
    if form.validate_on_submit():
        levels = {f.label.text: f.data for f in factor_fields if f.data is not None}
        try:
            job_evaluations.record_evaluation(post_id, form.council_id.data, form.score.data, form.evaluated_on.data,
                                              form.panel.data or "", levels, form.notes.data or "", date.today())
        except DomainError as error:
            target = getattr(form, error.field, None) if error.field else None
            (target.errors.append(error.message) if target is not None else form.form_errors.append(error.message))
        else:
            flash("Evaluation recorded.", "success")
            return redirect(url_for("grading.evaluations", post_id=post_id))
    today = date.today()
    grade = post_grades.status(post_id, today)  # the same words as the post page (issue 13)
    year, ranges = side_by_side.compare_score(grade.je_score, today) if grade.je_score is not None else (None, {})
    versions = {c.id: c.name for c in conventions.history(post.council_id)}
    return render_template("grading/evaluations.html", post=post, form=form, factor_fields=factor_fields,
                           history=job_evaluations.history(post_id), ranges=ranges, pay_year=year, grade=grade,
                           versions=versions)


@bp.get("/increments")
@requires("grading.view")
def increment_run() -> Any:
    form = IncrementRunForm(request.args)
    form.council.choices = [(str(c.id), c.name) for c in db.session.scalars(select(Council).order_by(Council.code))]
    result = None
    if request.args and form.validate():
        try:
            result = increments.preview(int(form.council.data), form.run_on.data)
        except (DomainError, ValueError) as error:
            form.form_errors.append(getattr(error, "message", "Choose an employer"))
    apply_form = ApplyRunForm(council=form.council.data, run_on=form.run_on.data.isoformat()) if result else None
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
