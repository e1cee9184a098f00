"""The audit log: every change to personal data, searchable, read-only."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, render_template, request

from ...permissions import requires
from ...services.platform import audit
from ..fields import date_from_query
from ..paging import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _dates(args: dict[str, str], errors: dict[str, str]) -> dict[str, date]:
    """The from and to dates given; a date that cannot be read goes in `errors` instead."""
    days: dict[str, date] = {}
    for key in ("from", "to"):
        if args[key]:
            day = date_from_query(args[key])
            if day is None:
                errors[key] = "Enter a date like 2026-04-01 or 1/4/2026"
            else:
                days[key] = day
    return days


@bp.get("/")
@requires("audit.view")
def log() -> Any:
    args: dict[str, Any] = {k: request.args.get(k, "").strip()[:100] for k in ("employee", "who", "entity", "action", "from", "to")}
    errors: dict[str, str] = {}
    days = _dates(args, errors)
    query = audit.events_query(person_number=args["employee"], who=args["who"], entity=args["entity"],
                               action=args["action"], start=days.get("from"), end=days.get("to"))
    page = paginate(query, "audit.log", **args)
    people, users = audit.subjects(page.items)
    return render_template("audit/log.html", page=page, args=args, errors=errors, entities=audit.entity_types(),
                           actions=audit.actions(), people=people, users=users)
