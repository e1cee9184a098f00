"""HR's restructures: both structures and their org charts, the job match grid, each person's
route under the joint policy (and overrides), appointments, costing, redundancy, and the
redundancy and apportionment calculators."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ...domain.apportionment import CONVENTIONS, ApportionmentError, reduce_part
from ...domain.assimilation import ROUTE_LABELS
from ...errors import DomainError
from ...extensions import db
from ...models import Employee, Restructure, RouteDecision, StructurePost
from ...permissions import has, requires
from ...services.people.councils import councils
from ...services.restructures import restructure_go_live
from ...services.restructures import restructures as service
from ...services.restructures.redundancy import calculate, restructure_redundancy
from ...services.restructures.restructure_costing import SPLIT_RULES, costing
from ..fields import id_from_query, required_date
from ..form_errors import show_domain_error
from . import go_live  # noqa: F401  (implementing a restructure: its routes join this blueprint)
from .blueprint import bp, page, restructure_or_404
from .forms import (
    AppointmentForm,
    ApportionForm,
    MatchGridForm,
    OverrideForm,
    PostForm,
    RedundancyCalcForm,
    RemovePostForm,
    RestructureForm,
)

T = TypeVar("T")


class ConfirmForm(FlaskForm):
    """CSRF only, for buttons that post."""


@bp.get("/")
@requires("restructures.view")
def restructures_list() -> Any:
    return render_template("restructures/list.html", restructures=service.newest_first())


@bp.route("/new", methods=["GET", "POST"])
@requires("restructures.manage")
def create() -> Any:
    form = RestructureForm()
    if form.validate_on_submit():
        try:
            record = service.create_restructure(form.name.data, form.description.data or "", form.effective_date.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"{record.name} created. Add the posts of both structures next.", "success")
            return redirect(url_for("restructures.overview", restructure_id=record.id))
    return render_template("restructures/new.html", form=form), 400 if form.errors else 200


@bp.get("/<int:restructure_id>")
@requires("restructures.view")
def overview(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    today = date.today()
    found = service.decisions(record)
    counts = {route: sum(1 for d in found if d.route == route) for route in ROUTE_LABELS}
    implementation = restructure_go_live.standing(record)
    return page("overview.html", record, "overview", costing=costing(record, today), counts=counts,
                 decided=len(found), holders=len(service.holders(record, today)),
                 vacancies=service.vacancies(record), implementation=implementation,
                 changes=restructure_go_live.changes(implementation) if implementation else {})


@bp.get("/<int:restructure_id>/charts")
@requires("restructures.view")
def charts(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    today = date.today()
    return page("charts.html", record, "charts", current=service.chart(record, "current", today),
                 proposed=service.chart(record, "proposed", today), band_words=service.band_words,
                 as_at=service.as_at(record, today), established=restructure_go_live.established_posts(record))


POST_FIELDS = ("side", "title", "tier", "grade", "band_min", "band_max", "fte", "functions", "reports_to_id",
               "employer_id", "ccdc_share", "budget", "post_number", "recruitment")
REMOVE_PREFIX = "remove"


def _post_form_choices(form: PostForm, record: Restructure, post: StructurePost | None = None) -> None:
    form.reports_to_id.choices = [(0, "Nobody (top of the structure)")] + [
        (p.id, f"{p.title} ({p.side})") for p in record.posts if post is None or p.id != post.id]
    form.employer_id.choices = [(0, "Not decided")] + [(c.id, c.name) for c in councils()]


def _post_values(form: PostForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in POST_FIELDS}


def _owned(model: type[T], record: Restructure, row_id: int) -> T:
    """A post, decision ... of this restructure, or 404 (never another restructure's)."""
    row = db.session.get(model, row_id)
    if row is None or row.restructure_id != record.id:  # type: ignore[attr-defined]
        abort(404)
    return row


def _structure_post(record: Restructure, post_id: int) -> StructurePost:
    return _owned(StructurePost, record, post_id)


@bp.route("/<int:restructure_id>/posts/new", methods=["GET", "POST"])
@requires("restructures.manage")
def add_post(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    form = PostForm()
    _post_form_choices(form, record)
    if request.method == "GET" and request.args.get("side") in service.SIDES:
        form.side.data = request.args["side"]
    if form.validate_on_submit():
        try:
            post = service.add_post(record, _post_values(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"{post.title} added to the {post.side} structure.", "success")
            return redirect(url_for("restructures.charts", restructure_id=record.id))
    return page("post_new.html", record, "charts", 400 if form.errors else 200, form=form)


def _edit_page(record: Restructure, post: StructurePost, form: PostForm, remove_form: RemovePostForm) -> Any:
    status = 400 if form.errors or remove_form.errors else 200
    return page("post_edit.html", record, "charts", status, form=form, remove_form=remove_form, post=post)


@bp.route("/<int:restructure_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@requires("restructures.manage")
def edit_post(restructure_id: int, post_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    post = _structure_post(record, post_id)
    form = PostForm(data=service.values_of(post) if request.method == "GET" else None)
    _post_form_choices(form, record, post)
    if form.validate_on_submit():
        try:
            service.update_post(post, _post_values(form))
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Changes to {post.title} saved.", "success")
            return redirect(url_for("restructures.charts", restructure_id=record.id))
    return _edit_page(record, post, form, RemovePostForm(formdata=None, prefix=REMOVE_PREFIX))


@bp.post("/<int:restructure_id>/posts/<int:post_id>/remove")
@requires("restructures.manage")
def remove_post(restructure_id: int, post_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    post = _structure_post(record, post_id)
    remove_form = RemovePostForm(prefix=REMOVE_PREFIX)
    if remove_form.validate_on_submit():
        title, side = post.title, post.side
        try:
            service.remove_post(post, remove_form.reason.data)
        except DomainError as error:
            show_domain_error(remove_form, error)
        else:
            flash(f"{title} removed from the {side} structure.", "success")
            return redirect(url_for("restructures.charts", restructure_id=record.id))
    form = PostForm(formdata=None, data=service.values_of(post))
    _post_form_choices(form, record, post)
    return _edit_page(record, post, form, remove_form)


# -- match grid ------------------------------------------------------------------------------------

def _grid(record: Restructure, values: dict[str, str] | None = None, errors: list[tuple[str, str]] | None = None,
          status: int = 200) -> Any:
    held = service.matches(record)
    if values is None:
        values = {}
        for (cur, new), m in held.items():
            values[f"m_{cur}_{new}"] = str(m.match_percent)
            values[f"n_{cur}_{new}"] = m.note
    return page("matches.html", record, "matches", status, form=ConfirmForm(), values=values,
                 errors=errors or [], error_fields={f for f, _ in errors or []},
                 current=service.posts(record, "current"), proposed=service.posts(record, "proposed"))


@bp.get("/<int:restructure_id>/matches")
@requires("restructures.view")
def matches(restructure_id: int) -> Any:
    return _grid(restructure_or_404(restructure_id))


@bp.post("/<int:restructure_id>/matches")
@requires("restructures.manage")
def save_matches(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    form = MatchGridForm(service.posts(record, "current"), service.posts(record, "proposed"))
    if not form.validate_on_submit():
        if not form.cell_errors:
            abort(400)  # the CSRF token was refused
        return _grid(record, form.values, form.cell_errors, 400)
    try:
        changed = service.save_matches(record, form.entries)
    except DomainError as error:
        return _grid(record, form.values, [("", error.message)], 400)
    flash(f"Job matches saved ({changed} changed). Run the policy to see each person's route.", "success")
    return redirect(url_for("restructures.matches", restructure_id=record.id))


# -- routes ------------------------------------------------------------------------------------------

@bp.get("/<int:restructure_id>/routes")
@requires("restructures.view")
def routes(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    today = date.today()
    people = {h.employee.id: h for h in service.holders(record, today)}
    found = service.decisions(record)
    try:
        rules = service.assimilation_policy(record.effective_date or today)
    except DomainError:
        rules = None
    return page("routes.html", record, "routes", decisions=found, people=people,
                 posts={p.id: p for p in record.posts}, rules=rules, form=ConfirmForm(),
                 vacancies=service.vacancies(record), missing=[h for i, h in people.items()
                                                                if i not in {d.employee_id for d in found}])


@bp.post("/<int:restructure_id>/engine")
@requires("restructures.manage")
def run_engine(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        run = service.run_engine(record, date.today())
    except DomainError as error:
        flash(error.message)
    else:
        kept = f"; {run.kept} set by HR kept as they were" if run.kept else ""
        flash(f"The joint policy was applied: {run.computed} routes worked out{kept}.", "success")
    return redirect(url_for("restructures.routes", restructure_id=record.id))


def _decision(record: Restructure, decision_id: int) -> RouteDecision:
    return _owned(RouteDecision, record, decision_id)


@bp.route("/<int:restructure_id>/routes/<int:decision_id>/override", methods=["GET", "POST"])
@requires("restructures.manage")
def override(restructure_id: int, decision_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    decision = _decision(record, decision_id)
    form = OverrideForm()
    form.proposed_post_id.choices = [(0, "None (at risk)")] + [
        (p.id, p.title) for p in service.posts(record, "proposed")]
    if request.method == "GET":
        form.route.data = decision.route
        form.proposed_post_id.data = decision.proposed_post_id or (decision.pool or [0])[0]
    if form.validate_on_submit():
        try:
            service.override(decision, form.route.data, form.proposed_post_id.data or None, form.reason.data,
                             current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Route for {cast(Employee, db.session.get(Employee, decision.employee_id)).full_name} set by HR.", "success")
            return redirect(url_for("restructures.routes", restructure_id=record.id))
    return page("override.html", record, "routes", 400 if form.errors else 200, form=form, decision=decision,
                 employee=db.session.get(Employee, decision.employee_id),
                 current_post=db.session.get(StructurePost, decision.current_post_id))


# -- appointments -------------------------------------------------------------------------------

@bp.route("/<int:restructure_id>/appointments", methods=["GET", "POST"])
@requires("restructures.view")
def appointments(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    today = date.today()
    people = service.holders(record, today)
    form = AppointmentForm()
    form.proposed_post_id.choices = [(p.id, p.title) for p in service.posts(record, "proposed")]
    form.employee_id.choices = [(0, "External appointee")] + [
        (h.employee.id, f"{h.employee.full_name} ({h.post.title})") for h in people]
    if request.method == "GET":
        form.proposed_post_id.data = id_from_query("post")
        form.start_date.data = record.effective_date
    if request.method == "POST":
        if not has("restructures.manage"):
            abort(403)
        if form.validate_on_submit():
            values = {name: getattr(form, name).data for name in (
                "proposed_post_id", "employee_id", "external_name", "outcome", "start_date", "salary", "note")}
            try:
                made = service.record_appointment(record, values, today)
            except DomainError as error:
                show_domain_error(form, error)
            else:
                protected = " A pay protection record was created." if made.protection_id else ""
                flash(f"{'Appointment' if made.outcome == 'appointed' else 'Selection outcome'} recorded.{protected}",
                      "success")
                return redirect(url_for("restructures.appointments", restructure_id=record.id))
    all_made = service.appointments(record)
    names = service.other_appointees(all_made, people)
    return page("appointments.html", record, "appointments", 400 if form.errors else 200, form=form,
                 appointments=all_made, vacancies=service.vacancies(record), names=names,
                 implemented=restructure_go_live.standing(record) is not None,
                 posts={p.id: p for p in record.posts}, people={h.employee.id: h for h in people},
                 band_words=service.band_words)


# -- costing and redundancy ----------------------------------------------------------------------

@bp.get("/<int:restructure_id>/costing")
@requires("restructures.view")
def costing_page(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    split = request.args.get("split", "shares")
    if split not in SPLIT_RULES:
        split = "shares"
    try:
        result = costing(record, date.today(), split)
    except ApportionmentError as error:  # an equal share of the saving more than a council's cost
        flash(f"{error} The cost is shown split by each post's share.", "error")
        split, result = "shares", costing(record, date.today(), "shares")
    return page("costing.html", record, "costing", costing=result, split=split, split_rules=SPLIT_RULES,
                 implemented=restructure_go_live.standing(record) is not None,
                 as_at=service.as_at(record, date.today()))


@bp.get("/<int:restructure_id>/redundancy")
@requires("restructures.view")
def redundancy_page(restructure_id: int) -> Any:
    record = restructure_or_404(restructure_id)
    return page("redundancy.html", record, "redundancy", report=restructure_redundancy(record, date.today()))


# -- calculators ---------------------------------------------------------------------------------

@bp.get("/calculators/redundancy")
@requires("restructures.view")
def redundancy_calculator() -> Any:
    form = RedundancyCalcForm(request.args)
    form.council.choices = [(c.code, c.name) for c in councils()]
    result = None
    submitted = "weekly_pay" in request.args
    if submitted and form.validate():
        try:
            result = calculate(form.council.data, required_date(form.dob), required_date(form.service_from),
                               required_date(form.leaving),
                               form.weekly_pay.data, redundancy_service_from=form.redundancy_service_from.data,
                               notice_given_on=form.notice_given.data, pilon=form.pilon.data == "yes",
                               grade=form.grade.data)
        except DomainError as error:
            field = getattr(form, error.field, None) if error.field else None
            (field.errors if field is not None else form.form_errors).append(error.message)
    return render_template("restructures/calc_redundancy.html", form=form, result=result), (
        400 if form.errors else 200)


@bp.get("/calculators/apportion")
@requires("restructures.view")
def apportion_calculator() -> Any:
    form = ApportionForm(request.args)
    result = later = None
    if "shared_cost" in request.args and form.validate():
        try:
            result = CONVENTIONS[form.convention.data]({"CCDC": form.ccdc.data, "SBC": form.sbc.data},
                                                       form.shared_cost.data)
            if form.reduce_council.data and form.reduce_by.data:
                later = reduce_part(result, form.reduce_council.data, form.reduce_by.data)
        except ApportionmentError as error:
            form.form_errors.append(str(error))
    names = {c.code: c.short_name for c in councils()}
    return render_template("restructures/calc_apportion.html", form=form, result=result, later=later,
                           names=names, zero=Decimal(0)), (400 if form.errors else 200)

