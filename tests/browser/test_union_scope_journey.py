"""Issue 16 in a browser: the UNISON rep opens a restructure their union was written to about, on
a desktop and on a phone, and sees its figures with the small group withheld and the figure that
would give it away withheld too; a restructure their union was never written to about is "Page
not found". axe-core: no serious or critical violation.

Records used: two restructures of this test's own (made up, used by no other browser test), and
a copy of a demo letter addressed to UNISON about the first. Screenshots:
artifacts/screenshots/union-scope-*.png."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from hrtool.extensions import db

from .axe import assert_accessible, scroll_width
from .helpers import sign_in


def _restructures(app) -> tuple[int, int]:
    """Two restructures of 6 postholders each: 5 CCDC slot-ins and 1 SBC person at risk. UNISON
    is written to about the first only."""
    from hrtool.models import Council, Employee, Letter, Restructure, RouteDecision, StructurePost, TradeUnion

    with app.app_context():
        ccdc, sbc = (db.session.scalar(select(Council.id).where(Council.code == c)) for c in ("CCDC", "SBC"))
        people = list(db.session.scalars(select(Employee.id).order_by(Employee.id.desc()).limit(6)))
        ids = []
        for name in ("Test Depots consulted", "Test Depots not consulted"):
            r = Restructure(name=name, description="Merging the two councils' depots.", effective_date=date(2027, 9, 1),
                            status="consulting")
            db.session.add(r)
            db.session.flush()
            old = [StructurePost(restructure_id=r.id, side="current", title="Depot Operative", grade="Grade 3",
                                 employer_id=council) for council in (ccdc, sbc)]
            new = StructurePost(restructure_id=r.id, side="proposed", title="Depot Operative", grade="Grade 3",
                                employer_id=ccdc)
            db.session.add_all([*old, new])
            db.session.flush()
            for i, person in enumerate(people):
                db.session.add(RouteDecision(restructure_id=r.id, employee_id=person, current_post_id=old[i // 5].id,
                                             route="slot_in" if i < 5 else "at_risk", reasons="Made up for a test.",
                                             proposed_post_id=new.id if i < 5 else None))
            ids.append(r.id)
        sent = db.session.scalars(select(Letter).where(Letter.letter_type == "tupe_reg13").order_by(Letter.id)).first()
        unison = db.session.scalar(select(TradeUnion.id).where(TradeUnion.code == "UNISON"))
        db.session.add(Letter(reference="HR-2026-S3-0001", template_version_id=sent.template_version_id,
                              letter_type="collective_redundancy", union_id=unison, restructure_id=ids[0],
                              subject="Test Depots consultation", addressee=sent.addressee, fields=sent.fields,
                              pdf=sent.pdf, sha256=sent.sha256))
        db.session.commit()
        return ids[0], ids[1]


def test_the_rep_sees_only_the_restructure_their_union_was_consulted_on(union_page, phone, live_app):
    consulted, not_consulted = _restructures(live_app)
    page, p = union_page, union_page.page
    html = p.locator("html")
    response = page.goto(f"/union/restructures/{not_consulted}")
    assert response is not None and response.status == 404
    expect(html).not_to_contain_text("Test Depots not consulted")
    page.goto("/union/consultations")
    expect(html).to_contain_text("Test Depots consulted")
    expect(html).not_to_contain_text("Test Depots not consulted")

    response = page.goto(f"/union/restructures/{consulted}")
    assert response is not None and response.status == 200
    # Slot-ins CCDC 5, at risk SBC 1, total 6: the 1 is "Fewer than 5"; 6 - 5 would give it away,
    # so the 5 is withheld too; the total 6 stays.
    cells = p.locator("td[data-label='People']")
    expect(cells).to_have_count(2)
    expect(cells.filter(has_text=re.compile(r"^\s*Fewer than 5\s*$"))).to_have_count(1)
    expect(cells.filter(has_text=re.compile(r"^\s*Withheld\s*$"))).to_have_count(1)
    expect(p.locator(".govuk-summary-list", has_text="Postholders affected")).to_contain_text("6")
    page.screenshot("union-scope-1-restructure")
    assert_accessible(page, "union-scope-restructure")

    sign_in(phone, "union_rep")
    phone.goto(f"/union/restructures/{consulted}")
    phone.page.wait_for_load_state("load")
    assert scroll_width(phone) <= 390
    phone.screenshot("union-scope-2-restructure-phone")
    assert page.console_errors == [] or all("404" in e for e in page.console_errors)
