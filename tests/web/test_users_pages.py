"""Managing users through the pages (issue 15): an administrator disables a login signed in
elsewhere (its next request goes to sign in), changes a role, name or link, and sets a temporary
password that the user must change before anything else. Forms re-render with field errors."""
from __future__ import annotations

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, User

from ..conftest import Auth
from ..factories import DEMO_PASSWORDS

ADMIN = "admin@hrtool.example"
TEMPORARY = "temporary long passphrase"


def _admin_client(app):
    client = app.test_client()
    assert Auth(client).login(ADMIN).status_code == 302
    return client


def _add_user(admin, username: str, role: str = "hr", **extra) -> int:
    response = admin.post("/admin/users/new", data={"username": username, "display_name": username.split("@")[0].title(),
                                                    "role": role, "union_id": "0", "password": TEMPORARY, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    with admin.application.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def _unlinked_employee(app) -> Employee:
    with app.app_context():
        linked = select(User.employee_id).where(User.employee_id.is_not(None))
        person = db.session.scalars(select(Employee).where(Employee.id.not_in(linked)).order_by(Employee.id.desc())).first()
        db.session.expunge(person)
        return person


def _signed_in_changed(app, username: str, new: str = "my own long passphrase"):
    """Sign in with the temporary password and replace it, as a new user has to."""
    client = app.test_client()
    assert Auth(client).login(username, TEMPORARY).status_code == 302
    response = client.post("/account/password", data={"current_password": TEMPORARY, "new_password": new,
                                                       "confirm_password": new})
    assert response.status_code == 302
    return client


def test_a_new_user_must_change_the_temporary_password_before_anything_else(app):
    admin = _admin_client(app)
    _add_user(admin, "tamsin@example.org")
    client = app.test_client()
    landed = Auth(client).login("tamsin@example.org", TEMPORARY)
    assert landed.status_code == 302
    # Every page, and every form, sends them to change it first.
    for method, url in [("GET", "/"), ("GET", "/hr/"), ("GET", "/employees/"), ("POST", "/posts/new"),
                        ("GET", "/confirm-password")]:
        response = client.open(url, method=method)
        assert response.status_code in (302, 303) and response.location == "/account/password", (method, url)
    page = client.get("/account/password").get_data(as_text=True)
    assert "Your administrator set a temporary password for you" in page
    # A refused new password keeps them on the page, still held to it.
    weak = client.post("/account/password", data={"current_password": TEMPORARY, "new_password": "short",
                                                   "confirm_password": "short"})
    assert weak.status_code == 200 and client.get("/hr/").location == "/account/password"
    done = client.post("/account/password", data={"current_password": TEMPORARY, "new_password": "my own long phrase",
                                                   "confirm_password": "my own long phrase"})
    assert done.status_code == 302
    assert client.get("/hr/").status_code == 200
    assert "temporary password" not in client.get("/account/password").get_data(as_text=True)


def test_signing_out_is_allowed_with_a_temporary_password(app):
    admin = _admin_client(app)
    _add_user(admin, "olu@example.org")
    client = app.test_client()
    Auth(client).login("olu@example.org", TEMPORARY)
    response = client.post("/logout")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.get("/hr/").location.startswith("/login")


def test_disabling_a_user_signed_in_elsewhere_ends_that_session_on_its_next_request(app):
    admin = _admin_client(app)
    user_id = _add_user(admin, "dan@example.org")
    elsewhere = _signed_in_changed(app, "dan@example.org")
    assert elsewhere.get("/hr/").status_code == 200

    page = admin.get(f"/admin/users/{user_id}/disable").get_data(as_text=True)
    assert "the 1 session they have open now will end at once" in page
    response = admin.post(f"/admin/users/{user_id}/disable", data={"reason": "Left on 30 November"})
    assert response.status_code == 302 and response.location == f"/admin/users/{user_id}"

    next_request = elsewhere.get("/hr/")
    assert next_request.status_code == 302 and next_request.location.startswith("/login")
    refused = Auth(app.test_client()).login("dan@example.org", "my own long passphrase")
    assert "This login has been disabled" in refused.get_data(as_text=True)
    shown = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "Disabled: cannot sign in" in shown and "Left on 30 November" in shown and "Can sign in: yes to no" in shown

    admin.post(f"/admin/users/{user_id}/enable", data={"reason": "Came back"})
    assert Auth(app.test_client()).login("dan@example.org", "my own long passphrase").status_code == 302


def test_changing_the_role_signs_the_user_out_and_gives_the_new_role(app):
    admin = _admin_client(app)
    user_id = _add_user(admin, "ravi@example.org")
    elsewhere = _signed_in_changed(app, "ravi@example.org")
    person = _unlinked_employee(app)
    response = admin.post(f"/admin/users/{user_id}/edit", data={
        "username": "ravi@example.org", "display_name": "Ravi Patel", "role": "employee",
        "person_number": person.person_number, "union_id": "0",
        "reason": "Moved from HR to a post in Licensing"})
    assert response.status_code == 302
    assert elsewhere.get("/hr/").location.startswith("/login")
    again = app.test_client()
    Auth(again).login("ravi@example.org", "my own long passphrase")
    assert again.get("/hr/").status_code == 403  # an employee now
    assert again.get("/me/").status_code == 200
    shown = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert f"{person.first_name} {person.last_name} ({person.person_number})" in shown
    assert "Role: HR officer to Employee" in shown
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f"{person.first_name} {person.last_name} ({person.person_number})" in listing
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "user",
                                                           AuditEvent.entity_id == str(user_id),
                                                           AuditEvent.action == "update"))
        assert event.actor_label == "Alex Admin (demo)" and event.reason == "Moved from HR to a post in Licensing"
        assert event.before["role"] == "hr" and event.after["role"] == "employee"


def test_the_edit_form_comes_back_with_field_errors_and_what_was_typed(app):
    admin = _admin_client(app)
    user_id = _add_user(admin, "fay@example.org")
    response = admin.post(f"/admin/users/{user_id}/edit", data={
        "username": "fay@example.org", "display_name": "Fay Wray-Smith", "role": "employee", "person_number": "NO-SUCH", "union_id": "0",
        "reason": "Linking to her record"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no employee with this person number" in page
    assert 'value="Fay Wray-Smith"' in page and 'value="NO-SUCH"' in page and "Linking to her record" in page
    missing = admin.post(f"/admin/users/{user_id}/edit", data={"username": "not an address", "display_name": "", "role": "union_rep",
                                                               "union_id": "0", "reason": ""})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "Enter their name" in text and "Enter the reason for the change" in text
    assert "Enter an email address like name@council.gov.uk" in text and 'value="not an address"' in text
    with app.app_context():
        assert db.session.get(User, user_id).display_name == "Fay"


def test_the_last_administrator_is_refused_on_the_page_not_with_a_500(app):
    admin = _admin_client(app)
    with app.app_context():
        admin_id = db.session.scalar(select(User.id).where(User.username == ADMIN))
    own = admin.get(f"/admin/users/{admin_id}").get_data(as_text=True)
    assert "This is your own login" in own and f"/admin/users/{admin_id}/disable" not in own
    # The only administrator cannot disable or demote themselves: told why, on the form.
    response = admin.post(f"/admin/users/{admin_id}/disable", data={"reason": "Test"})
    assert response.status_code == 400
    assert "Alex Admin (demo) is the only active administrator" in response.get_data(as_text=True)
    demote = admin.post(f"/admin/users/{admin_id}/edit", data={"username": ADMIN, "display_name": "Alex Admin (demo)", "role": "hr",
                                                               "union_id": "0", "reason": "Test"})
    assert demote.status_code == 400 and "only active administrator" in demote.get_data(as_text=True)
    second = _add_user(admin, "deputy.admin@example.org", role="admin")
    deputy = _signed_in_changed(app, "deputy.admin@example.org")
    # The deputy may demote the demo administrator (two are active)...
    ok = deputy.post(f"/admin/users/{admin_id}/edit", data={"username": ADMIN, "display_name": "Alex Admin (demo)", "role": "hr",
                                                            "union_id": "0", "reason": "Handing over"})
    assert ok.status_code == 302
    # ...and now the deputy is the last: nobody can disable them (the old admin is HR now anyway).
    with app.app_context():
        from hrtool.services.accounts import user_admin

        assert user_admin._other_active_admins(db.session.get(User, second)) == 0
    refused = deputy.post(f"/admin/users/{second}/disable", data={"reason": "Test"})
    assert refused.status_code == 400 and "the only active administrator" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, second).active and db.session.get(User, admin_id).role == "hr"


def test_setting_a_temporary_password_makes_them_change_it(app):
    admin = _admin_client(app)
    user_id = _add_user(admin, "gus@example.org")
    gus = _signed_in_changed(app, "gus@example.org")
    response = admin.post(f"/admin/users/{user_id}/password", data={"password": "a reset long passphrase",
                                                                   "reason": "Forgot it (phoned the desk)"})
    assert response.status_code == 302 and response.location == f"/admin/users/{user_id}"
    assert gus.get("/hr/").location.startswith("/login")  # signed out
    again = app.test_client()
    Auth(again).login("gus@example.org", "a reset long passphrase")
    assert again.get("/hr/").location == "/account/password"
    shown = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "Temporary: they must choose their own" in shown and "Temporary password set" in shown


def test_users_are_listed_by_name_with_linked_people_named(app):
    admin = _admin_client(app)
    page = admin.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        demo = db.session.scalar(select(User).where(User.username == "employee@hrtool.example"))
        person = demo.employee
        label = f"{person.first_name} {person.last_name} ({person.person_number})"
    assert label in page and "UNISON" in page
    assert f'href="/admin/users/{demo.id}"' in page


def test_only_administrators_manage_users(app):
    client = app.test_client()
    Auth(client).login("hr@hrtool.example", DEMO_PASSWORDS["hr@hrtool.example"])
    for url in ("/admin/users/1", "/admin/users/1/edit", "/admin/users/1/disable", "/admin/users/1/enable"):
        assert client.get(url).status_code == 403
    assert client.post("/admin/users/2/disable", data={"reason": "x"}).status_code == 403


def test_a_temporary_password_holds_back_every_route_in_the_app(app):
    """Every route of the app, GET and POST, sends a user with a temporary password to change it,
    except changing it and signing out (and the pages anyone may open without signing in)."""
    from hrtool.security import PUBLIC_ENDPOINTS, WHILE_PASSWORD_TEMPORARY

    admin = _admin_client(app)
    _add_user(admin, "held.back@example.org")
    client = app.test_client()
    Auth(client).login("held.back@example.org", TEMPORARY)
    checked, failures = 0, []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS | WHILE_PASSWORD_TEMPORARY:
            continue
        url = rule.build({name: 1 for name in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods & {"GET", "POST"}):
            response = client.open(url, method=method)
            checked += 1
            if response.status_code != 303 or response.location != "/account/password":
                failures.append(f"{method} {url}: {response.status_code} {response.location}")
    assert checked > 100 and failures == []
    assert client.get("/account/password").status_code == 200


def test_a_mistyped_email_address_is_corrected_and_the_user_signs_in_with_the_new_one(app):
    admin = _admin_client(app)
    user_id = _add_user(admin, "mistyped@exmaple.org")
    taken = admin.post(f"/admin/users/{user_id}/edit", data={
        "username": "hr@hrtool.example", "display_name": "Mistyped", "role": "hr", "union_id": "0",
        "reason": "Typo in the address"})
    assert taken.status_code == 400 and "There is already a user with this email address" in taken.get_data(as_text=True)
    fixed = admin.post(f"/admin/users/{user_id}/edit", data={
        "username": "Mistyped@Example.org", "display_name": "Mistyped", "role": "hr", "union_id": "0",
        "reason": "Typo in the address"})
    assert fixed.status_code == 302
    assert Auth(app.test_client()).login("mistyped@example.org", TEMPORARY).status_code == 302
    assert Auth(app.test_client()).login("mistyped@exmaple.org", TEMPORARY).status_code == 200  # the old one: no
    shown = admin.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "Username: mistyped@exmaple.org to mistyped@example.org" in shown
