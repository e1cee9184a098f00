"""SCP 2 deleted from 1 April 2026 (issue 14): the people on it move to SCP 3 from that date (a
dated, audited assignment change through regrading.move_holder); the grade bands that start on
SCP 2 are flagged with the proposed realignment and left as they are."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, GradeBand
from hrtool.services.pay import deleted_points
from hrtool.services.pay.pay_spines import award_of_year
from hrtool.services.people.records import picture_on
from hrtool.services.rules.reference_data import make_spine_years

from ..factories import assign, employ, make_employee, make_post

APR_2026 = date(2026, 4, 1)


def _people():
    """One person on SCP 2 since 2020, one appointed on SCP 2 on 1 June 2026 (after the deletion),
    one on SCP 4 (not moved)."""
    post = make_post("CCDC", "Licensing")
    since_2020, appointed_later, on_4 = make_employee(), make_employee(), make_employee()
    assign(employ(since_2020, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6), scp=2)
    assign(employ(appointed_later, "CCDC", date(2026, 6, 1)), post, date(2026, 6, 1), scp=2)
    assign(employ(on_4, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6), scp=4)
    db.session.flush()
    return since_2020, appointed_later, on_4


def test_people_on_scp_2_move_to_scp_3_from_1_april_2026(app):
    with app.app_context():
        assert make_spine_years() == ["2025/26", "2026/27 (provisional)"]
        since_2020, appointed_later, on_4 = _people()
        found = deleted_points.plan(award_of_year(2026))
        ours = {h.person_number: h for h in found.holders
                if h.person_number in (since_2020.person_number, appointed_later.person_number, on_4.person_number)}
        assert {p: (h.scp, h.moves_to, h.from_date) for p, h in ours.items()} == {
            since_2020.person_number: (2, 3, APR_2026), appointed_later.person_number: (2, 3, date(2026, 6, 1))}
        # Both councils' lowest grades start on SCP 2 (the illustrative bands): flagged, with a proposal.
        flagged = {(c, b.grade): (b.proposed_min, b.proposed_max) for c, b in found.bands}
        assert flagged == {("Cannock Chase", "A"): (3, 4), ("Stafford Borough", "Grade 1"): (3, 3)}

        moved = deleted_points.move_holders(2026, "NJC 2025 agreement")
        assert {h.person_number for h in moved} >= set(ours)
        # The day before: still SCP 2 at 2025/26's 24,413 (23,656 x 1.032 = 24,412.992 -> 24,413).
        before = picture_on(since_2020.id, date(2026, 3, 31))
        assert (before.assignment.scp, before.full_time_salary) == (2, Decimal("24413"))
        # From 1 April 2026: SCP 3 at 24,796 (24,027 x 1.032 = 24,795.864, carried into 2026/27).
        after = picture_on(since_2020.id, APR_2026)
        assert (after.assignment.scp, after.full_time_salary) == (3, Decimal("24796"))
        assert picture_on(appointed_later.id, date(2026, 6, 1)).assignment.scp == 3
        assert picture_on(on_4.id, APR_2026).assignment.scp == 4
        reasons = db.session.scalars(select(AuditEvent.reason).where(
            AuditEvent.entity_type == "assignment", AuditEvent.employee_id == since_2020.id,
            AuditEvent.reason.like("NJC 2025 agreement%"))).all()
        assert len(reasons) == 2 and "moved to SCP 3, the lowest point that remains" in reasons[0]
        # Nobody left on SCP 2; the bands are still as the administrator left them.
        assert deleted_points.plan(award_of_year(2026)).holders == []
        assert db.session.scalars(select(GradeBand).where(GradeBand.scp_min == 2)).first() is not None


def test_moves_need_a_reason_and_the_spine(app):
    with app.app_context():
        with pytest.raises(DomainError, match="no 2026/27 spine"):
            deleted_points.plan(award_of_year(2026))  # the session's database holds spines to 2024/25
        make_spine_years()
        with pytest.raises(DomainError, match="reason"):
            deleted_points.move_holders(2026, " ")


def test_the_command_and_the_reference_page(app, auth):
    runner = app.test_cli_runner()
    with app.app_context():
        make_spine_years()
        since_2020, _, _ = _people()
        number = since_2020.person_number
        db.session.commit()
    dry = runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026"])
    assert dry.exit_code == 0 and f"{number} " in dry.output and "SCP 2 -> SCP 3 from 1 April 2026" in dry.output
    assert "Band to realign: Stafford Borough Grade 1" in dry.output
    auth.as_role("admin")
    page = auth.client.get("/admin/reference").get_data(as_text=True)
    assert "Grade bands to realign (2026/27)" in page and "SCP 3–4" in page
    assert runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026", "--apply"]).exit_code == 2
    done = runner.invoke(args=["rules", "deleted-points", "--pay-year", "2026", "--apply", "--reason", "NJC 2025",
                               "--json"])
    assert done.exit_code == 0, done.output
    assert "still on a deleted point" not in auth.client.get("/admin/reference").get_data(as_text=True)
