"""No page's number of SQL queries grows with the workforce (issue 9): each page the benchmark
times makes the same number of queries at 50 and at 500 employees. A page that ran a query per
row (N+1) would make ten times as many at 500."""
from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, url_for
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from hrtool import create_app
from hrtool.cli import create_demo_users
from hrtool.extensions import db
from hrtool.models import Assignment, Employee, Employment, Service
from hrtool.services.demo.workforce import generate
from hrtool.services.rules.reference_data import load_reference_data

from ..conftest import TEST_SETTINGS
from ..factories import DEMO_PASSWORDS, reset_schema

SIZES = (50, 500)


def _url(tmp_path_factory: pytest.TempPathFactory, size: int) -> str:
    base = os.environ.get("HRTOOL_TEST_DATABASE_URL")
    if not base:
        return f"sqlite:///{tmp_path_factory.mktemp(f'q{size}') / 'db.sqlite3'}"
    url = make_url(base)
    name = f"{url.database}_q{size}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def workforces(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, Flask]]:
    apps = {}
    for size in SIZES:
        app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": _url(tmp_path_factory, size)})
        with app.app_context():
            reset_schema()
            upgrade(directory=app.extensions["migrate"].directory)
            load_reference_data()
            generate(size, 3)
            create_demo_users()
            db.session.commit()
        apps[size] = app
    yield apps
    for app in apps.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _one_post_person() -> int:
    """Someone whose history is one employment with one assignment, so their page shows the same
    amount of history in either workforce."""
    single = (select(Employment.employee_id).join(Assignment).group_by(Employment.employee_id)
              .having(func.count(func.distinct(Employment.id)) == 1, func.count(Assignment.id) == 1))
    return db.session.scalar(select(Employee.id).where(Employee.id.in_(single)).order_by(Employee.id).limit(1))


def _pages(app: Flask) -> list[tuple[str, str, str]]:
    hr, rep = "hr@hrtool.example", "unison@hrtool.example"
    with app.app_context():
        person = _one_post_person()
        service = db.session.scalar(select(Service.id).where(Service.name == "Revenues and Benefits"))
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    wanted = [
        # The employees list counts its rows (up to a cap) only when they run past the page shown
        # (issue 17): 25 a page, so the whole list runs past it at both sizes and the search and
        # the filtered list (a few people) end on it at both.
        ("employees list", hr, "staff.employees", {"per_page": 25}),
        ("employees list, filtered", hr, "staff.employees", {"employer": "SBC", "service": service, "per_page": 25}),
        ("employees list, search", hr, "staff.employees", {"q": "Smith", "per_page": 25}),
        ("employee page", hr, "staff.employee", {"employee_id": person}),
        ("HR dashboard", hr, "hr.dashboard", {}),
        ("protection dashboard", hr, "protection.dashboard_page", {}),
        ("union landing page", rep, "unions.overview", {}),
    ]
    missing = [endpoint for _, _, endpoint, _ in wanted if endpoint not in endpoints]
    assert not missing, f"pages renamed or gone: {missing}"  # never drop a page from the check unnoticed
    with app.test_request_context():
        return [(name, user, url_for(endpoint, **values)) for name, user, endpoint, values in wanted]


def _queries(app: Flask, user: str, path: str) -> int:
    client = app.test_client()
    assert client.post("/login", data={"username": user, "password": DEMO_PASSWORDS[user]}).status_code == 302
    assert client.get(path).status_code == 200  # first request: anything cached per process is warm
    with app.app_context():
        engine = db.engine
    count = [0]

    def counter(*_: Any) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counter)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count[0]


def test_each_page_makes_the_same_number_of_queries_at_50_and_500_employees(workforces):
    small, large = workforces[SIZES[0]], workforces[SIZES[1]]
    pages = _pages(small)
    assert len(pages) == 7
    counts = {name: (_queries(small, user, path), None) for name, user, path in pages}
    for name, user, path in _pages(large):
        counts[name] = (counts[name][0], _queries(large, user, path))
    differing = {name: pair for name, pair in counts.items() if pair[0] != pair[1]}
    assert not differing, f"queries at {SIZES[0]} vs {SIZES[1]} employees: {differing}"
