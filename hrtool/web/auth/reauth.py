"""Re-authentication before sensitive actions (OWASP ASVS 4.0.3, 3.7.1): an election, issuing a
batch of letters, editing letter templates or policies ask for the password again unless it was
given within the last REAUTH_MINUTES.

The moment is kept in Flask's signed session cookie, which is cleared on sign-in and sign-out,
so it can be neither forged nor carried into another session."""
from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, flash, redirect, request, session, url_for

F = TypeVar("F", bound=Callable[..., Any])

SESSION_KEY = "password_confirmed_at"


def mark_password_confirmed() -> None:
    session[SESSION_KEY] = int(time.time())


def password_recently_confirmed() -> bool:
    confirmed = session.get(SESSION_KEY)
    if not isinstance(confirmed, int):
        return False
    return time.time() - confirmed <= current_app.config["REAUTH_MINUTES"] * 60


def recent_password_required(view: F) -> F:
    """Send the user to confirm their password first. A GET comes back to the same page; a POST
    comes back to the page the form was on (the form must be sent again, which the message
    says), because a POST cannot be replayed through a redirect. Put it on the GET of a form
    page too, so the question comes before the typing."""
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
        if request.method == "GET":
            back = request.full_path.rstrip("?")
        else:
            back = request.path
            flash("Confirm your password, then submit the form again.", "important")
        return redirect(url_for("auth.confirm_password", next=back))

    return wrapped  # type: ignore[return-value]
