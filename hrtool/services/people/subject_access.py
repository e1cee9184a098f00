"""Everything held about one person, found by walking the schema (UK GDPR Article 15, the right of
access; the same walk tells the retention rule what to delete).

The walk is generic so a new table cannot be missed: starting from the person's `employees` row it
follows every foreign key back to the tables that point at rows already found (employments, then
their assignments and terms records, transfer memberships, protections and their months, letters,
cases, elections ...). It never walks on from `users` (what an account recorded is not about the
account's owner) and treats tables that name a person without a foreign key on their own:

- `audit_events` and `record_views` (UNLINKED): the trail about the person, kept whole;
- saved harmonisation results (EMBEDDED): the person's entries in each model's list of people.

`tests/privacy/test_coverage.py` fails if any table with an `employee_id` column is neither reached
by the walk nor listed here.
"""
from __future__ import annotations

import html
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, or_, select

from ...extensions import db
from ...models import (
    AuditEvent,
    Employee,
    HarmonisationModel,
    LoginAttempt,
    RecordView,
    User,
)
from ..platform import audit
from ..platform.unit_of_work import transaction

ROOT = "employees"
NOT_WALKED_FROM = {"users"}  # reached (the person's login), never walked on from
UNLINKED = {"audit_events", "record_views"}  # name a person by employee_id without a foreign key
EMBEDDED = {"harmonisation_models"}  # a JSON list holding people's entries
SECRET_COLUMNS = {"password_hash"}  # never exported, even to the person
BINARY_COLUMNS = {("letters", "pdf")}  # written as files beside the JSON
# Rows the person's records point at that are not about them (posts, councils, transfers...) are
# included as context, except these: other people's accounts and internal machinery.
CONTEXT_EXCLUDED = {"users", "letter_template_versions", "letter_templates", "letter_jobs", "letter_batches"}

TITLES = {
    "employees": "Your personal details", "employments": "Your employments", "assignments": "Your posts, hours and pay",
    "terms_records": "Whose terms and conditions you were on", "protected_terms": "Your protected terms (snapshots)",
    "elections": "Your elections", "employee_cases": "Disciplinary matters, grievances and claims",
    "transfer_members": "Transfers you were in", "protections": "Your pay protection",
    "protection_months": "Your pay protection schedules", "protection_warnings": "Pay protection expiry warnings",
    "protection_adjustments": "Adjustments to your pay protection for months already paid",
    "letters": "Letters to you", "letter_acknowledgements": "Acknowledgements of letters to you",
    "route_decisions": "Restructure routes decided for you", "appointments": "Appointments in a restructure",
    "users": "Your sign-in account", "login_attempts": "Sign-ins to your account",
    "audit_events": "Changes to your records and actions by your account (audit trail)",
    "record_views": "Who viewed your record", "harmonisation_models": "You in pay harmonisation models",
}


@dataclass(frozen=True)
class Edge:
    child: str
    column: str
    parent: str


def tables() -> dict[str, Table]:
    return dict(db.metadata.tables)


def _edges() -> list[Edge]:
    return [Edge(t.name, fk.parent.name, fk.column.table.name)
            for t in db.metadata.sorted_tables for fk in t.foreign_keys]


def walked_tables() -> set[str]:
    """Every table the walk can reach from a person (whether or not this person has rows there)."""
    reached, grew = {ROOT}, True
    while grew:
        grew = False
        for edge in _edges():
            if edge.parent in reached and edge.parent not in NOT_WALKED_FROM and edge.child not in reached:
                reached.add(edge.child)
                grew = True
    return reached


def covered_tables() -> set[str]:
    return walked_tables() | UNLINKED | EMBEDDED


def _pk(table: Table) -> Any:
    return next(iter(table.primary_key.columns))


def collect(employee_id: int) -> dict[str, set[Any]]:
    """Primary keys of the person's rows, table by table, following foreign keys to a fixed point."""
    meta = tables()
    found: dict[str, set[Any]] = defaultdict(set)
    if db.session.get(Employee, employee_id) is None:
        return {}
    found[ROOT].add(employee_id)
    edges = _edges()
    grew = True
    while grew:
        grew = False
        for edge in edges:
            parents = found.get(edge.parent)
            if not parents or edge.parent in NOT_WALKED_FROM:
                continue
            child = meta[edge.child]
            ids = set(db.session.scalars(select(_pk(child)).where(child.c[edge.column].in_(sorted(parents)))))
            if ids - found[edge.child]:
                found[edge.child] |= ids
                grew = True
    return {name: ids for name, ids in found.items() if ids}


def plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)


def _rows(table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in SECRET_COLUMNS and (table.name, c.name) not in BINARY_COLUMNS]
    result = db.session.execute(select(*columns).where(where).order_by(_pk(table)))
    return [{k: plain(v) for k, v in row._mapping.items()} for row in result]


@dataclass
class SubjectAccess:
    employee_id: int
    person_number: str
    name: str
    produced_at: datetime
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows
    context: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table -> rows pointed at
    files: dict[str, bytes] = field(default_factory=dict)  # name in the ZIP -> bytes (letters' PDFs)

    @property
    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.sections.items()}


def build(employee_id: int, produced_at: datetime) -> SubjectAccess | None:
    """Everything held about the person, or None if there is no such person."""
    employee = db.session.get(Employee, employee_id)
    if employee is None:
        return None
    meta = tables()
    found = collect(employee_id)
    result = SubjectAccess(employee_id, employee.person_number, employee.full_name, produced_at)
    order = list(TITLES)  # the person's details first, then as TITLES lists them; any new table last
    for name in sorted(found, key=lambda n: (order.index(n) if n in order else len(order), n)):
        table = meta[name]
        result.sections[name] = _rows(table, _pk(table).in_(sorted(found[name])))

    user_ids = sorted(found.get("users", ()))
    usernames = [r["username"] for r in result.sections.get("users", [])]
    result.sections["audit_events"] = _rows(AuditEvent.__table__, or_(
        AuditEvent.employee_id == employee_id, AuditEvent.actor_id.in_(user_ids)))
    result.sections["record_views"] = _rows(RecordView.__table__, RecordView.employee_id == employee_id)
    if usernames:
        result.sections["login_attempts"] = _rows(LoginAttempt.__table__, LoginAttempt.username.in_(usernames))
    entries = [{"model_id": m.id, "model": m.name, "as_of": plain(m.as_of), **entry}
               for m in db.session.scalars(select(HarmonisationModel).order_by(HarmonisationModel.id))
               for entry in embedded_entries(m, employee_id)]
    if entries:
        result.sections["harmonisation_models"] = entries
    result.sections = {k: v for k, v in result.sections.items() if v}

    # What the person's rows point at (their posts, councils, transfers ...), for reading them.
    wanted: dict[str, set[Any]] = defaultdict(set)
    for name in found:
        for fk in meta[name].foreign_keys:
            target = fk.column.table.name
            if target in found or target in CONTEXT_EXCLUDED:
                continue
            for row in result.sections.get(name, []):
                if row.get(fk.parent.name) is not None:
                    wanted[target].add(row[fk.parent.name])
    for name, ids in sorted(wanted.items()):
        table = meta[name]
        result.context[name] = _rows(table, _pk(table).in_(sorted(ids)))

    if "letters" in found:
        for reference, pdf in db.session.execute(select(meta["letters"].c.reference, meta["letters"].c.pdf)
                                                  .where(meta["letters"].c.id.in_(sorted(found["letters"])))):
            result.files[f"letters/{reference}.pdf"] = pdf
    return result


def embedded_entries(model: HarmonisationModel, employee_id: int) -> list[dict[str, Any]]:
    results = model.results or {}
    return [e for e in results.get("affected", []) if isinstance(e, dict) and e.get("employee_id") == employee_id]


def _html(sar: SubjectAccess) -> str:
    def table(rows: list[dict[str, Any]]) -> str:
        if not rows:
            return "<p>None.</p>"
        heads = list(rows[0])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(_cell(r.get(h)))}</td>" for h in heads) + "</tr>"
                       for r in rows)
        return ("<table><thead><tr>" + "".join(f"<th scope=\"col\">{html.escape(h)}</th>" for h in heads)
                + f"</tr></thead><tbody>{body}</tbody></table>")

    parts = [f"<h2 id=\"{name}\">{html.escape(TITLES.get(name, name))} ({len(rows)})</h2>{table(rows)}"
             for name, rows in sar.sections.items()]
    context = [f"<h3>{html.escape(name)}</h3>{table(rows)}" for name, rows in sar.context.items()]
    letters = "".join(f"<li><a href=\"{html.escape(n)}\">{html.escape(n)}</a></li>" for n in sar.files)
    return (
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>Personal data held about {html.escape(sar.name)}</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1em}"
        "td,th{border:1px solid #999;padding:2px 6px;vertical-align:top;font-size:90%}</style></head><body>"
        f"<h1>Personal data held about {html.escape(sar.name)} ({html.escape(sar.person_number)})</h1>"
        f"<p>Produced by hrtool on {sar.produced_at:%d %B %Y at %H:%M} UTC under UK GDPR Article 15. "
        "The same data is in <code>data.json</code>; letters sent to you are in the <code>letters</code> "
        "folder. Column names are the database's own.</p>"
        + "".join(parts)
        + (f"<h2>Letters</h2><ul>{letters}</ul>" if letters else "")
        + "<h2>Records your data refers to</h2><p>Posts, councils, transfers and policies named above, "
          "so the numbers in your records can be read.</p>" + "".join(context)
        + "</body></html>")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_zip(sar: SubjectAccess) -> bytes:
    data = {"person_number": sar.person_number, "name": sar.name, "produced_at": plain(sar.produced_at),
            "sections": sar.sections, "context": sar.context, "letters": sorted(sar.files)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("index.html", _html(sar))
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
        for name, content in sar.files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@transaction
def export(employee_id: int, produced_at: datetime, *, reason: str = "", by_hr: bool = False) -> tuple[bytes, str] | None:
    """The ZIP for the person, with an `export` audit event on `subject_access` saying who made it,
    for whom, why (for HR) and how many rows of each kind it held; one unit of work."""
    sar = build(employee_id, produced_at)
    if sar is None:
        return None
    content = to_zip(sar)
    audit.record("export", "subject_access", employee_id, employee_id=employee_id, reason=reason,
                 after={"by": "HR" if by_hr else "the person", "counts": sar.counts, "letters": len(sar.files)})
    return content, f"personal-data-{sar.person_number}-{produced_at:%Y-%m-%d}.zip"


def user_of(employee_id: int) -> User | None:
    return db.session.scalar(select(User).where(User.employee_id == employee_id))
