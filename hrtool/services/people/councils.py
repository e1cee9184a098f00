"""The councils: the employers people work for and whose rules, bands and policies apply; and
the services they share."""
from __future__ import annotations

from sqlalchemy import select

from ...extensions import db
from ...models import Council, Service


def councils() -> list[Council]:
    """Every council, by code (the order of every choice of council)."""
    return list(db.session.scalars(select(Council).order_by(Council.code)))


def council_with_code(code: str) -> Council | None:
    """The council whose code this is (CCDC, SBC), in any case and spacing; None if none."""
    return db.session.scalar(select(Council).where(Council.code == code.strip().upper()))


def council_names() -> list[tuple[str, str]]:
    """Every council's code and short name, by code (a filter's choices, without whole records)."""
    return list(db.session.execute(select(Council.code, Council.short_name).order_by(Council.code)).all())


def shared_services() -> list[Service]:
    """Every service, by name (the order of every choice of service)."""
    return list(db.session.scalars(select(Service).order_by(Service.name)))


def service_names() -> list[tuple[int, str]]:
    """Every service's id and name, by name (a filter's choices, without whole records)."""
    return list(db.session.execute(select(Service.id, Service.name).order_by(Service.name)).all())
