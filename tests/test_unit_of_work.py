"""One unit of work per user action (issue 13): views never commit; a `@transaction` service does,
once, after settling derived facts, or rolls back whole.

- every module under hrtool/web is scanned: no `.commit(` / `.rollback(` call, and no write to
  the session (`db.session.add`, `.delete`, `.flush`, `execute(insert|update|delete(...))`);
- the guard installed by create_app: a route that commits by itself fails (500, or
  CommitOutsideUnitOfWork raised), one that calls a `@transaction` service succeeds;
- `@transaction` itself: nested calls commit once, an exception anywhere rolls the whole action
  back (the rows and their audit events), a DomainError reaches the caller untouched; and the
  `unit_of_work()` block and `dry_run()` that commands and forms use.
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from hrtool import create_app
from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, User
from hrtool.services.accounts import accounts
from hrtool.services.platform import audit
from hrtool.services.platform.unit_of_work import (
    CommitOutsideUnitOfWork,
    dry_run,
    in_transaction,
    is_unit_of_work,
    transaction,
    unit_of_work,
)

from .conftest import TEST_SETTINGS
from .factories import DEMO_PASSWORDS

WEB = Path(__file__).resolve().parent.parent / "hrtool" / "web"
WEB_MODULES = sorted(WEB.rglob("*.py"))
SESSION_WRITES = {"add", "add_all", "delete", "merge", "flush", "bulk_save_objects", "bulk_insert_mappings",
                  "bulk_update_mappings"}
DML = {"insert", "update", "delete"}
ENTITY = "unit_of_work_test"


# -- views do not commit, roll back or write ---------------------------------------------------

def _dotted(node: ast.AST) -> str:
    """`db.session.add` for the expression db.session.add; '' for anything else."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""


def _findings(path: Path, root: Path = WEB.parent.parent) -> list[str]:
    """What a module does that only a service may do, as 'file:line: what', in line order."""
    tree = ast.parse(path.read_text(), filename=str(path))
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    return list(_problems(calls, path.relative_to(root)))


def _problems(calls: list[ast.Call], where: Path) -> Iterator[str]:
    for node in calls:
        if not isinstance(node.func, ast.Attribute):
            continue
        name = _dotted(node.func)
        if node.func.attr in ("commit", "rollback"):
            yield f"{where}:{node.lineno}: calls .{node.func.attr}() (use a @transaction service)"
        elif name.endswith("session." + node.func.attr) and node.func.attr in SESSION_WRITES:
            yield f"{where}:{node.lineno}: writes to the session itself ({name}); move it into a service"
        elif name.endswith("session.execute") and node.args and (statement := _dml(node.args[0])):
            yield f"{where}:{node.lineno}: runs {statement}() itself; move it into a service"


def _dml(node: ast.AST) -> str:
    """'insert', 'update' or 'delete' if the statement is built from one (insert(T).values(...))."""
    while isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name in DML:
            return name
        if not isinstance(func, ast.Attribute):
            return ""
        node = func.value
    return ""


def test_the_scan_sees_every_web_module_and_finds_what_it_looks_for(tmp_path: Path) -> None:
    assert len(WEB_MODULES) > 20 and sum(p.name == "views.py" for p in WEB_MODULES) > 20
    planted = tmp_path / "views.py"
    planted.write_text("def view(db, insert, Row):\n"
                       "    db.session.add(1)\n"
                       "    db.session.execute(insert(Row).values(x=1))\n"
                       "    db.session.execute(select(Row))\n"
                       "    db.session.commit()\n"
                       "    db.session.rollback()\n")
    assert _findings(planted, tmp_path) == [
        "views.py:2: writes to the session itself (db.session.add); move it into a service",
        "views.py:3: runs insert() itself; move it into a service",
        "views.py:5: calls .commit() (use a @transaction service)",
        "views.py:6: calls .rollback() (use a @transaction service)"]


def test_no_view_commits_rolls_back_or_writes_to_the_session() -> None:
    found = [finding for path in WEB_MODULES for finding in _findings(path)]
    assert not found, "Views must call one @transaction service per action:\n" + "\n".join(found)


# -- the guard ----------------------------------------------------------------------------------

@transaction
def _record_through_a_service(note: str) -> AuditEvent:
    return audit.record("test", ENTITY, after={"note": note})


def _recorded(note: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.entity_type == ENTITY)
    if note is not None:
        query = query.where(AuditEvent.after["note"].as_string() == note)
    return db.session.scalar(query) or 0


@pytest.fixture(scope="module")
def guarded_app(app: Flask) -> Flask:
    """A second app on the test database, with routes that write in the two ways (blueprints
    cannot be added to the session's app once it has served a request)."""
    other = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    bp = Blueprint("uow_test", __name__, url_prefix="/uow-test")

    @bp.post("/bare")
    def bare() -> Any:
        audit.record("test", ENTITY, after={"note": "bare"})
        db.session.commit()
        return "committed by the view"

    @bp.post("/service")
    def through_a_service() -> Any:
        event = _record_through_a_service("service")
        return f"recorded {event.id}"

    other.register_blueprint(bp)
    return other


@pytest.fixture
def guarded_client(guarded_app: Flask) -> FlaskClient:
    client = guarded_app.test_client()
    response = client.post("/login", data={"username": "hr@hrtool.example",
                                           "password": DEMO_PASSWORDS["hr@hrtool.example"]})
    assert response.status_code == 302
    return client


def test_a_route_that_commits_by_itself_fails_and_keeps_nothing(guarded_app: Flask,
                                                                 guarded_client: FlaskClient) -> None:
    response = guarded_client.post("/uow-test/bare")
    assert response.status_code == 500
    with guarded_app.app_context():
        assert _recorded("bare") == 0


def test_the_failure_is_commit_outside_unit_of_work(guarded_app: Flask, guarded_client: FlaskClient) -> None:
    guarded_app.config["PROPAGATE_EXCEPTIONS"] = True  # the error handler re-raises instead of a 500 page
    try:
        with pytest.raises(CommitOutsideUnitOfWork, match="@transaction"):
            guarded_client.post("/uow-test/bare")
    finally:
        guarded_app.config["PROPAGATE_EXCEPTIONS"] = None


def test_a_route_that_calls_a_transaction_service_succeeds(guarded_app: Flask,
                                                           guarded_client: FlaskClient) -> None:
    response = guarded_client.post("/uow-test/service")
    assert response.status_code == 200 and response.text.startswith("recorded ")
    with guarded_app.app_context():
        assert _recorded("service") == 1


def test_the_app_itself_has_the_guard_on(app: Flask) -> None:
    """The session's app (create_app as the tests and `make run` build it) refuses the same."""
    from hrtool.services.platform.unit_of_work import _guard

    assert event.contains(Session, "before_commit", _guard)
    with app.test_request_context("/"):
        audit.record("test", ENTITY, after={"note": "in a request"})
        with pytest.raises(CommitOutsideUnitOfWork):
            db.session.commit()
        db.session.rollback()
        assert _recorded("in a request") == 0


# -- @transaction ------------------------------------------------------------------------------

@pytest.fixture
def commits() -> Iterator[list[Session]]:
    seen: list[Session] = []

    def count(session: Session) -> None:
        seen.append(session)

    event.listen(Session, "after_commit", count)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", count)


NEW_USER = ("uow-test@hrtool.example", "Unit of work test", "a perfectly good passphrase 7", "hr")


def _user_and_trail() -> tuple[int, int]:
    user_id = db.session.scalar(select(User.id).where(User.username == NEW_USER[0]))
    events = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id))) if user_id else 0
    return (1 if user_id else 0), events or 0


@transaction
def _whole_action(fail_with: BaseException | None = None) -> int:
    """An action made of two services: a real one (accounts.create_user, itself a @transaction)
    and a second that may fail after it has written."""
    assert in_transaction()
    user = accounts.create_user(*NEW_USER)
    _record_through_a_service("second step")
    if fail_with is not None:
        raise fail_with
    return user.id


def test_nested_services_commit_once(ctx: None, commits: list[Session]) -> None:
    assert is_unit_of_work(_whole_action) and is_unit_of_work(accounts.create_user)
    assert not in_transaction()
    _whole_action()
    assert len(commits) == 1  # not one per service called
    assert _user_and_trail() == (1, 1)  # the user, and its `create` audit event
    assert _recorded("second step") == 1
    assert not in_transaction()


def test_a_failure_in_the_inner_call_rolls_back_the_whole_action(ctx: None, commits: list[Session]) -> None:
    with pytest.raises(RuntimeError, match="part-way"):
        _whole_action(fail_with=RuntimeError("failed part-way"))
    assert commits == []
    assert _user_and_trail() == (0, 0)  # neither the user nor its audit event
    assert _recorded("second step") == 0
    assert not in_transaction()


def test_a_domain_error_reaches_the_caller_unchanged_and_nothing_is_kept(ctx: None, commits: list[Session]) -> None:
    refused = DomainError("Not allowed", field="reason")
    with pytest.raises(DomainError) as caught:
        _whole_action(fail_with=refused)
    assert caught.value is refused and caught.value.field == "reason"
    assert commits == [] and _user_and_trail() == (0, 0)


def test_a_refused_inner_service_rolls_back_what_the_outer_one_wrote(ctx: None) -> None:
    """The inner service's own DomainError (a weak password) undoes the outer action's first step."""

    @transaction
    def two_users() -> None:
        _record_through_a_service("before the refusal")
        accounts.create_user("uow-weak@hrtool.example", "Weak", "password", "hr")

    with pytest.raises(DomainError, match="at least"):
        two_users()
    assert _recorded("before the refusal") == 0
    assert db.session.scalar(select(User.id).where(User.username == "uow-weak@hrtool.example")) is None


def test_a_unit_of_work_block_is_the_same_for_commands(ctx: None, commits: list[Session]) -> None:
    with unit_of_work():
        _record_through_a_service("block 1")
        _record_through_a_service("block 2")
    assert len(commits) == 1 and _recorded() == 2
    with pytest.raises(DomainError), unit_of_work():
        _record_through_a_service("block 3")
        raise DomainError("stop")
    assert len(commits) == 1 and _recorded() == 2


def test_a_dry_run_keeps_nothing_even_when_the_services_succeed(ctx: None, commits: list[Session]) -> None:
    with dry_run():
        _whole_action()
        assert _user_and_trail() == (1, 1)  # visible inside the dry run
    assert commits == [] and _user_and_trail() == (0, 0)
    with pytest.raises(RuntimeError, match="nested"), unit_of_work(), dry_run():
        pass
