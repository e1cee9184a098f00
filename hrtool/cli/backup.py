"""`hrtool backup PATH` and `hrtool restore PATH [--force]` (the work is services/platform/backup.py)."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import Flask

from ..services.platform.backup import BackupProblem, backup, restore
from ..services.platform.unit_of_work import discard


def register_backup_commands(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the whole database to PATH (SQLite online backup, or pg_dump custom format)."""
        try:
            click.echo(json.dumps(backup(path), indent=2))
        except BackupProblem as problem:
            click.echo(f"backup: {problem.message}", err=True)
            raise SystemExit(1) from None

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that already holds data.")
    def restore_command(path: Path, force: bool) -> None:
        """Replace the whole database with the backup at PATH (refused over data without --force)."""
        try:
            click.echo(json.dumps(restore(path, force=force), indent=2))
        except BackupProblem as problem:
            discard()  # the refused restore only read the database
            click.echo(f"restore: {problem.message}", err=True)
            raise SystemExit(1) from None
