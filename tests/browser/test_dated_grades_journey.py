"""Dated grading in the browser (issue 13): an administrator enters a change of Stafford Borough's
grade bands from 1 April next year, checks who it affects, and confirms it with a reason. Today's
grades stay as they are on the post page; the new grade is shown from its date.

SBC's illustrative bands: Grade 7 is 400-439 points on SCP 23-25, Grade 8 is 440-479 on SCP 26-28.
Moving the boundary to 450 puts 440-449 points into Grade 7, so a 440-449-point Grade 8 post
falls to Grade 7 and a holder on SCP 26-28 moves to SCP 25 with pay protection.
Screenshots: artifacts/screenshots/dated-grades-*.png."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Council, Post
from hrtool.services.pay.post_grades import grade_on

from .helpers import fill_date

FUTURE = date(date.today().year + 1, 4, 1)
WHEN = f"{FUTURE.day} April {FUTURE.year}"


def _falling_post(live_app) -> tuple[int, str, str]:
    """An SBC post of 440-449 points (Grade 8 today): its id, number and today's grade (read only)."""
    with live_app.app_context():
        sbc = db.session.scalar(select(Council.id).where(Council.code == "SBC"))
        post = db.session.scalars(select(Post).where(Post.council_id == sbc, Post.je_score.between(440, 449),
                                                     Post.closed_on.is_(None)).order_by(Post.id).limit(1)).one()
        return post.id, post.post_number, grade_on(post.id, date.today())


def test_a_future_band_change_is_previewed_confirmed_and_applies_from_its_date(admin_page, live_app):
    post_id, post_number, grade_today = _falling_post(live_app)
    assert grade_today == "Grade 8"
    page, p = admin_page, admin_page.page
    page.goto("/pay/conventions")
    with p.expect_navigation():
        p.get_by_role("link", name="Change Stafford Borough's bands from a date").click()
    expect(p.get_by_role("heading", level=1)).to_have_text("Change the grade bands from a date")
    fill_date(p, FUTURE)
    p.get_by_label("Name of this version").fill(f"SBC grading from April {FUTURE.year}")
    bands = p.locator("#bands")
    row = bands.locator("tbody tr").filter(has=p.locator('input[value="Grade 7"]'))
    row.get_by_label("Highest points, row 7").fill("449")
    row = bands.locator("tbody tr").filter(has=p.locator('input[value="Grade 8"]'))
    row.get_by_label("Lowest points, row 8").fill("450")
    with p.expect_navigation():  # the form posts back: wait for the answer before reading it
        p.get_by_role("button", name="Check who this affects").click()

    # The preview: the post, its old and new grade from the date, the people in it and what follows.
    expect(p.get_by_role("heading", name="Who this affects")).to_be_visible()
    table = p.get_by_role("table", name=re.compile("Posts whose grade changes"))
    for text in (post_number, f"Grade 8 to Grade 7 (SCP 23 to 25) from {WHEN}",
                 f"Moves down to SCP 25 from {WHEN}, with pay protection under SBC pay protection"):
        expect(table).to_contain_text(text, use_inner_text=True)
    # What was typed is kept.
    expect(p.get_by_label("Highest points, row 7")).to_have_value("449")
    expect(p.get_by_label("Name of this version")).to_have_value(f"SBC grading from April {FUTURE.year}")
    page.screenshot("dated-grades-1-preview")

    p.get_by_label("Reason").fill("Pay and grading review agreed with the unions")
    with p.expect_navigation():
        p.get_by_role("button", name="Confirm and save the new bands").click()
    # Saving is a job (issue 17): its page says what it saved and links to the new version.
    p.wait_for_url("**/jobs/*")
    expect(p.locator("#job-outcome")).to_contain_text("saved")
    page.screenshot("dated-grades-2a-job")
    p.get_by_role("link", name="See the new bands").click()
    expect(p.get_by_role("heading", level=1)).to_contain_text(f"SBC grading from April {FUTURE.year}")
    page.screenshot("dated-grades-2-saved")

    # Today's grade is unchanged on the post page; the new grade is shown from its date.
    page.goto(f"/posts/{post_id}")
    grade_row = p.locator(".govuk-summary-list__row").filter(has=p.get_by_text("Grade", exact=True))
    expect(grade_row.locator("dd").first).to_have_text(f"Grade 8 (Stafford Borough grading); Grade 7 from {WHEN}")
    holders = p.get_by_role("table", name="Holders over time")
    expect(holders).not_to_contain_text("<a ")
    expect(holders.get_by_role("link").nth(1)).to_be_visible()  # names as links, two at least
    page.screenshot("dated-grades-3-post")
    # The evaluations page says the same, and its table of dated grades agrees.
    with p.expect_navigation():
        p.get_by_role("link", name=re.compile("Job evaluations")).click()
    expect(p.locator("main")).to_contain_text(f"Grade: Grade 8 (Stafford Borough grading); Grade 7 from {WHEN}",
                                              use_inner_text=True)
    dated = p.get_by_role("table", name=re.compile("Grades by date"))
    expect(dated).to_contain_text(WHEN)
    expect(dated).to_contain_text(f"SBC grading from April {FUTURE.year}")
    page.screenshot("dated-grades-4-evaluations")
    assert page.console_errors == []
