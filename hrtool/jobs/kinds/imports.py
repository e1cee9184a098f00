"""Importing employees as jobs: the check of an uploaded file (a dry run that keeps
nothing) and the import itself (all or nothing). A 100,000-row import took 36-90 s, longer than
a web worker may hold a request.

The upload is stored by services/platform/import_uploads.py under a token; both jobs read it from there.
The check records the file's SHA-256 with its report, and the import refuses a file that is not
the one checked, so nothing is imported that HR did not see previewed."""
from __future__ import annotations

from typing import Any

from ...errors import DomainError
from ...services.people.employee_io import ImportReport, PersonChange, apply_import, import_employees
from ...services.platform import import_uploads, unit_of_work
from ...sqlite import reads_only
from ..registry import Outcome, Progress, kind

SHOWN_CHANGES = 200  # the changes a preview lists (every change is counted)
SHOWN_PROBLEMS = 500  # the problems a preview lists (every problem is counted)
CHANGED = "The file changed after it was checked: upload it again to check it before importing"


def commit_key(token: str) -> str:
    """One import of an upload at a time."""
    return f"import:{token}"


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _report(report: ImportReport, upload: import_uploads.Upload, sha256: str, confirmable: bool,
            job_id: int) -> dict[str, Any]:
    errors = [[e.line, e.column, e.message] for e in report.errors[:SHOWN_PROBLEMS]]
    return {
        "file_name": upload.file_name, "effective_on": report.effective_on.isoformat(), "ok": report.ok,
        "rows": report.rows, "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "posts_created": report.posts_created, "posts_retitled": report.posts_retitled,
        "error_count": report.error_count, "change_count": report.change_count, "errors": errors,
        "header_line": report.header_line, "notes": report.notes, "repair_count": report.repair_count,
        "repairs": report.repairs[:SHOWN_PROBLEMS],
        "changes": [[c.line, f"{c.person_number} {c.name}", "; ".join(c.changes)]
                    for c in report.changes[:SHOWN_CHANGES]],
        # For the job's own page: where and what, line by line.
        "problems": [[f"line {line}, {column}" if line and column else f"line {line}" if line else "whole file",
                      message] for line, column, message in errors],
        "problems_title": (_plural(report.error_count, "problem", "problems")
                           + f" (the header is line {report.header_line})"),
        "token": upload.token if confirmable else None, "sha256": sha256 if confirmable else None,
        "link": "imports.preview", "link_args": {"job_id": job_id},
        "link_text": "Check the changes and import" if confirmable else "See the report",
    }


@kind("import_preview", "Check an import file", atomic=False, permission="employees.edit")
def preview(params: dict[str, Any], progress: Progress) -> Outcome:
    """Every row checked against the records as an import would (a dry run: nothing is kept, and
    on SQLite the check holds no write lock). The report says what would change, or every
    problem; with nothing to import the upload is removed at once (it holds personal data)."""
    upload = import_uploads.load(params["token"], params["user_id"])
    sha256 = import_uploads.digest(upload)

    reported = [0]

    def seen(change: PersonChange) -> None:  # how far the check has got, every 500 lines or so
        if change.line - reported[0] >= 500:
            reported[0] = change.line
            progress(change.line)

    @reads_only
    def check() -> ImportReport:
        with unit_of_work.dry_run():
            return import_employees(upload.path, file_name=upload.file_name, effective_on=upload.effective_on,
                                    dry_run=True, keep_changes=SHOWN_CHANGES, on_change=seen)

    report = check()
    progress(report.rows, report.rows)
    confirmable = report.ok and bool(report.changed + report.posts_created + report.posts_retitled)
    if not confirmable:
        import_uploads.discard(upload)
    if not report.ok:
        text = (f"{upload.file_name} has {_plural(report.error_count, 'problem', 'problems')}, so nothing can be "
                "imported: correct every problem listed and upload the file again.")
    elif not confirmable:
        text = f"Nothing to import from {upload.file_name}: every row matches the records."
    else:
        text = (f"{upload.file_name} checked: {_plural(report.created, 'new employee', 'new employees')}, "
                f"{report.updated:,} updated, {report.unchanged:,} unchanged. Nothing is saved until you import it.")
    return Outcome(text, _report(report, upload, sha256, confirmable, progress.job_id))


@kind("import_commit", "Import employees", permission="employees.edit")
def commit(params: dict[str, Any], progress: Progress) -> Outcome:
    """The checked file imported in the job's one unit of work: every change with its audit
    events, or (a row the records no longer allow, another import running) nothing. The upload
    is removed once the import is committed; on a failure it is kept, so "Try again" can."""
    upload = import_uploads.load(params["token"], params["user_id"])
    if import_uploads.digest(upload) != params["sha256"]:
        raise DomainError(CHANGED)
    progress(0, 1)
    report = apply_import(upload.path, file_name=upload.file_name, effective_on=upload.effective_on, keep_changes=0)
    progress(1, 1)
    unit_of_work.after_commit(lambda: import_uploads.discard(upload))
    return Outcome(f"Imported {upload.file_name}: {report.created:,} created, {report.updated:,} updated, "
                   f"{report.unchanged:,} unchanged.",
                   {"link": "imports.result", "link_args": {"event": report.event_id}, "link_text": "See the import",
                    "created": report.created, "updated": report.updated, "unchanged": report.unchanged})
