"""Pagination for list pages: LIMIT/OFFSET over an ordered query, with a count."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import Select, func, select

from ..extensions import db

# Counting stops here: beyond it the count itself would cost more than the page (a list of
# 100,000 people), so the page says "more than" and asks for a narrower search. The export
# of the same filter holds everyone.
COUNT_CAP = 1_000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int
    prev_url: str | None
    next_url: str | None
    url_for_page: Any = None

    @property
    def total_capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def total_label(self) -> str:
        return f"More than {COUNT_CAP:,}" if self.total_capped else f"{self.total:,}"

    @property
    def has_prev(self) -> bool:
        return self.prev_url is not None

    @property
    def has_next(self) -> bool:
        return self.next_url is not None


def paginate(query: Select[Any], endpoint: str, *, rows: bool = False, **params: Any) -> Page:
    """One page of `query` (entities, or whole rows with rows=True) and links that keep `params`."""
    size = current_app.config["PAGE_SIZE"]
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    # Counting stops at COUNT_CAP rows, so a broad filter over a huge workforce costs no more
    # than a narrow one; the page then says "more than".
    capped = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    pages = max(1, -(-min(total, COUNT_CAP) // size))
    number = min(number, pages)
    limited = query.limit(size).offset((number - 1) * size)
    items = list(db.session.execute(limited).all() if rows else db.session.scalars(limited))
    clean = {k: v for k, v in params.items() if v}
    return Page(items, number, pages, total,
                url_for(endpoint, page=number - 1, **clean) if number > 1 else None,
                url_for(endpoint, page=number + 1, **clean) if number < pages else None,
                lambda n: url_for(endpoint, page=n, **clean))
