"""The `hrtool` command: Flask's CLI with the app loaded, plus hrtool's own commands, one module
per group of commands here (the work itself is in services/)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from .data import DEMO_USERS, create_demo_users

__all__ = ["DEMO_USERS", "create_demo_users", "main", "register_commands"]


def register_commands(app: Flask) -> None:
    from ..jobs.worker import register_worker_commands
    from .backup import register_backup_commands
    from .calc import register_calc_commands, register_tupe_commands
    from .check import register_check_command
    from .data import register_data_commands
    from .employees import register_employee_io_commands
    from .grading import register_grading_commands
    from .letters import register_letters_commands
    from .mail import register_mail_commands
    from .protection import register_protection_commands
    from .reports import register_report_commands
    from .restructures import register_restructure_commands
    from .retention import register_retention_commands
    from .rules import register_rules_commands
    from .transfers import register_transfer_commands

    for register in (register_data_commands, register_employee_io_commands, register_calc_commands,
                     register_report_commands, register_tupe_commands, register_letters_commands, register_check_command,
                     register_grading_commands, register_protection_commands, register_restructure_commands,
                     register_retention_commands, register_backup_commands, register_rules_commands,
                     register_transfer_commands, register_mail_commands, register_worker_commands):
        register(app)


def main() -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from .. import create_app

    try:
        FlaskGroup(create_app=create_app)()
    except (OperationalError, ProgrammingError) as error:
        # A database made before the latest migration (or never migrated) answers "no such
        # table" (SQLite) or "relation ... does not exist" (PostgreSQL): say what to do, not a traceback.
        text = str(error.orig)
        if "no such table" not in text and "does not exist" not in text:
            raise
        click.echo(f"The database is not up to date ({text.splitlines()[0]}): run `hrtool db upgrade` first.",
                   err=True)
        raise SystemExit(2) from None
