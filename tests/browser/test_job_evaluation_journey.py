"""Job evaluation as the councils do it, in the browser (issue 18, Done when):

1. HR records an evaluation of a Cannock Chase post factor by factor, citing CCDC's local
   conventions for Knowledge (NVQ level 3 = level 4) and Supervision (line manages 5 to 9 =
   level 3);
2. the same post is evaluated under Stafford Borough's conventions, which read "line manages 5 to
   9" as level 4; the side-by-side page shows factor 10 is where they part, and why;
3. the post holder appeals factor 10; the appeal panel raises it to level 4; the post's grade and
   the holder's pay follow from the date the panel agreed, and the outcome letter is in the
   register and in the holder's letters.

Worked by hand from the factor plan (hrtool/reference_data/njc_jes_factors.csv) and CCDC's
illustrative bands (F 370-414 points on SCP 20-23, G 415-454 on SCP 24-26):

    levels 4 4 4 2 4 2 2 2 1 3 1 1 1 = 80+52+52+26+52+20+20+20+13+39+13+13+10 = 410 points: F
    under SBC's conventions factor 10 is level 4 (52): 423 points (SBC Grade 7, 400-439)
    appeal upheld, factor 10 to level 4: 423 points: G; the holder on SCP 21 moves to 24, G's lowest

The post and its holder are made for this test (no other browser test uses them).
Screenshots: artifacts/screenshots/je-journey-*.png."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db

from .axe import assert_accessible
from .helpers import Page, fill_date

HOLDER = "je-appellant@hrtool.example"
HOLDER_PASSWORD = "a long job evaluation appellant passphrase 18"
LEVELS = [4, 4, 4, 2, 4, 2, 2, 2, 1, 3, 1, 1, 1]
TODAY = date.today()
EVALUATED = TODAY - timedelta(days=40)
AGREED = TODAY - timedelta(days=5)


def _post_and_holder(app: Any) -> dict[str, Any]:
    from hrtool.models import Assignment, Council, Employee, Employment, Post, Service, TermsRecord, User
    from hrtool.services.accounts import accounts
    from hrtool.services.platform.unit_of_work import unit_of_work

    with app.app_context():
        existing = db.session.scalar(select(User).where(User.username == HOLDER))
        if existing is None:
            with unit_of_work():
                ccdc = db.session.scalar(select(Council).where(Council.code == "CCDC"))
                service = db.session.scalars(select(Service).order_by(Service.id)).first()
                post = Post(post_number="JE-JOURNEY-1", council_id=ccdc.id, service_id=service.id,
                            title="Customer Services Team Leader (journey)", established_on=date(2015, 4, 1),
                            je_score=410)
                person = Employee(person_number="JE000018", first_name="Morgan", last_name="Appleby",
                                  date_of_birth=date(1984, 6, 2), sex="F", continuous_service_date=date(2016, 5, 3))
                db.session.add_all([post, person])
                db.session.flush()
                employment = Employment(employee_id=person.id, employer_id=ccdc.id, start_date=date(2016, 5, 3))
                db.session.add(employment)
                db.session.flush()
                db.session.add_all([
                    Assignment(employment_id=employment.id, post_id=post.id, effective_from=date(2016, 5, 3),
                               hours_per_week=37, scp=21, reason="Appointed"),
                    TermsRecord(employment_id=employment.id, effective_from=date(2016, 5, 3), basis="own",
                                terms_council_id=ccdc.id)])
                accounts.create_user(HOLDER, person.full_name, HOLDER_PASSWORD, "employee", employee_id=person.id)
        user = db.session.scalar(select(User).where(User.username == HOLDER))
        post = db.session.scalar(select(Post).where(Post.post_number == "JE-JOURNEY-1"))
        return {"post_id": post.id, "employee_id": user.employee_id}


def _evaluate(page: Page, post_id: int, council: str, supervision: str) -> None:
    p = page.page
    page.goto(f"/grading/posts/{post_id}/evaluations?council={council}#record")
    fill_date(p, EVALUATED)
    p.get_by_label("Job description version").fill("JD v3, March 2026")
    for number, level in enumerate(LEVELS, start=1):
        p.locator(f'input[name="factor_{number}"][value="{level if number != 10 else supervision}"]').check()
    for number, situation in ((1, "NVQ level 3"), (10, "Line manages a team of 5 to 9 staff")):
        select = p.get_by_label(f"Factor {number}: decided by convention (optional)")
        option = select.locator("option", has_text=situation)
        expect(option).to_be_attached()
        select.select_option(option.get_attribute("value"))
    p.get_by_label("Member 1 name").fill("Alex Morgan")
    p.get_by_label("Member 1 side").select_option("management")
    p.get_by_label("Member 2 name").fill("Sam Patel")
    p.get_by_label("Member 2 side").select_option("union")
    with p.expect_navigation():
        p.get_by_role("button", name="Record as agreed").click()


def test_evaluated_by_factors_compared_across_councils_appealed_and_raised(hr_page: Page, new_tab: Any,
                                                                          live_app: Any):
    made = _post_and_holder(live_app)
    post_id = made["post_id"]
    page, p = hr_page, hr_page.page

    # 1. Under CCDC's conventions: 410 points, grade F.
    _evaluate(page, post_id, "CCDC", "3")
    main = p.locator("main")
    expect(main).to_contain_text("Evaluation recorded: 410 points")
    page.screenshot("je-journey-1-recorded")

    # 2. Under SBC's conventions the same job's supervision is level 4: 423 points.
    _evaluate(page, post_id, "SBC", "4")
    expect(main).to_contain_text("Evaluation recorded: 423 points")
    page.goto(f"/grading/councils/posts/{post_id}")
    expect(main).to_contain_text("Line manages a team of 5 to 9 staff")
    expect(main).to_contain_text("410")
    expect(main).to_contain_text("423")
    differing = p.locator("tr", has_text="Responsibility for supervision")
    expect(differing.first).to_contain_text("3")
    expect(differing.first).to_contain_text("4")
    page.screenshot("je-journey-2-side-by-side")
    assert_accessible(page, "je-journey-side-by-side")

    # 3. The holder, signed in on their own browser, appeals factor 10.
    holder = new_tab(viewport={"width": 1280, "height": 720})  # Playwright's default size
    holder.login(HOLDER, HOLDER_PASSWORD)
    holder.goto("/me/job-evaluation")
    hp = holder.page
    expect(hp.locator("main")).to_contain_text("410")
    hp.locator("#tick_10").check()
    hp.locator("#reasons_10").fill("I supervise the team leaders' staff as well as my own team, and plan their rota.")
    hp.locator("#sought_10").fill("4")
    with hp.expect_navigation():
        hp.get_by_role("button", name="Lodge my appeal").click()
    expect(hp.locator(".govuk-error-summary")).to_have_count(0)
    expect(hp.locator("main")).to_contain_text(re.compile("lodged", re.I))
    holder.screenshot("je-journey-3-appeal-lodged")

    # 4. HR records the appeal panel's outcome: upheld, factor 10 to level 4, from AGREED.
    with live_app.app_context():
        from hrtool.models import EvaluationAppeal

        appeal_id = db.session.scalar(select(EvaluationAppeal.id).where(
            EvaluationAppeal.employee_id == made["employee_id"], EvaluationAppeal.status == "lodged"))
    page.goto("/job-evaluation/appeals")
    expect(main).to_contain_text("Appleby")
    with p.expect_navigation():
        p.get_by_role("link", name=re.compile(f"appeal {appeal_id}$")).click()
    p.get_by_label("Upheld", exact=True).check()
    p.locator("#level_10").fill("4")
    p.locator("#panel-0-name").fill("Jordan Reeves")
    p.locator("#panel-0-side").select_option("management")
    p.locator("#panel-1-name").fill("Priya Shah")
    p.locator("#panel-1-side").select_option("union")
    for name, day in (("decided_on", TODAY), ("effective_from", AGREED)):  # GOV.UK date inputs
        for part, value in (("day", day.day), ("month", day.month), ("year", day.year)):
            p.locator(f"#{name}-{part}").fill(str(value))
    page.screenshot("je-journey-4-deciding")
    assert_accessible(page, "je-journey-decide")
    p.get_by_label("The panel's reasons (the letter gives them)").fill(
        "The post supervises the work of the team leaders' staff day to day, which the evaluation had not taken "
        "into account.")
    with p.expect_navigation():
        p.get_by_role("button", name="Record the outcome and issue the letter").click()
    expect(main).to_contain_text("The appeal panel's outcome is recorded and the letter to the employee issued")
    page.screenshot("je-journey-4-decided")

    # The grade and the pay follow from the agreed date, not before.
    with live_app.app_context():
        from hrtool.models import Assignment, Employment, Letter
        from hrtool.services.pay.post_grades import grade_on

        assert (grade_on(post_id, AGREED - timedelta(days=1)), grade_on(post_id, AGREED)) == ("F", "G")
        points = {a.effective_from: a.scp for a in db.session.scalars(
            select(Assignment).join(Employment).where(Employment.employee_id == made["employee_id"]))}
        assert points[AGREED] == 24 and points[date(2016, 5, 3)] == 21
        letter = db.session.scalars(select(Letter).where(Letter.employee_id == made["employee_id"],
                                                         Letter.letter_type == "jes_appeal_outcome")).one()
        reference = letter.reference
    page.goto(f"/grading/posts/{post_id}/evaluations")
    expect(main).to_contain_text("423")
    page.screenshot("je-journey-5-evaluations-after")

    # The holder reads the outcome letter among their letters.
    holder.goto("/me/letters/")
    expect(hp.locator("main")).to_contain_text(reference)
    holder.screenshot("je-journey-6-holder-letters")
    assert page.console_errors == []
