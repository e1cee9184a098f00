"""The senior restructure goes live, in a browser (issue 15): HR records the Chief Executive's
appointment, previews implementing the restructure on its date, implements it (with the reason
for going ahead while four postholders have no appointment), and then sees the Chief Executive
and Heads of Service in their new posts on the org chart, the costing still £1,328,000 before
and £1,240,000 after, the establishment's posts and the employees list showing the new posts.

Its own data: implementing changes the establishment, and other browser tests
(test_restructure_journey.py, test_chief_officer_statement_journey.py) use the senior
restructure's pages and people, so this test builds a separate live server with its own
database (the `go_live_server` fixture below, like conftest's `live_server`). There the senior
restructure is moved to start today, so it is implemented on its date and the employees list
(which shows today) agrees with it; the vacant posts get their employer, and seven Heads of
Service are appointed through the service layer (the Chief Executive through the page).
Screenshots: artifacts/screenshots/go-live-*.png."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from hrtool import create_app
from hrtool.extensions import db
from hrtool.models import Council, Restructure

from ..factories import DEMO_PASSWORDS, prepare_database
from .axe import assert_accessible, scroll_width
from .conftest import CHROMIUM, Page

HR = "hr@hrtool.example"
NAME = "Senior structure 2023"
# (current post title starts with, new post, full-time salary): the Heads of Service appointed before.
HEADS = [
    ("Head of Economic Prosperity", "Head of Economic Development and Planning", 80000),
    ("Head of Operations", "Head of Operations", 77000),  # 79,800 -> 77,000: protected
    ("Head of Environment and Healthy Lifestyles", "Head of Wellbeing", 78400),
    ("Head of Housing and Partnerships", "Head of Housing HRA and Corporate Assets", 78400),
    ("Head of Communities", "Head of Regulatory Services", 80000),
    ("Head of Governance and Corporate Services", "Head of Transformation", 79000),
    ("Head of Law and Administration", "Head of Law and Governance and Monitoring Officer", 79800),
]


def _prepare(today: date) -> dict[str, Any]:
    from hrtool.services.restructures import restructures as service

    restructure = db.session.scalar(select(Restructure).where(Restructure.name == NAME))
    restructure.effective_date = today  # test data: the restructure starts today, its date
    db.session.commit()
    service.run_engine(restructure, today)
    people = service.holders(restructure, today)
    proposed = {p.title: p for p in restructure.posts if p.side == "proposed"}
    for start, title, salary in HEADS:
        holder = next(h for h in people if h.post.title.startswith(start))
        service.record_appointment(restructure, {
            "proposed_post_id": proposed[title].id, "employee_id": holder.employee.id, "outcome": "appointed",
            "start_date": today, "salary": Decimal(salary)}, today)
    councils = {c.code: c.id for c in db.session.scalars(select(Council))}
    for title, code in (("Deputy Chief Executive - Place", "SBC"),
                        ("Deputy Chief Executive - Resources and s151 Officer", "CCDC")):
        service.update_post(proposed[title], {**service.values_of(proposed[title]), "employer_id": councils[code]})
    chief = next(h for h in people if h.post.title.startswith("Chief Executive (Stafford"))
    heads = {title: next(h for h in people if h.post.title.startswith(start)).employee.full_name
             for start, title, _ in HEADS}
    return {"id": restructure.id, "chief": chief.employee.full_name, "chief_last": chief.employee.last_name,
            "chief_post": chief.post.title, "heads": heads}


@pytest.fixture(scope="module")
def go_live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, Any]]]:
    """A live server of its own (its own database), so implementing cannot disturb other tests."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("go-live")
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-tests-go-live", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'go-live.sqlite3'}"})
    with app.app_context():
        prepare_database(app)
        data = _prepare(date.today())
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", data
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def go_live_page(browser: Any, go_live_server: tuple[str, dict[str, Any]]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield Page(context.new_page(), go_live_server[0])
    context.close()


def test_hr_implements_the_senior_restructure_on_its_date(go_live_page, go_live_server):
    page, p = go_live_page, go_live_page.page
    _, data = go_live_server
    rid = data["id"]
    page.login(HR, DEMO_PASSWORDS[HR])
    p.wait_for_url("**/hr/")

    # The Chief Executive's appointment, through the page: it says they move when it is implemented.
    page.goto(f"/restructures/{rid}/appointments")
    p.get_by_label("New post", exact=True).select_option(label="Chief Executive (Head of Paid Service)")
    p.get_by_label("Current postholder").select_option(label=f"{data['chief']} ({data['chief_post']})")
    p.get_by_label("Salary").fill("140000")
    p.get_by_role("button", name="Record").click()
    assert "Appointment recorded" in p.locator(".govuk-notification-banner").inner_text()
    row = p.locator("tr", has_text=data["chief"]).first
    assert "Moves into the new post when the restructure is implemented" in row.inner_text()

    # The preview: who moves where, on what pay; who has no appointment; what blocks (nothing).
    p.get_by_role("link", name="Go live").click()
    p.get_by_role("heading", name="Implement the restructure").wait_for()
    moves = p.locator("table", has_text="Old post").first
    chief_row = moves.locator("tr", has_text=data["chief"])
    assert "£126,500.00" in chief_row.inner_text() and "£140,000.00" in chief_row.inner_text()
    assert "None: pay does not fall" in chief_row.inner_text()
    ops_row = moves.locator("tr", has_text=data["heads"]["Head of Operations"])
    assert "Recorded with the appointment: a reduction of £2,800.00 a year" in ops_row.inner_text()
    assert "4 current postholders have no appointment" in p.content()
    assert p.locator(".govuk-error-summary").count() == 0
    page.screenshot("go-live-1-preview")
    assert_accessible(page, "go-live-preview")
    assert scroll_width(page) <= 1280  # the wide tables scroll inside their own boxes

    # Implementing without the reason for the four: refused, with what was typed kept.
    p.get_by_label("Reason for implementing").fill("Joint Appointments Panel and both councils' decisions")
    p.get_by_role("button", name="Implement from").click()
    assert "confirm that it goes ahead without them" in p.locator(".govuk-error-summary").inner_text()
    assert p.get_by_label("Reason for implementing").input_value() == \
        "Joint Appointments Panel and both councils' decisions"
    p.get_by_label("Why it goes ahead without them").fill(
        "Redundancy consultation continues for the four; their posts stay open")
    p.get_by_role("button", name="Implement from").click()
    banner = p.locator(".govuk-notification-banner").inner_text()
    assert "is implemented from" in banner and "8 people moved into their new posts" in banner
    assert "Posts established (10)" in p.content() and "People moved into their new posts (8)" in p.content()
    assert "It took effect on" in p.content()  # on its date: corrected by dated changes, not undone
    page.screenshot("go-live-2-implemented")
    assert_accessible(page, "go-live-implemented")

    # A second attempt: the page offers none, and the restructure page lists what changed.
    assert p.get_by_role("button", name="Implement from").count() == 0
    p.get_by_role("link", name="Overview").click()
    p.get_by_role("heading", name="Into the establishment").wait_for()
    assert "Posts established (10)" in p.content() and data["chief"] in p.content()

    # The org charts: old holders on the old chart, the Chief Executive and Heads of Service on the new.
    p.get_by_role("link", name="Org charts").click()
    p.get_by_role("heading", name="New structure, in the establishment from").wait_for()
    new_chart = p.locator(".rs-chart").nth(1)
    chief_box = new_chart.locator(".rs-post", has_text="Chief Executive (Head of Paid Service)")
    assert data["chief"] in chief_box.inner_text() and "Post SB" in chief_box.inner_text()
    for title, name in data["heads"].items():
        assert name in new_chart.locator(".rs-post", has_text=title).first.inner_text()
    assert "Vacant" in new_chart.locator(".rs-post", has_text="Deputy Chief Executive - Place").inner_text()
    page.screenshot("go-live-3-org-charts")
    assert_accessible(page, "go-live-org-charts")

    # The costing: before the old structure, after the new posts as held.
    p.get_by_role("link", name="Costing").click()
    p.wait_for_url("**/costing")
    assert "Old structure: 12.0 FTE, £1,328,000.00" in p.content()
    assert "New structure: 10.0 FTE, £1,240,000.00" in p.content()
    page.screenshot("go-live-4-costing")

    # The establishment agrees: the new Chief Executive post held by one person; the Stafford one
    # closed yesterday (so not listed as open); the Cannock one open for its holder, not appointed.
    page.goto("/posts/?q=Chief+Executive")
    table = p.locator("table").first
    new_post = table.locator("tr", has_text="Chief Executive (Head of Paid Service)")
    assert new_post.count() == 1 and new_post.locator("td").last.inner_text().strip() == "1"
    assert table.locator("tr", has_text="Chief Executive (Stafford Borough)").count() == 0
    assert table.locator("tr", has_text="Chief Executive (Cannock Chase)").count() == 1
    page.screenshot("go-live-5-establishment")

    # The employees list agrees: the Chief Executive is in the new post today.
    page.goto(f"/employees/?q={data['chief_last']}")
    row = p.locator("tr", has_text=data["chief_last"]).filter(has_text="Chief Executive (Head of Paid Service)")
    assert row.count() == 1
    page.screenshot("go-live-6-employees-list")
    row.get_by_role("link").first.click()
    p.get_by_role("heading", name=data["chief"]).wait_for()
    assert "Chief Executive (Head of Paid Service)" in p.content()
    page.screenshot("go-live-7-employee-record")
    # The one refused submission answered 400 (the form again, with its error); nothing else failed.
    assert len(page.console_errors) == 1 and "status of 400" in page.console_errors[0], page.console_errors
