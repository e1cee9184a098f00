"""Uploaded import files, held between the preview and the confirmation.

An upload is saved under instance/imports/ with a random token for its name (never the name the
browser sent, which is only shown to people), beside a small JSON note of who uploaded it, when
and for which effective date. Only the person who uploaded a file can confirm it. The preview and
the import run as jobs: a worker reads the file from here, so workers share the
instance folder with the web processes (the same machine, or a shared volume). Files hold
personal data, so they are removed once imported and swept away after a day if never confirmed.
"""
from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from flask import current_app

from ...errors import DomainError

MAX_AGE_SECONDS = 24 * 60 * 60
TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")
EXPIRED = "This upload has expired or was already imported: upload the file again"


@dataclass(frozen=True)
class Upload:
    token: str
    path: Path
    file_name: str  # as the person's computer named it: for display and the audit trail only
    effective_on: date | None
    user_id: int


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _sweep(folder: Path) -> None:
    """Remove uploads nobody confirmed within a day."""
    cutoff = time.time() - MAX_AGE_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def store(stream: BinaryIO, file_name: str, effective_on: date | None, user_id: int) -> Upload:
    """Save an upload under a fresh token; the extension is kept (lower case, csv, xlsx or ods only)
    because the reader uses it with the content to tell the format."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(32)
    suffix = Path(file_name).suffix.lower()
    path = folder / f"{token}{suffix if suffix in ('.csv', '.xlsx', '.ods') else ''}"
    with path.open("wb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
    note: dict[str, Any] = {"file_name": Path(file_name).name[:200], "path": path.name, "user_id": user_id,
                            "effective_on": effective_on.isoformat() if effective_on else None}
    (folder / f"{token}.json").write_text(json.dumps(note))
    return Upload(token, path, note["file_name"], effective_on, user_id)


def load(token: str, user_id: int) -> Upload:
    """The upload behind a token, if it is still here and this person made it."""
    if not TOKEN.fullmatch(token or ""):
        raise DomainError(EXPIRED)
    folder = _folder()
    note_path = folder / f"{token}.json"
    try:
        note = json.loads(note_path.read_text())
    except (OSError, ValueError):
        raise DomainError(EXPIRED) from None
    path = folder / note["path"]
    if note["user_id"] != user_id or not path.is_file():
        raise DomainError(EXPIRED)
    effective = date.fromisoformat(note["effective_on"]) if note["effective_on"] else None
    return Upload(token, path, note["file_name"], effective, user_id)


def digest(upload: Upload) -> str:
    """The file's SHA-256: the preview records it and the import checks it, so the file imported
    is the one that was checked."""
    sha = hashlib.sha256()
    with upload.path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            sha.update(chunk)
    return sha.hexdigest()


def discard(upload: Upload) -> None:
    upload.path.unlink(missing_ok=True)
    (upload.path.parent / f"{upload.token}.json").unlink(missing_ok=True)
