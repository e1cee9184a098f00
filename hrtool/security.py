"""Sessions, login enforcement and security headers."""
from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.datastructures import ImmutableMultiDict

from .extensions import login_manager

# Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "main.accessibility", "main.healthz"}
# All a user with a temporary password (set by an administrator) may do until they change it.
WHILE_PASSWORD_TEMPORARY = {"account.password", "auth.logout"}

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

talisman = Talisman()


def init_security(app: Flask) -> None:
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        session_cookie_samesite="Lax",
        content_security_policy=CSP,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()", "browsing-topics": "()"},
    )
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue."
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> Any:
        from .services.accounts import load_session

        return load_session(session_id)

    @app.before_request
    def drop_nul_characters() -> None:
        """No field has a use for a NUL character (0x00) and PostgreSQL text cannot hold one: a
        form or query string carrying one would fail at the database (a 500). Found by the
        fuzzer (tests/security/test_fuzz_forms.py); NULs are dropped before any view reads them."""
        real = request._get_current_object()  # type: ignore[attr-defined]
        for name in ("args", "form"):
            values = getattr(real, name)
            if any("\x00" in k or "\x00" in v for k, v in values.items(multi=True)):
                real.__dict__[name] = ImmutableMultiDict(
                    [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in values.items(multi=True)])

    @app.before_request
    def require_login() -> Any:
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if current_user.must_change_password and request.endpoint not in WHILE_PASSWORD_TEMPORARY:
            # 303: a refused POST becomes a GET of the change page, never a replayed form.
            return redirect(url_for("account.password"), code=303)
        return None

    @app.after_request
    def no_store(response: Any) -> Any:
        # Pages hold personal data: browsers and proxies must not keep copies.
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response


def safe_next(target: str | None) -> str | None:
    """Only the app's own paths are allowed as a post-login redirect (no scheme, no host, no //)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target
