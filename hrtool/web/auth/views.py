"""Signing in and out."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from ...security import safe_next
from ...services.accounts import accounts
from .forms import ConfirmPasswordForm, LoginForm
from .reauth import mark_password_confirmed, signed_out_after_lock

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = accounts.sign_in(form.username.data, form.password.data, request.remote_addr or "")
        if result.user is not None:
            session.clear()  # a fresh session on sign-in (no fixation)
            result.user.session_id = result.session_id
            login_user(result.user)
            mark_password_confirmed()
            return redirect(safe_next(form.next.data) or url_for("main.index"))
        if result.locked:
            form.password.errors = [throttled_message(result)]
            return render_template("auth/login.html", form=form), 429, retry_after(result)
        form.password.errors = ["This login has been disabled. Ask your administrator if you still need it."
                                if result.disabled else "The email address or password is not right"]
    return render_template("auth/login.html", form=form)


def throttled_message(result: accounts.SignInResult) -> str:
    minutes = result.wait_minutes()
    return (f"Too many failed attempts. Wait {minutes} minute{'s' if minutes != 1 else ''} and try again. "
            "If you did not make them, tell your administrator.")


def retry_after(result: accounts.SignInResult) -> dict[str, str]:
    return {"Retry-After": str(result.wait_minutes() * 60)}


@bp.post("/logout")
def logout() -> Any:
    accounts.sign_out(current_user.get_id())
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/confirm-password", methods=["GET", "POST"])
def confirm_password() -> Any:
    """Ask a signed-in user for their password again before a sensitive action. Failures count
    towards the same throttle as sign-in (services/accounts/throttling.py)."""
    form = ConfirmPasswordForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = accounts.confirm_password(current_user, form.password.data, request.remote_addr or "")
        if result.user is not None:
            mark_password_confirmed()
            return redirect(_gettable(safe_next(form.next.data)) or url_for("main.index"))
        if result.locked:
            return signed_out_after_lock(result)
        form.password.errors = ["The password is not right"]
    return render_template("auth/confirm_password.html", form=form)


def _gettable(path: str | None) -> str | None:
    """`path` if a GET of it is answered by one of our pages: never send anyone back to a
    form-submission-only address, which would be a 404."""
    if not path:
        return None
    adapter = current_app.url_map.bind("localhost")
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except HTTPException as refused:
        if isinstance(refused, RequestRedirect):  # e.g. a missing trailing slash: still a page
            return path
        return None
    return path
