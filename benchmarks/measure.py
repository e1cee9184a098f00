"""What `make bench` measures. Every figure is compared with a baseline measured in the same run
(machines here are shared and noisy, so absolute times mean little)."""
from __future__ import annotations

import csv
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hrtool.cli import DEMO_USERS
from hrtool.extensions import db

PASSWORDS = {username: password for username, _, password, _ in DEMO_USERS}


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation): a real observed time."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


# -- import ------------------------------------------------------------------------------------

def export_csv(app: Flask, path: Path) -> int:
    """The workforce of `app` as an import file (the export is the import's format)."""
    from hrtool.services.people.employee_io import export_employees

    with app.app_context(), path.open("wb") as out:
        return export_employees(out, "csv")


def raw_executemany(path: Path, folder: Path, base_url: str | None = None) -> float:
    """The baseline: the same rows, parsed by the csv module, into a plain table with the
    driver's own executemany, in one transaction, on the same kind of database as the import:
    a SQLite file like the app's, or (with `base_url`) a database of its own on the same
    PostgreSQL server (issue 17: it was SQLite for both, so the PostgreSQL ratio compared a
    server round trip per statement with a local file)."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" TEXT' for name in header)
    names = ", ".join(f'"{name}"' for name in header)
    if base_url:
        import psycopg
        from sqlalchemy.engine import make_url

        from .workforce import database_url

        url = make_url(database_url(base_url, "hrtool_bench_baseline", folder))
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo) as setup:
            setup.execute(f"CREATE TABLE employees_plain (id SERIAL PRIMARY KEY, {columns})")
        started = time.perf_counter()
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            next(reader)
            rows = list(reader)
        marks = ", ".join("%s" for _ in header)
        with psycopg.connect(conninfo) as pg, pg.cursor() as cursor:  # one transaction, committed on exit
            cursor.executemany(f"INSERT INTO employees_plain ({names}) VALUES ({marks})", rows)
        return time.perf_counter() - started
    target = folder / "baseline.sqlite3"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows = list(reader)
    conn = sqlite3.connect(target)
    conn.execute(f"CREATE TABLE employees_plain (id INTEGER PRIMARY KEY, {columns})")
    marks = ", ".join("?" for _ in header)
    with conn:
        conn.executemany(f"INSERT INTO employees_plain ({names}) VALUES ({marks})", rows)
    conn.close()
    return time.perf_counter() - started


def real_import(app: Flask, path: Path) -> tuple[float, int]:
    """The file through the app's confirmed import (`apply_import`, as the page's confirm button
    and `hrtool import-employees` run it: both passes, every check, the writes, the audit events,
    derived facts settled and the planner's statistics refreshed), committed by its unit of work."""
    from hrtool.models import Employee
    from hrtool.services.people.employee_io import apply_import

    with app.app_context(), app.test_request_context():
        started = time.perf_counter()
        report = apply_import(path, keep_changes=0)
        elapsed = time.perf_counter() - started
        if not report.ok:
            raise RuntimeError(f"benchmark import failed: {report.errors[:5]}")
        return elapsed, db.session.scalar(select(func.count()).select_from(Employee)) or 0


# -- pages -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PageTiming:
    name: str
    p50: float
    p95: float
    queries: int


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORDS[username]})
    if response.status_code != 302:
        raise RuntimeError(f"benchmark could not sign in as {username}")
    return client


def page_targets(app: Flask) -> list[tuple[str, str, str]]:
    """(name, user, path) for each page the budget covers, with real ids from this database."""
    from hrtool.models import Employee, Service

    with app.app_context():
        middle = db.session.scalar(select(Employee.id).order_by(Employee.id)
                                   .offset((db.session.scalar(select(func.count()).select_from(Employee)) or 1) // 2)
                                   .limit(1))
        service = db.session.scalar(select(Service.id).where(Service.name == "Revenues and Benefits"))
        names = {rule.endpoint for rule in app.url_map.iter_rules()}
    hr, rep = "hr@hrtool.example", "unison@hrtool.example"
    wanted = [
        ("Employees list, first page", hr, "staff.employees", {}),
        ("Employees list, filtered", hr, "staff.employees", {"employer": "SBC", "service": service, "terms": "protected"}),
        ("Employees list, search", hr, "staff.employees", {"q": "Smith"}),
        ("Employee page", hr, "staff.employee", {"employee_id": middle}),
        ("HR dashboard", hr, "hr.dashboard", {}),
        ("Protection dashboard", hr, "protection.dashboard_page", {}),
        ("Union landing page", rep, "unions.overview", {}),
    ]
    targets = []
    with app.test_request_context():
        from flask import url_for

        for name, user, endpoint, values in wanted:
            if endpoint not in names:  # a renamed page must not drop out of the budget unnoticed
                raise RuntimeError(f"no endpoint {endpoint} for {name}")
            targets.append((name, user, url_for(endpoint, **values)))
    return targets


def time_pages(app: Flask, repeats: int) -> list[PageTiming]:
    from sqlalchemy import event

    clients: dict[str, FlaskClient] = {}
    results = []
    for name, user, path in page_targets(app):
        client = clients.setdefault(user, signed_in(app, user))
        for _ in range(3):  # warm caches, as a server that has been up a while has them
            client.get(path)
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            response = client.get(path)
            samples.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        count = [0]

        def counter(*_: Any, count: list[int] = count) -> None:
            count[0] += 1

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        results.append(PageTiming(name, statistics.median(samples), percentile(samples, 95), count[0]))
    return results


# -- recalculation -----------------------------------------------------------------------------

def apply_pay_award(app: Flask) -> float:
    """What HR does when a pay award is agreed: make its pay year's spine (which recomputes every
    pay protection schedule the new year reaches, in the same unit of work), then run the
    arrears for everyone on the spine since it took effect."""
    from hrtool.models import PayAward
    from hrtool.services.pay import pay_award_run, pay_spines

    with app.app_context():  # as `hrtool` commands run: the service commits its own unit of work
        # The latest award agreed after it took effect: back-dated arrears for everyone on the
        # spine at any time since (the demo workforce's assignments, all of them).
        award = db.session.scalars(select(PayAward).where(PayAward.agreed_on > PayAward.pay_year_from)
                                   .order_by(PayAward.pay_year_from.desc())).first()
        if award is None:
            raise RuntimeError("no pay award to apply")
        started = time.perf_counter()
        pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False,
                                        reason=f"Benchmark: pay award {award.pay_year_from:%Y}")
        result = pay_award_run.run(award)
        pay_award_run.record_run(result)
        db.session.commit()
        return time.perf_counter() - started


def run_harmonisation(app: Flask) -> float:
    from hrtool.services.demo.workforce import DEMO_AS_OF
    from hrtool.services.harmonisation import harmonisation

    with app.app_context(), app.test_request_context():
        model = harmonisation.create_model(f"Benchmark {time.time_ns()}", "", DEMO_AS_OF, "council:CCDC")
        db.session.flush()
        started = time.perf_counter()
        harmonisation.run_model(model)
        elapsed = time.perf_counter() - started
        db.session.rollback()
        return elapsed


# -- letters -----------------------------------------------------------------------------------

def letters(app: Flask, count: int) -> tuple[float, float]:
    """`count` individual letters through the letter engine, and a plain ReportLab Platypus loop
    building the same text (benchmarks/letters.py)."""
    from .letters import measure_letters

    with app.app_context(), app.test_request_context():
        return measure_letters(count)


def scratch_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="hrtool-bench-"))


def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1
