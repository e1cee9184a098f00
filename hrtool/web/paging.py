"""Pagination for list pages: LIMIT/OFFSET over an ordered query, with a count."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from sqlalchemy import Select, func, select

from ..extensions import db
from .fields import page_from_query

# Counting stops here: beyond it the count itself would cost more than the page (a list of
# 100,000 people), so the page says "more than" and asks for a narrower search. The export
# of the same filter holds everyone.
COUNT_CAP = 1_000
# Page sizes a reader may choose with ?per_page= (anything else gets the configured PAGE_SIZE).
PAGE_SIZES = (25, 50)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    pages: int
    total: int
    prev_url: str | None
    next_url: str | None
    url_for_page: Any = None
    capped: bool = True  # the total stops counting at COUNT_CAP

    @property
    def total_capped(self) -> bool:
        return self.capped and self.total > COUNT_CAP

    @property
    def total_label(self) -> str:
        return f"More than {COUNT_CAP:,}" if self.total_capped else f"{self.total:,}"

    @property
    def has_prev(self) -> bool:
        return self.prev_url is not None

    @property
    def has_next(self) -> bool:
        return self.next_url is not None


def page_size() -> int:
    """Rows per page: ?per_page= when it is one of PAGE_SIZES, else the configured PAGE_SIZE."""
    asked = request.args.get("per_page", "")
    return int(asked) if asked in {str(n) for n in PAGE_SIZES} else int(current_app.config["PAGE_SIZE"])


def filters_from_query() -> dict[str, list[str]]:
    """The page's own filters as asked (every query-string value but page numbers and size), for
    page links that keep them."""
    return {k: request.args.getlist(k) for k in request.args
            if k not in ("page", "per_page") and not k.endswith("_page")}


def paginate_list(rows: Sequence[Any], endpoint: str, *, arg: str = "page", **params: Any) -> Page:
    """One page of a list already worked out in memory (a run's result, in its own stable order),
    with links like the database-backed pages. `arg` names the page number in the query string,
    so two lists on one page page separately; `params` (the page's filters) stay in every link."""
    size = page_size()
    pages = max(1, -(-len(rows) // size))
    number = min(page_from_query(arg), pages)
    # Another list's page number on the same page (page, later_page...) stays where it is.
    clean: dict[str, Any] = {k: v for k, v in request.args.items() if (k == "page" or k.endswith("_page")) and k != arg}
    clean.update((k, v) for k, v in params.items() if v)
    if size != current_app.config["PAGE_SIZE"]:
        clean["per_page"] = size

    def link(n: int) -> str:
        return url_for(endpoint, **{**clean, arg: n})

    return Page(list(rows[(number - 1) * size:number * size]), number, pages, len(rows),
                link(number - 1) if number > 1 else None, link(number + 1) if number < pages else None, link,
                capped=False)


def paginate(query: Select[Any], endpoint: str, *, rows: bool = False, capped: bool = True,
             **params: Any) -> Page:
    """One page of `query` (entities, or whole rows with rows=True) and links that keep `params`.
    capped=False counts every row, for a list whose every page must stay reachable (one
    transfer's cohort, one register) and whose count is cheap."""
    size = page_size()
    try:
        number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        number = 1
    # Counting stops at COUNT_CAP rows, so a broad filter over a huge workforce costs no more
    # than a narrow one; the page then says "more than".
    counted = (query.order_by(None).limit(COUNT_CAP + 1) if capped else query.order_by(None)).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted)) or 0
    pages = max(1, -(-(min(total, COUNT_CAP) if capped else total) // size))
    number = min(number, pages)
    limited = query.limit(size).offset((number - 1) * size)
    items = list(db.session.execute(limited).all() if rows else db.session.scalars(limited))
    clean = {k: v for k, v in params.items() if v}
    if size != current_app.config["PAGE_SIZE"]:
        clean["per_page"] = size
    return Page(items, number, pages, total,
                url_for(endpoint, page=number - 1, **clean) if number > 1 else None,
                url_for(endpoint, page=number + 1, **clean) if number < pages else None,
                lambda n: url_for(endpoint, page=n, **clean), capped)


def paginate_keys(keys: Callable[[int | None], Select[Any]], fetch: Callable[[list[Any]], list[Any]],
                  endpoint: str, **params: Any) -> Page:
    """One page of a list too big to join whole: `keys(n)` selects the rows' keys (ids) in the
    list's order, joining only what its filters and sort need, knowing that no more than its
    first n rows will be read (None: all of them, to be counted in any order); `fetch` turns one
    page of keys into the rows shown, in order.

    The page's keys come first (LIMIT one more than the page, so the database reading an index
    in order stops there). Only when the list runs past this page is it counted, up to
    COUNT_CAP + 1 rows: a search that finds 14 people, or nobody, costs one statement, however
    big the workforce."""
    size = page_size()
    asked = min(page_from_query("page"), max(1, -(-COUNT_CAP // size)))  # no page past the cap's last

    def page_of(number: int) -> list[Any]:
        return list(db.session.scalars(keys(number * size + 1).limit(size + 1).offset((number - 1) * size)))

    found = page_of(asked)
    if len(found) <= size and (found or asked == 1):
        total = (asked - 1) * size + len(found)  # the list ends on this page: its length is known
    else:
        counted = keys(None).order_by(None).limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(select(func.count()).select_from(counted)) or 0
    pages = max(1, -(-min(total, COUNT_CAP) // size))
    number = min(asked, pages)
    if number != asked:  # asked for a page past the end: the last one
        found = page_of(number)
    clean = {k: v for k, v in params.items() if v}
    if size != current_app.config["PAGE_SIZE"]:
        clean["per_page"] = size
    return Page(fetch(found[:size]), number, pages, total,
                url_for(endpoint, page=number - 1, **clean) if number > 1 else None,
                url_for(endpoint, page=number + 1, **clean) if number < pages else None,
                lambda n: url_for(endpoint, page=n, **clean))
