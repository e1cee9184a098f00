"""HR's daily digest by email: what needs doing soon, for HR officers who are not
looking at the dashboard.

One message per HR officer and administrator (an active login with an email address, digest
not turned off) listing the same things the HR dashboard lists, by the same rules (nothing is
worked out again here):
- TUPE steps of planned transfers not done and overdue, or due within the next 14 days
  (services/platform/dashboards.transfer_steps_due: SOON_DAYS, with the working day to plan by);
- pay protections ending within their council's notice window
  (services/protection/protection_dashboard.ending_in_notice_window, what `hrtool protection check` warns of).
Nothing to say: no message. Names are fine (HR see everything), but each list is short (at most
MAX_LINES, then how many more) and every line has its link. One digest per person per day: run
twice, the second run adds nothing."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from ...extensions import db
from ...formatting import plural, uk_date
from ...models import ChecklistItem, OutboxMessage, Role, Transfer, User
from ..platform.dashboards import SOON_DAYS, transfer_steps_due
from ..platform.unit_of_work import transaction
from ..protection.protection_dashboard import ending_in_notice_window
from ..rules.bank_holidays import note_for
from .mail import link, mail_address

MAX_LINES = 15
HR_ROLES = (Role.HR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]  # each item: its text, then its link on the next line

    @property
    def count(self) -> int:
        return len(self.lines)


def _step_line(item: ChecklistItem, transfer: Transfer) -> str:
    plan = note_for(item.due_on)
    return (f"  - {uk_date(item.due_on)}: {item.title} - transfer {transfer.reference}, {transfer.service.name}"
            + (f" ({plan})" if plan else "") + f"\n    {link('transfers.transfer', transfer_id=transfer.id)}")


def sections(today: date) -> list[Section]:
    """What the digest for `today` says, section by section (empty sections left out)."""
    steps = transfer_steps_due(today)
    out = []
    if steps.overdue:
        out.append(Section("TUPE steps overdue (not marked done)", [_step_line(i, t) for i, t in steps.overdue]))
    if steps.due_soon:
        out.append(Section(f"TUPE steps due in the next {SOON_DAYS} days, to {uk_date(today + timedelta(days=SOON_DAYS))}",
                           [_step_line(i, t) for i, t in steps.due_soon]))
    ending = ending_in_notice_window(today)
    if ending:
        out.append(Section("Pay protections ending within the notice window", [
            f"  - {row.name} ({row.person_number}), {row.council}: last day protected {uk_date(row.last_day)} "
            f"(warned {days} days ahead)\n    {link('protection.protection', protection_id=row.id)}"
            for row, days in ending]))
    return out


def _body(today: date, found: list[Section]) -> str:
    parts = [f"Good morning,\n\nWhat needs doing in hrtool, as at {uk_date(today)}:"]
    for section in found:
        shown = section.lines[:MAX_LINES]
        more = (f"\n  … and {section.count - MAX_LINES} more: see the dashboard" if section.count > MAX_LINES else "")
        parts.append(f"{section.title} ({section.count}):\n" + "\n".join(shown) + more)
    parts.append(f"The HR dashboard: {link('hr.dashboard')}\n"
                 f"Pay protection: {link('protection.dashboard_page')}")
    parts.append(f"You can turn this daily email off under \"Email notices\" in hrtool:\n{link('account.notices')}")
    return "\n\n".join(parts) + "\n"


def _subject(today: date, found: list[Section]) -> str:
    steps = sum(s.count for s in found if s.title.startswith("TUPE"))
    ending = sum(s.count for s in found if s.title.startswith("Pay protections"))
    what = [plural(n, "TUPE step") for n in [steps] if n] + [plural(n, "protection") + " ending" for n in [ending] if n]
    return f"hrtool digest for {uk_date(today)}: " + ", ".join(what)


@transaction
def daily_digest(today: date) -> list[int]:
    """Queue today's digest for each HR officer and administrator who has not turned it off and
    has not had today's yet. Returns the outbox ids to deliver (none when there is nothing to say)."""
    found = sections(today)
    if not found:
        return []
    already = set(db.session.scalars(select(OutboxMessage.to_user_id).where(
        OutboxMessage.kind == "daily_digest", OutboxMessage.digest_on == today)))
    users = db.session.scalars(select(User).where(User.role.in_(HR_ROLES), User.active.is_(True),
                                                  User.notify_digest.is_(True)).order_by(User.id))
    subject, body = _subject(today, found), _body(today, found)
    messages = []
    for user in users:
        address = mail_address(user)
        if address is None or user.id in already:
            continue
        messages.append(OutboxMessage(to_address=address, to_user_id=user.id, kind="daily_digest", subject=subject,
                                      body=body, digest_on=today, status="queued", attempts=0, error="",
                                      created_at=datetime.now(UTC)))
    db.session.add_all(messages)
    db.session.flush()
    return [m.id for m in messages]
