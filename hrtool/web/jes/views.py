"""Job evaluation scheme and local conventions pages.

Everyone with `jes.view` (HR, administrators, union reps: the scheme and the conventions are joint
agreements) reads the factor plan by version and every set of conventions with its history. An
administrator (`jes.scheme`) edits a level or factor and adds a version from a date; HR
(`jes.conventions`) records and withdraws conventions and drafts merged sets."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Convention, SchemeFactor, SchemeLevel, Situation
from ...permissions import requires
from ...services.pay.jes import forms_data, local_conventions, scheme
from ..fields import id_from_query, required_date
from ..form_errors import show_domain_error
from .forms import (
    ChooseForm,
    ConventionForm,
    DraftSetForm,
    FactorForm,
    LevelForm,
    WithdrawForm,
    changed_points,
    new_version_form,
)

bp = Blueprint("jes", __name__, url_prefix="/job-evaluation")


# The scheme ----------------------------------------------------------------------------------

@bp.get("/scheme")
@requires("jes.view")
def scheme_page() -> Any:
    versions = scheme.versions()
    current = scheme.version_on(date.today())
    return render_template("jes/scheme.html", versions=versions, current=current, caveat=scheme.SOURCE_CAVEAT)


@bp.get("/scheme/<int:version_id>")
@requires("jes.view")
def version(version_id: int) -> Any:
    found = scheme.version_by_id(version_id) or abort(404)
    factors = forms_data.factor_options(found)
    return render_template("jes/version.html", version=found, groups=forms_data.grouped(factors),
                           factors={f.number: f for f in found.factors}, caveat=scheme.SOURCE_CAVEAT,
                           rescorable=scheme.evaluations_from(found.effective_from))


@bp.route("/scheme/levels/<int:level_id>/edit", methods=["GET", "POST"])
@requires("jes.scheme")
def edit_level(level_id: int) -> Any:
    level = db.get_or_404(SchemeLevel, level_id)
    form = LevelForm(obj=level if request.method == "GET" else None)
    affected = scheme.evaluations_at(level_id)
    if form.validate_on_submit():
        points_change = form.points.data != level.points
        try:
            scheme.edit_level(level_id, form.points.data, form.definition.data or "", form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Level saved. {affected} evaluation{'s' if affected != 1 else ''} re-scored." if points_change
                  else "Level saved.", "success")
            return redirect(url_for("jes.version", version_id=level.factor.version_id))
    return render_template("jes/edit_level.html", form=form, level=level, affected=affected), \
        400 if request.method == "POST" else 200


@bp.route("/scheme/factors/<int:factor_id>/edit", methods=["GET", "POST"])
@requires("jes.scheme")
def edit_factor(factor_id: int) -> Any:
    factor = db.get_or_404(SchemeFactor, factor_id)
    form = FactorForm(obj=factor if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            scheme.edit_factor(factor_id, form.definition.data or "", form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Factor saved.", "success")
            return redirect(url_for("jes.version", version_id=factor.version_id))
    return render_template("jes/edit_factor.html", form=form, factor=factor), 400 if request.method == "POST" else 200


@bp.route("/scheme/new", methods=["GET", "POST"])
@requires("jes.scheme")
def new_version() -> Any:
    """A new version from a date: the plan in force then, with the points changed here."""
    latest = next(reversed(scheme.versions()), None)
    if latest is None:
        abort(404)
    form = new_version_form(latest.factors)
    if form.validate_on_submit():
        effective_from = required_date(form.effective_from)
        base = scheme.version_on(effective_from) or latest
        changed = changed_points(form, base.factors)
        affected = scheme.evaluations_from(effective_from)
        try:
            made = scheme.add_version(effective_from, form.name.data or "", changed, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"Version added from {made.effective_from:%d/%m/%Y} with {len(changed)} changed points: "
                  f"{affected} evaluation{'s' if affected != 1 else ''} re-scored.", "success")
            return redirect(url_for("jes.version", version_id=made.id))
    return render_template("jes/new_version.html", form=form, latest=latest,
                           groups=forms_data.grouped(forms_data.factor_options(latest))), \
        400 if request.method == "POST" else 200


# Local conventions ---------------------------------------------------------------------------

@bp.get("/conventions")
@requires("jes.view")
def convention_sets() -> Any:
    sets = local_conventions.sets()
    return render_template("jes/sets.html", sets=sets,
                           counts={s.id: len(local_conventions.conventions(s.id)) for s in sets})


def _set_page(set_id: int, status: int = 200, form: ConventionForm | None = None,
              choose_form: ChooseForm | None = None) -> Any:
    the_set = forms_data.convention_set(set_id) or abort(404)
    everything = local_conventions.conventions(set_id, include_history=True)
    form = form or ConventionForm()
    _offer_situations(form)
    return render_template("jes/set.html", the_set=the_set, form=form, choose_form=choose_form,
                           current=forms_data.by_factor([c for c in everything if c.current]),
                           history=[c for c in everything if not c.current],
                           points=forms_data.level_points(date.today()),
                           rows=forms_data.draft_rows(set_id) if the_set.is_draft else [],
                           others=[s for s in local_conventions.sets() if s.id != set_id],
                           successors={c.id: c for c in everything}, names=forms_data.factor_names(date.today())), \
        status


def _offer_situations(form: ConventionForm) -> None:
    form.situation_id.choices = [("", "A new situation")] + [
        (str(s.id), f"Factor {s.factor_number}: {s.text}") for s in forms_data.situations()]


@bp.get("/conventions/<int:set_id>")
@requires("jes.view")
def convention_set(set_id: int) -> Any:
    return _set_page(set_id)


@bp.post("/conventions/<int:set_id>/record")
@requires("jes.conventions")
def record_convention(set_id: int) -> Any:
    the_set = forms_data.convention_set(set_id) or abort(404)
    form = ConventionForm()
    _offer_situations(form)
    if form.validate_on_submit():
        known = db.session.get(Situation, int(form.situation_id.data)) if form.situation_id.data else None
        factor = known.factor_number if known else int(form.factor_number.data or 0)
        text = known.text if known else (form.situation_text.data or "")
        try:
            if not factor:
                raise DomainError("Choose the factor the new situation is for", field="factor_number")
            local_conventions.record(set_id, factor, text, form.level.data, form.rationale.data or "",
                                     form.agreed_on.data, form.agreed_by.data or "", form.reason.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Convention recorded." if the_set.council_id else "Reading recorded in the draft set.", "success")
            return redirect(url_for("jes.convention_set", set_id=set_id))
    return _set_page(set_id, 400, form=form)


@bp.route("/conventions/entries/<int:convention_id>/withdraw", methods=["GET", "POST"])
@requires("jes.conventions")
def withdraw_convention(convention_id: int) -> Any:
    convention = db.get_or_404(Convention, convention_id)
    form = WithdrawForm()
    if request.method == "GET":
        form.withdrawn_on.data = date.today()
    if form.validate_on_submit():
        try:
            local_conventions.withdraw(convention_id, required_date(form.withdrawn_on), form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Convention withdrawn: it is kept in the set's history.", "success")
            return redirect(url_for("jes.convention_set", set_id=convention.set_id))
    return render_template("jes/withdraw.html", form=form, convention=convention), \
        400 if request.method == "POST" else 200


@bp.get("/conventions/compare")
@requires("jes.view")
def compare_sets() -> Any:
    """Two sets side by side, marking the situations where they differ."""
    sets = local_conventions.sets()
    ids = [s.id for s in sets]
    a = id_from_query("a") or (ids[0] if ids else None)
    b = id_from_query("b") or (ids[1] if len(ids) > 1 else None)
    if (a is not None and a not in ids) or (b is not None and b not in ids):
        abort(404)
    partings = local_conventions.side_by_side(a, b) if a and b else []
    return render_template("jes/compare.html", sets=sets, a=forms_data.convention_set(a) if a else None,
                           b=forms_data.convention_set(b) if b else None, partings=partings,
                           points=forms_data.level_points(date.today()))


@bp.route("/conventions/drafts/new", methods=["GET", "POST"])
@requires("jes.conventions")
def new_draft() -> Any:
    form = DraftSetForm()
    form.copy_from.choices = [("", "An empty set")] + [(str(s.id), f"A copy of {s.name}")
                                                        for s in local_conventions.sets()]
    if form.validate_on_submit():
        try:
            made = local_conventions.create_draft_set(form.name.data, form.description.data or "",
                                                      int(form.copy_from.data) if form.copy_from.data else None)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Draft set created: choose each situation's level in it.", "success")
            return redirect(url_for("jes.convention_set", set_id=made.id))
    return render_template("jes/new_draft.html", form=form), 400 if request.method == "POST" else 200


@bp.post("/conventions/<int:set_id>/choose")
@requires("jes.conventions")
def choose_level(set_id: int) -> Any:
    forms_data.convention_set(set_id) or abort(404)
    form = ChooseForm()
    if form.validate_on_submit():
        try:
            local_conventions.choose(set_id, form.situation_id.data, form.level.data, form.rationale.data or "")
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash("Level chosen.", "success")
            return redirect(url_for("jes.convention_set", set_id=set_id) + f"#situation-{form.situation_id.data}")
    return _set_page(set_id, 400, choose_form=form)
