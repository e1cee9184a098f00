"""Your account: change your password (every signed-in user)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...permissions import requires
from ...services import accounts
from ...services.passwords import MIN_LENGTH, WeakPassword
from ..auth.reauth import mark_password_confirmed, signed_out_after_lock
from .forms import ChangePasswordForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/password", methods=["GET", "POST"])
@requires("account.password")
def password() -> Any:
    """Asks for the current password (under the sign-in throttle), checks the new one against
    the rule and ends every other session of the user; this one stays signed in. A user whose
    password an administrator set is sent here from every other page until they change it."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            result = accounts.change_password(current_user, form.current_password.data, form.new_password.data,
                                              request.remote_addr or "")
        except WeakPassword as weak:  # the (successful) check of the current password stays on record
            form.new_password.errors = [weak.message]
        else:
            if result.locked:
                return signed_out_after_lock(result)
            if result.user is None:
                form.current_password.errors = ["Your current password is not right"]
            else:
                mark_password_confirmed()
                flash("Your password has been changed. Anywhere else you were signed in has been signed out.",
                      "success")
                return redirect(url_for("main.index"))
    return render_template("account/password.html", form=form, min_length=MIN_LENGTH,
                           temporary=current_user.must_change_password)
