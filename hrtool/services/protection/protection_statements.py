"""One computation per pay protection statement.

A protection's plain-words text, its month-by-month table, HR's page, the employee's own view,
the PDF statement and `hrtool report protections` all read ONE `Statement`, built once from what
is stored: the schedule's months (what is due now), its end and reason, the start-date salaries
kept in step with the spine, and the adjustments recorded for months already paid. Nothing here
recomputes a schedule or reads the policy's maximum as if it were the schedule: the phases named
are the phases the stored schedule reaches, the length is from the start to the stored end, and
the amounts are the stored ones, so the parts of a statement cannot disagree.

Pay is described as it is held: a grade and spinal column point, or local pay (a chief officer's
salary, with the band the restructure gave) written as "local pay, band £75,000 to £85,000",
never as a grade.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from ...domain.protection import (
    CASH_FROZEN,
    TAPERED,
    AdjustmentSpan,
    PhaseSpan,
    ProtectionPolicy,
    adjustment_spans,
    length_of,
    phases_reached,
)
from ...errors import DomainError
from ...extensions import db
from ...models import Employee, Policy, Post, Protection
from ..people.records import rule_value
from ..platform import audit
from ..platform.unit_of_work import transaction
from .protections import PLAIN_SOURCES, PROJECTED_NOTE, SOURCE_LABELS, for_employee, policy_rules

PART_MONTH_NOTE = ("Annual amounts are for your contractual hours. A month in which protection starts or ends part "
                   "way pays for the days protected.")
ADJUSTMENT_NOTE = ("A month already paid is never rewritten silently: when a pay award, a change to your record or "
                   "an early ending changes what was due for it, the table shows what is due now and the "
                   "difference is listed as an adjustment, paid or recovered in the next pay.")


def pounds(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _day(on: date) -> str:
    return f"{on:%-d %B %Y}"


def _share(share: Decimal) -> str:
    if share == 1:
        return "the whole of"
    if share == Decimal("0.5"):
        return "half of"
    return f"{(share * 100).normalize():f}% of"


def _length(months: int, days: int) -> str:
    parts = []
    if months:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    if days or not months:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    return " and ".join(parts)


def is_local_pay(grade: str, scp: int | None) -> bool:
    """Pay not on the spine: no point, and no grade, or a salary band in place of one (a restructure
    records a chief officer's band, "£75,000 to £85,000", where others have a grade)."""
    return scp is None and (not grade.strip() or grade.strip().startswith("£"))


def pay_words(grade: str, scp: int | None) -> str:
    """How a pay point is written: "Grade 7, SCP 20"; "SCP 20"; local pay with its band; a grade."""
    grade = grade.strip()
    if scp is not None:
        return f"{grade}, SCP {scp}" if grade else f"SCP {scp}"
    if is_local_pay(grade, scp):
        return "Local pay (not on the pay spine)" + (f", band {grade}" if grade else "")
    return grade


@dataclass(frozen=True)
class StatementMonth:
    """One month as held: what is due for it now (annual amounts at the person's hours)."""

    month: date
    phase: int
    new_salary: Decimal
    protection: Decimal
    total: Decimal
    payment: Decimal
    projected: bool
    adjusted: bool  # an adjustment was recorded for this month


@dataclass(frozen=True)
class AdjustmentLine:
    span: AdjustmentSpan

    @property
    def underpaid(self) -> bool:
        return self.span.difference > 0

    @property
    def amount(self) -> Decimal:
        return abs(self.span.difference)

    @property
    def months(self) -> str:
        first, last = self.span.first_month, self.span.last_month
        return f"{first:%B %Y}" if first == last else f"{first:%B %Y} to {last:%B %Y}"

    @property
    def text(self) -> str:
        if self.underpaid:
            return f"Underpaid {pounds(self.amount)} for {self.months}: to be paid in the next pay"
        return f"Overpaid {pounds(self.amount)} for {self.months}: to be recovered from the next pay"

    @property
    def detail(self) -> str:
        return f"Recorded on {_day(self.span.recorded_on)}: {self.span.why}"


@dataclass(frozen=True)
class Statement:
    """Everything any view of one protection says, computed once from what is stored."""

    protection_id: int
    employee_id: int
    name: str
    person_number: str
    council: str
    source: str  # label, e.g. "Restructure"
    source_ref: str
    reason: str
    policy_name: str
    kind: str  # tapered / cash-frozen
    policy_months: int  # the most the policy gives
    start: date
    ends_on: date | None  # the first day without protection
    last_day: date | None
    end_reason: str
    length: str  # from the start to the end, e.g. "24 months"
    old_salary: Decimal  # full-time, on the start date
    new_salary: Decimal
    difference: Decimal
    old_pay: str  # e.g. "Grade 8, SCP 25" or "Local pay (not on the pay spine), band £78,400"
    new_pay: str
    old_post: str
    new_post: str
    hours: Decimal  # on the start date
    full_time_hours: Decimal
    phases: list[PhaseSpan]
    months: list[StatementMonth]
    adjustments: list[AdjustmentLine]
    words: list[str]
    ended_early: str  # e.g. "Promotion from 10 February 2025", or ""
    local_pay: bool  # the old or the new pay is not on the spine
    adjustment_rows: list[dict[str, str]]  # each adjustment as recorded, for the JSON report

    @property
    def projected(self) -> bool:
        return any(m.projected for m in self.months)

    @property
    def part_time(self) -> bool:
        return self.hours != self.full_time_hours

    @property
    def total_payments(self) -> Decimal:
        return sum((m.payment for m in self.months), Decimal("0.00"))

    def phase_amount(self, phase: PhaseSpan) -> Decimal:
        """A tapered phase's full-time annual payment: its share of the difference, fixed in cash."""
        return phase.share_of_difference * self.difference

    @property
    def facts(self) -> list[tuple[str, str]]:
        """Label and value pairs, for HR's page and the PDF."""
        last = _day(self.last_day) if self.last_day else "Not known yet"
        facts = [("Council", self.council), ("Why", self.source + (f": {self.source_ref}" if self.source_ref else "")),
                 ("Policy", f"{self.policy_name} ({self.kind}, up to {self.policy_months} months)"),
                 ("Started", _day(self.start)), ("Last day of protection", last),
                 ("Protected for", self.length), ("How it ends", self.end_reason),
                 ("Before", f"{self.old_pay}: {pounds(self.old_salary)} a year full-time"
                            + (f", {self.old_post}" if self.old_post else "")),
                 ("After", f"{self.new_pay}: {pounds(self.new_salary)} a year full-time"
                           + (f", {self.new_post}" if self.new_post else "")),
                 ("Hours a week on the start date",
                  f"{self.hours.normalize():f} (full-time week {self.full_time_hours.normalize():f})")]
        if self.ended_early:
            facts.append(("Ended early", self.ended_early))
        return facts

    @property
    def adjustment_facts(self) -> list[tuple[str, str]]:
        return [("Adjustment", f"{a.text}. {a.detail}.") for a in self.adjustments]

    @property
    def notes(self) -> list[str]:
        notes = [PROJECTED_NOTE] if self.projected else []
        return notes + ([ADJUSTMENT_NOTE] if self.adjustments else [])

    def as_json(self) -> dict[str, Any]:
        """`hrtool report protections`: money as strings with two decimals. `end` is the last day
        protected and `first_day_without` the day after; each month's protected_salary is the
        annual pay protected that month (new salary plus protection) and current_salary the new
        salary, both at the person's hours."""
        return {
            "id": self.protection_id, "person_number": self.person_number, "policy": self.policy_name,
            "start": self.start.isoformat(), "end": self.last_day.isoformat() if self.last_day else None,
            "first_day_without": self.ends_on.isoformat() if self.ends_on else None,
            "end_reason": self.end_reason,
            "old_salary": f"{self.old_salary:.2f}", "new_salary": f"{self.new_salary:.2f}",
            "months": [{"month": f"{m.month:%Y-%m}", "protected_salary": f"{m.total:.2f}",
                        "current_salary": f"{m.new_salary:.2f}", "payment": f"{m.payment:.2f}"}
                       for m in self.months],
            "adjustments": self.adjustment_rows,
        }


def _words(st: Statement, rules: ProtectionPolicy | None, because: str) -> list[str]:
    start = _day(st.start)
    went_down = f"Your pay went down on {start}{' ' + because if because else ''}."
    if st.ends_on is not None and st.ends_on <= st.start:
        first = f"{went_down} On that date your new salary already reaches your old salary, so no protection is paid."
    elif st.last_day is not None:
        first = (f"{went_down} {st.council}'s pay protection policy protects pay for up to {st.policy_months} "
                 f"months; yours is protected for {st.length}, from {start} to {_day(st.last_day)}.")
    else:
        first = (f"{went_down} {st.council}'s pay protection policy protects pay for up to {st.policy_months} "
                 "months from that date.")
    words = [first]
    phases = [f"from {_day(p.first_day)} to {_day(p.last_day)}, {_share(p.share_of_difference)} it "
              f"({pounds(st.phase_amount(p))} a year)" for p in st.phases]
    if rules is not None and rules.kind == TAPERED and phases:
        words.append(f"The difference between your old salary ({pounds(st.old_salary)} a year) and your new "
                     f"salary ({pounds(st.new_salary)} a year) on {start} is {pounds(st.difference)} a year, "
                     f"fixed in pounds. You are paid {'; then '.join(phases)}. Pay awards and increments on your "
                     "new salary are paid on top.")
    elif rules is not None and rules.kind == CASH_FROZEN and st.phases:
        shares = [f"from {_day(p.first_day)} to {_day(p.last_day)}, {_share(p.share_of_difference)}"
                  for p in st.phases]
        words.append(f"Your old salary of {pounds(st.old_salary)} a year is protected. You are paid "
                     f"{'; then '.join(shares)} the difference between it and your new salary, which was "
                     f"{pounds(st.new_salary)} a year on {start}: a difference of {pounds(st.difference)} a "
                     "year then. Pay awards and increments on your new salary make the payment smaller, until "
                     "your new salary catches up.")
    if st.local_pay:
        words.append("Your salary is not on the national pay spine: the amounts are the salaries recorded for "
                     "you, and change only when your record does.")
    if st.part_time:
        words.append(f"These are full-time amounts. You are paid for your hours ({st.hours.normalize():f} a week "
                     f"out of a full-time week of {st.full_time_hours.normalize():f}), so the table shows your "
                     "share.")
    if st.last_day is not None and st.ends_on is not None and st.ends_on > st.start:
        words.append(f"Your last day of protection is {_day(st.last_day)}. {st.end_reason}")
    return words


def _post_words(post_id: int | None) -> str:
    post = db.session.get(Post, post_id) if post_id is not None else None
    return f"{post.title} ({post.post_number})" if post else ""


def statement(record: Protection) -> Statement:
    """The statement of one protection, built once from what is stored."""
    policy = db.session.get(Policy, record.policy_id)
    rules = policy_rules(policy) if policy else None
    employee = db.session.get(Employee, record.employee_id)
    ends_on = record.ends_on
    last_day = ends_on - timedelta(days=1) if ends_on else None
    phases = phases_reached(rules, record.start_date, ends_on) if rules and ends_on else []
    adjusted = {a.month for a in record.adjustments}
    months = [StatementMonth(r.month, r.phase, r.new_salary, r.protection, r.total, r.payment, r.projected,
                             r.month in adjusted) for r in record.months]
    spans = adjustment_spans([(a.month, a.difference, a.recorded_on, a.why) for a in record.adjustments])
    length = _length(*length_of(record.start_date, ends_on)) if ends_on else "not known yet"
    early = ""
    if record.ended_early_on is not None:
        early = f"{record.ended_early_kind.capitalize()} from {_day(record.ended_early_on)}"
    st = Statement(
        protection_id=record.id, employee_id=record.employee_id,
        name=employee.full_name if employee else "", person_number=employee.person_number if employee else "",
        council=record.council.name, source=SOURCE_LABELS[record.source], source_ref=record.source_ref,
        reason=record.reason, policy_name=policy.name if policy else "", kind=rules.kind if rules else "",
        policy_months=rules.months if rules else 0, start=record.start_date, ends_on=ends_on, last_day=last_day,
        end_reason=record.end_reason, length=length, old_salary=record.old_salary, new_salary=record.new_salary,
        difference=record.old_salary - record.new_salary, old_pay=pay_words(record.old_grade, record.old_scp),
        new_pay=pay_words(record.new_grade, record.new_scp), old_post=_post_words(record.old_post_id),
        new_post=_post_words(record.new_post_id), hours=record.hours_per_week,
        full_time_hours=Decimal(rule_value("full_time_hours", record.start_date)), phases=phases, months=months,
        adjustments=[AdjustmentLine(s) for s in spans], words=[], ended_early=early,
        local_pay=is_local_pay(record.old_grade, record.old_scp) or is_local_pay(record.new_grade, record.new_scp),
        adjustment_rows=[{"month": f"{a.month:%Y-%m}", "paid": f"{a.paid:.2f}", "due": f"{a.due:.2f}",
                           "difference": f"{a.difference:.2f}", "recorded_on": a.recorded_on.isoformat(),
                           "why": a.why} for a in record.adjustments])
    return replace(st, words=_words(st, rules, _because(record)))


def _because(record: Protection) -> str:
    """Why the pay is protected, in words for the statement: the source, and the reason recorded."""
    why = PLAIN_SOURCES[record.source]
    reason = record.reason.strip().rstrip(".")
    if why:
        return f"because of {why}" + (f" ({reason})" if reason else "")
    return f"(the reason recorded: {reason})" if reason else ""


@transaction
def report(on: date | None = None) -> list[dict[str, Any]]:
    """`hrtool report protections`: every protection's statement as JSON (Statement.as_json), in
    id order; with `on`, only those running on that date (started, not yet ended)."""
    from sqlalchemy import select

    from .protections import active_on

    query = select(Protection).order_by(Protection.id)
    if on is not None:
        query = query.where(active_on(on))
    return [statement(record).as_json() for record in db.session.scalars(query)]


def statements_for(employee_id: int) -> list[Statement]:
    return [statement(record) for record in for_employee(employee_id)]


@transaction
def statement_pdf(employee_id: int, today: date) -> bytes:
    """The person's pay protection statement (every protection they have had), from the same
    statements as the pages; audited as a view of personal data."""
    from ...reports.protection_pdf import Statement as Document
    from ...reports.protection_pdf import StatementSection, render

    employee = db.session.get(Employee, employee_id)
    records = for_employee(employee_id)
    if employee is None or not records:
        raise DomainError("There is no pay protection to show")
    sections, notes = [], []
    for record in records:
        st = statement(record)
        rows = [[f"{m.month:%B %Y}", str(m.phase), pounds(m.new_salary), pounds(m.protection), pounds(m.payment),
                 ", ".join(flag for flag, on in (("Projected", m.projected), ("Adjusted", m.adjusted)) if on)]
                for m in st.months]
        sections.append(StatementSection(f"Protection from {_day(st.start)}", st.facts + st.adjustment_facts,
                                         st.words, rows))
        notes += [note for note in st.notes if note not in notes]
    pdf = render(Document(records[0].council.name, employee.full_name, employee.person_number, _day(today), sections,
                          [*notes, PART_MONTH_NOTE], dated=today))
    audit.record("export", "protection_statement", employee_id, after={"protections": [r.id for r in records]},
                 employee_id=employee_id)
    return pdf
