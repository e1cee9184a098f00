"""Calculators never show a traceback (issue 14). Hypothesis throws extreme and malformed values at
every `hrtool calc ...` and `hrtool report ...` command: a week's pay of 1e30, NaN or Infinity,
money to more than two decimal places, negative numbers, huge integers, dates in year 1 or 9999,
text that is not a date at all. Every answer exits 0, 1 or 2; none raises out of the command or
prints a traceback; a refusal gives its reason on one line (exit 1: the one line on stderr; exit 2:
click's usage message, whose reason is the one `Error: ...` line).

The commands and their options are read from the CLI itself, so a calculator or report added
later is fuzzed without listing it here: each option's values come from what its name and type
say it is (a date, an amount of money, a whole number, a council, a choice), anything else gets
hostile text. An answer (exit 0) is JSON. Bounded: a hundred examples per command, no deadline."""
from __future__ import annotations

import json
import os
import tempfile
from datetime import date

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = 100

# Each kind of value in three sorts: GOOD (the rules answer it), EXTREME (parses, but a week's pay of
# 1e30, a date in year 1, a huge integer ...) and MALFORMED (does not parse). Each option of an
# example is good seven times in ten, extreme two and malformed one, so many examples reach the
# rules with one or two extreme values rather than stopping at the first usage error. What is good
# depends on the option: a date of birth decades before a leaving date, an old SCP above the new.
GOOD_DATES = st.one_of(st.dates(min_value=date(1950, 1, 1), max_value=date(2031, 12, 31)),
                       st.dates(min_value=date(2018, 1, 1), max_value=date(2029, 12, 31))).map(date.isoformat)
EXTREME_DATES = st.one_of(
    st.sampled_from(["0001-01-01", "0001-03-31", "0001-12-31", "9999-12-31", "9999-01-01", "2024-02-29",
                     "1900-01-01", "2199-12-31", "2200-01-01", "1600-02-29"]),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat))
MALFORMED_DATES = st.sampled_from(["2024-13-01", "2023-02-29", "31/12/2024", "2024-1-1", "", " ", "today", "1e30",
                                   "NaN", "-2024-01-01", "20240101x", "2024-01-01T00:00:00+99:00", "９９９９-01-01"])
GOOD_AMOUNTS = st.one_of(st.decimals(min_value=0, max_value=3000, places=2).map(str),
                         st.sampled_from(["950", "950.00", "1,000.00", "£719.50", "0", "88000"]))
EXTREME_AMOUNTS = st.one_of(
    st.sampled_from(["1e30", "1E+30", "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "-1", "-0", "950.005",
                     "950.001", "0.001", "1e-30", "9" * 60, "9" * 60 + ".99", "10000000.01", "10000000", "1e3",
                     "0.10", "1.500", "-0.00"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-(10**40), 10**40).map(str))
MALFORMED_AMOUNTS = st.sampled_from(["", " ", "£", "0x10", "½", "1.2.3", "ten", "1e", "--1", "١٢"])
GOOD_INTEGERS = st.one_of(st.integers(0, 60), st.integers(400, 700)).map(str)  # points or SCPs
EXTREME_INTEGERS = st.one_of(st.integers(-(10**30), 10**30).map(str), st.sampled_from(["-1", "0", "2001", "99999"]))
MALFORMED_INTEGERS = st.sampled_from(["", "x", "1.5", "1e3", "NaN"])
GOOD_COUNCILS = st.sampled_from(["CCDC", "SBC", "ccdc", " sbc "])
EXTREME_COUNCILS = st.one_of(st.sampled_from(["XX", "", "CCDC=1", "C" * 500]), st.text(max_size=30))
HOSTILE = st.one_of(st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 5000, "'; --", "{{ 7*7 }}", "\u202e",
                                     "\U0001F600" * 20]),
                    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200))
GOOD_TEXT = st.sampled_from(["Senior structure 2023", "Grade 5", "F", "chief officer"])


def _sorts(good: st.SearchStrategy[str], extreme: st.SearchStrategy[str],
           malformed: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.integers(0, 9).flatmap(lambda n: good if n < 7 else extreme if n < 9 else malformed)


DATES = _sorts(GOOD_DATES, EXTREME_DATES, MALFORMED_DATES)
AMOUNTS = _sorts(GOOD_AMOUNTS, EXTREME_AMOUNTS, MALFORMED_AMOUNTS)
INTEGERS = _sorts(GOOD_INTEGERS, EXTREME_INTEGERS, MALFORMED_INTEGERS)
COUNCILS = _sorts(GOOD_COUNCILS, EXTREME_COUNCILS, st.just(""))
TEXT = _sorts(GOOD_TEXT, HOSTILE, st.just(""))
PAIRS = _sorts(st.tuples(GOOD_COUNCILS, GOOD_AMOUNTS).map("=".join),
               st.tuples(COUNCILS, AMOUNTS).map("=".join), HOSTILE)



def _dates(first: int, last: int) -> st.SearchStrategy[str]:
    good = st.dates(min_value=date(first, 1, 1), max_value=date(last, 12, 31)).map(date.isoformat)
    return _sorts(good, EXTREME_DATES, MALFORMED_DATES)


def _integers(low: int, high: int) -> st.SearchStrategy[str]:
    return _sorts(st.integers(low, high).map(str), EXTREME_INTEGERS, MALFORMED_INTEGERS)


# An option whose name says what it holds; any other is a date if its help says YYYY-MM-DD, a
# whole number if its type is, one of its choices if it has them, else text.
BY_NAME = {
    "weekly_pay": AMOUNTS, "shared_cost": AMOUNTS,
    "hours": _sorts(st.decimals(min_value=1, max_value=37, places=1).map(str), EXTREME_AMOUNTS, MALFORMED_AMOUNTS),
    "pre": PAIRS, "reduce": PAIRS,
    "council": COUNCILS,
    "points": _integers(0, 700), "old_scp": _integers(20, 43), "new_scp": _integers(3, 19),
    "dob": _dates(1955, 1995), "service_from": _dates(1996, 2018), "redundancy_service_from": _dates(1985, 1995),
    "leaving": _dates(2012, 2027), "notice_given": _dates(2012, 2027), "start": _dates(2019, 2028),
    "transfer_date": _dates(2005, 2030), "on": _dates(1998, 2030),
    "name": TEXT, "grade": TEXT,
}
# Options given more than once: good is each council once (in either order), else any list.
_PAIR = st.tuples(GOOD_AMOUNTS, GOOD_AMOUNTS)
MULTIPLE = {
    "pre": _sorts(_PAIR.map(lambda a: [f"CCDC={a[0]}", f"SBC={a[1]}"]) | _PAIR.map(lambda a: [f"SBC={a[0]}",
                                                                                             f"ccdc={a[1]}"]),
                  st.lists(PAIRS, min_size=1, max_size=3), st.lists(HOSTILE, min_size=1, max_size=2)),
    "reduce": _sorts(st.sampled_from([[], ["SBC=10"], ["CCDC=5.50", "SBC=1"]]), st.lists(PAIRS, min_size=1, max_size=3),
                     st.lists(HOSTILE, min_size=1, max_size=2)),
}


def _commands() -> list[tuple[str, str]]:
    """Every command of the `calc` and `report` groups, read from an app made only to list them
    (its instance folder a temporary one, so collecting the tests writes nothing to the checkout)."""
    from hrtool import create_app

    before = os.environ.get("HRTOOL_INSTANCE_PATH")
    with tempfile.TemporaryDirectory() as instance:
        os.environ["HRTOOL_INSTANCE_PATH"] = instance
        try:
            app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
        finally:
            if before is None:
                os.environ.pop("HRTOOL_INSTANCE_PATH", None)
            else:
                os.environ["HRTOOL_INSTANCE_PATH"] = before
    found = []
    for group in ("calc", "report"):
        command = app.cli.commands[group]
        assert isinstance(command, click.Group)
        found += [(group, name) for name in sorted(command.commands)]
    return found


COMMANDS = _commands()


def _strategy(option: click.Option) -> st.SearchStrategy[str]:
    if option.name in BY_NAME:
        return BY_NAME[option.name]
    if isinstance(option.type, click.Choice):
        return _sorts(st.sampled_from([str(c) for c in option.type.choices]), HOSTILE, st.just(""))
    if isinstance(option.type, click.types.IntParamType):
        return INTEGERS
    if isinstance(option.type, click.DateTime) or "YYYY-MM-DD" in (option.help or ""):
        return DATES
    return TEXT


@st.composite
def _arguments(draw: st.DrawFn, command: click.Command) -> list[str]:
    args: list[str] = []
    for option in command.params:
        if not isinstance(option, click.Option) or option.name == "help":
            continue
        flag = option.opts[0]
        if option.is_flag:
            if draw(st.booleans()):
                args.append(flag)
            continue
        if not option.required and draw(st.integers(0, 2)) == 0:
            continue
        if option.multiple and option.name in MULTIPLE:
            values = draw(MULTIPLE[option.name])
        else:
            values = [draw(_strategy(option)) for _ in range(draw(st.integers(1, 3)) if option.multiple else 1)]
        for value in values:
            args += [flag, value]
    return args


def test_every_calculator_and_report_is_fuzzed():
    names = {f"{group} {name}" for group, name in COMMANDS}
    assert {"calc apportion", "calc grade", "calc protection", "calc redundancy", "calc tupe-timeline",
            "report grades", "report protected-terms", "report protections", "report structure-costing"} <= names


def check_answer(result, args: list[str]) -> None:
    shown = f"args={args!r}\nstdout={result.stdout[-2000:]!r}\nstderr={result.stderr[-2000:]!r}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"raised {result.exception!r}\n{shown}")
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.output, shown
    if result.exit_code == 0:
        json.loads(result.stdout)  # every calculator and report prints JSON
        return
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines, f"refused with no reason\n{shown}"
    if result.exit_code == 1:
        assert len(lines) == 1, f"the reason is not one line\n{shown}"
    else:
        reasons = [line for line in lines if line.startswith("Error: ")]
        assert len(reasons) == 1 and lines[-1] == reasons[0], f"the reason is not one line\n{shown}"


@pytest.mark.parametrize("group, name", COMMANDS, ids=[f"{g}-{n}" for g, n in COMMANDS])
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_no_traceback_for_any_input_that_parses(app, group, name, data):
    command = app.cli.commands[group].commands[name]
    args = data.draw(_arguments(command), label="args")
    result = app.test_cli_runner().invoke(args=[group, name, *args])
    check_answer(result, args)


@pytest.mark.parametrize("args", [
    ["calc", "redundancy", "--council", "CCDC", "--dob", "1970-05-01", "--service-from", "2005-09-01",
     "--leaving", "2024-06-30", "--weekly-pay", "950.005"],
    ["calc", "redundancy", "--council", "CCDC", "--dob", "1970-05-01", "--service-from", "2005-09-01",
     "--leaving", "2024-06-30", "--weekly-pay", "1e30"],
    ["calc", "redundancy", "--council", "CCDC", "--dob", "1970-05-01", "--service-from", "2005-09-01",
     "--leaving", "2024-06-30", "--weekly-pay", "NaN"],
    ["calc", "apportion", "--pre", "CCDC=60.001", "--pre", "SBC=40", "--shared-cost", "80"],
    ["calc", "apportion", "--pre", "CCDC=60", "--pre", "SBC=40", "--shared-cost", "Infinity"],
])
def test_money_past_the_penny_or_beyond_reason_is_refused(app, args):
    # Figures shown to the penny must reproduce the total, so 950.005 is refused, not rounded.
    result = app.test_cli_runner().invoke(args=args)
    check_answer(result, args)
    assert result.exit_code == 2
