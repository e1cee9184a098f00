"""A pay award applied after a protection started (issue 13), in a browser.

The demo employee's protection starts on 1 October 2025 (services/demo/protections.py), made
while only the 2024/25 spine is held. HR applies the provisional 2025/26 award (3.2%) through the
pay pages (as an administrator); the protection's page then shows the 2025/26 salaries on the start date and an
adjustment for the months already paid, and the employee sees the same under "My pay protection".

The expected figures are worked here from DOMAIN.md 3.5, the policy's phases and the two spines
as held (read from the database, never from the schedule): a full month pays
share x (old - new) x hours / full-time week / 12, rounded half up to the penny, and every month
that ended before today was paid at the 2024/25 rate.

Screenshots: artifacts/screenshots/protection-award-*.png."""
from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import PaySpinePoint, Policy, Protection, User

from .helpers import USERS, sign_in, sign_out

START = date(2025, 10, 1)


def _pennies(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _protection(app) -> tuple[int, int, int, Decimal, str, list[tuple[int, Decimal]]]:
    """The demo employee's protection from 1 October 2025: id, SCPs, hours, kind and phases."""
    with app.app_context():
        employee_id = db.session.scalar(select(User.employee_id).where(User.username == USERS["employee"]))
        record = db.session.scalars(select(Protection).where(Protection.employee_id == employee_id,
                                                             Protection.start_date == START)).one()
        body = db.session.get(Policy, record.policy_id).body
        phases = [(int(p["months"]), Decimal(p["share_of_difference"])) for p in body["phases"]]
        assert record.old_scp is not None and record.new_scp is not None
        return record.id, record.old_scp, record.new_scp, record.hours_per_week, body["kind"], phases


def _spine(app, year: int) -> dict[int, Decimal]:
    with app.app_context():
        return dict(db.session.execute(select(PaySpinePoint.scp, PaySpinePoint.annual_salary).where(
            PaySpinePoint.pay_year_from == date(year, 4, 1))).all())


def _monthly(old: Decimal, new: Decimal, share: Decimal, hours: Decimal) -> Decimal:
    return _pennies(share * (old - new) * hours / Decimal(37) / 12)


def test_an_award_applied_after_a_protection_started_reaches_its_schedule_and_the_employee(hr_page, live_app):
    page, p = hr_page, hr_page.page
    protection_id, old_scp, new_scp, hours, kind, phases = _protection(live_app)
    before = _spine(live_app, 2024)
    assert not _spine(live_app, 2025), "the 2025/26 spine must not be held yet"
    page.goto(f"/protection/{protection_id}")
    summary = p.locator(".govuk-summary-list")
    expect(summary).to_contain_text(f"£{before[old_scp]:,.2f} a year full-time")
    expect(summary).to_contain_text(f"£{before[new_scp]:,.2f}")
    page.screenshot("protection-award-1-before")

    # An administrator applies the 2025/26 award through the pay pages.
    sign_out(page)
    sign_in(page, "admin")
    page.goto("/pay/awards")
    p.get_by_role("link", name="Apply the 2025/26 award to make the spine").click()
    p.get_by_label("Reason", exact=True).fill("Employers' offer of 3.2% for 2025/26")
    page.screenshot("protection-award-2-apply")
    p.get_by_role("button", name="Confirm and make the 2025/26 spine").click()
    # Applying it is a job (issue 17): its page says what it made.
    p.wait_for_url("**/jobs/*")
    expect(p.locator("#job-outcome")).to_contain_text("The 2025/26 spine is made")
    page.screenshot("protection-award-2b-job")
    sign_out(page)
    sign_in(page, "hr")
    after = _spine(live_app, 2025)
    # 3.2% on each point, rounded half up to the pound (the reference award and spine_rounding).
    for scp in (old_scp, new_scp):
        assert after[scp] == (before[scp] * Decimal("1.032")).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    # The expected adjustment, by hand: each month from October 2025 that ended before today was
    # paid at the 2024/25 salaries and is now due at 2025/26's (both carried on into 2026/27, which
    # is not held). Under a tapered policy the difference is fixed on the start date; under a
    # cash-frozen one it is the old salary on the start date less the new salary; here both spines
    # move the old and the new salary alike, so each month's share applies to each spine's gap.
    today, month, phase_end, difference = date.today(), START, 0, Decimal(0)
    schedule = [share for months, share in phases for _ in range(months)]
    for share in schedule:
        if _next_month(month) > today:
            break
        difference += (_monthly(after[old_scp], after[new_scp], share, hours)
                       - _monthly(before[old_scp], before[new_scp], share, hours))
        phase_end = month
        month = _next_month(month)
    assert difference > 0 and kind in ("tapered", "cash-frozen")
    expected = f"Underpaid £{difference:,.2f} for October 2025 to {phase_end:%B %Y}: to be paid in the next pay"

    page.goto(f"/protection/{protection_id}")
    summary = p.locator(".govuk-summary-list")
    expect(summary).to_contain_text(f"£{after[old_scp]:,.2f} a year full-time")
    expect(summary).to_contain_text(f"£{after[new_scp]:,.2f}")
    adjustments = p.get_by_role("table", name="Adjustments for months already paid")
    expect(adjustments).to_contain_text(expected, use_inner_text=True)
    expect(adjustments).to_contain_text("Pay award for 2025/26 applied to the spine", use_inner_text=True)
    schedule_table = p.get_by_role("table", name="Schedule month by month")
    expect(schedule_table).to_contain_text("October 2025 Adjusted", use_inner_text=True)
    first_month = _monthly(after[old_scp], after[new_scp], schedule[0], hours)
    expect(schedule_table).to_contain_text(f"£{first_month:,.2f}")
    expect(p.locator("main")).to_contain_text(
        "adjustment recorded for months already paid (Pay award for 2025/26 applied to the spine)", use_inner_text=True)
    page.screenshot("protection-award-3-after")
    assert page.console_errors == []

    # The employee sees the same.
    sign_out(page)
    sign_in(page, "employee")
    p.get_by_role("link", name="My pay protection").click()
    p.wait_for_url("**/me/protection/")
    body = p.locator("main")
    for text in (expected, f"£{after[old_scp]:,.2f} a year", f"£{after[new_scp]:,.2f} a year", f"£{first_month:,.2f}"):
        expect(body).to_contain_text(text, use_inner_text=True)
    page.screenshot("protection-award-4-employee")
    assert page.console_errors == []
