"""Mail commands (README: Mail).

`hrtool mail digest [--date YYYY-MM-DD] [--queue-only]`: queue today's (or that day's) HR digest
for each HR officer and administrator, then deliver it (unless --queue-only: the queue's worker
delivers). Once per person per day, so it is safe to run again. Prints JSON; exit 0, or 1 when
some message could not be sent (it stays queued with its reason).

`hrtool mail deliver --all-queued`: deliver every queued message (after the mail server was
down, say): sent through SMTP when one is configured, else kept in the outbox. Prints JSON;
exit 0, or 1 when some message could not be sent.
"""
from __future__ import annotations

import json
import sys
from datetime import date

import click
from flask import Flask

from ..errors import DomainError


def register_mail_commands(app: Flask) -> None:
    @app.cli.group("mail")
    def mail_group() -> None:
        """Mail: HR's daily digest, and delivering the outbox."""

    @mail_group.command("digest")
    @click.option("--date", "on", default=None, help="The day the digest is for, YYYY-MM-DD (default today).")
    @click.option("--queue-only", is_flag=True, help="Queue the messages; a worker delivers them.")
    def digest(on: str | None, queue_only: bool) -> None:
        """Queue HR's daily digest (TUPE steps due, protections ending) and deliver it."""
        from ..services.letters import mail
        from ..services.letters.digest import daily_digest

        try:
            day = date.fromisoformat(on) if on else date.today()
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--date") from None
        try:
            ids = daily_digest(day)
        except DomainError as error:
            raise click.UsageError(error.message) from None
        result = {"date": day.isoformat(), "queued": ids}
        if not queue_only:
            done = mail.deliver_many(ids)
            result.update(done.as_json())
        click.echo(json.dumps(result, indent=2))
        if not queue_only and result["not_sent"]:
            sys.exit(1)

    @mail_group.command("deliver")
    @click.option("--all-queued", "all_queued", is_flag=True, required=True,
                  help="Deliver every message waiting in the outbox queue.")
    def deliver(all_queued: bool) -> None:
        """Deliver queued messages: by SMTP when a mail server is configured, else keep them in the outbox."""
        from ..services.letters import mail

        done = mail.deliver_many(mail.queued_ids())
        click.echo(json.dumps(done.as_json(), indent=2))
        if done.not_sent:
            sys.exit(1)
