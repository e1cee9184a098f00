"""The scheduled checks and the nightly backup, as jobs: each run has its page and outcome."""
from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from flask import current_app

from ..registry import Outcome, Progress, kind


def _on(params: dict[str, Any]) -> date:
    return date.fromisoformat(params["on"]) if params.get("on") else date.today()


@kind("nightly_check", "Check that derived facts agree with their rules", atomic=False)
def nightly_check(params: dict[str, Any], progress: Progress) -> Outcome:
    """`hrtool check`: every derived fact recomputed and compared with what is held. Read-only."""
    from ...services.platform import check

    on = _on(params)
    report = check.run(on)
    checked = sum(report.checked.values())
    progress(checked, checked)
    if report.drift:
        current_app.logger.warning("hrtool check on %s: %d differences", on, len(report.drift))
        text = (f"{len(report.drift):,} of {checked:,} derived facts differ from their rules as at {on:%d/%m/%Y}: "
                "run `hrtool check` for the list, then correct the records")
    else:
        text = f"All {checked:,} derived facts agree with their rules as at {on:%d/%m/%Y}"
    return Outcome(text, {"checked": report.checked, "drift": [d.as_json() for d in report.drift[:200]]})


@kind("protection_check", "Warn of pay protections ending soon")
def protection_check(params: dict[str, Any], progress: Progress) -> Outcome:
    from ...services.protection.protection_dashboard import check

    on = _on(params)
    warnings = check(on)
    progress(len(warnings), len(warnings))
    if not warnings:
        return Outcome(f"No new protection ends within its notice window as at {on:%d/%m/%Y}")
    return Outcome(f"{len(warnings):,} protections now end within their notice window (as at {on:%d/%m/%Y})",
                   {"link": "protection.dashboard_page", "link_text": "Open the protection dashboard", "warned": len(warnings)})


@kind("retention_check", "List leavers' records due for deletion", atomic=False)
def retention_check(params: dict[str, Any], progress: Progress) -> Outcome:
    from ...services.people.retention import leavers_due

    on = _on(params)
    leavers = leavers_due(on)
    due = sum(1 for x in leavers if x.status.deletable)
    held = sum(1 for x in leavers if x.status.held_by)
    progress(len(leavers), len(leavers))
    return Outcome(f"{due:,} leavers' records are due for deletion and {held:,} are held by an open case "
                   f"(as at {on:%d/%m/%Y}); HR deletes them on the Retention page, with a reason",
                   {"due": due, "held": held})


@kind("backup", "Back up the database", atomic=False, permission="admin.manage")
def backup(params: dict[str, Any], progress: Progress) -> Outcome:
    """A copy of the whole database into BACKUP_FOLDER, keeping the newest BACKUP_KEEP."""
    from ...services.platform.backup import backup as copy

    folder = Path(current_app.config["BACKUP_FOLDER"])
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    written = copy(folder / f"hrtool-{stamp}.backup")
    kept = sorted(folder.glob("hrtool-*.backup"))
    for old in kept[:-current_app.config["BACKUP_KEEP"]]:
        old.unlink(missing_ok=True)
    rows = sum(written["rows"].values())
    progress(1, 1)
    return Outcome(f"Backed up {rows:,} rows ({written['bytes'] / 1_048_576:,.1f} MB) to {Path(written['path']).name}",
                   {"sha256": written["sha256"], "bytes": written["bytes"]})
