"""The employee import's columns, and one row of a file read into typed values and checked on
its own (formats, required values, reference data, the rules between columns). Checks against
the people already on record are in employee_io."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import select

from ...domain.date_windows import LABELS, Bounds, DateWindow, bounds, date_problem
from ...domain.money import NotAnAmount, parse_amount
from ...domain.redundancy import redundancy_service_date_problem
from ...extensions import db
from ...models import Council, Employee, PaySpinePoint, Post, Service
from ..platform import tabular
from ..platform.tabular import Cell
from ..rules import date_windows
from .identifiers import Padded

REQUIRED = ["person_number", "first_name", "last_name", "date_of_birth", "sex", "employer", "service",
            "post_number", "post_title", "hours_per_week", "scp", "continuous_service_date", "start_date"]
OPTIONAL = ["email", "phone", "address", "postcode", "effective_date", "local_salary", "redundancy_service_date"]
COLUMNS = REQUIRED + OPTIONAL
KINDS = {"date_of_birth": "date", "continuous_service_date": "date", "start_date": "date", "effective_date": "date",
         "hours_per_week": "number", "scp": "number", "local_salary": "money", "redundancy_service_date": "date"}
CONTACT = ["email", "phone", "address", "postcode"]
# Optional details a file may leave out: a missing column leaves them alone; a blank cell in a
# column the file has clears them. The service date for redundancy is blank for none.
KEPT_IF_ABSENT = CONTACT + ["redundancy_service_date"]
DETAILS = ["first_name", "last_name", "date_of_birth", "sex", "continuous_service_date"]
# Column sizes in the database: longer values are row errors here, never a failed INSERT.
MAX_LENGTH = {"person_number": 20, "first_name": 100, "last_name": 100, "post_number": 30, "post_title": 200,
              "email": 200, "phone": 40, "postcode": 10, "address": 1000}
MAX_HOURS = Decimal(48)  # the Working Time Regulations' weekly limit, as the assignments table enforces
# Each date column's plausible window (services/rules/date_windows.py): the kind of date it is.
DATE_WINDOWS = {"date_of_birth": "date_of_birth", "continuous_service_date": "continuous_service_date",
                "start_date": "employment_start", "effective_date": "change_effective_from"}


@dataclass(frozen=True)
class RowError:
    """A problem on a line of the file (the file's own line or row number, header = 1), in a
    column; line None is the file as a whole."""

    line: int | None
    column: str
    message: str
    # A date with a two-digit year: the import says so once for the file (TWO_DIGIT_YEARS).
    two_digit_year: bool = field(default=False, compare=False, repr=False)

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


# -- reading cells ----------------------------------------------------------------------------

def text_value(value: Cell) -> str:
    """A cell as text: trimmed, Windows line ends made plain, a formula guard (') removed.
    Numbers typed into text columns in a spreadsheet come back as they were typed."""
    if type(value) is str:  # every CSV cell: the fast path (strip first: the same text, less to scan)
        text = value.strip()
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return tabular.restore(text) if text[:1] == "'" else text
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value))
        if not number.is_finite():  # a spreadsheet's 1E+309 reads back as infinity
            return str(value)
        return str(int(number)) if number == number.to_integral_value() else str(number)
    return tabular.restore(str(value).replace("\r\n", "\n").strip())


ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# 03/04/90: LibreOffice's en-GB "Save as CSV" writes dates as its display format shows them, and
# its default display format has two-digit years (1990 or 2090 cannot be told apart).
SHORT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}")
TWO_DIGIT_YEARS = ("this file has two-digit years, as LibreOffice's CSV export writes them: save as XLSX or ODS, "
                   "or format the dates as DD/MM/YYYY")


class TwoDigitYear(ValueError):
    """A date such as 03/04/90: said once for the file, not once a cell."""


def _date(value: Cell) -> date | None:
    """YYYY-MM-DD, UK DD/MM/YYYY, or a spreadsheet date cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_value(value)
    if not text:
        return None
    iso = ISO_DATE.fullmatch(text)
    uk = None if iso else UK_DATE.fullmatch(text)
    try:
        if iso:
            found = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif uk:
            found = date(int(uk[3]), int(uk[2]), int(uk[1]))
        elif SHORT_YEAR.fullmatch(text):
            raise TwoDigitYear(f"{text!r} has a two-digit year: {TWO_DIGIT_YEARS}")
        else:
            raise ValueError
    except TwoDigitYear:
        raise
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write it as 2026-04-01 or 01/04/2026") from None
    if not date(1900, 1, 1) <= found <= date(2100, 12, 31):
        raise ValueError(f"{text!r} must be between 1900 and 2100")
    return found


def _decimal(value: Cell, example: str) -> Decimal | None:
    """A number without float rounding: spreadsheet numbers go through their text. Infinity and
    numbers of more than 12 digits before the point are refused here (no column takes them, and
    rounding them to places would overflow Decimal's precision)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        number = Decimal(str(value))
        if not number.is_finite() or number.adjusted() >= 12:
            raise ValueError(f"{value!r} is not a number like {example}")
        if number < 0:
            raise ValueError(f"cannot be negative ({number})")
        return number
    text = text_value(value)
    if not text:
        return None
    try:
        # Spaces may separate thousands: some spreadsheets write "1 234.50".
        number = parse_amount(text, spaces=True)
    except NotAnAmount:
        raise ValueError(f"{text!r} is not a number like {example}") from None
    if number.adjusted() >= 12:
        raise ValueError(f"{text!r} is not a number like {example}")
    return number


def _places(number: Decimal, places: int) -> bool:
    return number == number.quantize(Decimal(1).scaleb(-places))


def _hours(value: Cell) -> Decimal | None:
    number = _decimal(value, "37 or 18.5")
    if number is None:
        return None
    if not Decimal(0) < number <= MAX_HOURS:
        raise ValueError(f"must be more than 0 and at most 48, not {number}")
    if not _places(number, 2):
        raise ValueError(f"{number} has more than two decimal places")
    return number


def _money(value: Cell) -> Decimal | None:
    """Pounds, with or without £ and thousands separators: £1,234.50 or 1234.5."""
    number = _decimal(value, "1234.50 or £1,234.50")
    if number is None:
        return None
    if number <= 0:
        raise ValueError("must be more than £0")
    if not _places(number, 2):
        raise ValueError(f"{number} is not to the penny")
    if number >= Decimal(10_000_000_000):
        raise ValueError(f"{number} is too large")
    return number


def _integer(value: Cell) -> int | None:
    number = _decimal(value, "12")
    if number is None:
        return None
    if number != number.to_integral_value() or number > 999:
        raise ValueError(f"{number} is not a spinal column point (a whole number like 12)")
    return int(number)


def _sex(value: Cell) -> str:
    text = text_value(value).upper()
    if not text:
        return ""
    code = {"F": "F", "FEMALE": "F", "M": "M", "MALE": "M"}.get(text)
    if code is None:
        raise ValueError(f"must be F or M (or Female or Male), not {text_value(value)!r}")
    return code


def _plain_name(name: str) -> str:
    return " ".join(name.lower().split())


def sixteenth_birthday(born: date) -> date:
    """A person born on 29 February turns 16 on 1 March in a year that is not a leap year."""
    try:
        return born.replace(year=born.year + 16)
    except ValueError:
        return date(born.year + 16, 3, 1)


# -- reference data held for the whole import --------------------------------------------------

class PostRef(NamedTuple):
    """A post on record, as much as a row is checked against."""

    id: int | None
    council_id: int
    service_id: int
    title: str
    closed_on: date | None


@dataclass
class References:
    """Councils, services, pay spine points and posts, loaded once: each row is checked against
    dicts, not the database."""

    councils: dict[str, int]
    council_codes: dict[int, str]
    services: dict[str, int]
    service_names: dict[int, str]
    scps: set[int]
    posts: dict[str, PostRef]
    windows: dict[str, DateWindow] = field(default_factory=dict)  # by column, as held today
    # Identifiers a spreadsheet may have stripped of their leading zeros (services/people/identifiers.py).
    padded_people: Padded = field(default_factory=lambda: Padded(()))
    padded_posts: Padded = field(default_factory=lambda: Padded(()))
    _bounds: dict[tuple[str, date], Bounds] = field(default_factory=dict, repr=False)

    def in_window(self, column: str, value: date, today: date) -> bool:
        """Whether `value` falls in the column's window on `today`: the window's first and last
        days worked out once per import, not per cell (the message, when it does not, comes from
        date_problem as before)."""
        found = self._bounds.get((column, today))
        if found is None:
            found = self._bounds[(column, today)] = bounds(self.windows[column], today)
        return found.holds(value)

    @classmethod
    def load(cls) -> References:
        councils = dict(db.session.execute(select(Council.code, Council.id)).all())
        service_rows = db.session.execute(select(Service.id, Service.name)).all()
        posts = {number: PostRef(pid, council_id, service_id, title, closed_on)
                 for number, pid, council_id, service_id, title, closed_on in db.session.execute(
            select(Post.post_number, Post.id, Post.council_id, Post.service_id, Post.title, Post.closed_on))}
        today = date.today()
        return cls(councils=councils, council_codes={i: c for c, i in councils.items()},
                   services={_plain_name(name): i for i, name in service_rows}, service_names=dict(service_rows),
                   scps=set(db.session.scalars(select(PaySpinePoint.scp).distinct())), posts=posts,
                   windows={column: date_windows.window(kind, today) for column, kind in DATE_WINDOWS.items()},
                   padded_people=Padded(db.session.scalars(
                       select(Employee.person_number).where(Employee.person_number.like("0%")))),
                   padded_posts=Padded(posts))


# -- a row, parsed and checked on its own -------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """One row of the file as typed values (employer and service as ids)."""

    line: int
    person_number: str
    first_name: str
    last_name: str
    date_of_birth: date
    sex: str
    employer_id: int
    service_id: int
    post_number: str
    post_title: str
    hours_per_week: Decimal
    scp: int | None
    local_salary: Decimal | None
    continuous_service_date: date
    start_date: date
    effective_on: date
    # Only the KEPT_IF_ABSENT columns the file has (contact details as text, the service date for
    # redundancy as a date or None): a missing column leaves them alone.
    contact: dict[str, Any]

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def value(self, column: str) -> Any:
        """A person's detail as the file gives it; a contact column the file lacks is blank, and a
        service date for redundancy it lacks is none."""
        if column in KEPT_IF_ABSENT:
            return self.contact.get(column, "" if column in CONTACT else None)
        return getattr(self, column)


def parse_row(line: int, cells: dict[str, Cell], present: frozenset[str], refs: References,
              effective_default: date, today: date) -> tuple[Row | None, list[RowError]]:
    """One row's cells as typed values, with every problem in it (format, required, reference
    data, and the rules between columns: born in the past, at least 16 on the start date,
    continuous service from no later than the start, an SCP on the spine unless paid a local
    salary)."""
    read = _RowCells(line, cells, refs)
    values = read.values(present, effective_default)
    errors = read.errors
    errors += _window_problems(line, cells, values, refs, today)
    errors += _date_order_problems(line, values, today)
    errors += _redundancy_date_problems(line, values, refs, today)
    errors += _pay_problems(line, values, refs, errors)
    if errors:
        return None, errors
    return Row(line=line, **values), []


class _RowCells:
    """One row's cells read into typed values, each problem noted in `errors` against its column."""

    def __init__(self, line: int, cells: dict[str, Cell], refs: References):
        self.line, self.cells, self.refs = line, cells, refs
        self.errors: list[RowError] = []

    def values(self, present: frozenset[str], effective_default: date) -> dict[str, Any]:
        """The Row's fields, but for the line (None where a cell has a problem)."""
        cell, text = self.cell, self.text
        return {
            "person_number": text("person_number"), "first_name": text("first_name"),
            "last_name": text("last_name"), "date_of_birth": cell("date_of_birth", _date),
            "sex": cell("sex", _sex), "employer_id": cell("employer", self.council),
            "service_id": cell("service", self.service),
            "post_number": text("post_number"), "post_title": text("post_title"),
            "hours_per_week": cell("hours_per_week", _hours), "scp": cell("scp", _integer, required=False),
            "local_salary": cell("local_salary", _money, required=False),
            "continuous_service_date": cell("continuous_service_date", _date), "start_date": cell("start_date", _date),
            "effective_on": cell("effective_date", _date, required=False) or effective_default,
            "contact": {**{c: text(c, required=False) or "" for c in CONTACT if c in present},
                        **({"redundancy_service_date": cell("redundancy_service_date", _date, required=False)}
                           if "redundancy_service_date" in present else {})},
        }

    def _problem(self, column: str, message: str, two_digit_year: bool = False) -> None:
        self.errors.append(RowError(self.line, column, message, two_digit_year=two_digit_year))

    def cell(self, column: str, convert: Callable[[Cell], Any], required: bool = True) -> Any:
        try:
            value = convert(self.cells.get(column))
        except TwoDigitYear as error:
            self._problem(column, str(error), two_digit_year=True)
            return None
        except ValueError as error:
            self._problem(column, str(error))
            return None
        if required and value in (None, ""):
            self._problem(column, "is blank, but it is required")
            return None
        if isinstance(value, str) and len(value) > MAX_LENGTH.get(column, 10_000):
            self._problem(column, f"is longer than {MAX_LENGTH[column]} characters")
            return None
        return value

    def text(self, column: str, required: bool = True) -> Any:
        """cell(column, text_value, required), without its checks that cannot apply to text."""
        value = text_value(self.cells.get(column))
        if not value:
            if required:
                self._problem(column, "is blank, but it is required")
                return None
            return value
        if len(value) > MAX_LENGTH.get(column, 10_000):
            self._problem(column, f"is longer than {MAX_LENGTH[column]} characters")
            return None
        return value

    def council(self, value: Cell) -> int | str:
        code = text_value(value).upper()
        councils = self.refs.councils
        if code and code not in councils:
            raise ValueError(f"must be a council code ({' or '.join(sorted(councils))}), not {text_value(value)!r}")
        return councils.get(code, "")

    def service(self, value: Cell) -> int | str:
        name = text_value(value)
        if name and _plain_name(name) not in self.refs.services:
            raise ValueError(f"{name!r} is not a service in hrtool: use a name from the reference data")
        return self.refs.services.get(_plain_name(name), "")


def _window_problems(line: int, cells: dict[str, Cell], values: dict[str, Any], refs: References,
                     today: date) -> list[RowError]:
    """Each date within its plausible window."""
    errors = []
    for column, kind in DATE_WINDOWS.items():
        held = cells.get(column) and values["effective_on" if column == "effective_date" else column]
        if isinstance(held, date) and column in refs.windows and not refs.in_window(column, held, today):
            found = date_problem(LABELS[kind], held, refs.windows[column], today)
            if found:
                errors.append(RowError(line, column, f"{held:%d/%m/%Y} is not plausible: {found[0].lower()}{found[1:]}"))
    return errors


def _date_order_problems(line: int, values: dict[str, Any], today: date) -> list[RowError]:
    """Born in the past, at least 16 on the start date, continuous service from no later than the start."""
    errors = []
    born, start, service_from = values["date_of_birth"], values["start_date"], values["continuous_service_date"]
    if born and born >= today:
        errors.append(RowError(line, "date_of_birth", f"{born:%d/%m/%Y} is not in the past"))
    elif born and start and start < sixteenth_birthday(born):
        errors.append(RowError(line, "start_date", f"the person is under 16 on {start:%d/%m/%Y} (born {born:%d/%m/%Y})"))
    if start and service_from and service_from > start:
        errors.append(RowError(line, "continuous_service_date",
                               f"{service_from:%d/%m/%Y} is after the start_date {start:%d/%m/%Y}"))
    return errors


def _redundancy_date_problems(line: int, values: dict[str, Any], refs: References, today: date) -> list[RowError]:
    """Earlier local-government service, for redundancy pay."""
    redundancy_from = values["contact"].get("redundancy_service_date")
    if not isinstance(redundancy_from, date):
        return []
    window = refs.windows.get("continuous_service_date")
    found = ((date_problem("The service date for redundancy", redundancy_from, window, today) if window else None)
             or redundancy_service_date_problem(redundancy_from, values["continuous_service_date"],
                                                values["date_of_birth"]))
    return [RowError(line, "redundancy_service_date", f"{redundancy_from:%d/%m/%Y}: {found}")] if found else []


def _pay_problems(line: int, values: dict[str, Any], refs: References, errors: list[RowError]) -> list[RowError]:
    """An SCP on the spine unless paid a local salary (said only when neither column has a problem already)."""
    if values["local_salary"] is not None or any(e.column in ("scp", "local_salary") for e in errors):
        return []
    if values["scp"] is None:
        return [RowError(line, "scp", "is blank: give a spinal column point, or a local_salary for a "
                                      "chief officer off the pay spine")]
    if values["scp"] not in refs.scps:
        return [RowError(line, "scp", f"{values['scp']} is not a point on the pay spine")]
    return []
