"""`hrtool backup PATH` and `hrtool restore PATH [--force]`: the whole database to one file and
back.

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy while the app
keeps running; the file is itself a SQLite database. PostgreSQL: `pg_dump --format=custom` and
`pg_restore --clean --if-exists`, found on PATH or in /usr/lib/postgresql/*/bin (the newest, as
pg_dump must be at least the server's version). Backups hold personal data: the file is made
readable by its owner only (0600).

Restoring replaces everything in the database. Over a database that holds any row it is refused
unless `--force` is given. After a restore, an audit event `restore` on `database` records the
file, its SHA-256 and the rows restored, in the restored database itself.

Output is JSON (path, bytes, sha256, rows per table); exit 0 done, 1 refused or failed (the
reason on stderr), 2 a usage error.
"""
from __future__ import annotations

import getpass
import glob
import hashlib
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from ...errors import DomainError
from ...extensions import db
from . import audit
from .unit_of_work import unit_of_work

SKIP = {"alembic_version"}


class BackupProblem(DomainError):
    """A backup or restore that cannot be done; the message says why."""


def row_counts() -> dict[str, int]:
    """Rows in every table of the database (not Alembic's own), by table name."""
    engine = db.engine
    names = sorted(t for t in inspect(engine).get_table_names() if t not in SKIP)
    with engine.connect() as conn:
        return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in names}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_file() -> Path:
    database = make_url(str(db.engine.url)).database
    if not database or database == ":memory:":
        raise BackupProblem("An in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: the newest in /usr/lib/postgresql/*/bin, else the one on PATH."""
    def version(folder: str) -> tuple[int, ...]:
        number = Path(folder).parent.name
        return tuple(int(p) for p in number.split(".") if p.isdigit())

    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True):
        if os.access(Path(folder) / name, os.X_OK):
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise BackupProblem(f"{name} was not found: install PostgreSQL's client programs "
                            "(apt-get install postgresql-client)")
    return found


def _pg_args() -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump/pg_restore, the password through the environment only."""
    url = make_url(str(db.engine.url))
    args = ["--dbname", url.database or ""]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupProblem(f"{Path(command[0]).name} failed: {detail[-1] if detail else done.returncode}")


def backup(path: Path) -> dict[str, Any]:
    """Copy the whole database to `path` (replaced if it exists). Returns what was written."""
    db.session.remove()
    counts = row_counts()
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        if db.engine.dialect.name == "sqlite":
            _sqlite_copy(sqlite3.connect(_sqlite_file()), sqlite3.connect(partial))
        else:
            args, env = _pg_args()
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(partial), *args], env)
        os.chmod(partial, 0o600)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return {"path": str(path), "dialect": db.engine.dialect.name, "bytes": path.stat().st_size,
            "sha256": sha256(path), "rows": counts}


def _sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _check_sqlite_backup(path: Path) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {name for name, in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        raise BackupProblem(f"{path.name} is not a SQLite backup made by hrtool backup") from None
    if "alembic_version" not in tables:
        raise BackupProblem(f"{path.name} is not a SQLite backup made by hrtool backup")


def restore(path: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the whole database with the backup at `path`. Refused over a database holding any
    row unless `force`. Audited in the restored database."""
    path = path.resolve()
    if not path.is_file():
        raise BackupProblem(f"There is no backup file at {path}")
    db.session.remove()
    held = {t: n for t, n in row_counts().items() if n}
    if held and not force:
        biggest = ", ".join(f"{t}: {n}" for t, n in sorted(held.items(), key=lambda kv: -kv[1])[:3])
        raise BackupProblem(f"The database is not empty ({biggest}, ...). Restoring replaces everything in it: "
                            "run again with --force to do that")
    digest = sha256(path)
    if db.engine.dialect.name == "sqlite":
        _check_sqlite_backup(path)
        db.engine.dispose()
        _sqlite_copy(sqlite3.connect(f"file:{path}?mode=ro", uri=True), sqlite3.connect(_sqlite_file()))
    else:
        args, env = _pg_args()
        db.engine.dispose()
        _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", *args, str(path)], env)
    db.engine.dispose()
    counts = row_counts()
    with unit_of_work():
        audit.record("restore", "database", path.name, reason=f"Restored from {path}",
                     after={"file": path.name, "sha256": digest, "forced": bool(held), "rows": counts},
                     actor=(None, f"command line ({_os_user()})"))
    return {"path": str(path), "dialect": db.engine.dialect.name, "sha256": digest, "replaced_rows": sum(held.values()),
            "rows": counts}


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
