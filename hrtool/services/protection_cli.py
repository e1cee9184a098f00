"""Pay protection commands (issue 7; README: Pay protection).

`hrtool protection check [--on YYYY-MM-DD]`: warn about protections ending within the notice
window, once each (safe to run daily from cron). Prints JSON; exit 0.

`hrtool calc protection --council CODE --old-scp N --new-scp M --start YYYY-MM-DD [--hours H]`:
the schedule under the council's policy, as JSON. Exit 2 on bad input, with a message.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

import click
from flask import Flask
from flask.cli import with_appcontext

from ..errors import DomainError
from ..extensions import db


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint=option) from None


def register_protection_commands(app: Flask) -> None:
    @app.cli.group("protection")
    def protection() -> None:
        """Pay protection: expiry warnings."""

    @protection.command("check")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def check(on: str | None) -> None:
        """Warn about protections ending within the notice window; each warning is given once."""
        from .protection_dashboard import check as run_check

        day = _date(on, "--on") if on else date.today()
        try:
            warnings = run_check(day)
        except DomainError as error:
            raise click.UsageError(error.message) from None
        db.session.commit()
        click.echo(json.dumps({"on": day.isoformat(), "new_warnings": [
            {"protection": w.protection_id, "person_number": w.person_number, "name": w.name, "council": w.council,
             "ends_on": w.ends_on.isoformat(), "window_days": w.window_days} for w in warnings]}, indent=2))

    @click.command("protection")
    @with_appcontext
    @click.option("--council", required=True, help="Council code, e.g. CCDC or SBC.")
    @click.option("--old-scp", type=int, required=True, help="Spinal column point before the move.")
    @click.option("--new-scp", type=int, required=True, help="Spinal column point after the move (stays as given).")
    @click.option("--start", required=True, help="Protection start date, YYYY-MM-DD.")
    @click.option("--hours", default=None, help="Contractual hours a week (default the full-time week).")
    def calc_protection(council: str, old_scp: int, new_scp: int, start: str, hours: str | None) -> None:
        """A pay protection schedule month by month under the council's policy, as JSON."""
        from .protections import calculate

        when = _date(start, "--start")
        try:
            week = Decimal(hours) if hours is not None else None
        except InvalidOperation:
            raise click.BadParameter("give a number of hours, like 18.5", param_hint="--hours") from None
        try:
            result = calculate(council, old_scp, new_scp, when, week)
        except DomainError as error:
            raise click.UsageError(error.message) from None
        click.echo(json.dumps(result.as_json(), indent=2))

    calc = app.cli.commands.get("calc")
    if calc is None:
        calc = click.Group("calc", help="Calculators printing JSON.")
        app.cli.add_command(calc)
    calc.add_command(calc_protection)  # type: ignore[attr-defined]
