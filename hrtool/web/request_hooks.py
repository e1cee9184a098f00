"""What the services need to know about the request being served, told to them by the web layer
(services never read a request): who is signed in (the actor of audit events), whether a request
is being served (a commit outside a unit of work is refused then), and, after each request, the
log of a look at a person's record (services/people/record_views.py)."""
from __future__ import annotations

from flask import Response, has_request_context, request
from flask_login import current_user

from ..services.people import record_views
from ..services.platform import audit, unit_of_work


def signed_in_user() -> tuple[int | None, str] | None:
    """The signed-in user as audit events name them; None outside a request or when signed out."""
    try:
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.display_name
    except RuntimeError:  # outside a request (CLI, tests)
        pass
    return None


def install_request_hooks() -> None:
    """Tell the services how to find the signed-in user and whether a request is being served,
    and refuse a request's commits that do not come from a unit of work (idempotent)."""
    audit.set_signed_in_user(signed_in_user)
    unit_of_work.install_guard(has_request_context)


def log_view(response: Response) -> Response:
    """after_request: log a successful GET of a page about a person by someone else. Runs after
    the view's units of work have committed. While the database is busy with a long write the view
    is handed to the job queue (`record_views.record_many`); if it can be neither written nor
    queued the error propagates (a 503 "busy, try again"), so no record is shown without its view
    accounted for."""
    if (request.method != "GET" or response.status_code != 200 or request.endpoint in record_views.NOT_LOGGED
            or not request.endpoint or not current_user or not current_user.is_authenticated):
        return response
    subject = record_views.subject_of(request.view_args or {})
    if subject is None:
        return response
    if current_user.employee_id == subject:
        return response  # people looking at their own record are not watched
    record_views.record_many([subject], request.endpoint, request.path,
                             actor=(current_user.id, current_user.display_name))
    return response
