"""Domain and service errors, and the HTTP error handlers."""
from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
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


# PostgreSQL's SQLSTATE classes for "the database is not there": connection exceptions (08),
# operator intervention such as a shutdown or "the database system is starting up" (57P),
# insufficient resources such as too many connections (53).
UNAVAILABLE_SQLSTATES = ("08", "57P", "53")
# What SQLite says when its file cannot be reached (moved, its disk gone or unreadable), and what
# pysqlite says of a connection that was closed under the pool.
SQLITE_UNAVAILABLE = ("unable to open database file", "disk i/o error", "cannot operate on a closed database")
RETRY_AFTER_SECONDS = 60
UNAVAILABLE_MESSAGE = "The service is unavailable; try again in a minute."


def is_unavailable(error: BaseException | None) -> bool:
    """The database could not be reached at all (down, restarting, a dropped connection), as
    opposed to being busy (`is_busy`) or a mistake in a query (a 500)."""
    if not isinstance(error, DBAPIError) or is_busy(error):
        return False
    if error.connection_invalidated or isinstance(error, InterfaceError):
        return True
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        return str(sqlstate).startswith(UNAVAILABLE_SQLSTATES)
    if not isinstance(error, OperationalError):
        return False
    if type(original).__module__.startswith("sqlite3"):
        message = str(original).lower()
        return any(words in message for words in SQLITE_UNAVAILABLE)
    return True  # psycopg's failure to connect carries no SQLSTATE


def unavailable_response(app: Flask) -> Response:
    """The 503 page shown while the database cannot be reached, made without touching it: the
    template is rendered straight from the Jinja environment, so no context processor runs (the
    navigation and Flask-Login's `current_user` would each read the database) and its header shows
    no signed-in name. A client that asks for JSON gets JSON."""
    wants = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if wants == "application/json":
        response = jsonify({"error": "unavailable", "message": UNAVAILABLE_MESSAGE})
    else:
        body = app.jinja_env.get_template("errors/unavailable.html").render(message=UNAVAILABLE_MESSAGE)
        response = Response(body, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def busy_response(app: Flask) -> Response:
    """The 503 "busy, try again" page (the database held by another writer past the wait), made
    without reading the database as the unavailable page is: the busy database is what failed,
    and a page that read it to show the signed-in name would fail in turn, as a 500."""
    body = app.jinja_env.get_template("errors/busy.html").render()
    response = Response(body, mimetype="text/html", status=503)
    response.headers["Retry-After"] = "5"
    return response


def _log_unavailable(app: Flask, error: BaseException) -> None:
    """One line, the driver's own words: never the SQL statement or its parameters (personal
    data). Repeats during an outage are collapsed by log_filters.RepeatFilter."""
    original = getattr(error, "orig", None) or error
    app.logger.error("Database unavailable: %s: %s", type(original).__name__,
                     str(original).strip().splitlines()[0] if str(original).strip() else "")


def _discard_quietly() -> None:
    """Throw away the failed request's session; with the database gone the rollback may fail too."""
    from .services.platform.unit_of_work import discard

    try:
        discard()
    except DBAPIError:
        pass


def register_error_handlers(app: Flask) -> None:
    def render(status: int):  # type: ignore[no-untyped-def]
        template = f"errors/{status}.html"
        return render_template(template), status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        original: Any = getattr(error, "original_exception", None)  # a 500 from a failed after_request
        if status == 500 and is_unavailable(original):
            _discard_quietly()
            _log_unavailable(app, original)
            return unavailable_response(app)
        if status == 500 and original is not None and is_busy(original):  # an after_request's write
            _discard_quietly()
            app.logger.warning("Database busy: %s", original)
            return busy_response(app)
        if status == 413:  # a body over MAX_CONTENT_LENGTH: say what the limit is
            limit = app.config.get("MAX_CONTENT_LENGTH") or 0
            return render_template("errors/413.html", limit=f"{limit / (1024 * 1024):,.0f} MB"), 413
        if status in (400, 403, 404, 405, 429):
            return render(404 if status == 405 else status)
        return render(500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):  # type: ignore[no-untyped-def]
        # Throw away what the failed request left in the session (a unit of work that raised has
        # already rolled itself back), and show a plain page.
        if is_unavailable(error):
            _discard_quietly()
            _log_unavailable(app, error)
            return unavailable_response(app)
        from .services.platform.unit_of_work import discard

        discard()
        if is_busy(error):
            app.logger.warning("Database busy: %s", error)
            return busy_response(app)
        app.logger.exception("Unhandled error", exc_info=error)
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        return render(500)
