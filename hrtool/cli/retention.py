"""`hrtool retention check`: leavers' records due for deletion under the retention rule."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import Flask

from ..services.people.retention import RULE, leavers_due, retention_years


def register_retention_commands(app: Flask) -> None:
    """`hrtool retention check [--on YYYY-MM-DD]`: JSON of the leavers' records due for deletion.
    Exit 0 whether or not any are due (deleting is done by HR on the Retention page, with a
    reason); exit 2 for a bad date."""
    @app.cli.group("retention")
    def group() -> None:
        """Leavers' records due for deletion under the retention rule."""

    @group.command("check")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def check(on: str | None) -> None:
        """List leavers' records due for deletion (and those held by an open case), as JSON."""
        try:
            today = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.UsageError(f"--on must be a date as YYYY-MM-DD, not {on!r}") from None
        leavers = leavers_due(today)
        click.echo(json.dumps({
            "on": today.isoformat(), "rule": RULE, "years": retention_years(today),
            "due": sum(1 for x in leavers if x.status.deletable), "held": sum(1 for x in leavers if x.status.held_by),
            "records": [{"employee_id": x.employee_id, "person_number": x.person_number,
                         "left_on": x.status.left_on.isoformat(), "due_on": x.status.due_on.isoformat(),
                         "held_by": list(x.status.held_by)} for x in leavers],
        }, indent=2))
