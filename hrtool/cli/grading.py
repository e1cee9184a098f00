"""Dated grading from the command line, through the same service functions as the pages:

- `hrtool grading set-bands --council CODE --from YYYY-MM-DD PATH.csv [--dry-run] [--reason TEXT]
  [--name TEXT]`: a new version of a council's grade bands from a date (the "Change bands from a
  date" page: `conventions.preview_bands`, then `conventions.change_bands`). The CSV has the
  columns `grade,je_points_min,je_points_max,scp_min,scp_max`, as in
  hrtool/reference_data/grade_conventions_illustrative.csv (whose `council` column, if present,
  picks the council's rows). `--dry-run` prints who is affected and what follows for each, and
  changes nothing. Exit 0 done (or a clean dry run), 1 refused (the message says why), 2 a usage
  error.
- `hrtool report grades --on YYYY-MM-DD`: JSON, one entry per post open that day:
  `{"post_number", "council", "je_score", "grade", "people": [person_number, ...]}`.
"""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from ..domain.grading import GradeBand
from ..errors import DomainError
from ..extensions import db
from ..models import Council
from .groups import group
from .options import parse_day

COLUMNS = ("grade", "je_points_min", "je_points_max", "scp_min", "scp_max")


def read_bands(path: Path, council_code: str) -> list[GradeBand]:
    """The bands in a CSV file; DomainError naming the line and column of the first problem."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [h.strip() for h in reader.fieldnames or []]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                raise DomainError(f"{path.name} has no column {missing[0]!r}: the columns are {', '.join(COLUMNS)}")
            bands = []
            for line, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                if not any(row.values()):
                    continue
                if row.get("council") and row["council"].upper() != council_code.upper():
                    continue
                if not row["grade"]:
                    raise DomainError(f"{path.name} line {line}: the grade is empty")
                numbers = []
                for column in COLUMNS[1:]:
                    if not row[column].isdigit():
                        raise DomainError(f"{path.name} line {line}: {column} must be a whole number, "
                                          f"not {row[column]!r}")
                    numbers.append(int(row[column]))
                bands.append(GradeBand(row["grade"], *numbers))
    except UnicodeDecodeError:
        raise DomainError(f"{path.name} is not a UTF-8 CSV file") from None
    if not bands:
        raise DomainError(f"{path.name} has no bands for {council_code}")
    return bands


def register_grading_commands(app: Flask) -> None:
    @app.cli.group("grading")
    def grading() -> None:
        """Grade bands from a date, and who they affect."""

    @grading.command("set-bands")
    @click.option("--council", "code", required=True, help="The council's code, e.g. SBC or CCDC.")
    @click.option("--from", "starts", required=True, help="The date the new bands take effect (YYYY-MM-DD).")
    @click.option("--dry-run", is_flag=True, help="Print who is affected and what follows; change nothing.")
    @click.option("--reason", default="", help="Why the bands change (kept in the audit trail).")
    @click.option("--name", default="", help="A name for this version of the bands.")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    def set_bands(code: str, starts: str, dry_run: bool, reason: str, name: str, path: Path) -> None:
        """A new version of a council's grade bands from a date, from a CSV file."""
        from ..services.pay import conventions, regrading

        effective_from = parse_day(starts, "--from")
        council = db.session.scalar(select(Council).where(Council.code == code.strip().upper()))
        if council is None:
            codes = ", ".join(db.session.scalars(select(Council.code).order_by(Council.code)))
            raise click.BadParameter(f"no council {code!r}; the councils are {codes}", param_hint="--council")
        try:
            bands = read_bands(path, council.code)
            preview = conventions.preview_bands(council.id, effective_from, bands)
            for line in regrading.describe(preview.plan):
                click.echo(line)
            if preview.plan.problems:
                raise DomainError("The new bands cannot be saved until the problems above are resolved")
            if dry_run:
                click.echo(f"Dry run: nothing saved. Without --dry-run, {council.short_name}'s bands change from "
                           f"{effective_from:%Y-%m-%d}.")
                return
            changed = conventions.change_bands(
                council.id, effective_from, name.strip() or f"{council.code} grading from {effective_from:%Y-%m-%d}",
                "", bands, reason.strip() or f"Bands from {path.name}, set from the command line",
                expected=preview.fingerprint)
        except DomainError as error:
            problems = getattr(error, "problems", None)
            click.echo(f"Refused: {error.message}" if not problems else "Refused: the grade bands have problems:",
                       err=True)
            for problem in problems or []:
                click.echo(f"  {problem}", err=True)
            raise SystemExit(1) from None
        click.echo(f"Saved {changed.convention.name} for {council.short_name} from {effective_from:%Y-%m-%d}: "
                   f"{len(changed.plan.posts)} post grade change(s), {len(changed.protections)} protection(s) made.")

    report = group(app, "report")

    @report.command("grades")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def grades_report(on: str | None) -> None:
        """Every post open on the date: its score, grade and the people holding it then."""
        from ..services.pay.post_grades import report as build

        day = parse_day(on, "--on") if on else date.today()
        click.echo(json.dumps(build(day), indent=2))
