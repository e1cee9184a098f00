"""Rules held as data (README: "Rules are data"): the dated history of each statutory limit, rule
setting, policy and terms package, for HR and admins; a new value or version from a date, for
admins only, after confirming their password."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from ...domain.rule_bodies import Item, Table, current_text, review_date
from ...domain.rule_values import KIND_HINTS
from ...errors import DomainError
from ...extensions import db
from ...models import Council, Policy
from ...permissions import has, requires
from ...services.platform import unit_of_work
from ...services.rules import rules_admin
from ..auth.reauth import recent_password_required
from .forms import (
    LimitForm,
    PackageVersionForm,
    PolicyVersionForm,
    SettingForm,
    body_form,
    layout,
)

bp = Blueprint("rules", __name__, url_prefix="/rules")


def _save(form: FlaskForm, change: Callable[[], Any]) -> Any | None:
    """Check the form and make the change; the service checks every rule again, so every problem
    shows at once, each on its field. The change is kept only when both agree: with the form
    refused, the service runs as a dry run (its checks, nothing kept)."""
    form_ok = form.validate_on_submit()
    try:
        if form_ok:
            return change()
        with unit_of_work.dry_run():
            change()
    except rules_admin.ChangeRefused as refused:
        for name, message in refused.problems.items():
            # A problem with a table as a whole (too few rows, "t3") shows on its first box.
            field = form._fields.get(name) or form._fields.get(f"{name}-r0-c0")
            if field is None:
                form.form_errors.append(message)
            elif not field.errors:
                field.errors = [message]
        return None
    except DomainError as error:
        form.form_errors.append(error.message)
        return None
    return None


def _in_force(versions: Sequence[Any]) -> int | None:
    """The version in force today, of a newest-first list."""
    today = date.today()
    return next((v.id for v in versions if v.effective_from <= today
                 and (getattr(v, "effective_to", None) is None or v.effective_to >= today)), None)


def _shown(items: Sequence[Item]) -> dict[str, list[Any]]:
    """A version's values for reading: labelled values, then tables."""
    plain = {"yes": "Yes", "no": "No"}
    answers = current_text(items)
    values: list[tuple[str, str]] = []
    tables = []
    for index, item in enumerate(items):
        if isinstance(item, Table):
            tables.append((item.label, [c.label for c in item.columns], [list(r) for r in item.rows]))
        else:
            text = answers[f"v{index}"]
            values.append((item.label, plain.get(text, text)))
    return {"values": values, "tables": tables}


def _starting(values: dict[str, Any]) -> dict[str, Any] | None:
    """What a form starts from on GET; a POST shows only what was sent."""
    return values if request.method == "GET" else None


def _status() -> int:
    return 400 if request.method == "POST" else 200


def _history(template: str, table: str, versions: Sequence[Any], /, **shown: Any) -> str:
    """A dated history page: the version in force, why each was made, and whether this user may add one."""
    return render_template(template, in_force=_in_force(versions), reasons=rules_admin.reasons(table, [v.id for v in versions]),
                           can_edit=has("reference.edit"), **shown)


def _new_value(form: FlaskForm, change: Callable[[], Any], said: Callable[[Any], str], back: str) -> Any | None:
    """A posted new value of a limit or setting: saved, said and back to its history; None shows the form again."""
    if request.method != "POST":
        return None
    added = _save(form, change)
    if added is None:
        return None
    flash(f"New value {said(added.value)} saved from {added.effective_from:%d/%m/%Y}; "
          "the earlier values are kept as history.", "success")
    return redirect(back)


# -- statutory limits ---------------------------------------------------------------------------

@bp.get("/limits/<limit_name>")
@requires("reference.view")
def limit_history(limit_name: str) -> Any:
    values = rules_admin.limit_values(limit_name) or abort(404)
    return _history("rules/limit_history.html", "statutory_limit", values, name=limit_name, values=values)


@bp.route("/limits/<limit_name>/new", methods=["GET", "POST"])
@requires("reference.edit")
@recent_password_required
def new_limit(limit_name: str) -> Any:
    values = rules_admin.limit_values(limit_name) or abort(404)
    form = LimitForm()
    done = _new_value(form, lambda: rules_admin.add_limit_value(limit_name, form.effective_from.data, form.value.data,
                                                                form.source.data, form.reason.data),
                      lambda value: f"£{value:,.2f}", url_for("rules.limit_history", limit_name=limit_name))
    if done is not None:
        return done
    return render_template("rules/limit_new.html", form=form, name=limit_name, latest=values[0]), _status()


# -- rule settings --------------------------------------------------------------------------------

@bp.get("/settings/<setting_key>")
@requires("reference.view")
def setting_history(setting_key: str) -> Any:
    values = rules_admin.setting_values(setting_key) or abort(404)
    return _history("rules/setting_history.html", "rule_setting", values, key=setting_key, values=values)


@bp.route("/settings/<setting_key>/new", methods=["GET", "POST"])
@requires("reference.edit")
@recent_password_required
def new_setting(setting_key: str) -> Any:
    values = rules_admin.setting_values(setting_key) or abort(404)
    latest = values[0]
    form = SettingForm(data=_starting({"description": latest.description}))
    done = _new_value(form, lambda: rules_admin.add_setting_value(setting_key, form.effective_from.data, form.value.data,
                                                                  form.description.data, form.reason.data),
                      str, url_for("rules.setting_history", setting_key=setting_key))
    if done is not None:
        return done
    return render_template("rules/setting_new.html", form=form, key=setting_key, latest=latest,
                           hint=KIND_HINTS[rules_admin.setting_kind(latest)]), _status()


# -- policies --------------------------------------------------------------------------------------

@bp.get("/policies/<int:policy_id>")
@requires("reference.view")
def policy_history(policy_id: int) -> Any:
    chosen = db.get_or_404(Policy, policy_id)
    versions = rules_admin.policy_versions(chosen.kind, chosen.council_id)
    return _history("rules/policy_history.html", "policy", versions, chosen=chosen, versions=versions,
                    shown={v.id: _shown(rules_admin.policy_items(v)) for v in versions},
                    review={v.id: review_date(v.body) for v in versions},
                    own_page=chosen.kind in rules_admin.OWN_PAGE_KINDS)


@bp.route("/policies/<int:policy_id>/new", methods=["GET", "POST"])
@requires("reference.edit")
@recent_password_required
def new_policy(policy_id: int) -> Any:
    chosen = db.get_or_404(Policy, policy_id)
    if chosen.kind in rules_admin.OWN_PAGE_KINDS:
        abort(404)
    latest = rules_admin.policy_versions(chosen.kind, chosen.council_id)[0]
    items = rules_admin.policy_items(latest)
    form = body_form(PolicyVersionForm, items, request.form)(
        data=_starting({**current_text(items), "review_on": review_date(latest.body)}))
    if request.method == "POST":
        added = _save(form, lambda: rules_admin.add_policy_version(
            latest.kind, latest.council_id, form.effective_from.data, request.form, form.source.data, form.reason.data,
            review_on=form.review_on.data))
        if added is not None:
            flash(f"New version saved from {added.effective_from:%d/%m/%Y}; the version before it now ends on "
                  f"{latest.effective_to:%d/%m/%Y}.", "success")
            return redirect(url_for("rules.policy_history", policy_id=added.id))
    return render_template("rules/policy_new.html", form=form, latest=latest,
                           drawn=layout(form, items, request.form)), _status()


# -- terms packages --------------------------------------------------------------------------------

@bp.get("/terms/<int:council_id>")
@requires("reference.view")
def terms_history(council_id: int) -> Any:
    council = db.get_or_404(Council, council_id)
    versions = rules_admin.package_versions(council_id) or abort(404)
    return _history("rules/terms_history.html", "terms_package", versions, council=council, versions=versions,
                    shown={v.id: _shown(rules_admin.package_items(v)) for v in versions})


@bp.route("/terms/<int:council_id>/new", methods=["GET", "POST"])
@requires("reference.edit")
@recent_password_required
def new_terms(council_id: int) -> Any:
    council = db.get_or_404(Council, council_id)
    latest = (rules_admin.package_versions(council_id) or abort(404))[0]
    items = rules_admin.package_items(latest)
    form = body_form(PackageVersionForm, items, request.form)(data=_starting({**current_text(items), "name": latest.name}))
    if request.method == "POST":
        added = _save(form, lambda: rules_admin.add_package_version(
            council_id, form.effective_from.data, form.name.data, request.form, form.source.data, form.reason.data))
        if added is not None:
            flash(f"New terms and conditions for {council.short_name} saved from {added.effective_from:%d/%m/%Y}. "
                  "Protected terms already taken are unchanged.", "success")
            return redirect(url_for("rules.terms_history", council_id=council_id))
    return render_template("rules/terms_new.html", form=form, council=council, latest=latest,
                           drawn=layout(form, items, request.form)), _status()


@bp.app_template_global("rules_reference")
def rules_reference() -> dict[str, Any]:
    """Rule settings and terms packages for the reference data page (whose view lists the rest)."""
    return rules_admin.reference_overview() if has("reference.view") else {"settings": [], "packages": []}
