"""The front door: send each role to its own landing page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user

from ...models import Role

bp = Blueprint("main", __name__)

LANDING = {Role.ADMIN: "hr.dashboard", Role.HR: "hr.dashboard", Role.EMPLOYEE: "me.record",
           Role.UNION_REP: "unions.overview"}


@bp.get("/")
def index() -> Any:
    return redirect(url_for(LANDING[current_user.role_enum]))


@bp.get("/accessibility")
def accessibility() -> Any:
    return render_template("accessibility.html")


@bp.get("/healthz")
def healthz() -> Any:
    """Liveness: the process answers. Never touches the database (a database outage must not get
    every worker restarted); readiness is /readyz."""
    return {"status": "ok"}


@bp.get("/readyz")
def readyz() -> Any:
    """Readiness: 200 when the database answers a query within a couple of seconds,
    else 503 with Retry-After, so a load balancer stops sending requests here. Public; says
    nothing but the state."""
    from sqlalchemy.exc import DBAPIError

    from ...errors import RETRY_AFTER_SECONDS
    from ...extensions import database_ready

    try:
        database_ready()
    except DBAPIError as error:
        current_app.logger.warning("Not ready: the database does not answer (%s)", type(error.orig).__name__)
        return {"status": "unavailable"}, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return {"status": "ready"}
