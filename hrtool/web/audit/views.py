"""The audit log: every change to personal data, searchable, read-only."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from ...extensions import db
from ...models import AuditEvent, Employee, User
from ...permissions import requires
from ..fields import date_from_query
from ..paging import paginate

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filtered(args: dict[str, str], errors: dict[str, str]) -> Any:
    """The events the filters given select; a date that cannot be read goes in `errors` instead."""
    query = select(AuditEvent)
    if args["employee"]:
        person = db.session.scalar(select(Employee.id).where(Employee.person_number == args["employee"].upper()))
        query = query.where(AuditEvent.employee_id == (person if person is not None else -1))
    if args["who"]:
        query = query.where(func.lower(AuditEvent.actor_label).like(f"%{args['who'].lower()}%"))
    if args["entity"]:
        query = query.where(AuditEvent.entity_type == args["entity"])
    if args["action"]:
        query = query.where(AuditEvent.action == args["action"])
    for key, bound in (("from", "start"), ("to", "end")):
        if args[key]:
            day = date_from_query(args[key])
            if day is None:
                errors[key] = "Enter a date like 2026-04-01 or 1/4/2026"
            elif bound == "start":
                query = query.where(AuditEvent.at >= datetime.combine(day, time.min, UTC))
            else:
                query = query.where(AuditEvent.at < datetime.combine(day + timedelta(days=1), time.min, UTC))
    return query


@bp.get("/")
@requires("audit.view")
def log() -> Any:
    args: dict[str, Any] = {k: request.args.get(k, "").strip()[:100] for k in ("employee", "who", "entity", "action", "from", "to")}
    errors: dict[str, str] = {}
    query = _filtered(args, errors)
    entities = [e for e, in db.session.execute(select(AuditEvent.entity_type).distinct().order_by(AuditEvent.entity_type))]
    actions = [a for a, in db.session.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action))]
    page = paginate(query.order_by(AuditEvent.id.desc()), "audit.log", **args)
    # The people the events on this page are about, by name and person number (never internal ids).
    ids = {e.employee_id for e in page.items if e.employee_id}
    ids |= {int(e.entity_id) for e in page.items if e.entity_type == "employee" and e.entity_id.isdigit()}
    people = {p.id: p for p in db.session.scalars(select(Employee).where(Employee.id.in_(ids)))} if ids else {}
    user_ids = {int(e.entity_id) for e in page.items if e.entity_type == "user" and e.entity_id.isdigit()}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(user_ids)))} if user_ids else {}
    return render_template("audit/log.html", page=page, args=args, errors=errors, entities=entities, actions=actions,
                           people=people, users=users)
