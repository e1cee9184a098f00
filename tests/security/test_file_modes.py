"""Issue 16, finding 9: the live database was readable by every local user
(`instance/hrtool.sqlite3` and its -wal 0644 in a 0755 folder). Now a fresh instance folder is
0700, the database files 0600 from the first connection, and the app warns at start-up about any
of them that others can read."""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from hrtool import create_app
from hrtool.extensions import db

from ..conftest import TEST_SETTINGS


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """An app on a fresh instance folder with its SQLite database in it, as `make run` makes."""
    instance = tmp_path / "deploy" / "instance"
    monkeypatch.setenv("HRTOOL_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    old = os.umask(0o022)  # the usual umask, under which files were 0644 and folders 0755
    made = []

    def make():
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'hrtool.sqlite3'}"})
        made.append(app)
        return app

    yield instance, make
    os.umask(old)
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _write(app) -> None:
    with app.app_context():
        db.session.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        # The WAL and its index exist while a connection is open (checked before it closes).
        files = list(Path(app.instance_path).iterdir())
        assert {"hrtool.sqlite3", "hrtool.sqlite3-wal", "hrtool.sqlite3-shm"} <= {p.name for p in files}
        for path in files:
            assert _mode(path) == 0o600, (path.name, oct(_mode(path)))


def test_a_fresh_instance_folder_is_0700_and_the_database_files_0600(fresh):
    instance, make = fresh
    app = make()
    assert _mode(instance) == 0o700
    assert _mode(instance.parent) == 0o755  # only the instance folder itself is made private
    _write(app)  # every file in it, the secret key and the database's main, -wal and -shm, is 0600


def test_an_existing_readable_database_is_made_private_on_connect(fresh):
    instance, make = fresh
    instance.mkdir(parents=True, mode=0o700)
    database = instance / "hrtool.sqlite3"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)  # an installation from before the fix
    _write(make())
    assert _mode(database) == 0o600


def test_start_up_warns_when_others_can_read_the_instance_or_the_database(fresh, caplog):
    instance, make = fresh
    instance.mkdir(parents=True)
    os.chmod(instance, 0o755)
    database = instance / "hrtool.sqlite3"
    database.touch()
    os.chmod(database, 0o644)
    # Alembic's logging set-up (migrations/env.py, run by the session's app) disables loggers that
    # existed then, the app's among them: enable it, as in a fresh process.
    logging.getLogger("hrtool").disabled = False
    with caplog.at_level(logging.WARNING):
        make()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(str(instance) in w and "mode 755" in w and "chmod 700" in w for w in warned), warned
    assert any(str(database) in w and "mode 644" in w and "chmod 600" in w for w in warned), warned


def test_no_warning_when_everything_is_private(fresh, caplog):
    _, make = fresh
    _write(make())
    caplog.clear()
    logging.getLogger("hrtool").disabled = False
    with caplog.at_level(logging.WARNING):
        make()
    assert not [r for r in caplog.records if "readable by other users" in r.getMessage()]


def test_the_hrtool_command_says_so_on_stderr(fresh):
    """`hrtool ...` (Flask's CLI, the app loaded) prints the warning on stderr."""
    import subprocess
    import sys

    instance, _ = fresh
    instance.mkdir(parents=True)
    os.chmod(instance, 0o755)
    env = {**os.environ, "HRTOOL_INSTANCE_PATH": str(instance),
           "DATABASE_URL": f"sqlite:///{instance / 'hrtool.sqlite3'}"}
    command = [sys.executable, "-c", "from hrtool.cli import main; main()", "routes"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert f"{instance} is readable by other users" in result.stderr
