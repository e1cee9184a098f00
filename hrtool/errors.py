"""Domain and service errors, and the HTTP error handlers."""
from __future__ import annotations

from flask import Flask, render_template
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule was broken by what the user asked for: shown to them as a message, never a 500."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class StaleRecord(DomainError):
    """Someone else saved the record since this user opened it."""


# PostgreSQL's SQLSTATEs for "another transaction is in the way": serialization failure,
# deadlock, lock not available.
BUSY_SQLSTATES = {"40001", "40P01", "55P03"}


def is_busy(error: BaseException) -> bool:
    """The database could not take this write now because another one held it (SQLite's single
    writer past its busy timeout, or a PostgreSQL lock conflict). Nothing was written: the
    transaction was rolled back, so the user can simply try again."""
    if not isinstance(error, DBAPIError):
        return False
    original = error.orig
    if getattr(original, "sqlstate", None) in BUSY_SQLSTATES:
        return True
    message = str(original).lower()
    return "database is locked" in message or "database table is locked" in message


def register_error_handlers(app: Flask) -> None:
    def render(status: int):  # type: ignore[no-untyped-def]
        template = f"errors/{status}.html"
        return render_template(template), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if status == 413:  # a body over MAX_CONTENT_LENGTH: say what the limit is (issue 16)
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            return render_template("errors/413.html", limit=f"{limit / (1024 * 1024):,.0f} MB"), 413
        if status in (400, 403, 404, 405, 429):
            return render(404 if status == 405 else status)
        return render(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        # Throw away what the failed request left in the session (a unit of work that raised has
        # already rolled itself back), and show a plain page.
        from .services.unit_of_work import discard

        discard()
        if is_busy(error):
            app.logger.warning("Database busy: %s", error)
            return render_template("errors/503.html"), 503, {"Retry-After": "5"}
        app.logger.exception("Unhandled error", exc_info=error)
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render(500)
