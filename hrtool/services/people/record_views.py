"""Who looked at whose record, and when (UK GDPR Article 5(1)(f) and 5(2): access to personal
data is accountable, not only changes to it).

Every successful GET of a page about one person, by anyone other than that person, is logged in
`record_views` (append-only). The page is found generically: any URL with an `employee_id`, or
an argument naming a record that belongs to one person (`member_id`, `letter_id`, ...), so a new
page about a person is logged without anyone remembering to add a hook. Pages that show a list
of people log nothing (a list is not a look at someone's record); a page that shows several
people's full particulars at once (the ELI pack) logs one view per person through `record_many`;
bulk exports are one `export` audit event with the filters and the count, as before."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.exc import OperationalError

from ...extensions import db
from ...models import (
    Election,
    EmployeeCase,
    EvaluationAppeal,
    Letter,
    Protection,
    RecordView,
    RouteDecision,
    TransferMember,
)
from ..platform import audit, unit_of_work
from ..platform.unit_of_work import transaction

# URL arguments naming a record that belongs to one person: the model whose employee_id says who.
# (A restructure's route decision is one person's route: its override page names them.)
SUBJECT_ARGS: dict[str, Any] = {
    "member_id": TransferMember, "letter_id": Letter, "protection_id": Protection,
    "case_id": EmployeeCase, "election_id": Election, "decision_id": RouteDecision,
    "appeal_id": EvaluationAppeal,  # one employee's job evaluation appeal
}
# Pages about a person that are not a look at their record. None now: the subject
# access page and the who-viewed page name the person and show what is held about them, so they
# are looks at the record too (the export itself is also an audited `export` event).
NOT_LOGGED: set[str] = set()
PAGE_NAMES = {
    "staff.employee": "Employee record", "staff.edit_details": "Change personal details",
    "staff.change_assignment": "Change post, hours or pay", "staff.record_leaver": "Record a leaver",
    "protected.for_employee": "Protected terms side by side", "cases.cases_list": "Disciplinary, grievance and claims",
    "cases.create": "Record a case", "cases.edit": "Change a case", "eli.pack": "Employee liability information pack",
    "eli.member_pdf": "Employee liability information (PDF)", "eli.cases_checked": "Cases checked for the ELI",
    "letters.letter": "Letter", "letters.letter_pdf": "Letter (PDF)",
    "letters.letter_read": "Letter (web page)", "protection.protection": "Pay protection",
    "protection.statement": "Pay protection statement (PDF)", "privacy.erase": "Delete under the retention rule",
    "privacy.subject_access_export": "Subject access export", "privacy.record_views_page": "Who viewed this record",
    "restructures.override": "Restructure route set by HR", "staff.pay_history": "Pay history",
    "appeals.appeal": "Job evaluation appeal",
}


def page_name(endpoint: str) -> str:
    return PAGE_NAMES.get(endpoint, endpoint)


def subject_of(view_args: dict[str, Any]) -> int | None:
    """The person a page is about, from its URL arguments; None for any other page. (The web
    layer logs the view after the request: hrtool/web/request_hooks.py.)"""
    employee_id = view_args.get("employee_id")
    if isinstance(employee_id, int):
        return employee_id
    for name, model in SUBJECT_ARGS.items():
        if isinstance(view_args.get(name), int):
            found: int | None = db.session.scalar(select(model.employee_id).where(model.id == view_args[name]))
            return found
    return None


def record_many(employee_ids: list[int], page: str, path: str,
                actor: tuple[int | None, str] | None = None) -> None:
    """One view per person, in one INSERT (a page showing a whole cohort), committed at once.

    What the page read is ended (rolled back) first, so the INSERT begins a transaction of its
    own: on SQLite, upgrading a page's read transaction to a write fails outright if someone else
    wrote meanwhile (SQLITE_BUSY_SNAPSHOT), whereas a transaction that starts by writing waits
    its turn. Pages only read (every change is a unit of work that has committed by now), so
    there is nothing else to keep."""
    if not employee_ids:
        return
    viewer_id, label = actor or audit._actor()
    at = datetime.now(UTC)
    if unit_of_work.in_transaction():
        _insert_views(employee_ids, viewer_id, label, page, path, at)
        return
    unit_of_work.discard()
    from ...errors import is_busy
    from ...sqlite import waiting_at_most

    try:
        with waiting_at_most(BUSY_WAIT_MS):
            _insert_views(employee_ids, viewer_id, label, page, path, at)
    except OperationalError as error:
        if not is_busy(error):
            raise
        # The database is held by a long write (an import's commit on SQLite): the views go on
        # the job queue (its own store, durable), and a worker writes them, with the time they
        # happened, once the lock is free. If the queue cannot take them either, this raises.
        from ...jobs import tasks

        tasks.record_views(employee_ids, viewer_id, label, page, path, at.isoformat())


# How long a page waits for SQLite's write lock to log its view before handing the log to the queue.
BUSY_WAIT_MS = 500


@transaction
def _insert_views(employee_ids: list[int], viewer_id: int | None, label: str, page: str, path: str,
                  at: datetime) -> None:
    db.session.execute(insert(RecordView.__table__), [
        {"at": at, "viewer_id": viewer_id, "viewer_label": label, "employee_id": employee_id,
         "page": page[:80], "path": path[:300]} for employee_id in employee_ids])


def write_later(employee_ids: list[int], viewer_id: int | None, label: str, page: str, path: str, at: str) -> None:
    """The queue's half of `record_many`: the views a busy moment handed over (tasks.record_views)."""
    _insert_views(employee_ids, viewer_id, label, page, path, datetime.fromisoformat(at))


@dataclass(frozen=True)
class ViewSummary:
    viewer_label: str
    views: int
    first_at: datetime
    last_at: datetime


def views_of(employee_id: int, limit: int = 200) -> list[RecordView]:
    """The latest views of a person's record, newest first."""
    return list(db.session.scalars(select(RecordView).where(RecordView.employee_id == employee_id)
                                   .order_by(RecordView.id.desc()).limit(limit)))


def viewers_of(employee_id: int) -> list[ViewSummary]:
    """Who has viewed a person's record: each viewer, how often, first and last time."""
    rows = db.session.execute(
        select(RecordView.viewer_label, func.count(), func.min(RecordView.at), func.max(RecordView.at))
        .where(RecordView.employee_id == employee_id)
        .group_by(RecordView.viewer_id, RecordView.viewer_label).order_by(func.max(RecordView.at).desc()))
    return [ViewSummary(label, n, first, last) for label, n, first, last in rows]
