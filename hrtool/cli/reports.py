"""`hrtool report ...`: reports printed as JSON."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask

from .groups import group


def register_report_commands(app: Flask) -> None:
    """`report protected-terms` (cli/transfers.py adds `report transfer-steps`)."""

    @group(app, "report").command("protected-terms")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def protected_terms_report(on: str | None) -> None:
        """Who is on protected terms, by council and by transfer."""
        from ..services.tupe.protected_terms import report as build

        click.echo(json.dumps(build(_report_day(on)), indent=2))


def _report_day(on: str | None) -> date:
    """A report's --on date: YYYY-MM-DD, from 1 January 1900 to 31 December 2199 (before then
    nobody was employed under these records; beyond, date arithmetic runs out of calendar)."""
    if on is None:
        return date.today()
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
    if not date(1900, 1, 1) <= day <= date(2199, 12, 31):
        raise click.BadParameter("give a date from 1900-01-01 to 2199-12-31", param_hint="--on")
    return day
