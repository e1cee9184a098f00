"""Pay protection commands (README: Pay protection).

`hrtool protection check [--on YYYY-MM-DD]`: warn about protections ending within the notice
window, once each (safe to run daily from cron). Prints JSON; exit 0.

`hrtool calc protection --council CODE --old-scp N --new-scp M --start YYYY-MM-DD [--hours H]`:
the schedule under the council's policy, as JSON. Exit 2 on bad input, with a message.

`hrtool report protections [--on YYYY-MM-DD]`: every protection's statement as JSON.

`hrtool pay apply-award --pay-year YYYY [--agreed-on YYYY-MM-DD] [--replace] [--reason TEXT]`:
apply a pay award to the spine; the schedules it reaches follow in the same unit of work.

Each goes through the same service function as its page.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

import click
from flask import Flask
from flask.cli import with_appcontext

from ..errors import DomainError
from .groups import group
from .options import parse_day


def register_protection_commands(app: Flask) -> None:
    @app.cli.group("protection")
    def protection() -> None:
        """Pay protection: expiry warnings."""

    @protection.command("check")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def check(on: str | None) -> None:
        """Warn about protections ending within the notice window; each warning is given once."""
        from ..services.protection.protection_dashboard import check as run_check

        day = parse_day(on, "--on") if on else date.today()
        try:
            warnings = run_check(day)
        except DomainError as error:
            raise click.UsageError(error.message) from None
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
        from ..services.protection.protections import calculate

        when = parse_day(start, "--start")
        try:
            week = Decimal(hours) if hours is not None else None
        except InvalidOperation:
            raise click.BadParameter("give a number of hours, like 18.5", param_hint="--hours") from None
        if week is not None and not week.is_finite():  # NaN or Infinity parse, but are no number of hours
            raise click.BadParameter("give a number of hours, like 18.5", param_hint="--hours")
        try:
            result = calculate(council, old_scp, new_scp, when, week)
        except DomainError as error:
            raise click.UsageError(error.message) from None
        click.echo(json.dumps(result.as_json(), indent=2))

    calc = group(app, "calc")
    calc.add_command(calc_protection)  # type: ignore[attr-defined]

    @click.command("protections")
    @with_appcontext
    @click.option("--on", "on", default=None, help="Only protections running on YYYY-MM-DD (default: every one).")
    def report_protections(on: str | None) -> None:
        """Every pay protection's schedule as JSON: id, person_number, policy, start, end (the last
        day protected), end_reason, months (month, protected_salary, current_salary, payment) and
        adjustments for months already paid. Money as strings with two decimals."""
        from ..services.protection.protection_statements import report

        day = parse_day(on, "--on") if on else None
        click.echo(json.dumps(report(day), indent=2))

    group(app, "report").add_command(report_protections)

    @click.command("apply-award")
    @with_appcontext
    @click.option("--pay-year", "pay_year", type=int, required=True,
                  help="The award's pay year by its first year: 2025 for the year from 1 April 2025.")
    @click.option("--agreed-on", "agreed_on", default=None, help="Record the award as agreed on YYYY-MM-DD.")
    @click.option("--replace", is_flag=True, help="Replace a spine made from this award while it was provisional.")
    @click.option("--reason", default=None, help="Why (kept in the audit trail).")
    def apply_award(pay_year: int, agreed_on: str | None, replace: bool, reason: str | None) -> None:
        """Apply the pay award for a pay year to the NJC spine, as the "Apply" page does: the new
        year's spine is made from the previous year's, and every pay protection schedule it reaches
        is recomputed (months already paid get adjustments). Prints JSON; exit 2 with a message
        when refused."""
        from ..services.pay.pay_spines import apply_award_to_spine, award_of_year, pay_year_label

        agreed = parse_day(agreed_on, "--agreed-on") if agreed_on else None
        label = f"{pay_year}/{(pay_year + 1) % 100:02d}"
        try:
            award = award_of_year(pay_year)
            done = apply_award_to_spine(award, agreed_on=agreed, replace=replace,
                                        reason=(reason or "").strip() or f"Pay award for {label} applied "
                                                                         "from the command line")
        except DomainError as error:
            raise click.UsageError(error.message) from None
        click.echo(json.dumps({"pay_year": pay_year_label(done.year), "created": done.created,
                               "changed": done.changed, "removed": done.removed,
                               "provisional": done.provisional}, indent=2))

    pay = app.cli.commands.get("pay")
    if pay is None:
        pay = click.Group("pay", help="Pay spines and awards.")
        app.cli.add_command(pay)
    pay.add_command(apply_award)  # type: ignore[attr-defined]
