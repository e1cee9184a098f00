"""Administration: users and the reference data the rules run on."""
from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...errors import DomainError
from ...extensions import db
from ...models import User
from ...permissions import requires
from ...services.accounts import accounts, throttling, user_admin
from ...services.accounts.passwords import MIN_LENGTH, WeakPassword
from ...services.pay import deleted_points
from ...services.rules import rule_status
from ...services.rules.reference_lists import reference_lists
from ..auth.reauth import recent_password_required
from ..form_errors import show_domain_error
from ..paging import paginate
from .forms import (
    ClearThrottleForm,
    DisableUserForm,
    EditUserForm,
    EnableUserForm,
    NewUserForm,
    ResetPasswordForm,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin.manage")
def users() -> Any:
    page = paginate(user_admin.logins(), "admin.users", capped=False)
    return render_template("admin/users.html", users=page.items, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def new_user() -> Any:
    """Add a login. An employee's login is linked to their record (by person number), a union
    representative's to their union. The first password meets the same rule as any other."""
    form = NewUserForm()
    form.union_id.choices = _union_choices()
    if form.validate_on_submit():
        try:
            user = user_admin.add(form.username.data, form.display_name.data, form.password.data, form.role.data,
                                  person_number=form.person_number.data or "", union_id=form.union_id.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"{user.display_name} can now sign in as {user.username}. Give them the temporary password "
                  "in person or by phone: they must choose their own when they first sign in.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users_new.html", form=form, min_length=MIN_LENGTH)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def reset_password(user_id: int) -> Any:
    """Set a temporary password for someone who has forgotten theirs; their sessions all end and
    they must choose their own password when they next sign in."""
    user = db.session.get(User, user_id) or abort(404)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            ended = accounts.reset_password(user, form.password.data, form.reason.data.strip())
        except WeakPassword as weak:
            form.password.errors = [weak.message]
        else:
            signed_out = f" and signed out of {ended} session{'s' if ended != 1 else ''}" if ended else ""
            flash(f"The password of {user.display_name} has been reset{signed_out}. "
                  "They must choose their own when they next sign in.", "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/users_password.html", form=form, user=user, min_length=MIN_LENGTH)


def _union_choices() -> list[tuple[int, str]]:
    return [(0, "Not a union representative")] + [(u.id, u.name) for u in user_admin.unions()]


@bp.get("/users/<int:user_id>")
@requires("admin.manage")
def user(user_id: int) -> Any:
    """One login: who it is, what it is linked to, its state, and every change made to it."""
    record = db.get_or_404(User, user_id)
    return render_template("admin/users_show.html", user=record, sessions=user_admin.live_sessions(user_id),
                           history=user_admin.history(user_id))


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def edit_user(user_id: int) -> Any:
    """Change a login's email address, name, role and linked person or union (with a reason;
    audited)."""
    record = db.get_or_404(User, user_id)
    form = EditUserForm(data={"username": record.username, "display_name": record.display_name, "role": record.role,
                              "person_number": record.employee.person_number if record.employee else "",
                              "union_id": record.union_id or 0} if request.method == "GET" else None)
    form.union_id.choices = _union_choices()
    if form.validate_on_submit():
        wanted = user_admin.UserChange(username=form.username.data, display_name=form.display_name.data,
                                       role=form.role.data,
                                       person_number=form.person_number.data or "", union_id=form.union_id.data)
        try:
            changed, ended = user_admin.change(user_id, wanted, form.reason.data, current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            signed_out = f" They were signed out of {ended} session{'s' if ended != 1 else ''}." if ended else ""
            flash(f"The login of {changed.display_name} has been changed.{signed_out}", "success")
            return redirect(url_for("admin.user", user_id=user_id))
    return render_template("admin/users_edit.html", form=form, user=record), 400 if form.errors else 200


@bp.route("/users/<int:user_id>/disable", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def disable_user(user_id: int) -> Any:
    """Disable a login: it cannot sign in, and wherever it is signed in now is signed out."""
    record = db.get_or_404(User, user_id)
    form = DisableUserForm()
    if form.validate_on_submit():
        try:
            ended = user_admin.disable(user_id, form.reason.data, current_user.id)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            signed_out = f" and signed out of {ended} session{'s' if ended != 1 else ''}" if ended else ""
            flash(f"The login of {record.display_name} has been disabled{signed_out}.", "success")
            return redirect(url_for("admin.user", user_id=user_id))
    return (render_template("admin/users_status.html", form=form, user=record, disabling=True,
                            sessions=user_admin.live_sessions(user_id)), 400 if form.errors else 200)


@bp.route("/users/<int:user_id>/enable", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def enable_user(user_id: int) -> Any:
    """Let a disabled login sign in again."""
    record = db.get_or_404(User, user_id)
    form = EnableUserForm()
    if form.validate_on_submit():
        try:
            user_admin.enable(user_id, form.reason.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(f"The login of {record.display_name} has been enabled. They sign in with the password they had.",
                  "success")
            return redirect(url_for("admin.user", user_id=user_id))
    return (render_template("admin/users_status.html", form=form, user=record, disabling=False, sessions=0),
            400 if form.errors else 200)


@bp.get("/sign-in-throttles")
@requires("admin.manage")
def throttles() -> Any:
    """Sign-in throttles reached now: accounts and addresses that must wait, or whose
    next failure will, with the failures counted and a way to clear each."""
    now = datetime.now(UTC)
    return render_template("admin/throttles.html", throttles=throttling.current(now), now=now,
                           limits=throttling.limits())


@bp.route("/sign-in-throttles/clear", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def clear_throttle() -> Any:
    """Clear one throttle, with a reason (audited): its failures stop counting, so the account
    or address may sign in at once."""
    if request.method == "GET":
        form = ClearThrottleForm(formdata=None, scope=request.args.get("scope", ""),
                                 username=request.args.get("username", ""), address=request.args.get("address", ""))
        if form.scope.data not in throttling.SCOPE_LABELS:
            abort(404)
    else:
        form = ClearThrottleForm()
        if form.validate_on_submit():
            cleared = throttling.clear(form.scope.data, form.username.data or "", form.address.data or "",
                                       form.reason.data)
            flash(f"Throttle cleared: {cleared} failed attempt{'s' if cleared != 1 else ''} no longer count.",
                  "success")
            return redirect(url_for("admin.throttles"))
    return (render_template("admin/throttle_clear.html", form=form,
                            label=throttling.SCOPE_LABELS.get(form.scope.data or "", "")),
            400 if form.errors else 200)


@bp.get("/reference")
@requires("reference.view")
def reference() -> Any:
    lists = reference_lists()
    return render_template(
        "admin/reference.html", services=lists.services, conventions=lists.conventions,
        spine_years=lists.spine_years, spine=lists.spine, limits=lists.limits, policies=lists.policies,
        rules=rule_status.rules_status(date.today()),  # rules that know they are due
        deletions=deleted_points.outstanding(),  # pay points deleted, bands to realign
    )
