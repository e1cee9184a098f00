"""Sessions, login enforcement and security headers."""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.datastructures import ImmutableMultiDict

from .extensions import login_manager

# Endpoints anyone may reach without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "main.accessibility", "main.healthz", "main.readyz"}
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
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        # Behind N reverse proxies, the client's address (sign-in throttling is per address) is
        # the one they add to X-Forwarded-For; with none, a forged header is ignored.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)  # type: ignore[method-assign]
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
        from .services.accounts.accounts import load_session

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


# Characters never allowed in a redirect target, raw or once percent-decoded: every C0 and C1
# control character (tab, CR, LF, NUL...), DEL, the Unicode line and paragraph separators, and the
# backslash (browsers read "\\" as "/", so "/\\evil.example" is another host).
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\]")
_MAX_TARGET = 2000


def _decoded_forms(target: str) -> list[str] | None:
    """`target` and what it becomes when percent-decoded again and again, until it stops changing
    ("%2509" -> "%09" -> tab); None if it is still changing after three decodings (no page of
    ours has an address like that)."""
    forms = [target]
    for _ in range(4):
        decoded = unquote(forms[-1])
        if decoded == forms[-1]:
            return forms
        forms.append(decoded)
    return None


def _local_path(text: str) -> bool:
    """A path on this site: begins with exactly one "/", and has no scheme and no host."""
    if not text.startswith("/") or text.startswith("//"):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None) -> str | None:
    """THE check for every address a request asks to be sent on to (`next` after signing in or
    confirming a password, the page a form came from): `target` if it is a path on this site,
    else None, for the caller's own default.

    Refused: anything with a control character or a backslash, raw or percent-decoded (a tab or
    newline that a browser or server strips can turn "/\t/evil.example" into "//evil.example", and
    a newline in a Location header is a 500); anything that is not, after decoding, a single "/"
    followed by a path (no scheme, no host, no "//" or "/\\")."""
    if not isinstance(target, str) or not target or len(target) > _MAX_TARGET:
        return None
    forms = _decoded_forms(target)
    if forms is None:
        return None
    if any(_FORBIDDEN.search(form) for form in forms):
        return None
    if not all(_local_path(form) for form in forms):
        return None
    return target


def safe_referrer(address: str | None) -> str | None:
    """The path of a page of ours that a request came from (its Referer, or a page address carried
    in a form): a full address must be on this site (scheme and host as this request's), and its
    path and query must pass `safe_next`. Returns the path and query, or None."""
    if not isinstance(address, str) or not address or len(address) > _MAX_TARGET:
        return None
    forms = _decoded_forms(address)
    if forms is None or any(_FORBIDDEN.search(form) for form in forms):
        return None
    parts = urlsplit(address)
    if not parts.scheme and not address.startswith("//"):
        return safe_next(address)  # a path, judged whole
    own = urlsplit(request.host_url)
    if (parts.scheme, parts.netloc) != (own.scheme, own.netloc):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)
