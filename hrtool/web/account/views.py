"""Your account: change your password; turn your email notices on or off (every signed-in user)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...permissions import requires
from ...services.accounts import accounts
from ...services.accounts.passwords import MIN_LENGTH, WeakPassword
from ..auth.reauth import mark_password_confirmed, signed_out_after_lock
from .forms import ChangePasswordForm, NoticesForm

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


# The notices each role gets: letters reach employees and union representatives; the
# digest reaches HR officers and administrators.
LETTER_ROLES = ("employee", "union_rep")
DIGEST_ROLES = ("hr", "admin")


@bp.route("/notices", methods=["GET", "POST"])
@requires("account.notices")
def notices() -> Any:
    """Your email notices, each on or off (audited). A notice your role does not get is not shown
    and keeps its setting."""
    from ...services.letters import mail

    shows_letters, shows_digest = current_user.role in LETTER_ROLES, current_user.role in DIGEST_ROLES
    form = NoticesForm(data={"letters": current_user.notify_letters, "digest": current_user.notify_digest}
                       if request.method == "GET" else None)
    if form.validate_on_submit():
        letters = form.letters.data if shows_letters else current_user.notify_letters
        digest = form.digest.data if shows_digest else current_user.notify_digest
        changed = mail.set_notices(current_user, bool(letters), bool(digest))
        flash("Your email notices are saved." if changed else "Nothing changed.", "success")
        return redirect(url_for("account.notices"))
    return (render_template("account/notices.html", form=form, shows_letters=shows_letters,
                            shows_digest=shows_digest, address=mail.mail_address(current_user)),
            400 if form.errors else 200)
