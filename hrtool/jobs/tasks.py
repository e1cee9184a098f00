"""The tasks the queue carries, and the schedule. A task carries only a job's id: the worker
reads everything else from the job's row, so a message delivered twice runs the job once."""
from __future__ import annotations

from datetime import date

from huey import crontab

from .queue import app_context, huey


@huey.task()
def run_job(job_id: int) -> None:
    from . import runner

    with app_context():
        runner.run(job_id)


@huey.task()
def letter_batch(job_id: int) -> None:
    from ..services.letters import letter_jobs

    with app_context():
        letter_jobs.run(job_id)


@huey.task(retries=3, retry_delay=60)
def deliver_mail(message_id: int) -> None:
    """Send one message; a refused send raises, and the queue tries again a minute later."""
    from ..services.letters import mail

    with app_context():
        mail.deliver(message_id)


@huey.task(retries=10, retry_delay=15)
def record_views(employee_ids: list[int], viewer_id: int | None, label: str, page: str, path: str, at: str) -> None:
    """Views of people's records a page could not log at once (the database busy): written now."""
    from ..services.people import record_views as views

    with app_context():
        views.write_later(employee_ids, viewer_id, label, page, path, at)


def _scheduled(kind: str, params: dict[str, object] | None = None, dedupe: bool = True) -> None:
    """Start a scheduled job (recorded as started by "system", with its own page)."""
    from ..errors import DomainError
    from . import records

    with app_context():
        try:
            records.submit(kind, params or {}, None, dedupe_key=f"scheduled:{kind}" if dedupe else None)
        except DomainError:  # yesterday's is still running: leave it be
            pass


@huey.periodic_task(crontab(minute="30", hour="1"))
def nightly_check() -> None:
    _scheduled("nightly_check", {})


@huey.periodic_task(crontab(minute="0", hour="2"))
def nightly_backup() -> None:
    _scheduled("backup", {})


@huey.periodic_task(crontab(minute="15", hour="2"))
def protection_check() -> None:
    _scheduled("protection_check", {})


@huey.periodic_task(crontab(minute="30", hour="2"))
def retention_check() -> None:
    _scheduled("retention_check", {})


@huey.periodic_task(crontab(minute="0", hour="7", day_of_week="1-5"))
def daily_digest() -> None:
    _scheduled("daily_digest", {"on": date.today().isoformat()})
