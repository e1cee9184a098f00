"""A back-dated move off a deleted pay point owes arrears for the months already paid at the old
point (services/pay/deleted_points.py; the rule is domain/arrears.py).

Worked by hand from hrtool/reference_data: njc_pay_spine.csv holds 2024/25 SCP 2 = £23,656 and
SCP 3 = £24,027; njc_pay_awards.csv gives 2025/26 +3.2% (agreed) and 2026/27 deleting SCP 2 and
carrying the 2025/26 values. So 2025/26 SCP 2 = 23,656 x 1.032 = 24,412.992 -> £24,413 and SCP 3 =
24,027 x 1.032 = 24,795.864 -> £24,796, both carried into 2026/27 (which no longer holds SCP 2, so
payroll kept paying its last value). The move is dated 1 April 2026 and made on 4 December 2026:
April to November had ended before that day, so they were paid at SCP 2.

- Full time (37 of 37 hours): 8 x (24,796 - 24,413) / 12 = 8 x 383 / 12 = 255.333... -> £255.33.
- Half time (18.5 hours): half of that, 127.666... -> £127.67.
- Appointed on SCP 2 on 15 June 2026: 16 of June's 30 days, then July to November:
  383 / 12 x (16/30 + 5) = 383 x 166 / 360 = 176.605... -> £176.61.
- Made on 1 April 2026 itself, no month had been paid: no arrears.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent
from hrtool.services.pay import deleted_points
from hrtool.services.pay.pay_spines import award_of_year
from hrtool.services.people.salary_history import pay_history
from hrtool.services.rules.reference_data import make_spine_years, update_reference_data

from ..factories import assign, employ, make_employee, make_post

DEC_4 = date(2026, 12, 4)


def _people():
    post = make_post("CCDC", "Licensing")
    full, half, june = make_employee(), make_employee(), make_employee()
    assign(employ(full, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6), scp=2)
    assign(employ(half, "CCDC", date(2021, 9, 1)), post, date(2021, 9, 1), scp=2, hours="18.5")
    assign(employ(june, "CCDC", date(2026, 6, 15)), post, date(2026, 6, 15), scp=2)
    db.session.flush()
    return full, half, june


def _ours(found, *people):
    numbers = {p.person_number for p in people}
    return {h.person_number: h for h in found.holders if h.person_number in numbers}


def test_arrears_for_the_months_paid_at_the_old_point(app):
    with app.app_context():
        make_spine_years()
        full, half, june = _people()
        ours = _ours(deleted_points.plan(award_of_year(2026), DEC_4), full, half, june)
        assert {p: h.arrears_total for p, h in ours.items()} == {
            full.person_number: Decimal("255.33"), half.person_number: Decimal("127.67"),
            june.person_number: Decimal("176.61")}
        assert ours[full.person_number].arrears.months == 8
        assert ours[june.person_number].arrears.months == 6  # June (part) to November
        assert "April to November 2026 (8 months paid at SCP 2)" in ours[full.person_number].arrears_note
        # On the day of the deletion nothing had been paid at the old point.
        same_day = _ours(deleted_points.plan(award_of_year(2026), date(2026, 4, 1)), full)
        assert same_day[full.person_number].arrears_total == Decimal("0.00")
        assert "no arrears" in same_day[full.person_number].arrears_note


def test_the_move_is_audited_with_its_arrears_and_the_pay_by_year_shows_the_new_point(app):
    with app.app_context():
        make_spine_years()
        full, _, _ = _people()
        deleted_points.move_holders(2026, "NJC 2025 agreement", DEC_4)
        reasons = db.session.scalars(select(AuditEvent.reason).where(
            AuditEvent.entity_type == "assignment", AuditEvent.employee_id == full.id,
            AuditEvent.reason.like("NJC 2025 agreement%"))).all()
        assert reasons and all("£255.33 arrears for April to November 2026" in r for r in reasons)
        # Pay by year, derived from the dated records: 2026/27 is paid at SCP 3's £24,796 from 1 April.
        year = next(y for y in pay_history(full.id, DEC_4).years if y.starts == date(2026, 4, 1))
        assert (year.full_time_at_start, year.full_time_at_end) == (Decimal("24796"), Decimal("24796"))


def test_the_command_shows_the_arrears_in_json_and_text(app):
    runner = app.test_cli_runner()
    with app.app_context():
        make_spine_years()
        full, _, _ = _people()
        number = full.person_number
        db.session.commit()
    dry = runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026", "--on", "2026-12-04"])
    assert dry.exit_code == 0, dry.output
    line = next(x for x in dry.output.splitlines() if number in x)
    assert "£255.33 arrears for April to November 2026" in line
    assert "Arrears owed if moved on 4 December 2026" in dry.output
    assert runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026", "--on", "4/12/2026"]).exit_code == 2
    done = runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026", "--apply", "--reason", "NJC 2025",
                               "--on", "2026-12-04", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    mine = next(h for h in data["holders"] if h["person_number"] == number)
    assert (mine["arrears"], mine["arrears_months"]) == ("255.33", 8)
    assert data["as_at"] == "2026-12-04" and data["moved"] is True


def test_the_reference_page_and_the_update_report_show_the_outstanding_move(app, auth):
    with app.app_context():
        make_spine_years()
        full, _, _ = _people()
        number, employee_id = full.person_number, full.id
        db.session.commit()
        report = update_reference_data()
        assert any("2026/27 award deletes SCP 2" in line and "--apply" in line for line in report.outstanding)
        # Reported, never applied: HR decides.
        assert _ours(deleted_points.plan(award_of_year(2026)), full)
    auth.as_role("admin")
    page = auth.client.get("/admin/reference").get_data(as_text=True)
    assert "Records to move (2026/27), with arrears if moved today" in page
    assert number in page
    # Linked to the person's pay by year, which (derived from the dated records) shows the move once made.
    assert f'href="/employees/{employee_id}/pay"' in page
