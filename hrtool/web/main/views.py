"""The front door: send each role to its own landing page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
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
    return {"status": "ok"}
