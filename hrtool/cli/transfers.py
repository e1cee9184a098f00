"""The completion guard on the command line: `hrtool report transfer-steps
--transfer TR-2027-0001 [--on YYYY-MM-DD]` prints, as JSON, each legal step before the transfer
and whether it was met (services/tupe/transfer_steps.py, as the dry run page shows it), and warns on
stderr for each step not met. Exit 0 when every step was met, 1 when any was not (or the
transfer cannot be found), 2 for a usage error."""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Transfer
from .groups import group


def register_transfer_commands(app: Flask) -> None:
    @click.command("transfer-steps")
    @with_appcontext
    @click.option("--transfer", "reference", required=True, help="The transfer's reference, e.g. TR-2027-0001.")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def transfer_steps_report(reference: str, on: str | None) -> None:
        """Each legal step before a transfer and whether it was met: the completion guard."""
        from ..services.tupe.transfer_steps import guard

        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
        # A reference no database can hold (NUL, other control characters) names no transfer.
        transfer = None if any(ord(c) < 32 for c in reference) else db.session.scalar(
            select(Transfer).where(Transfer.reference == reference.strip()))
        if transfer is None:
            click.echo(f"No transfer has the reference {reference.strip()[:40]!r}", err=True)
            sys.exit(1)
        steps = guard(transfer, day)
        unmet = [s for s in steps if not s.met]
        click.echo(json.dumps({"transfer": transfer.reference, "status": transfer.status, "on": day.isoformat(),
                               "steps": [{"key": s.key, "title": s.title, "met": s.met, "detail": s.detail}
                                         for s in steps], "unmet": len(unmet)}, indent=2))
        for step in unmet:
            click.echo(f"WARNING: not met: {step.title}: {step.detail}", err=True)
        if unmet:
            click.echo(f"WARNING: {len(unmet)} legal {'step was' if len(unmet) == 1 else 'steps were'} not met: "
                       "completing the transfer needs a reason", err=True)
            sys.exit(1)

    group(app, "report").add_command(transfer_steps_report)
