"""The pay and grading pages through the test client: spine, awards, applying an award with its
confirmation step, changing bands from a date (errors, nothing lost), arrears, grade lookup."""
from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import GradeConvention, PayAward, PaySpinePoint
from hrtool.services.pay import pay_spines

from ..conftest import Auth
from ..factories import council

HR, ADMIN = "hr@hrtool.example", "admin@hrtool.example"


def _signed_in(app, username=ADMIN):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _award_id(app, year):
    with app.app_context():
        return db.session.scalar(select(PayAward.id).where(PayAward.pay_year_from == date(year, 4, 1)))


def _date(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def test_navigation_and_index(app):
    body = _signed_in(app, HR).get("/pay/").get_data(as_text=True)
    assert 'href="/pay/"' in body and "Pay and grading" in body
    assert "2021/22 to 2024/25" in body


def test_spine_page_shows_values_and_only_admin_may_correct_them(app):
    admin = _signed_in(app).get("/pay/spine").get_data(as_text=True)
    assert "£23,656.00" in admin and "/pay/spine/" in admin
    hr = _signed_in(app, HR).get("/pay/spine").get_data(as_text=True)
    assert "£23,656.00" in hr and "/pay/spine/" not in hr and "Add an award" not in hr


def test_correcting_a_spine_value(app):
    client = _signed_in(app)
    with app.app_context():
        point = db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.pay_year_from == date(2024, 4, 1),
                                                               PaySpinePoint.scp == 10)).one()
        point_id = point.id
    url = f"/pay/spine/{point_id}/edit"
    refused = client.post(url, data={"annual_salary": "abc", "reason": ""})
    assert refused.status_code == 200 and "There is a problem" in refused.get_data(as_text=True)
    assert client.post(url, data={"annual_salary": "26836", "reason": "Typo"}).status_code == 302
    with app.app_context():
        assert str(db.session.get(PaySpinePoint, point_id).annual_salary) == "26836.00"


def test_adding_an_award_with_errors_then_correctly(app):
    client = _signed_in(app)
    empty = client.post("/pay/awards/new", data={})
    body = empty.get_data(as_text=True)
    assert empty.status_code == 200 and "Enter the date the award takes effect" in body and "Enter the reason" in body
    form = {"pay_year_from": _date(date(2027, 5, 1)), "kind": "percent", "amount": "2.5", "scp_from": "2",
            "scp_to": "43", "deleted_scps": "", "status": "provisional", "agreed_on": ["", "", ""], "note": "Offer",
            "reason": "Employers' offer"}
    wrong_day = client.post("/pay/awards/new", data=form)
    text = wrong_day.get_data(as_text=True)
    assert wrong_day.status_code == 200 and "Pay years start on 1 April" in text
    assert 'value="Offer"' in text or ">Offer<" in text  # what was typed is kept
    saved = client.post("/pay/awards/new", data={**form, "pay_year_from": _date(date(2027, 4, 1))})
    assert saved.status_code == 302
    assert "2027/28" in client.get("/pay/awards").get_data(as_text=True)


def test_applying_an_award_has_a_confirmation_step(app):
    client = _signed_in(app)
    with app.app_context():  # 2025/26 was agreed (23 July 2025): its spine first; 2026/27 is provisional
        pay_spines.apply_award_to_spine(pay_spines.award_of_year(2025), agreed_on=None, replace=False, reason="Agreed")
    award_id = _award_id(app, 2026)
    preview = client.get(f"/pay/awards/{award_id}/apply").get_data(as_text=True)
    # SCP 3 carried from 2025/26: 24,027 x 1.032 = 24,795.864 -> 24,796, and 0% in 2026/27.
    assert "£24,796.00" in preview and "Confirm and make the 2026/27 spine" in preview
    with app.app_context():
        assert db.session.scalar(select(PaySpinePoint.id).where(PaySpinePoint.pay_year_from == date(2026, 4, 1))) is None
    refused = client.post(f"/pay/awards/{award_id}/apply", data={"reason": ""})
    assert refused.status_code == 200 and "Enter the reason" in refused.get_data(as_text=True)
    made = client.post(f"/pay/awards/{award_id}/apply", data={"reason": "Employers' offer", "agreed_on": ["", "", ""]})
    assert made.status_code == 302
    spine = client.get("/pay/spine").get_data(as_text=True)
    assert "2026/27" in spine and "Provisional" in spine and "£24,796.00" in spine
    again = client.get(f"/pay/awards/{award_id}/apply").get_data(as_text=True)
    assert "Replace the provisional spine" in again


def test_an_agreed_years_spine_offers_no_confirmation(app):
    body = _signed_in(app).get(f"/pay/awards/{_award_id(app, 2024)}/apply").get_data(as_text=True)
    assert "cannot be replaced" in body and "Confirm and make" not in body


def _bands_form(app, code="CCDC", **overrides):
    with app.app_context():
        convention = db.session.scalars(select(GradeConvention).where(
            GradeConvention.council_id == council(code).id)).first()
        rows = [(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max) for b in convention.bands]
    data = {"effective_from": _date(date(2025, 1, 1)), "name": "CCDC grading 2025", "notes": "Factor notes",
            "reason": "Pay review"}
    for i, (grade, pmin, pmax, smin, smax) in enumerate(rows):
        pmin, pmax = overrides.get(grade, (pmin, pmax))
        data.update({f"bands-{i}-grade": grade, f"bands-{i}-points_min": str(pmin), f"bands-{i}-points_max": str(pmax),
                     f"bands-{i}-scp_min": str(smin), f"bands-{i}-scp_max": str(smax)})
    for i in range(len(rows), len(rows) + 2):
        data.update({f"bands-{i}-{name}": "" for name in ("grade", "points_min", "points_max", "scp_min", "scp_max")})
    return data


def test_changing_bands_keeps_what_was_typed_on_errors(app):
    client = _signed_in(app)
    ccdc = council_id(app, "CCDC")
    page = client.get(f"/pay/councils/{ccdc}/bands").get_data(as_text=True)
    assert 'name="bands-11-grade"' in page and 'value="L"' in page and 'name="bands-14-grade"' in page
    gap = client.post(f"/pay/councils/{ccdc}/bands", data=_bands_form(app, G=(415, 450)))
    body = gap.get_data(as_text=True)
    assert gap.status_code == 200
    assert "Gap between G and H: 451 to 454 points" in body
    assert 'value="450"' in body and 'value="CCDC grading 2025"' in body and "Factor notes" in body
    half_row = _bands_form(app)
    half_row.update({"bands-12-grade": "M", "bands-12-points_min": "abc"})
    body = client.post(f"/pay/councils/{ccdc}/bands", data=half_row).get_data(as_text=True)
    assert "Row 13: enter the lowest points as a whole number" in body and 'href="#bands-12-points_min"' in body
    more = client.post(f"/pay/councils/{ccdc}/bands", data={**_bands_form(app), "add_row": "Add another band row"})
    assert 'name="bands-14-grade"' in more.get_data(as_text=True)


def council_id(app, code):
    with app.app_context():
        return council(code).id


def test_changing_bands_makes_a_new_version(app):
    client = _signed_in(app)
    ccdc = council_id(app, "CCDC")
    form = _bands_form(app, G=(415, 459), H=(460, 494))
    checked = client.post(f"/pay/councils/{ccdc}/bands", data={**form, "check": "Check who this affects"})
    body = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "Who this affects" in body and "Confirm and save the new bands" in body
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', body).group(1)
    unexplained = client.post(f"/pay/councils/{ccdc}/bands", data={**form, "reason": "", "fingerprint": fingerprint,
                                                                     "submit": "Confirm and save the new bands"})
    assert "Enter the reason for the change" in unexplained.get_data(as_text=True)  # and the preview still shows
    assert "Who this affects" in unexplained.get_data(as_text=True)
    saved = client.post(f"/pay/councils/{ccdc}/bands", data={**form, "fingerprint": fingerprint,
                                                              "submit": "Confirm and save the new bands"})
    assert saved.status_code == 302 and "/jobs/" in saved.location  # saving is a job (issue 17)
    job = client.get(saved.location).get_data(as_text=True)
    assert "New bands for Cannock Chase from 1 January 2025 saved:" in job and "See the new bands" in job
    version = client.get(re.search(r'href="(/pay/conventions/\d+)"', job)[1]).get_data(as_text=True)
    assert "CCDC grading 2025" in version and "1 January 2025" in version and "Factor notes" in version
    history = client.get("/pay/conventions").get_data(as_text=True)
    assert "31 December 2024" in history and "CCDC grading (illustrative)" in history
    lookup = client.get("/pay/grade", query_string={"points": "457", "on": _date(date(2024, 12, 31))})
    assert ">H<" in lookup.get_data(as_text=True)


def test_hr_cannot_change_bands(app):
    assert _signed_in(app, HR).post(f"/pay/councils/{council_id(app, 'CCDC')}/bands", data={}).status_code == 403


def test_arrears_page_and_exports(app):
    client = _signed_in(app, HR)
    award_id = _award_id(app, 2024)
    page = client.get(f"/pay/awards/{award_id}/arrears")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "1 November 2024" in body and "have not been worked out yet" in body
    # Working them out is a job (issue 17); its page links back to the run, kept with the job.
    started = client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": ["", "", ""]})
    assert started.status_code == 302 and "/jobs/" in started.location
    body = client.get(f"/pay/awards/{award_id}/arrears").get_data(as_text=True)
    assert "1 November 2024" in body and "Arrears by employing council" in body and "Worked out" in body
    later = client.get(f"/pay/awards/{award_id}/arrears", query_string={"first_paid_on": _date(date(2025, 5, 1))})
    assert "on or before 1 April 2025" in later.get_data(as_text=True)
    refused = client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2025, 5, 1))})
    assert refused.status_code == 400 and "on or before 1 April 2025" in refused.get_data(as_text=True)
    client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2024, 12, 1))})
    csv_file = client.get(f"/pay/awards/{award_id}/arrears.csv")
    assert csv_file.status_code == 200 and csv_file.mimetype == "text/csv"
    assert csv_file.get_data(as_text=True).lstrip("\ufeff").startswith("person_number,name,employer")
    xlsx = client.get(f"/pay/awards/{award_id}/arrears.xlsx", query_string={"first_paid_on": _date(date(2024, 12, 1))})
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[-1] == "arrears"
    assert client.get(f"/pay/awards/{award_id}/arrears.pdf").status_code == 404


def test_arrears_for_an_award_not_agreed_late_explains_why(app):
    body = _signed_in(app, HR).get(f"/pay/awards/{_award_id(app, 2026)}/arrears").get_data(as_text=True)
    assert "no date agreed yet" in body


def test_grade_lookup_page(app):
    client = _signed_in(app, HR)
    body = client.get("/pay/grade", query_string={"points": "460", "on": _date(date(2024, 6, 1))}).get_data(as_text=True)
    assert "Grade 8" in body and "£37,035.00" in body and "£38,626.00" in body and "2024/25" in body
    body = client.get("/pay/grade", query_string={"points": "660", "on": _date(date(2024, 6, 1))}).get_data(as_text=True)
    assert "Outside every band of SBC" in body
    body = client.get("/pay/grade", query_string={"points": "x"}).get_data(as_text=True)
    assert "There is a problem" in body


def test_changing_an_award_shows_plain_amounts_and_audits(app):
    client = _signed_in(app)
    award_id = _award_id(app, 2024)
    page = client.get(f"/pay/awards/{award_id}/edit").get_data(as_text=True)
    assert 'value="1290"' in page and 'value="2"' in page
    form = {"pay_year_from": _date(date(2024, 4, 1)), "kind": "flat_gbp", "amount": "1290", "scp_from": "2",
            "scp_to": "43", "deleted_scps": "", "status": "agreed", "agreed_on": _date(date(2024, 10, 23)),
            "note": "agreed October 2024, back-dated", "reason": "Circular date"}
    assert client.post(f"/pay/awards/{award_id}/edit", data=form).status_code == 302
    with app.app_context():
        from hrtool.models import AuditEvent

        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "pay_award")
                                   .order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (event.before, event.after) == ({"agreed_on": "2024-10-22"}, {"agreed_on": "2024-10-23"})
