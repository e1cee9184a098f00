"""Administration: users and the reference data the rules run on."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from ...extensions import db
from ...models import (
    Employee,
    GradeConvention,
    PaySpinePoint,
    Policy,
    Role,
    Service,
    StatutoryLimit,
    TradeUnion,
    User,
)
from ...permissions import requires
from ...services import accounts, deleted_points, rule_status
from ...services.passwords import MIN_LENGTH, WeakPassword
from ..auth.reauth import recent_password_required
from .forms import NewUserForm, ResetPasswordForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/users")
@requires("admin.manage")
def users() -> Any:
    return render_template("admin/users.html", users=db.session.scalars(select(User).order_by(User.role, User.username)))


@bp.route("/users/new", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def new_user() -> Any:
    """Add a login. An employee's login is linked to their record (by person number), a union
    representative's to their union. The first password meets the same rule as any other."""
    form = NewUserForm()
    form.union_id.choices = [(0, "Not a union representative")] + [
        (u.id, u.name) for u in db.session.scalars(select(TradeUnion).order_by(TradeUnion.name))]
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        role = Role(form.role.data)
        employee_id = union_id = None
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            form.username.errors = ["There is already a user with this email address"]
        if role is Role.EMPLOYEE:
            employee_id = db.session.scalar(select(Employee.id).where(
                Employee.person_number == (form.person_number.data or "").strip()))
            if employee_id is None:
                form.person_number.errors = ["There is no employee with this person number"]
            elif db.session.scalar(select(User.id).where(User.employee_id == employee_id)) is not None:
                form.person_number.errors = ["This employee already has a login"]
        if role is Role.UNION_REP:
            union_id = form.union_id.data
        if not form.errors:
            try:
                user = accounts.create_user(username, form.display_name.data.strip(), form.password.data, role.value,
                                            employee_id=employee_id, union_id=union_id)
            except WeakPassword as weak:
                form.password.errors = [weak.message]
            else:
                flash(f"{user.display_name} can now sign in as {user.username}. Give them their first password "
                      "in person or by phone, and ask them to change it.", "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/users_new.html", form=form, min_length=MIN_LENGTH)


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
@requires("admin.manage")
@recent_password_required
def reset_password(user_id: int) -> Any:
    """Set a new password for someone who has forgotten theirs; their sessions all end."""
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
                  "Ask them to change it when they next sign in.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/users_password.html", form=form, user=user, min_length=MIN_LENGTH)


@bp.get("/reference")
@requires("reference.view")
def reference() -> Any:
    spine = db.session.scalars(select(PaySpinePoint).order_by(PaySpinePoint.scp, PaySpinePoint.pay_year_from)).all()
    years = sorted({p.pay_year_from for p in spine})
    table: dict[int, dict[Any, Any]] = {}
    for point in spine:
        table.setdefault(point.scp, {})[point.pay_year_from] = point.annual_salary
    return render_template(
        "admin/reference.html",
        services=db.session.scalars(select(Service).order_by(Service.name)).all(),
        conventions=db.session.scalars(select(GradeConvention).order_by(GradeConvention.council_id)).all(),
        spine_years=years, spine=table,
        limits=db.session.scalars(select(StatutoryLimit).order_by(StatutoryLimit.name, StatutoryLimit.effective_from)).all(),
        policies=db.session.scalars(select(Policy).order_by(Policy.kind, Policy.council_id)).all(),
        rules=rule_status.rules_status(date.today()),  # issue 14: rules that know they are due
        deletions=deleted_points.outstanding(),  # issue 14: pay points deleted, bands to realign
    )
