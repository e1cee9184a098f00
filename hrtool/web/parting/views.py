"""Where the councils part: one post under both councils' conventions, and the report
across every post evaluated under both."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from ...errors import DomainError
from ...extensions import db
from ...models import Post
from ...permissions import requires
from ...services.pay.jes import compare
from ..downloads import require_spreadsheet_format, send_spreadsheet
from ..fields import date_from_query

bp = Blueprint("parting", __name__, url_prefix="/grading/councils")


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _on() -> tuple[date, str]:
    """The date whose grade bands apply (?on=1/4/2026 or 2026-04-01), today if none or not a date."""
    text = request.args.get("on", "").strip()
    if not text:
        return date.today(), ""
    # ISO forms date_from_query does not read (20260401) were accepted before, and links may carry them.
    on = date_from_query(text) or _iso(text)
    if on is None:
        return date.today(), f"“{text}” is not a date (give it as 1/4/2026): today's grade bands are shown"
    return on, ""


@bp.get("/")
@requires("grading.view")
def report() -> Any:
    on, problem = _on()
    try:
        found, error = compare.report(on), ""
    except DomainError as failure:
        found, error = None, failure.message
    return render_template("parting/report.html", report=found, on=on, problem=problem, error=error,
                           evidence=compare.EVIDENCE, no_convention=compare.NO_CONVENTION)


@bp.get("/report.<fmt>")
@requires("grading.view")
def export(fmt: str) -> Any:
    require_spreadsheet_format(fmt)
    on, _ = _on()
    try:
        found = compare.report(on)
    except DomainError:
        return redirect(url_for("parting.report"))  # the report page says why
    return send_spreadsheet(lambda out: compare.export(found, out, fmt), fmt,
                            f"where-the-councils-part-{on:%Y-%m-%d}.{fmt}")


@bp.get("/posts/<int:post_id>")
@requires("grading.view")
def post(post_id: int) -> Any:
    db.get_or_404(Post, post_id)
    on, problem = _on()
    try:
        view, error = compare.for_post(post_id, on), ""
    except DomainError as failure:
        view, error = None, failure.message
    return render_template("parting/post.html", view=view, post=db.session.get(Post, post_id), on=on,
                           problem=problem, error=error)
