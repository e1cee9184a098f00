"""Importing job evaluations as a job: a file of up to 5,000 evaluations is recorded
one by one, each grading its post and moving or protecting its holders (about 35 to 70 ms a row
measured on 20,000 demo employees), longer than a web request may take. The check stays in the
request (services/pay/jes/evaluation_io.py); this is the confirmed import, all or nothing."""
from __future__ import annotations

from datetime import date
from typing import Any

from ...errors import DomainError
from ...services.pay.jes import evaluation_io
from ...services.platform import import_uploads, unit_of_work
from ..registry import Outcome, Progress, kind


def commit_key(token: str) -> str:
    """One import of an upload at a time."""
    return f"evaluation_import:{token}"


@kind("evaluation_import", "Import job evaluations", permission="grading.edit")
def commit(params: dict[str, Any], progress: Progress) -> Outcome:
    """The checked file (the same SHA-256) checked again and recorded in the job's one unit of
    work; a row the records no longer allow fails the job and nothing is imported."""
    upload = import_uploads.load(params["token"], params["user_id"])
    if import_uploads.digest(upload) != params["sha256"]:
        raise DomainError(evaluation_io.CHANGED)
    progress(0, 1)
    report = evaluation_io.import_file(upload.path, upload.file_name, params["sha256"], date.today())
    if not report.ok:
        shown = "; ".join(str(e) for e in report.errors[:5])
        more = f" (and {report.error_count - 5:,} more)" if report.error_count > 5 else ""
        raise DomainError(f"Nothing was imported: the records changed since the file was checked. {shown}{more}")
    progress(1, 1)
    unit_of_work.after_commit(lambda: import_uploads.discard(upload))
    count = len(report.rows)
    return Outcome(f"Imported {count:,} job evaluation{'s' if count != 1 else ''} from {upload.file_name}.",
                   {"link": "evaluation_io.upload", "link_args": {}, "link_text": "Import another file",
                    "rows": count, "grade_changes": len(report.grade_moves)})
