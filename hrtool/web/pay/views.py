"""Pay and grading reference: the NJC spine by pay year, pay awards and applying them, each
council's grade bands with their history, the pay award (arrears) run and the grade lookup."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_wtf import FlaskForm

from ...domain.arrears import arrears_months
from ...domain.grading import GradeBand
from ...errors import DomainError
from ...extensions import db
from ...models import Council, GradeConvention, PayAward, PaySpinePoint
from ...permissions import requires
from ...services import conventions, date_windows, pay_award_run, pay_spines
from ..auth.reauth import recent_password_required
from ..paging import paginate_list
from .forms import (
    BAND_COLUMNS,
    ApplyAwardForm,
    ArrearsForm,
    AwardForm,
    BandsForm,
    GradeLookupForm,
    SpinePointForm,
)

bp = Blueprint("pay", __name__, url_prefix="/pay")
EXPORT_TYPES = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
BLANK_BAND_ROWS = 3


@bp.app_template_filter("pay_year")
def pay_year_filter(start: date | None) -> str:
    return pay_spines.pay_year_label(start) if start else ""


def _show_error(form: FlaskForm, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    problems = getattr(error, "problems", None)
    if problems:
        form.form_errors.extend(p[:1].upper() + p[1:] for p in problems)
    elif field is not None and hasattr(field, "errors") and isinstance(field.errors, list):
        field.errors.append(error.message)
    else:
        form.form_errors.append(error.message)


@bp.get("/")
@requires("pay.view")
def index() -> Any:
    today = date.today()
    return render_template("pay/index.html", years=pay_spines.spine_years(), awards=pay_spines.awards(),
                           councils=conventions.overview(today), today=today)


@bp.get("/spine")
@requires("pay.view")
def spine() -> Any:
    return render_template("pay/spine.html", table=pay_spines.spine_table())


@bp.route("/spine/<int:point_id>/edit", methods=["GET", "POST"])
@requires("pay.manage")
def edit_point(point_id: int) -> Any:
    point = db.get_or_404(PaySpinePoint, point_id)
    form = SpinePointForm(obj=point if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            pay_spines.set_spine_value(point, form.annual_salary.data, form.reason.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            flash(f"SCP {point.scp} for {pay_spines.pay_year_label(point.pay_year_from)} saved.", "success")
            return redirect(url_for("pay.spine"))
    return render_template("pay/edit_point.html", form=form, point=point)


@bp.get("/awards")
@requires("pay.view")
def awards() -> Any:
    return render_template("pay/awards.html", awards=pay_spines.awards(), years=set(pay_spines.spine_years()),
                           is_late=pay_spines.is_late)


def _save_award(award: PayAward | None) -> Any:
    form = AwardForm(obj=award if request.method == "GET" else None)
    if award is not None and request.method == "GET":
        form.amount.data = Decimal(f"{award.amount.normalize():f}")  # 1290.0000 shows as 1290, 3.2000 as 3.2
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in
                  ("pay_year_from", "kind", "amount", "scp_from", "scp_to", "status", "agreed_on")}
        values.update(deleted_scps=(form.deleted_scps.data or "").strip(), note=(form.note.data or "").strip())
        try:
            pay_spines.save_award(award, values, form.reason.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            flash("Award saved.", "success")
            return redirect(url_for("pay.awards"))
    return render_template("pay/award_form.html", form=form, award=award)


@bp.route("/awards/new", methods=["GET", "POST"])
@requires("pay.manage")
def new_award() -> Any:
    return _save_award(None)


@bp.route("/awards/<int:award_id>/edit", methods=["GET", "POST"])
@requires("pay.manage")
def edit_award(award_id: int) -> Any:
    return _save_award(db.get_or_404(PayAward, award_id))


@bp.route("/awards/<int:award_id>/apply", methods=["GET", "POST"])
@requires("pay.manage")
def apply_award(award_id: int) -> Any:
    """Step one shows what the new spine would be; confirming (step two) makes it."""
    award = db.get_or_404(PayAward, award_id)
    form = ApplyAwardForm()
    try:
        preview = pay_spines.preview_award(award)
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("pay.awards"))
    if form.validate_on_submit():
        try:
            done = pay_spines.apply_award_to_spine(award, agreed_on=form.agreed_on.data, replace=form.replace.data,
                                                   reason=form.reason.data)
        except DomainError as error:
            _show_error(form, error)
        else:
            flash(f"The {pay_spines.pay_year_label(done.year)} spine is made: {done.created} values added, "
                  f"{done.changed} changed, {done.removed} removed"
                  f"{' (provisional)' if done.provisional else ''}.", "success")
            return redirect(url_for("pay.spine"))
    return render_template("pay/apply.html", form=form, award=award, preview=preview)


@bp.get("/awards/<int:award_id>/arrears")
@requires("pay.view")
def arrears(award_id: int) -> Any:
    award = db.get_or_404(PayAward, award_id)
    form = ArrearsForm(request.args)
    result = None
    if form.validate():
        try:
            result = pay_award_run.audited_run(award, form.first_paid_on.data)
        except DomainError as error:
            _show_error(form, error)
    if form.first_paid_on.data is None and not form.first_paid_on.errors:
        form.first_paid_on.data = result.first_paid_on if result else pay_award_run.default_first_pay_date(award)
    warning = date_windows.held_award_warning(award.pay_year_from, award.agreed_on)
    if result is None:
        return render_template("pay/arrears.html", form=form, award=award, result=None, date_warning=warning)
    # The page shows a summary and one page of people; the whole list is the CSV/XLSX download.
    paid = result.first_paid_on
    filters = {"award_id": award_id, "first_paid_on": [paid.day, paid.month, paid.year]}
    return render_template(
        "pay/arrears.html", form=form, award=award, result=result, date_warning=warning,
        months=arrears_months(result.effective_from, paid),
        people=paginate_list(result.people, "pay.arrears", **filters),
        missing=paginate_list(result.not_computed, "pay.arrears", arg="missing_page", **filters))


@bp.get("/awards/<int:award_id>/arrears.<fmt>")
@requires("pay.view")
@recent_password_required  # a bulk export of personal data (issue 16)
def arrears_export(award_id: int, fmt: str) -> Any:
    if fmt not in EXPORT_TYPES:
        abort(404)
    award = db.get_or_404(PayAward, award_id)
    form = ArrearsForm(request.args)
    if not form.validate():
        abort(400)
    buffer = io.BytesIO()
    try:
        result = pay_award_run.export_run(award, form.first_paid_on.data, buffer, fmt)
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("pay.arrears", award_id=award_id))
    buffer.seek(0)
    name = f"pay-award-arrears-{award.pay_year_from:%Y}-paid-{result.first_paid_on:%Y-%m-%d}.{fmt}"
    return send_file(buffer, mimetype=EXPORT_TYPES[fmt], as_attachment=True, download_name=name)


@bp.get("/conventions")
@requires("pay.view")
def conventions_list() -> Any:
    today = date.today()
    councils = conventions.overview(today)
    return render_template("pay/conventions.html", councils=councils, today=today,
                           histories={c.council.id: conventions.history(c.council.id) for c in councils})


@bp.get("/conventions/<int:convention_id>")
@requires("pay.view")
def convention(convention_id: int) -> Any:
    return render_template("pay/convention.html", convention=db.get_or_404(GradeConvention, convention_id))


@bp.route("/councils/<int:council_id>/bands", methods=["GET", "POST"])
@requires("pay.manage")
def change_bands(council_id: int) -> Any:
    council = db.get_or_404(Council, council_id)
    current = conventions.latest(council_id)
    form = BandsForm()
    preview = None
    if request.method == "GET":
        _prefill(form, current)
    elif form.add_row.data:
        form.bands.append_entry()
        form.fingerprint.data = ""
    else:
        valid = form.validate_on_submit()
        # Only the reason missing (a confirmation without one): the check still shows.
        checkable = valid or (not form.form_errors and all(not f.errors for f in form if f.name != "reason"))
        bands = [GradeBand(*row.values()) for row in form.filled_rows()] if checkable else []
        if valid and form.confirming:
            try:
                changed = conventions.change_bands(council_id, form.effective_from.data, form.name.data.strip(),
                                                   (form.notes.data or "").strip(), bands, form.reason.data,
                                                   expected=form.fingerprint.data)
            except DomainError as error:
                _show_error(form, error)
            else:
                flash(f"New bands for {council.short_name} from {form.effective_from.data:%-d %B %Y} saved: "
                      f"{len(changed.plan.posts)} post grade changes from that date, "
                      f"{len(changed.protections)} people protected.", "success")
                return redirect(url_for("pay.convention", convention_id=changed.convention.id))
        form.fingerprint.data = ""
        if checkable:  # the check, and after a refused confirmation what the change would do now
            try:
                preview = conventions.preview_bands(council_id, form.effective_from.data, bands)
                form.fingerprint.data = preview.fingerprint
            except DomainError as error:
                if not form.form_errors and all(not f.errors for f in form):
                    _show_error(form, error)
    return render_template("pay/change_bands.html", form=form, council=council, current=current,
                           columns=BAND_COLUMNS, preview=preview)


def _prefill(form: BandsForm, current: GradeConvention | None) -> None:
    while form.bands.entries:
        form.bands.pop_entry()
    for band in current.bands if current else []:
        form.bands.append_entry({"grade": band.grade, "points_min": str(band.points_min),
                                 "points_max": str(band.points_max), "scp_min": str(band.scp_min),
                                 "scp_max": str(band.scp_max)})
    for _ in range(BLANK_BAND_ROWS):
        form.bands.append_entry()
    if current:
        form.name.data = current.name
        form.notes.data = current.notes


@bp.get("/grade")
@requires("pay.view")
def grade_lookup() -> Any:
    form = GradeLookupForm(request.args)
    results = None
    on = date.today()
    if request.args and form.validate():
        on = form.on.data or on
        results = conventions.lookup_grade(form.points.data, on)
    return render_template("pay/grade.html", form=form, results=results, on=on)
