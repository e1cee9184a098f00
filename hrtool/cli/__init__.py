"""The `hrtool` command: Flask's CLI with the app loaded, plus hrtool's own commands."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..services.platform import planner_stats
from ..services.platform.unit_of_work import unit_of_work

DEMO_USERS = [
    # username, display name, password, role
    ("admin@hrtool.example", "Alex Admin (demo)", "hrtool-demo-admin", "admin"),
    ("hr@hrtool.example", "Harriet Officer (demo HR)", "hrtool-demo-hr", "hr"),
    ("employee@hrtool.example", None, "hrtool-demo-employee", "employee"),
    ("unison@hrtool.example", "Uma Rep (demo UNISON)", "hrtool-demo-union", "union_rep"),
]


def create_demo_users() -> list[tuple[str, str, str]]:
    """One demo login per role. The employee login is linked to a person still on protected
    terms (the most telling record to show); the union rep to UNISON."""
    from ..models import Employee, Employment, TermsRecord, TradeUnion, User
    from ..services.accounts.accounts import create_user

    logins = []
    for username, name, password, role in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.username == username)) is not None:
            logins.append((role, username, password))
            continue
        employee_id = union_id = None
        if role == "employee":
            employee = db.session.scalars(
                select(Employee).join(Employment).join(TermsRecord)
                .where(TermsRecord.basis == "protected", TermsRecord.effective_to.is_(None),
                       Employment.end_date.is_(None))
                .order_by(Employee.id).limit(1)).first()
            if employee is None:
                continue
            employee_id, name = employee.id, f"{employee.full_name} (demo employee)"
        if role == "union_rep":
            union_id = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        create_user(username, name or username, password, role, employee_id=employee_id, union_id=union_id)
        logins.append((role, username, password))
    return logins


def register_commands(app: Flask) -> None:
    @app.cli.command("load-reference")
    @click.option("--update", is_flag=True,
                  help="Also add the dated rows (pay awards and their spine years, statutory limits, dated rule "
                       "settings) a newer release ships; rows that differ from the files are reported, not changed.")
    def load_reference(update: bool) -> None:
        """Load the reference data into empty tables (never overwrites); --update for the yearly round."""
        from ..services.rules.reference_data import load_reference_data, update_reference_data

        if update:
            report = update_reference_data()
            for line in ([f"added {t}: {n}" for t, n in report.added.items()]
                         + [f"made the {y} pay spine" for y in report.spine_years]
                         + [f"brought up to the file: {u}" for u in report.updated]
                         + [f"differs from the file: {d}" for d in report.differs]
                         + [f"for HR to do: {o}" for o in report.outstanding]):
                click.echo(line)
            if not report.changed:
                click.echo("reference data up to date")
            return
        with unit_of_work():
            added = load_reference_data()
        click.echo(", ".join(f"{t}: {n}" for t, n in added.items()) or "reference data already loaded")

    @app.cli.command("demo-data")
    @click.option("--employees", default=600, show_default=True, help="How many employees to generate.")
    @click.option("--seed", default=1, show_default=True, help="The same seed gives the same people.")
    def demo_data(employees: int, seed: int) -> None:
        """Add a fictitious workforce (and the demo logins)."""
        from ..services.demo.workforce import generate
        from ..services.rules.reference_data import load_reference_data

        with unit_of_work():
            load_reference_data()
            counts = generate(employees, seed)
            create_demo_users()
        with unit_of_work():
            planner_stats.refresh()
        click.echo(", ".join(f"{t}: {n}" for t, n in counts.items()))

    @app.cli.command("bootstrap")
    @click.option("--employees", default=600, show_default=True)
    def bootstrap(employees: int) -> None:
        """Load reference and demo data if the database is empty, then print the demo logins."""
        from ..models import Employee
        from ..services.demo.workforce import generate
        from ..services.rules.reference_data import load_reference_data, make_spine_years

        with unit_of_work():
            load_reference_data()
            make_spine_years()  # the pay years the awards give (issue 14)
            generated = not db.session.scalar(select(func.count()).select_from(Employee))
            if generated:
                generate(employees, 1)
            logins = create_demo_users()
        if generated:
            click.echo(f"Loaded a demo workforce of {employees} fictitious employees.")
        with unit_of_work():
            planner_stats.refresh()
        click.echo("\nDemo logins (fictitious data only):")
        for role, username, password in logins:
            click.echo(f"  {role:<10} {username:<28} {password}")
        click.echo("")

    register_employee_io_commands(app)
    register_calc_commands(app)
    register_tupe_commands(app)
    from ..letters.cli import register_letters_commands

    register_letters_commands(app)
    from .check import register_check_command

    register_check_command(app)
    from .grading import register_grading_commands  # issue 13: dated grading

    register_grading_commands(app)
    from .protection import register_protection_commands

    register_protection_commands(app)
    from .restructures import register_restructure_commands

    register_restructure_commands(app)
    from ..services.people.retention import register_retention_commands  # issue 10: retention check

    register_retention_commands(app)
    from ..services.platform.backup import register_backup_commands  # issue 10: backup and restore

    register_backup_commands(app)
    from .rules import register_rules_commands  # issue 14: rules that know they are due

    register_rules_commands(app)
    from .transfers import register_transfer_commands  # issue 15: the completion guard

    register_transfer_commands(app)
    from .mail import register_mail_commands  # issue 17: HR's digest, delivering the outbox

    register_mail_commands(app)
    from ..jobs.worker import register_worker_commands  # issue 17: the job queue's workers

    register_worker_commands(app)


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


def register_calc_commands(app: Flask) -> None:
    """`calc grade` (README: Pay and grading). Exit codes: 0 every council has a grade for the
    points, 1 the points are outside every band of at least one council, or no bands are held
    for it on that date (the JSON still shows the others, with null for that council; stderr
    says which), 2 a usage error."""

    @app.cli.group("calc")
    def calc() -> None:
        """Calculators for HR analysts and scripts; they print JSON."""

    @calc.command("grade")
    @click.option("--points", type=click.IntRange(min=0, max=2000), required=True,
                  help="Job evaluation points (0 to 2,000, as the evaluation form takes them).")
    @click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The date (YYYY-MM-DD) whose bands and pay spine apply; default today.")
    def calc_grade(points: int, on: datetime | None) -> None:
        """Per council: the grade, SCP range and full-time salary range the points earn."""
        import json

        from ..services.pay.conventions import lookup_grade
        from ..services.pay.pay_spines import pay_year_label
        from ..services.rules import date_windows

        day = on.date() if on else date.today()
        earliest = date_windows.edges("pay_year", date.today()).first  # the NJC spine began then
        if earliest is not None and day < earliest.day:
            raise click.BadParameter(f"there are no grades or pay spine before {earliest.day:%Y-%m-%d}",
                                     param_hint="--on")
        from ..models import Council
        from ..services.pay.conventions import in_force

        out: dict[str, object] = {}
        outside, unheld = [], []
        councils = dict(db.session.execute(select(Council.code, Council.id)).all())
        for found in lookup_grade(points, day):
            grade = found.grade
            if grade is None:
                out[found.council_code] = None
                # No bands held then is not the same answer as points above the top grade.
                (unheld if in_force(councils[found.council_code], day) is None else outside).append(found.council_code)
                continue
            out[found.council_code] = {
                "grade": grade.grade, "scp_min": grade.scp_min, "scp_max": grade.scp_max,
                "salary_min": f"{grade.salary_min:.2f}" if grade.salary_min is not None else None,
                "salary_max": f"{grade.salary_max:.2f}" if grade.salary_max is not None else None,
                "pay_year": pay_year_label(found.pay_year) if found.pay_year else None}
        click.echo(json.dumps(out, indent=2))
        if unheld:
            click.echo(f"no grade bands are held for {' and '.join(unheld)} on {day:%Y-%m-%d}", err=True)
        if outside:
            click.echo(f"{points} points is outside every grade band of {' and '.join(outside)} on {day:%Y-%m-%d} "
                       "(above the top grade, chief officers are paid on a local band)", err=True)
        if unheld or outside:
            raise SystemExit(1)


    @calc.command("je")
    @click.argument("levels", nargs=-1, type=int, required=True)
    @click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The evaluation date (YYYY-MM-DD): the scheme version and bands in force then; default today.")
    def calc_je(levels: tuple[int, ...], on: datetime | None) -> None:
        """Points of a job evaluation from its 13 factor levels (scheme order, factor 1 first), and
        the grade that total earns under each council's bands. A level outside a factor's range
        exits 2 naming the factor and its range; a total above every band of a council gives null
        for it."""
        import json

        from ..domain.job_evaluation import LevelOutOfRange, WrongNumberOfLevels, score
        from ..services.pay.conventions import lookup_grade
        from ..services.pay.jes import scheme

        day = on.date() if on else date.today()
        version = scheme.version_on(day)
        if version is None:
            raise click.BadParameter(f"no version of the job evaluation scheme is held for {day:%Y-%m-%d}",
                                     param_hint="--on")
        try:
            result = score(list(levels), scheme.as_plan(version))
        except (LevelOutOfRange, WrongNumberOfLevels) as error:
            raise click.BadParameter(str(error), param_hint="LEVELS") from None
        grades: dict[str, object] = {}
        for found in lookup_grade(result.points, day):
            grades[found.council_code] = ({"grade": found.grade.grade, "scp_min": found.grade.scp_min,
                                           "scp_max": found.grade.scp_max} if found.grade is not None else None)
        click.echo(json.dumps({"points": result.points, "scheme_version": version.effective_from.isoformat(),
                               "factors": [{"number": f.number, "factor": f.factor, "level": f.level,
                                            "points": f.points} for f in result.factors],
                               "grades": grades}, indent=2))


def register_tupe_commands(app: Flask) -> None:
    import json

    @app.cli.group("report")
    def report() -> None:
        """Reports printed as JSON."""

    @report.command("protected-terms")
    @click.option("--on", "on", default=None, help="As at YYYY-MM-DD (default today).")
    def protected_terms_report(on: str | None) -> None:
        """Who is on protected terms, by council and by transfer."""
        from ..services.tupe.protected_terms import report as build

        click.echo(json.dumps(build(_report_day(on)), indent=2))

    @click.command("tupe-timeline")
    @with_appcontext
    @click.option("--transfer-date", required=True, help="YYYY-MM-DD")
    def tupe_timeline(transfer_date: str) -> None:
        """The due dates of a transfer's steps: employee liability information by the last day
        leaving 28 clear days before the transfer (14 before 1 May 2014; TUPE reg. 11(6)), the
        other steps by the lead times held as data. Each `<step>_due_by` (the last day) has a
        `<step>_plan_by`: that day, or the working day before it if it falls on a weekend or an
        England and Wales bank holiday."""
        click.echo(json.dumps(_timeline(transfer_date), indent=2))

    calc = app.cli.commands.get("calc")
    if calc is None:
        calc = click.Group("calc", help="Calculators printing JSON.")
        app.cli.add_command(calc)
    calc.add_command(tupe_timeline)


def _report_day(on: str | None) -> date:
    """A report's --on date: YYYY-MM-DD, from 1 January 1900 to 31 December 2199 (before then
    nobody was employed under these records; beyond, date arithmetic runs out of calendar)."""
    if on is None:
        return date.today()
    try:
        day = date.fromisoformat(on)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--on") from None
    if not date(1900, 1, 1) <= day <= date(2199, 12, 31):
        raise click.BadParameter("give a date from 1900-01-01 to 2199-12-31", param_hint="--on")
    return day


def _timeline(transfer_date: str) -> dict[str, object]:
    from ..domain.tupe import ELI_KEY, plan_note, step_order_problems
    from ..errors import DomainError
    from ..services.rules.bank_holidays import plan_for
    from ..services.rules.date_windows import problem
    from ..services.tupe.transfers import eli_clear_days, step_rules, steps_for

    try:
        when = date.fromisoformat(transfer_date)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="--transfer-date") from None
    if found := problem("transfer_date", when):  # dates within sense (issue 13)
        raise click.BadParameter(found, param_hint="--transfer-date")
    today = date.today()  # the lead times in force now, as planning a transfer takes them
    try:
        clear_days, steps = eli_clear_days(when), steps_for(when, today)
    except DomainError as error:  # no rules held: say so, exit 1
        click.echo(error.message, err=True)
        raise SystemExit(1) from None
    result: dict[str, object] = {"transfer_date": when.isoformat(), "eli_clear_days": clear_days}
    notes: dict[str, str] = {}
    for step in steps:
        name = "eli" if step.key == ELI_KEY else step.key
        plan = plan_for(step.due_on)
        result[f"{name}_due_by"] = step.due_on.isoformat()
        result[f"{name}_plan_by"] = plan.plan_on.isoformat()
        if note := plan_note(plan):
            notes[name] = note
    result["plan_notes"] = notes
    result["warnings"] = step_order_problems(step_rules(today))
    return result


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
