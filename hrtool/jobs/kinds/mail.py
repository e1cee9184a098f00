"""The HR daily digest as a job (scheduled each weekday morning): the messages are queued in
the same transaction as the job's outcome, and each is put on the queue for delivery after it."""
from __future__ import annotations

from datetime import date
from typing import Any

from ..registry import Outcome, Progress, kind


@kind("daily_digest", "Send HR the daily digest")
def daily_digest(params: dict[str, Any], progress: Progress) -> Outcome:
    from ...services.letters import digest
    from ...services.platform import unit_of_work
    from .. import tasks

    on = date.fromisoformat(params["on"]) if params.get("on") else date.today()
    message_ids = digest.daily_digest(on)
    progress(len(message_ids), len(message_ids))
    if message_ids:
        unit_of_work.after_commit(lambda: [tasks.deliver_mail(i) for i in message_ids])
        return Outcome(f"The digest for {on:%d/%m/%Y} is going to {len(message_ids)} "
                       f"{'person' if len(message_ids) == 1 else 'people'} in HR",
                       {"messages": len(message_ids)})
    return Outcome(f"Nothing is due or ending for the digest of {on:%d/%m/%Y} (or everyone has had it): no message")
