"""Restructure calculators on the command line (README: Restructures): `calc redundancy`,
`calc apportion` and `report structure-costing`, printing JSON with money as strings to two
decimals. Bad input exits 2 (usage) or 1 (a rule refused it), with a message on stderr."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation

import click
from flask import Flask
from flask.cli import with_appcontext

from ..errors import DomainError


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint=option) from None


def _amount(value: str, option: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").lstrip("£"))
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount of money", param_hint=option) from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter("give an amount of £0 or more", param_hint=option)
    return amount


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


def _group(app: Flask, name: str, help_text: str) -> click.Group:
    group = app.cli.commands.get(name)
    if group is None:
        group = click.Group(name, help=help_text)
        app.cli.add_command(group)
    assert isinstance(group, click.Group)
    return group


@click.command("redundancy")
@with_appcontext
@click.option("--council", required=True, help="Council code (CCDC or SBC): whose discretionary policy applies.")
@click.option("--dob", required=True, help="Date of birth, YYYY-MM-DD.")
@click.option("--service-from", required=True, help="Start of continuous service, YYYY-MM-DD.")
@click.option("--leaving", required=True, help="The relevant (dismissal) date, YYYY-MM-DD.")
@click.option("--weekly-pay", required=True, help="Actual gross weekly pay, e.g. 950.00.")
def calc_redundancy(council: str, dob: str, service_from: str, leaving: str, weekly_pay: str) -> None:
    """Statutory redundancy pay (ERA 1996 s.162, week's pay capped at the limit in force on the
    leaving date) and the council's discretionary payment under its policy."""
    from .redundancy import calculate, calculation_json

    values = (_day(dob, "--dob"), _day(service_from, "--service-from"), _day(leaving, "--leaving"),
              _amount(weekly_pay, "--weekly-pay"))
    try:
        result = calculate(council, *values)
    except DomainError as error:  # a calculation: nothing was written
        _fail(error.message)
        return
    click.echo(json.dumps(calculation_json(result), indent=2))


def _pairs(values: tuple[str, ...], option: str) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for value in values:
        code, sep, amount = value.partition("=")
        if not sep or not code.strip():
            raise click.BadParameter(f"{value!r}: use CODE=AMOUNT", param_hint=option)
        code = code.strip().upper()
        if code in found:
            raise click.BadParameter(f"{code} is given twice", param_hint=option)
        found[code] = _amount(amount, option)
    return found


@click.command("apportion")
@with_appcontext
@click.option("--pre", "pre", multiple=True, required=True,
              help="A council's cost before sharing, CODE=AMOUNT (once per council).")
@click.option("--shared-cost", required=True, help="What the shared service costs.")
@click.option("--reduce", "reduce", default=None, help="Later, one council cuts its part: CODE=AMOUNT.")
def calc_apportion(pre: tuple[str, ...], shared_cost: str, reduce: str | None) -> None:
    """Each council's share of the pre-sharing cost, its new cost and saving (business case
    section 12); with --reduce, the costs and proportions after one council cuts its part."""
    from ..domain.apportionment import (
        Apportionment,
        ApportionmentError,
        apportion,
        reduce_part,
    )
    from .redundancy import council_by_code

    costs = _pairs(pre, "--pre")
    cost = _amount(shared_cost, "--shared-cost")
    cut = _pairs((reduce,), "--reduce") if reduce else {}
    try:
        for code in [*costs, *cut]:
            council_by_code(code)
        result = apportion(costs, cost)
        later = reduce_part(result, *next(iter(cut.items()))) if cut else None
    except (DomainError, ApportionmentError) as error:
        _fail(getattr(error, "message", str(error)))
        return

    def table(found: Apportionment, before_key: str) -> dict[str, object]:
        return {s.code: {"share_percent": f"{s.percent:.2f}", before_key: f"{s.before:.2f}",
                         "new_cost": f"{s.after:.2f}", "saving": f"{s.saving:.2f}"} for s in found.shares}

    out: dict[str, object] = table(result, "pre_sharing_cost")
    out["total"] = {"pre_sharing_cost": f"{result.before:.2f}", "new_cost": f"{result.after:.2f}",
                    "saving": f"{result.saving:.2f}"}
    if later is not None:
        out["after_reduction"] = {**table(later, "cost_before_reduction"),
                                  "total": {"new_cost": f"{later.after:.2f}", "saving": f"{later.saving:.2f}"}}
    click.echo(json.dumps(out, indent=2))


@click.command("structure-costing")
@with_appcontext
@click.option("--restructure", "name", required=True, help="The restructure's name, e.g. 'Senior structure 2023'.")
@click.option("--split", type=click.Choice(["shares", "apportionment"]), default="shares", show_default=True,
              help="How the cost after is split: each post's agreed share (50:50 unless set), or in proportion "
                   "to each council's cost before.")
def structure_costing(name: str, split: str) -> None:
    """Before and after: FTE and cost (budget where given, else salary plus on-costs), the saving,
    its percentage, and the saving by council."""
    from .restructure_costing import costing, costing_json
    from .restructures import by_name

    restructure = by_name(name)
    if restructure is None:
        _fail(f"No restructure is named {name!r}")
        return
    click.echo(json.dumps(costing_json(costing(restructure, date.today(), split)), indent=2))


def register_restructure_commands(app: Flask) -> None:
    _group(app, "calc", "Calculators printing JSON.").add_command(calc_redundancy)
    _group(app, "calc", "Calculators printing JSON.").add_command(calc_apportion)
    _group(app, "report", "Reports printed as JSON.").add_command(structure_costing)
