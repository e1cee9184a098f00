"""Restructure calculators on the command line (README: Restructures): `calc redundancy`,
`calc apportion` and `report structure-costing`, printing JSON with money as strings to two
decimals. Bad input exits 2 (usage) or 1 (a rule refused it), with a message on stderr."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import click
from flask import Flask
from flask.cli import with_appcontext

from ..domain.money import NotAnAmount, parse_amount
from ..errors import DomainError
from ..models import Restructure
from .groups import group
from .options import parse_day

MAX_AMOUNT = Decimal(10_000_000)  # the calculator pages' limit too (web/restructures/forms.MONEY)
PENNY = Decimal("0.01")


def _amount(value: str, option: str) -> Decimal:
    """An amount of money: £0 to £10,000,000, and to the penny (more places would give figures
    that do not reproduce the total). Anything else is a usage error (exit 2) saying why."""
    try:
        amount = parse_amount(value, signed=True)
    except NotAnAmount:
        raise click.BadParameter(f"{value[:40]!r} is not an amount of money", param_hint=option) from None
    if amount < 0 or amount > MAX_AMOUNT:
        raise click.BadParameter(f"give an amount from £0 to £{MAX_AMOUNT:,}", param_hint=option)
    if amount != amount.quantize(PENNY):
        raise click.BadParameter("give the amount in pounds and pence, to two decimal places at most",
                                 param_hint=option)
    return amount


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


@click.command("redundancy")
@with_appcontext
@click.option("--council", required=True, help="Council code (CCDC or SBC): whose discretionary policy and terms apply.")
@click.option("--dob", required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--service-from", required=True, help="Continuous service date, YYYY-MM-DD (statutory notice counts from it).")
@click.option("--redundancy-service-from", default=None,
              help="An earlier service date for redundancy, YYYY-MM-DD: continuous local-government service that "
                   "counts for redundancy pay only (1999 Modification Order). Used for the pay where given.")
@click.option("--leaving", required=True, help="The day employment ends, YYYY-MM-DD.")
@click.option("--weekly-pay", required=True, help="Actual gross weekly pay, e.g. 950.00.")
@click.option("--notice-given", default=None,
              help="The day notice was given, YYYY-MM-DD: the relevant date moves (ERA 1996 s.145(5)) if the "
                   "statutory minimum notice from then would end after the leaving date.")
@click.option("--pilon", is_flag=True, default=False,
              help="Notice was paid in lieu: with no --notice-given, notice is counted from the leaving date.")
@click.option("--grade", default=None,
              help="The post's grade (or 'chief officer'), for the contractual notice of the council's terms.")
def calc_redundancy(council: str, dob: str, service_from: str, redundancy_service_from: str | None, leaving: str,
                    weekly_pay: str, notice_given: str | None, pilon: bool, grade: str | None) -> None:
    """Statutory redundancy pay (ERA 1996 s.162, week's pay capped at the limit in force on the
    relevant date, s.145), the council's discretionary payment under its policy, and the notice
    owed (the statutory minimum of s.86 beside the contractual notice; the longer). The JSON says
    which service date and relevant date were used and why, and lists any warnings."""
    from ..services.restructures.redundancy import calculate, calculation_json

    values = (parse_day(dob, "--dob"), parse_day(service_from, "--service-from"), parse_day(leaving, "--leaving"),
              _amount(weekly_pay, "--weekly-pay"))
    earlier = parse_day(redundancy_service_from, "--redundancy-service-from") if redundancy_service_from else None
    given = parse_day(notice_given, "--notice-given") if notice_given else None
    try:
        result = calculate(council, *values, redundancy_service_from=earlier, notice_given_on=given, pilon=pilon,
                           grade=grade)
    except DomainError as error:  # a calculation: nothing was written
        _fail(error.message)
        return
    click.echo(json.dumps(calculation_json(result), indent=2))


def _pairs(values: tuple[str, ...], option: str, twice: str = "") -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for value in values:
        code, sep, amount = value.partition("=")
        if not sep or not code.strip():
            raise click.BadParameter(f"{value[:40]!r}: use CODE=AMOUNT", param_hint=option)
        code = code.strip().upper()
        if code in found:
            raise click.BadParameter(f"{code[:20]} is given twice{twice}", param_hint=option)
        found[code] = _amount(amount, option)
    return found


@click.command("apportion")
@with_appcontext
@click.option("--pre", "pre", multiple=True, required=True,
              help="A council's cost before sharing, CODE=AMOUNT (once per council).")
@click.option("--shared-cost", required=True, help="What the shared service costs.")
@click.option("--convention", type=click.Choice(["apportionment", "saving_shared_equally"]), default="apportionment",
              show_default=True,
              help="apportionment: the shared cost in the proportions of the costs before (business case 12.2); "
                   "saving_shared_equally: the saving split equally, as the paper splits the senior structure's "
                   "£88k (9.28).")
@click.option("--reduce", "reduce", multiple=True,
              help="Later, a council cuts its part: CODE=AMOUNT. Once per council; the cuts apply together.")
def calc_apportion(pre: tuple[str, ...], shared_cost: str, convention: str, reduce: tuple[str, ...]) -> None:
    """Each council's share of the shared cost, its new cost and saving (business case sections
    9.28 and 12); with --reduce, the costs and proportions after councils cut their parts.
    Percentages are to two places and add up to 100.00, pennies to the total (largest remainder)."""
    from ..domain.apportionment import (
        CONVENTIONS,
        Apportionment,
        ApportionmentError,
        reduce_parts,
    )
    from ..services.restructures.redundancy import council_by_code

    costs = _pairs(pre, "--pre")
    cost = _amount(shared_cost, "--shared-cost")
    cut = _pairs(reduce, "--reduce", twice=": give one cut per council (the cuts of different councils apply "
                                          "together)")
    try:
        for code in [*costs, *cut]:
            council_by_code(code)
        result = CONVENTIONS[convention](costs, cost)
        later = reduce_parts(result, cut) if cut else None
    except (DomainError, ApportionmentError) as error:
        _fail(getattr(error, "message", str(error)))
        return

    def table(found: Apportionment, before_key: str) -> dict[str, object]:
        return {s.code: {"share_percent": f"{s.percent:.2f}", before_key: f"{s.before:.2f}",
                         "new_cost": f"{s.after:.2f}", "saving": f"{s.saving:.2f}"} for s in found.shares}

    out: dict[str, object] = table(result, "pre_sharing_cost")
    out["total"] = {"pre_sharing_cost": f"{result.before:.2f}", "new_cost": f"{result.after:.2f}",
                    "saving": f"{result.saving:.2f}"}
    out["convention"] = convention
    if later is not None:
        out["after_reduction"] = {**table(later, "cost_before_reduction"),
                                  "total": {"new_cost": f"{later.after:.2f}", "saving": f"{later.saving:.2f}"},
                                  "reductions": {c: f"{v:.2f}" for c, v in cut.items()}}
    click.echo(json.dumps(out, indent=2))


@click.command("structure-costing")
@with_appcontext
@click.option("--restructure", "name", required=True, help="The restructure's name, e.g. 'Senior structure 2023'.")
@click.option("--split", type=click.Choice(["shares", "apportionment", "saving_shared_equally"]), default="shares",
              show_default=True,
              help="How the cost after is split: each post's agreed share (50:50 unless set), in proportion "
                   "to each council's cost before, or with the saving shared equally (business case 9.28).")
def structure_costing(name: str, split: str) -> None:
    """Before and after: FTE and cost (budget where given, else salary plus on-costs), the saving,
    its percentage, and the saving by council."""
    from ..services.restructures.restructure_costing import costing, costing_json
    from ..services.restructures.restructures import by_name

    # A name no database can hold (NUL, other control characters) cannot name a restructure.
    restructure = None if any(ord(c) < 32 for c in name) else by_name(name)
    if restructure is None:
        _fail(f"No restructure is named {name!r}")
        return
    from ..domain.apportionment import ApportionmentError

    try:
        result = costing(restructure, date.today(), split)
    except ApportionmentError as error:
        _fail(str(error))
        return
    click.echo(json.dumps(costing_json(result), indent=2))


def _named(name: str) -> Restructure:
    from ..services.restructures.restructures import by_name

    # A name no database can hold (NUL, other control characters) cannot name a restructure.
    restructure = None if any(ord(c) < 32 for c in name) else by_name(name)
    if restructure is None:
        _fail(f"No restructure is named {name!r}")
    assert restructure is not None  # _fail exits
    return restructure


@click.command("implement")
@with_appcontext
@click.argument("name")
@click.option("--dry-run", is_flag=True, default=False,
              help="Show what implementing would do and what stands in the way; change nothing.")
@click.option("--reason", default="", help="The decision implementing follows (required unless --dry-run).")
@click.option("--gaps-reason", default="",
              help="Why it goes ahead while current postholders have no appointment (required if any have none).")
def implement_restructure(name: str, dry_run: bool, reason: str, gaps_reason: str) -> None:
    """Implement a restructure on its effective date: its proposed posts join the
    establishment, the old posts close the day before, each person appointed moves into their
    new post as a dated change, with pay protection where pay falls. Once only. Exit 1 if
    something blocks it (the dry run too), with each problem on stderr."""
    from ..services.restructures.restructure_go_live import describe, implement, plan

    restructure = _named(name)
    found = plan(restructure, date.today())
    for line in describe(found):
        click.echo(line)
    if dry_run:
        if found.problems or found.standing is not None:
            _fail("It cannot be implemented as it is (see above).")
        return
    try:
        done = implement(restructure, reason, gaps_reason)
    except DomainError as error:
        _fail(error.message)
        return
    click.echo(f"Implemented from {done.effective_date:%Y-%m-%d}: {len(done.changes)} changes recorded.")


@click.command("undo-implementation")
@with_appcontext
@click.argument("name")
@click.option("--reason", required=True, help="Why the implementation is undone.")
def undo_restructure(name: str, reason: str) -> None:
    """Undo a restructure's implementation before its effective date: what it opened is taken away
    (kept in the audit log) and what it closed reopens. Exit 1 if it cannot be undone, saying why."""
    from ..services.restructures.restructure_go_live import undo

    restructure = _named(name)
    try:
        undo(restructure, reason)
    except DomainError as error:
        _fail(error.message)
        return
    click.echo("The implementation is undone: the establishment is as it was.")


def register_restructure_commands(app: Flask) -> None:
    restructure = group(app, "restructure", "Restructures: implementing one on its date, and undoing that.")
    restructure.add_command(implement_restructure)
    restructure.add_command(undo_restructure)
    group(app, "calc").add_command(calc_redundancy)
    group(app, "calc").add_command(calc_apportion)
    group(app, "report").add_command(structure_costing)
