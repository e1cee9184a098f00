"""`hrtool check [--on YYYY-MM-DD] [--json] [--kind KIND ...]`: recompute every derived fact from
its sources and compare it with what is held (services/platform/check.py). Prints what it checked and
every difference; exit 0 when nothing drifted, 1 otherwise. Read-only: safe to run nightly."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask


def register_check_command(app: Flask) -> None:
    @app.cli.command("check")
    @click.option("--on", "on", default=None, help="Check grades and figures as at YYYY-MM-DD (default today).")
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    @click.option("--kind", "kinds", multiple=True, help="Check only this kind (repeatable).")
    def check(on: str | None, as_json: bool, kinds: tuple[str, ...]) -> None:
        """Recompute every derived fact and report any that differ from what is held."""
        from ..services.platform import check as checks

        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
        known = set(checks.kinds())
        unknown = [k for k in kinds if k not in known]
        if unknown:
            raise click.BadParameter(f"unknown kind {unknown[0]!r}; known: {', '.join(sorted(known))}",
                                     param_hint="--kind")
        report = checks.run(day, kinds or None)
        if as_json:
            click.echo(json.dumps(report.as_json(), indent=2))
        else:
            click.echo(f"hrtool check as at {day:%Y-%m-%d}")
            for kind, count in report.checked.items():
                click.echo(f"  checked {count:>7,} {kind.replace('_', ' ')}")
            if report.ok:
                click.echo("No drift: every derived fact agrees with its sources.")
            else:
                click.echo(f"{len(report.drift)} difference(s):")
                for d in report.drift:
                    click.echo(f"  {d.kind}: {d.id}: {d.field}: held {d.held}, recomputed {d.recomputed}")
        raise SystemExit(0 if report.ok else 1)
