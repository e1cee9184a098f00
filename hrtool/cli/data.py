"""`hrtool load-reference`, `demo-data` and `bootstrap`, and the demo logins they make."""
from __future__ import annotations

import click
from flask import Flask
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


def register_data_commands(app: Flask) -> None:
    """`load-reference`, `demo-data` and `bootstrap`: the reference data and the demo."""
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
            make_spine_years()  # the pay years the awards give
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
