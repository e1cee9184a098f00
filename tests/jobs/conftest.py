"""Jobs through a real queue and real worker processes (issue 17).

Each module gets its own database, committed for real (the workers are other processes, so the
rolled-back transaction the other tests run in would hide everything from them): a SQLite file,
or with HRTOOL_TEST_DATABASE_URL a fresh PostgreSQL database on that server. The queue is a
SQLite file, or Redis: a throwaway `redis-server` from Debian started here (skipped where it is
not installed, except in CI, where its absence fails)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from hrtool import ROOT, create_app
from hrtool.extensions import db

from ..conftest import TEST_SETTINGS
from ..factories import prepare_database
from ..scratch_databases import scratch_url

# Fast enough to test in seconds: a worker silent for 3 s is dead; workers sweep every second.
QUEUE_SETTINGS = {"JOBS_IMMEDIATE": False, "JOBS_STALE_SECONDS": 3, "JOBS_SWEEP_SECONDS": 1}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: CI must install Debian's redis-server package")
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    port = _free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module", params=["sqlite-queue", "redis-queue"])
def queue_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """An app whose jobs go on a real queue, over a database of its own with the demo data."""
    tmp = tmp_path_factory.mktemp("jobs")
    os.environ.setdefault("HRTOOL_INSTANCE_PATH", str(tmp / "instance"))  # as the session's app does
    if request.param == "redis-queue":
        queue_url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(queue_url).flushdb()
    else:
        queue_url = f"sqlite:///{tmp / 'queue.sqlite3'}"
    settings = {**TEST_SETTINGS, **QUEUE_SETTINGS, "JOBS_QUEUE_URL": queue_url,
                "SQLALCHEMY_DATABASE_URI": scratch_url(tmp, f"jobs_{request.module.__name__.rsplit('.', 1)[-1]}")}
    app = create_app(settings)
    app.config["QUEUE_KIND"] = request.param
    with app.app_context():
        prepare_database(app)
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


class Workers:
    """`hrtool worker` processes against the queue app's database and queue."""

    def __init__(self, app: Flask, folder: Path):
        self.app, self.folder = app, folder
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, count: int = 1, letter_pause: float = 0.0, **extra_env: str) -> list[subprocess.Popen[bytes]]:
        env = {**os.environ, "DATABASE_URL": self.app.config["SQLALCHEMY_DATABASE_URI"],
               "HRTOOL_QUEUE_URL": self.app.config["JOBS_QUEUE_URL"], "HRTOOL_JOBS_IMMEDIATE": "0",
               "HRTOOL_JOBS_STALE_SECONDS": "3", "HRTOOL_JOBS_SWEEP_SECONDS": "1",
               "HRTOOL_INSTANCE_PATH": str(self.folder / "instance"), "SECRET_KEY": "worker-tests",
               "HRTOOL_TEST_LETTER_PAUSE": str(letter_pause), "PYTHONPATH": str(ROOT), **extra_env}
        started = []
        for n in range(count):
            with open(self.folder / f"worker-{len(self.processes) + n}.log", "wb") as log:  # the child keeps its own
                started.append(subprocess.Popen([sys.executable, "-m", "tests.jobs.worker_process", "--no-schedule"],
                                                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        self.processes += started
        return started

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("worker-*.log")))


@pytest.fixture
def workers(queue_app: Flask, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(queue_app, tmp_path)
    yield pool
    pool.stop()


def wait_for(condition: Callable[[], Any], seconds: float = 60, what: str = "the condition",
             logs: Callable[[], str] | None = None) -> Any:
    """Poll until `condition()` is truthy; fail with the workers' logs after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out after {seconds} s waiting for {what}" + (f"\n{logs()}" if logs else ""))
