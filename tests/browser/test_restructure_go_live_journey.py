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

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from hrtool import create_app
from hrtool.extensions import db
from hrtool.models import Council, Restructure

from ..factories import prepare_database
from .axe import assert_accessible, scroll_width
from .helpers import Page, chromium_or_skip, serve, sign_in

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
    chromium_or_skip()
    tmp = tmp_path_factory.mktemp("go-live")
    app = create_app({"TESTING": False, "SECRET_KEY": "browser-tests-go-live", "WTF_CSRF_ENABLED": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'go-live.sqlite3'}"})
    with app.app_context():
        prepare_database(app)
        data = _prepare(date.today())
    with serve(app) as base:
        yield base, data
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def go_live_page(new_tab: Callable[..., Page], go_live_server: tuple[str, dict[str, Any]]) -> Page:
    return sign_in(new_tab(go_live_server[0]), "hr")


def test_hr_implements_the_senior_restructure_on_its_date(go_live_page, go_live_server):
    page, p = go_live_page, go_live_page.page
    _, data = go_live_server
    rid = data["id"]

    # The Chief Executive's appointment, through the page: it says they move when it is implemented.
    page.goto(f"/restructures/{rid}/appointments")
    p.get_by_label("New post", exact=True).select_option(label="Chief Executive (Head of Paid Service)")
    p.get_by_label("Current postholder").select_option(label=f"{data['chief']} ({data['chief_post']})")
    p.get_by_label("Salary").fill("140000")
    p.get_by_role("button", name="Record").click()
    expect(p.locator(".govuk-notification-banner")).to_contain_text("Appointment recorded")
    row = p.locator("tr", has_text=data["chief"]).first
    expect(row).to_contain_text("Moves into the new post when the restructure is implemented")

    # The preview: who moves where, on what pay; who has no appointment; what blocks (nothing).
    p.get_by_role("link", name="Go live").click()
    expect(p.get_by_role("heading", name="Implement the restructure")).to_be_visible()
    moves = p.locator("table", has_text="Old post").first
    chief_row = moves.locator("tr", has_text=data["chief"])
    for text in ("£126,500.00", "£140,000.00", "None: pay does not fall"):
        expect(chief_row).to_contain_text(text)
    ops_row = moves.locator("tr", has_text=data["heads"]["Head of Operations"])
    expect(ops_row).to_contain_text("Recorded with the appointment: a reduction of £2,800.00 a year")
    expect(p.locator("body")).to_contain_text("4 current postholders have no appointment")
    expect(p.locator(".govuk-error-summary")).to_have_count(0)
    page.screenshot("go-live-1-preview")
    assert_accessible(page, "go-live-preview")
    assert scroll_width(page) <= 1280  # the wide tables scroll inside their own boxes

    # Implementing without the reason for the four: refused, with what was typed kept.
    p.get_by_label("Reason for implementing").fill("Joint Appointments Panel and both councils' decisions")
    p.get_by_role("button", name="Implement from").click()
    expect(p.locator(".govuk-error-summary")).to_contain_text("confirm that it goes ahead without them")
    expect(p.get_by_label("Reason for implementing")).to_have_value("Joint Appointments Panel and both councils' decisions")
    p.get_by_label("Why it goes ahead without them").fill(
        "Redundancy consultation continues for the four; their posts stay open")
    p.get_by_role("button", name="Implement from").click()
    banner = p.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("is implemented from")
    expect(banner).to_contain_text("8 people moved into their new posts")
    body = p.locator("body")
    expect(body).to_contain_text("Posts established (10)")
    expect(body).to_contain_text("People moved into their new posts (8)")
    expect(body).to_contain_text("It took effect on")  # on its date: corrected by dated changes, not undone
    page.screenshot("go-live-2-implemented")
    assert_accessible(page, "go-live-implemented")

    # A second attempt: the page offers none, and the restructure page lists what changed.
    expect(p.get_by_role("button", name="Implement from")).to_have_count(0)
    p.get_by_role("link", name="Overview").click()
    expect(p.get_by_role("heading", name="Into the establishment")).to_be_visible()
    expect(body).to_contain_text("Posts established (10)")
    expect(body).to_contain_text(data["chief"])

    # The org charts: old holders on the old chart, the Chief Executive and Heads of Service on the new.
    p.get_by_role("link", name="Org charts").click()
    expect(p.get_by_role("heading", name="New structure, in the establishment from")).to_be_visible()
    new_chart = p.locator(".rs-chart").nth(1)
    chief_box = new_chart.locator(".rs-post", has_text="Chief Executive (Head of Paid Service)")
    expect(chief_box).to_contain_text(data["chief"])
    expect(chief_box).to_contain_text("Post SB")
    for title, name in data["heads"].items():
        expect(new_chart.locator(".rs-post", has_text=title).first).to_contain_text(name)
    expect(new_chart.locator(".rs-post", has_text="Deputy Chief Executive - Place")).to_contain_text("Vacant")
    page.screenshot("go-live-3-org-charts")
    assert_accessible(page, "go-live-org-charts")

    # The costing: before the old structure, after the new posts as held.
    p.get_by_role("link", name="Costing").click()
    p.wait_for_url("**/costing")
    expect(body).to_contain_text("Old structure: 12.0 FTE, £1,328,000.00")
    expect(body).to_contain_text("New structure: 10.0 FTE, £1,240,000.00")
    page.screenshot("go-live-4-costing")

    # The establishment agrees: the new Chief Executive post held by one person; the Stafford one
    # closed yesterday (so not listed as open); the Cannock one open for its holder, not appointed.
    page.goto("/posts/?q=Chief+Executive")
    table = p.locator("table").first
    new_post = table.locator("tr", has_text="Chief Executive (Head of Paid Service)")
    expect(new_post).to_have_count(1)
    expect(new_post.locator("td").last).to_have_text("1")
    expect(table.locator("tr", has_text="Chief Executive (Cannock Chase)")).to_have_count(1)
    expect(table.locator("tr", has_text="Chief Executive (Stafford Borough)")).to_have_count(0)
    page.screenshot("go-live-5-establishment")

    # The employees list agrees: the Chief Executive is in the new post today.
    page.goto(f"/employees/?q={data['chief_last']}")
    row = p.locator("tr", has_text=data["chief_last"]).filter(has_text="Chief Executive (Head of Paid Service)")
    expect(row).to_have_count(1)
    page.screenshot("go-live-6-employees-list")
    row.get_by_role("link").first.click()
    expect(p.get_by_role("heading", name=data["chief"])).to_be_visible()
    expect(body).to_contain_text("Chief Executive (Head of Paid Service)")
    page.screenshot("go-live-7-employee-record")
    # The one refused submission answered 400 (the form again, with its error); nothing else failed.
    assert len(page.console_errors) == 1 and "status of 400" in page.console_errors[0], page.console_errors
