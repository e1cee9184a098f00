"""`hrtool calc ...`: calculators for HR analysts and scripts, printing JSON (the restructure
calculators join this group from cli/restructures.py)."""
from __future__ import annotations

import json
from datetime import date, datetime

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from .groups import group


def register_calc_commands(app: Flask) -> None:
    """`calc grade` (README: Pay and grading). Exit codes: 0 every council has a grade for the
    points, 1 the points are outside every band of at least one council, or no bands are held
    for it on that date (the JSON still shows the others, with null for that council; stderr
    says which), 2 a usage error."""

    calc = group(app, "calc")

    @calc.command("grade")
    @click.option("--points", type=click.IntRange(min=0, max=2000), required=True,
                  help="Job evaluation points (0 to 2,000, as the evaluation form takes them).")
    @click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="The date (YYYY-MM-DD) whose bands and pay spine apply; default today.")
    def calc_grade(points: int, on: datetime | None) -> None:
        """Per council: the grade, SCP range and full-time salary range the points earn."""

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
        outside: list[str] = []
        unheld: list[str] = []
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
    """`calc tupe-timeline`: the due dates of a transfer's steps."""

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

    calc = group(app, "calc")
    calc.add_command(tupe_timeline)


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
    if found := problem("transfer_date", when):  # dates within sense
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
