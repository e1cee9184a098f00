"""Who may read the files the app keeps on disk: the instance folder is the owner's
alone (0700) and the SQLite database files are 0600, like the secret key and the backups.

- create_app makes the instance folder 0700 when it creates it (before anything is written there).
- Every SQLite connection to a file makes the database file, and its -wal and -shm files, 0600
  (the "connect" event below). SQLite creates the -wal and -shm with the main file's mode, so they
  stay 0600 afterwards; an existing installation's 0644 files are tightened the first time the app
  connects.
- At start-up `warn_if_readable` logs a warning (on the `hrtool` command's stderr) for each of these
  files and folders that other local users can read, saying what to run.
"""
from __future__ import annotations

import logging
import sqlite3
import stat
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")

log = logging.getLogger("hrtool.file_modes")


def make_private_folder(path: Path) -> None:
    """Create the instance folder for its owner only (its parents as the umask says)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.mkdir(mode=PRIVATE_DIR)
        path.chmod(PRIVATE_DIR)  # mkdir's mode is filtered by the umask; say it exactly


def sqlite_files(database: str) -> list[Path]:
    """The files of a SQLite database on disk: the main file and its journals, where they exist."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return []
    return [p for p in (Path(database + suffix) for suffix in SQLITE_SUFFIXES) if p.exists()]


def make_private(files: list[Path]) -> None:
    for path in files:
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(PRIVATE_FILE)
        except OSError:  # not ours to change (another owner): warn_if_readable reports it
            log.warning("could not make %s private (chmod 600)", path)


@event.listens_for(Engine, "connect")
def _private_database_files(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    row = dbapi_connection.execute("PRAGMA database_list").fetchone()
    make_private(sqlite_files(row[2] if row else ""))


def readable_by_others(instance_path: Path, database_uri: str) -> list[tuple[Path, int]]:
    """The instance folder, the files in it and the SQLite database files (wherever they are) that
    someone other than the owner may read, with their modes."""
    found: list[tuple[Path, int]] = []
    candidates = [instance_path, *sorted(instance_path.iterdir())] if instance_path.is_dir() else []
    if database_uri.startswith("sqlite:///"):
        candidates += [p for p in sqlite_files(database_uri.removeprefix("sqlite:///").split("?")[0])
                       if p not in candidates]
    for path in candidates:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except OSError:  # gone meanwhile, or a dangling link: nothing to read
            continue
        if mode & 0o077:
            found.append((path, mode))
    return found


def warn_if_readable(instance_path: Path, database_uri: str, logger: logging.Logger) -> list[str]:
    """Log (and return) one warning per file or folder that other local users can read."""
    warnings = []
    for path, mode in readable_by_others(instance_path, database_uri):
        fix = f"chmod {PRIVATE_DIR:o} {path}" if path.is_dir() else f"chmod {PRIVATE_FILE:o} {path}"
        warnings.append(f"{path} is readable by other users of this machine (mode {mode:o}); run: {fix}")
        logger.warning(warnings[-1])
    return warnings
