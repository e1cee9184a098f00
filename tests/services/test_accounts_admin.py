"""Managing users (issue 15), through the services: disable and enable, change name, role and
links, temporary passwords, the last-administrator guard, and the audit trail of each."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, Role, TradeUnion, User, UserSession
from hrtool.services.accounts import accounts, user_admin
from hrtool.services.accounts.user_admin import UserChange

GOOD = "a sensible long passphrase"


def _user(username: str, role: str = "hr", **kw) -> User:
    return accounts.create_user(username, username.split("@")[0].title(), GOOD, role, **kw)


def _signed_in(user: User) -> str:
    result = accounts.sign_in(user.username, GOOD)
    assert result.user is not None
    return result.session_id


def _admin() -> User:
    return db.session.scalar(select(User).where(User.username == "admin@hrtool.example"))


def _events(user: User, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user.id), AuditEvent.action == action)))


def _unlinked_employee() -> Employee:
    linked = select(User.employee_id).where(User.employee_id.is_not(None))
    return db.session.scalars(select(Employee).where(Employee.id.not_in(linked)).order_by(Employee.id)).first()


def test_disabling_ends_every_session_at_once_and_refuses_sign_in(ctx):
    user = _user("dora@example.org")
    first, second = _signed_in(user), _signed_in(user)
    assert accounts.load_session(first) is not None

    ended = user_admin.disable(user.id, "Left the council on 30 November", _admin().id)

    assert ended == 2
    assert accounts.load_session(first) is None and accounts.load_session(second) is None
    refused = accounts.sign_in(user.username, GOOD)
    assert refused.user is None and refused.disabled  # the right password: told it is disabled
    assert not accounts.sign_in(user.username, "a wrong long password").disabled  # a wrong one learns nothing
    (event,) = _events(user, "disable")
    assert event.reason == "Left the council on 30 November"
    assert event.before["active"] is True and event.after["active"] is False and event.after["sessions_ended"] == 2


def test_enabling_lets_the_login_sign_in_again_with_its_password(ctx):
    user = _user("eddie@example.org")
    user_admin.disable(user.id, "Secondment", None)
    with pytest.raises(DomainError, match="already disabled"):
        user_admin.disable(user.id, "Again", None)
    user_admin.enable(user.id, "Back from secondment")
    assert accounts.sign_in(user.username, GOOD).user is not None
    (event,) = _events(user, "enable")
    assert event.before == {**event.after, "active": False} and event.after["active"] is True
    with pytest.raises(DomainError, match="already active"):
        user_admin.enable(user.id, "Again")


def test_every_change_needs_a_reason(ctx):
    user = _user("rita@example.org")
    for action in (lambda: user_admin.disable(user.id, "  ", None), lambda: user_admin.enable(user.id, ""),
                   lambda: user_admin.change(user.id, UserChange("Rita", "hr"), "", None)):
        with pytest.raises(DomainError) as refused:
            action()
        assert refused.value.field == "reason"


def test_the_last_active_administrator_can_be_neither_disabled_nor_demoted(ctx):
    only = _admin()
    assert db.session.scalar(select(User.id).where(User.role == "admin", User.id != only.id,
                                                   User.active.is_(True))) is None  # the demo has one
    with pytest.raises(DomainError, match="only active administrator"):
        user_admin.disable(only.id, "Leaving", None)
    with pytest.raises(DomainError, match="only active administrator"):
        user_admin.change(only.id, UserChange(only.display_name, "hr"), "Moving to HR", None)
    assert only.active and only.role == "admin"

    # With a second administrator, the first may go; then the second is the last.
    second = _user("second.admin@example.org", role="admin")
    user_admin.change(only.id, UserChange(only.display_name, "hr"), "Moving to HR", second.id)
    with pytest.raises(DomainError, match="only active administrator"):
        user_admin.disable(second.id, "Leaving", None)
    # A disabled administrator does not count as one who can manage users.
    third = _user("third.admin@example.org", role="admin")
    user_admin.disable(third.id, "Long leave", second.id)
    with pytest.raises(DomainError, match="only active administrator"):
        user_admin.change(second.id, UserChange("Second", "employee", person_number=_unlinked_employee().person_number),
                          "Wrong role", None)


def test_an_administrator_cannot_disable_themselves_or_change_their_own_role(ctx):
    me = _user("me.admin@example.org", role="admin")
    with pytest.raises(DomainError, match="your own login"):
        user_admin.disable(me.id, "Tidying up", me.id)
    with pytest.raises(DomainError, match="your own login"):
        user_admin.change(me.id, UserChange("Me", "hr"), "Tidying up", me.id)
    # Their own name they may change.
    user_admin.change(me.id, UserChange("Me Myself", "admin"), "Spelling", me.id)
    assert me.display_name == "Me Myself"


def test_a_new_role_or_link_ends_the_sessions_a_new_name_does_not(ctx):
    user = _user("nina@example.org")
    session_id = _signed_in(user)
    _, ended = user_admin.change(user.id, UserChange("Nina Jones", "hr"), "Married name", None)
    assert ended == 0 and accounts.load_session(session_id) is not None

    person = _unlinked_employee()
    _, ended = user_admin.change(user.id, UserChange("Nina Jones", "employee", person_number=person.person_number),
                                 "Moved out of HR", None)
    assert ended == 1 and accounts.load_session(session_id) is None
    assert user.role == "employee" and user.employee_id == person.id
    (name_change, role_change) = sorted(_events(user, "update"), key=lambda e: e.id)
    assert name_change.before == {"display_name": "Nina"} and name_change.after == {"display_name": "Nina Jones",
                                                                                     "sessions_ended": 0}
    assert role_change.before == {"role": "hr", "employee_id": None, "employee": None}
    assert role_change.after["role"] == "employee" and role_change.after["employee_id"] == person.id
    # The trail names the person, not only the row id.
    assert role_change.after["employee"] == f"{person.first_name} {person.last_name} ({person.person_number})"


def test_links_follow_the_role(ctx):
    person = _unlinked_employee()
    user = _user("link@example.org", role="employee", employee_id=person.id)
    with pytest.raises(DomainError) as missing:
        user_admin.change(user.id, UserChange("Link", "employee", person_number=""), "Fix", None)
    assert missing.value.field == "person_number"
    with pytest.raises(DomainError, match="no employee with this person number"):
        user_admin.change(user.id, UserChange("Link", "employee", person_number="NOPE-0"), "Fix", None)
    other = _user("other.link@example.org", role="employee", employee_id=_unlinked_employee().id)
    with pytest.raises(DomainError, match="already has a login"):
        user_admin.change(user.id, UserChange("Link", "employee", person_number=other.employee.person_number), "Fix",
                          None)
    with pytest.raises(DomainError) as no_union:
        user_admin.change(user.id, UserChange("Link", "union_rep", union_id=None), "Now a rep", None)
    assert no_union.value.field == "union_id"

    gmb = db.session.scalar(select(TradeUnion).where(TradeUnion.code == "GMB"))
    user_admin.change(user.id, UserChange("Link", "union_rep", person_number=person.person_number, union_id=gmb.id),
                      "Now a GMB rep", None)
    assert (user.role, user.employee_id, user.union_id) == ("union_rep", None, gmb.id)  # the employee link went
    user_admin.change(user.id, UserChange("Link", "hr", union_id=gmb.id), "Joined HR", None)
    assert (user.employee_id, user.union_id) == (None, None)
    with pytest.raises(DomainError, match="Nothing was changed"):
        user_admin.change(user.id, UserChange("Link", "hr"), "No-op", None)


def test_a_temporary_password_must_be_changed_and_changing_it_clears_the_flag(ctx):
    user = _user("temp@example.org")
    assert not user.must_change_password  # a login made by the CLI or a test: not temporary
    made = accounts.create_user("made@example.org", "Made", GOOD, "hr", temporary=True)
    assert made.must_change_password
    (created,) = _events(made, "create")
    assert created.after["must_change_password"] is True and GOOD not in str(created.after)

    ended = accounts.reset_password(user, "another long passphrase", "Forgot it (phoned)")
    assert ended == 0 and user.must_change_password
    (reset,) = _events(user, "reset_password")
    assert reset.before == {"must_change_password": False} and reset.after["must_change_password"] is True

    signed_in = accounts.sign_in(user.username, "another long passphrase")
    user.session_id = signed_in.session_id
    accounts.change_password(user, "another long passphrase", "my very own passphrase")
    assert not user.must_change_password
    (changed,) = _events(user, "change_password")
    assert changed.after["replaced_temporary_password"] is True


def test_history_names_people_and_roles_never_ids(ctx):
    person = _unlinked_employee()
    user = _user("hist@example.org")
    user_admin.change(user.id, UserChange("Hist", "employee", person_number=person.person_number), "Moved", None)
    user_admin.disable(user.id, "Left", None)
    rows = user_admin.history(user.id)
    assert [r.action for r in rows] == ["Disabled", "Changed", "Login added"]
    changed = rows[1].changes
    assert "Role: HR officer to Employee" in changed
    assert f"Linked employee: none to {person.first_name} {person.last_name} ({person.person_number})" in changed
    assert not any("employee_id" in c or str(person.id) == c.split(": ")[-1] for c in changed)
    assert "Can sign in: yes to no" in rows[0].changes and rows[0].reason == "Left"
    assert Role(user.role).label == "Employee"


def test_live_sessions_counts_only_unrevoked(ctx):
    user = _user("count@example.org")
    first = _signed_in(user)
    _signed_in(user)
    assert user_admin.live_sessions(user.id) == 2
    accounts.sign_out(first)
    assert user_admin.live_sessions(user.id) == 1
    assert db.session.scalar(select(UserSession).where(UserSession.id == first)).revoked_at is not None


def test_a_corrected_email_address_keeps_the_sessions_and_must_be_free(ctx):
    user = _user("typo@exmaple.org")
    session_id = _signed_in(user)
    with pytest.raises(DomainError) as taken:
        user_admin.change(user.id, UserChange("Typo", "hr", username="HR@hrtool.example"), "Typo", None)
    assert taken.value.field == "username" and user.username == "typo@exmaple.org"
    _, ended = user_admin.change(user.id, UserChange("Typo", "hr", username=" Typo@Example.org "), "Typo", None)
    assert ended == 0 and accounts.load_session(session_id) is not None
    assert user.username == "typo@example.org"
    assert accounts.sign_in("typo@example.org", GOOD).user is not None
    (event,) = _events(user, "update")
    assert event.before == {"username": "typo@exmaple.org"} and event.after["username"] == "typo@example.org"
