"""`hrtool import-employees` and `export-employees`."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask


def register_employee_io_commands(app: Flask) -> None:
    """`import-employees` and `export-employees` (README: Importing and exporting employees).
    Exit codes: 0 done (or a clean dry run), 1 the file has errors and nothing was imported,
    2 a usage error (no such file, a bad option)."""

    @app.cli.command("import-employees")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check the file and say what would change; write nothing.")
    @click.option("--effective-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="When changes of post, hours or pay take effect (YYYY-MM-DD; default today).")
    def import_employees_command(path: Path, dry_run: bool, effective_date: datetime | None) -> None:
        """Import employees and their current assignment from a CSV, XLSX or ODS file (all or nothing)."""
        from ..services.people.employee_io import ImportFailed, apply_import, import_employees

        effective_on = effective_date.date() if effective_date else None
        try:
            if dry_run:
                report = import_employees(path, effective_on=effective_on, dry_run=True, keep_changes=0,
                                          on_change=lambda change: click.echo(str(change)))
            else:
                report = apply_import(path, effective_on=effective_on, keep_changes=0)
        except ImportFailed as failed:  # rolled back: nothing imported
            report = failed.report
        if not report.ok:
            click.echo(f"{report.error_count} problem(s) in {path.name}; nothing has been imported:", err=True)
            for error in report.errors:
                click.echo(f"  {error}", err=True)
            if report.error_count > len(report.errors):
                click.echo(f"  ... and {report.error_count - len(report.errors)} more", err=True)
            raise SystemExit(1)
        for note in report.notes:  # the sheet's shape: rows above the header, hidden columns, totals rows
            click.echo(note)
        for repair in report.repairs:  # numbers a spreadsheet stripped of their leading zeros
            click.echo(repair)
        if report.repair_count > len(report.repairs):
            click.echo(f"... and {report.repair_count - len(report.repairs)} more numbers repaired")
        counts = (f"{report.rows} rows: {report.created} created, {report.updated} updated, "
                  f"{report.unchanged} unchanged; posts: {report.posts_created} created, "
                  f"{report.posts_retitled} retitled")
        click.echo(f"Dry run, nothing written. {counts}" if dry_run else f"Imported {path.name}. {counts}")

    @app.cli.command("export-employees")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "ods"]), default=None,
                  help="Default: from the file's extension.")
    def export_employees_command(path: Path, fmt: str | None) -> None:
        """Export current employees and their current assignment, in the import's columns."""
        from ..services.people.employee_io import export_employees

        fmt = fmt or path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx", "ods"):
            raise click.UsageError("Give the file a .csv, .xlsx or .ods extension, or say --format csv|xlsx|ods")
        with path.open("wb") as out:
            count = export_employees(out, fmt)
        click.echo(f"Exported {count} employees to {path}")
