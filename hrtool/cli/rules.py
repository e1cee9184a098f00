"""`hrtool rules status [--on YYYY-MM-DD] [--json]`: each dated rule, its latest value
and date, and whether it is current, due or overdue (services/rules/rule_status.py). Read-only; exit 0,
or 2 for a bad option."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask


def register_rules_commands(app: Flask) -> None:
    @app.cli.group("rules")
    def rules() -> None:
        """The dated rules hrtool runs on."""

    @rules.command("status")
    @click.option("--on", "on", default=None, help="Say what is due as at YYYY-MM-DD (default today).")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
    def status(on: str | None, as_json: bool) -> None:
        """Each dated rule, its latest value, and whether it is current, due or overdue."""
        from ..services.rules.rule_status import rules_status

        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
        rows = rules_status(day)
        if as_json:
            click.echo(json.dumps({"on": day.isoformat(), "rules": [r.as_json() for r in rows]}, indent=2))
            return
        click.echo(f"Dated rules as at {day:%-d %B %Y}")
        for r in rows:
            held = f"{r.latest} (from {r.latest_from:%-d %B %Y})" if r.latest_from else r.latest
            when = (f"next expected {r.status.expected_on:%-d %B %Y}" if r.state == "current"
                    else f"expected {r.status.expected_on:%-d %B %Y}, overdue from {r.status.overdue_from:%-d %B %Y}")
            click.echo(f"  {r.state.upper():<8} {r.rule}: {held}; {when}: {r.why}")
        overdue = sum(r.state == "overdue" for r in rows)
        click.echo(f"{overdue} overdue." if overdue else "Nothing overdue.")

    @rules.command("deleted-points")
    @click.option("--pay-year", "pay_year", type=click.IntRange(1974, 2100), required=True,
                  help="The pay year (its first year, e.g. 2026) whose award deletes points.")
    @click.option("--apply", "apply", is_flag=True,
                  help="Move the people on a deleted point (default: only say who and which bands).")
    @click.option("--reason", default="", help="Why, for the audit trail (required with --apply).")
    @click.option("--on", "on", default=None,
                  help="The day of the change, YYYY-MM-DD (default today): months that ended before it were "
                       "paid at the old point, so a back-dated move owes arrears for them.")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def deleted_points(pay_year: int, apply: bool, reason: str, on: str | None, as_json: bool) -> None:
        """People on a pay point the award deletes move to the lowest point that remains above it
        from the date of deletion (--apply), with the arrears owed for months already paid at the
        old point; grade bands starting on a deleted point are listed with the proposed
        realignment, for an administrator to make under Pay and grading."""
        from ..errors import DomainError
        from ..services.pay.deleted_points import move_holders, plan
        from ..services.pay.pay_spines import award_of_year

        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
        try:
            found = plan(award_of_year(pay_year), day)
            if apply:
                move_holders(pay_year, reason, day)
        except DomainError as error:
            raise click.UsageError(str(error)) from None
        if as_json:
            click.echo(json.dumps({**found.as_json(), "moved": apply and bool(found.holders)}, indent=2))
            return
        points = ", ".join(f"SCP {p}" for p in found.deleted) or "no points"
        click.echo(f"The {found.year_label} award deletes {points} from {found.award.pay_year_from:%-d %B %Y}.")
        verb = "moved" if apply else "to move"
        click.echo(f"{len(found.holders)} record(s) {verb}:" if found.holders else "Nobody is on a deleted point.")
        for h in found.holders:
            click.echo(f"  {h.person_number} {h.name} ({h.council}, post {h.post_number}): SCP {h.scp} -> "
                       f"SCP {h.moves_to} from {h.from_date:%-d %B %Y}; {h.arrears_note}")
        if found.holders:
            owed = "owed" if apply else "owed if moved"
            click.echo(f"Arrears {owed} on {day:%-d %B %Y}: £{found.arrears_total:,.2f} in all "
                       "(months that ended before then were paid at the old point).")
        for council, band in found.bands:
            click.echo(f"  Band to realign: {council} {band.grade}: {band.note}")
