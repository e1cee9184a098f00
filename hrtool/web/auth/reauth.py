"""Re-authentication before sensitive actions (OWASP ASVS 4.0.3, 3.7.1): an election, issuing a
batch of letters, editing letter templates or policies ask for the password again unless it was
given within the last REAUTH_MINUTES.

The moment is kept in Flask's signed session cookie, which is cleared on sign-in and sign-out,
so it can be neither forged nor carried into another session.

Keeping the work. A GET of a guarded page goes to the confirm page and comes back to
the same page, before anything is typed. A POST that arrives without a recent confirmation is
NOT redirected (a redirect cannot carry a form, and would land on a POST-only address): the
password prompt is shown at the same URL, carrying what was submitted as hidden inputs (never a
password field; a fresh CSRF token comes with the prompt) and the page the form was on (its
Referer). The prompt posts back to the same URL; when the password is right the confirmation is
marked and the original view runs with the original form, as if it had just been submitted;
when it is wrong the prompt comes again with the error, still carrying the fields. Uploaded
files cannot be carried in a page: the prompt says so, and a form with an upload should put
`recent_password_required` on its GET too, so the question comes before the file is chosen.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user
from werkzeug.datastructures import ImmutableMultiDict

from ...security import safe_referrer

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "password_confirmed_at"
# The prompt's own fields, named so they cannot clash with a form's.
PROMPT_MARKER = "reauth_prompt"
PROMPT_PASSWORD = "reauth_password"
PROMPT_REFERRER = "reauth_referrer"
_PROMPT_FIELDS = {PROMPT_MARKER, PROMPT_PASSWORD, PROMPT_REFERRER, "submit_reauth", "csrf_token"}


def mark_password_confirmed() -> None:
    session[SESSION_KEY] = int(time.time())


def password_recently_confirmed() -> bool:
    confirmed = session.get(SESSION_KEY)
    if not isinstance(confirmed, int):
        return False
    return time.time() - confirmed <= current_app.config["REAUTH_MINUTES"] * 60


def recent_password_required(view: F) -> F:
    """Ask for the password first. A GET goes to the confirm page and comes back to the same
    page; a POST is answered with the prompt at the same URL and finished once it is given (see
    the module docstring). Put it on the GET of a form page too, so the question comes before
    the typing."""
    return _guard(view, submit_only=False)


def recent_password_required_to_submit(view: F) -> F:
    """As recent_password_required, but viewing (GET) is free: for pages that show something and
    also hold a sensitive form, e.g. my protected terms with the election form."""
    return _guard(view, submit_only=True)


def _guard(view: F, submit_only: bool) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if password_recently_confirmed() or (submit_only and request.method in ("GET", "HEAD")):
            return view(*args, **kwargs)
        if request.method in ("GET", "HEAD"):
            return redirect(url_for("auth.confirm_password", next=request.full_path.rstrip("?")))
        return _prompt_then_finish(view, args, kwargs)

    return wrapped  # type: ignore[return-value]


def is_password_field(name: str) -> bool:
    """Passwords are never written into a page, so a form's password fields are not carried."""
    return "password" in name.lower()


def _carried() -> tuple[list[tuple[str, str]], list[str]]:
    """The submitted fields to carry through the prompt (in order, repeated names kept), and the
    names of the password fields left out."""
    carried, dropped = [], []
    for name, value in request.form.items(multi=True):
        if name in _PROMPT_FIELDS:
            continue
        if is_password_field(name):
            dropped.append(name)
        else:
            carried.append((name, value))
    return carried, dropped


def _own_page(address: str | None) -> str | None:
    """The page the form was on (its full address on this host), only if it is one of ours: the
    one redirect-target check, `security.safe_referrer`."""
    path = safe_referrer(address)
    return request.host_url.rstrip("/") + path if path else None


def _prompt_then_finish(view: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    from ...services.accounts import accounts
    from .forms import ReauthPromptForm

    answering = PROMPT_MARKER in request.form
    form = ReauthPromptForm() if answering else ReauthPromptForm(formdata=None)
    carried, dropped = _carried()
    referrer = _own_page(request.form.get(PROMPT_REFERRER) if answering else request.referrer)
    if answering and form.validate_on_submit():
        result = accounts.confirm_password(current_user, form.reauth_password.data, request.remote_addr or "")
        if result.user is not None:
            mark_password_confirmed()
            _resubmit(carried, referrer)
            return view(*args, **kwargs)
        if result.locked:
            return signed_out_after_lock(result)
        form.reauth_password.errors = ["The password is not right"]
    files = [f.filename for f in request.files.values() if f and f.filename]
    return render_template("auth/reauth_prompt.html", form=form, carried=carried, dropped=dropped,
                           files=files, referrer=referrer or "", action=request.full_path.rstrip("?"),
                           back=referrer or url_for("main.index"))


def _resubmit(carried: list[tuple[str, str]], referrer: str | None) -> None:
    """Make this request look like the original submission: its fields (with the prompt's fresh
    CSRF token) and the page it came from, so the view's own checks and redirects work as if
    the prompt had never been."""
    real = request._get_current_object()  # type: ignore[attr-defined]
    fields = list(carried)
    if "csrf_token" in request.form:
        fields.append(("csrf_token", request.form["csrf_token"]))
    real.__dict__["form"] = ImmutableMultiDict(fields)
    real.__dict__.pop("values", None)
    if referrer:  # a page of ours (_own_page)
        real.environ["HTTP_REFERER"] = referrer


def signed_out_after_lock(result: Any = None) -> Any:
    """Too many wrong passwords from this address for this account (the sign-in throttle,
    services/accounts/throttling.py): whoever holds this session is guessing, so the session ends and the
    sign-in page says how long to wait. The owner's other usual addresses are not held up."""
    from ...services.accounts import accounts

    minutes = result.wait_minutes() if result is not None and result.wait_until is not None else 1
    accounts.sign_out(current_user.get_id())
    logout_user()
    session.clear()
    flash(f"Too many wrong passwords, so you have been signed out. Wait {minutes} minute"
          f"{'s' if minutes != 1 else ''} and sign in again.", "important")
    return redirect(url_for("auth.login"))
