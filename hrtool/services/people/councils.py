"""The councils: the employers people work for and whose rules, bands and policies apply."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Council


def councils() -> list[Council]:
    """Every council, by code (the order of every choice of council)."""
    return list(db.session.scalars(select(Council).order_by(Council.code)))


def council_with_code(code: str) -> Council | None:
    """The council whose code this is (CCDC, SBC), in any case and spacing; None if none."""
    return db.session.scalar(select(Council).where(Council.code == code.strip().upper()))
