"""A command run against a database that was never migrated says what to do, not a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_command_on_an_unmigrated_database_asks_for_db_upgrade(tmp_path: Path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite3'}", "HRTOOL_INSTANCE_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", "from hrtool.cli import main; main()", "rules", "status"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 2
    assert "run `hrtool db upgrade` first" in done.stderr
    assert "Traceback" not in done.stderr
