"""Pay and grading reference: the NJC spine by pay year, pay awards and applying them, each
council's grade bands with their history, the pay award (arrears) run and the grade lookup."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...domain.arrears import arrears_months
from ...domain.grading import GradeBand
from ...errors import DomainError
from ...extensions import db
from ...jobs import records
from ...jobs.kinds import pay as pay_kinds
from ...models import Council, GradeConvention, Job, PayAward, PaySpinePoint
from ...permissions import requires
from ...services.pay import conventions, pay_award_run, pay_spines
from ...services.platform import unit_of_work
from ...services.rules import date_windows
from ..auth.reauth import recent_password_required
from ..downloads import require_spreadsheet_format, send_spreadsheet
from ..fields import id_from_query, required_date
from ..form_errors import show_domain_error
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
BLANK_BAND_ROWS = 3


@bp.app_template_filter("pay_year")
def pay_year_filter(start: date | None) -> str:
    return pay_spines.pay_year_label(start) if start else ""


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
        # A job: the protection schedules the value reaches are recalculated with it.
        label = pay_spines.pay_year_label(point.pay_year_from)
        try:
            job = records.submit("pay_spine_correction", {"point_id": point_id, "annual_salary": str(form.annual_salary.data),
                                                          "reason": form.reason.data}, current_user,
                                 description=f"Correct SCP {point.scp} for {label}",
                                 dedupe_key=pay_kinds.correction_key(point_id))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect(url_for("jobs.show", job_id=job.id))
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
            show_domain_error(form, error)
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
    """Step one shows what the new spine would be; confirming (step two) starts a job that makes
    it and recalculates the protection schedules it reaches (too long for a request at
    100,000 people). The job's own checks are tried first, keeping nothing, so a refusal is
    shown on this form with what was typed."""
    award = db.get_or_404(PayAward, award_id)
    form = ApplyAwardForm()
    try:
        preview = pay_spines.preview_award(award)
    except DomainError as error:
        flash(error.message)
        return redirect(url_for("pay.awards"))
    if form.validate_on_submit():
        label = pay_spines.pay_year_label(award.pay_year_from)
        try:
            with unit_of_work.dry_run():
                pay_spines.apply_award_to_spine(award, agreed_on=form.agreed_on.data, replace=form.replace.data,
                                                reason=form.reason.data)
            job = records.submit(
                "pay_award_apply", {"award_id": award_id, "replace": bool(form.replace.data), "reason": form.reason.data,
                                    "agreed_on": form.agreed_on.data.isoformat() if form.agreed_on.data else None},
                current_user, description=f"Apply the {label} pay award to the spine",
                dedupe_key=pay_kinds.apply_key(award_id))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("pay/apply.html", form=form, award=award, preview=preview)


def _kept_run(award: PayAward, run_id: int | None, first_paid_on: date | None) -> Job | None:
    """The arrears run to show: the one asked for, else the latest worked out for this date."""
    if run_id is not None:
        job = records.latest_done("pay_arrears", job_id=run_id)
    elif first_paid_on is not None:
        job = records.latest_done("pay_arrears", dedupe_key=pay_kinds.arrears_key(award.id, first_paid_on))
    else:
        return None
    if job is None or job.params.get("award_id") != award.id:
        return None
    return job


def _first_paid_on(award: PayAward, form: ArrearsForm) -> date:
    """The first pay date asked for (default: the first of the month after the award was agreed),
    if a run can be worked out for it."""
    first_paid_on = form.first_paid_on.data or pay_award_run.default_first_pay_date(award)
    if first_paid_on is None:
        raise DomainError("This award has no date agreed yet: record when it was agreed first")
    pay_award_run.check(award, first_paid_on)
    return first_paid_on


@bp.route("/awards/<int:award_id>/arrears", methods=["GET", "POST"])
@requires("pay.view")
def arrears(award_id: int) -> Any:
    """The pay award run (a job). Asking for it (POST) starts a job that works out
    everyone's arrears once and keeps the figures; the page (GET) shows the latest run kept for
    the chosen first pay date: a summary and one page of people, the downloads holding everyone."""
    award = db.get_or_404(PayAward, award_id)
    form = ArrearsForm(request.form if request.method == "POST" else request.args)
    warning = date_windows.held_award_warning(award.pay_year_from, award.agreed_on)
    if request.method == "POST":
        if not form.validate():
            return render_template("pay/arrears.html", form=form, award=award, result=None, run=None,
                                   date_warning=warning), 400
        try:
            first_paid_on = _first_paid_on(award, form)
            job = records.submit("pay_arrears", {"award_id": award_id, "first_paid_on": first_paid_on.isoformat()},
                                 current_user, description=f"Arrears for the {pay_spines.pay_year_label(award.pay_year_from)} "
                                 f"pay award, first paid on {first_paid_on:%-d %B %Y}",
                                 dedupe_key=pay_kinds.arrears_key(award_id, first_paid_on))
        except DomainError as error:
            show_domain_error(form, error)
            return render_template("pay/arrears.html", form=form, award=award, result=None, run=None,
                                   date_warning=warning), 400
        return redirect(url_for("jobs.show", job_id=job.id))
    run = None
    if form.validate():
        try:
            form.first_paid_on.data = _first_paid_on(award, form)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            run = _kept_run(award, id_from_query("run"), form.first_paid_on.data)
    running = None
    if form.first_paid_on.data and not form.errors:
        running = records.active(pay_kinds.arrears_key(award.id, form.first_paid_on.data))
    if run is None:
        return render_template("pay/arrears.html", form=form, award=award, result=None, run=None, running=running,
                               date_warning=warning)
    kept = run.result["run"]
    result = pay_award_run.from_stored(award, kept, people=False)  # the summary; then one page of people
    form.first_paid_on.data = result.first_paid_on
    paid = result.first_paid_on
    filters: dict[str, Any] = {"award_id": award_id, "first_paid_on": [paid.day, paid.month, paid.year], "run": run.id}
    people = paginate_list(kept["people"], "pay.arrears", **filters)
    people = replace(people, items=[pay_award_run.stored_person(row) for row in people.items])
    missing = paginate_list(kept["not_computed"], "pay.arrears", arg="missing_page", **filters)
    missing = replace(missing, items=[pay_award_run.stored_not_computed(row) for row in missing.items])
    return render_template("pay/arrears.html", form=form, award=award, result=result, run=run, running=running,
                           date_warning=warning, months=arrears_months(result.effective_from, paid), people=people,
                           missing=missing)


@bp.get("/awards/<int:award_id>/arrears.<fmt>")
@requires("pay.view")
@recent_password_required  # a bulk export of personal data
def arrears_export(award_id: int, fmt: str) -> Any:
    """The whole of a kept run as CSV or XLSX: the figures the page shows, audited as an export."""
    require_spreadsheet_format(fmt)
    award = db.get_or_404(PayAward, award_id)
    form = ArrearsForm(request.args)
    if not form.validate():
        abort(400)
    run = _kept_run(award, id_from_query("run"), form.first_paid_on.data or pay_award_run.default_first_pay_date(award))
    if run is None:
        flash("Work out the arrears for that first pay date first: the download holds a run's figures.")
        return redirect(url_for("pay.arrears", award_id=award_id))
    result = pay_award_run.from_stored(award, run.result["run"])
    name = f"pay-award-arrears-{award.pay_year_from:%Y}-paid-{result.first_paid_on:%Y-%m-%d}.{fmt}"
    return send_spreadsheet(lambda out: pay_award_run.export_stored(result, out, fmt), fmt, name)


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
            # Saving is a job: regrading a council's posts and protecting those moving
            # down is long at 100,000 people. The job makes exactly the plan checked (its fingerprint).
            when = required_date(form.effective_from)
            try:
                job = records.submit(
                    "grade_bands_change",
                    {"council_id": council_id, "effective_from": when.isoformat(), "name": form.name.data.strip(),
                     "notes": (form.notes.data or "").strip(), "reason": form.reason.data,
                     "bands": [[b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max] for b in bands],
                     "expected": form.fingerprint.data},
                    current_user, description=f"New bands for {council.short_name} from {when:%-d %B %Y}",
                    dedupe_key=pay_kinds.bands_key(council_id))
            except DomainError as error:
                show_domain_error(form, error)
            else:
                return redirect(url_for("jobs.show", job_id=job.id))
        form.fingerprint.data = ""
        if checkable:  # the check, and after a refused confirmation what the change would do now
            try:
                preview = conventions.preview_bands(council_id, required_date(form.effective_from), bands)
                form.fingerprint.data = preview.fingerprint
            except DomainError as error:
                if not form.form_errors and all(not f.errors for f in form):
                    show_domain_error(form, error)
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
