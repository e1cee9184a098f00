"""The job evaluation form in the browser (issue 18), reading only (it records nothing, so it
shares the live server's data safely): HR chooses a level for each factor and the running total
and each council's grade follow as they go (static/js/evaluation-total.js); a union rep reads the
local conventions and the two councils' sets side by side, with no forms.

PROFILE worked by hand from the factor plan: 121 + 52 + 52 + 26 + 65 + 20 + 30 + 30 + 39 + 39 + 26
+ 26 + 10 = 536 points: CCDC J (535 to 579), SBC Grade 10 (520 to 559) in the illustrative bands.
Screenshots: artifacts/screenshots/evaluation-form-*.png."""
from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Post

from .axe import assert_accessible

PROFILE = [6, 4, 4, 2, 5, 2, 3, 3, 3, 3, 2, 2, 1]


def test_the_running_total_follows_the_levels_chosen(hr_page, live_app):
    with live_app.app_context():
        post_id = db.session.scalar(select(Post.id).order_by(Post.id).limit(1))
    page, p = hr_page, hr_page.page
    page.goto(f"/grading/posts/{post_id}/evaluations#record")
    total = p.locator("[data-je-points]")
    expect(total).to_have_text("0 points from 0 of 13 factors")
    for number, level in enumerate(PROFILE[:3], start=1):
        p.locator(f'input[name="factor_{number}"][value="{level}"]').check()
    expect(total).to_have_text("225 points from 3 of 13 factors")  # 121 + 52 + 52
    for number, level in enumerate(PROFILE, start=1):
        p.locator(f'input[name="factor_{number}"][value="{level}"]').check()
    expect(total).to_have_text("536 points")
    expect(p.locator("[data-je-grades]")).to_have_text("CCDC: J; SBC: Grade 10")
    page.screenshot("evaluation-form-1-total")
    # Sent with nothing chosen: the errors page (nothing is recorded) is accessible too.
    with p.expect_navigation():
        p.get_by_role("button", name="Save as draft").click()
    expect(p.locator(".govuk-error-summary")).to_have_count(1)
    assert_accessible(page, "evaluation-form-3-errors")
    page.goto("/job-evaluation/scheme/1")
    assert_accessible(page, "evaluation-form-4-scheme-version")
    # The refused form answers 400 on purpose (Chromium logs that); nothing else may complain.
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_a_union_rep_reads_the_conventions_side_by_side(union_page):
    page, p = union_page, union_page.page
    page.goto("/job-evaluation/conventions/compare")
    expect(p.locator(".govuk-tag--orange")).to_have_count(5)
    expect(p.locator("main form[method=post]")).to_have_count(0)
    assert_accessible(page, "evaluation-form-2-side-by-side")
    with p.expect_navigation():
        p.get_by_role("link", name="Local conventions").first.click()
    expect(p.locator("main")).to_be_visible()
    expect(p.locator("main form[method=post]")).to_have_count(0)
    page.goto("/job-evaluation/conventions/1")
    assert_accessible(page, "evaluation-form-5-conventions")
    expect(p.locator("main form[method=post]")).to_have_count(0)
    assert page.console_errors == []
