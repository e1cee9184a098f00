"""The restructures blueprint and what its pages share: the restructure from the URL, the page
with its tabs, and a refused change shown on its field. Its own module so the pages of
implementing (go_live.py) and the rest (views.py) both build on it without importing each other."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from ...domain.assimilation import ROUTE_LABELS
from ...extensions import db
from ...models import Restructure

bp = Blueprint("restructures", __name__, url_prefix="/restructures")


def restructure_or_404(restructure_id: int) -> Restructure:
    return db.get_or_404(Restructure, restructure_id)


def page(template: str, restructure: Restructure, tab: str, status: int = 200, **context: Any) -> Any:
    return render_template(f"restructures/{template}", restructure=restructure, tab=tab,
                           route_labels=ROUTE_LABELS, **context), status
