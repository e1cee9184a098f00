"""Issue 14 on the pages HR uses: the redundancy calculator with pay in lieu, the relevant date
and notice shown with why, and the warning after the latest cap; the restructure's redundancy
page with each person's notice and service date; the service date for redundancy on the
employee form (kept when refused, audited when saved)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, Employment, Restructure


def _day(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def _calculator(client, **values):
    query = [("council", "CCDC")]
    for name, value in values.items():
        query += [(name, part) for part in (_day(value) if isinstance(value, date) else [value])]
    response = client.get("/restructures/calculators/redundancy", query_string=query)
    return response.status_code, response.get_data(as_text=True)


def test_calculator_with_pay_in_lieu_shows_the_relevant_date_notice_and_why(client, auth):
    auth.as_role("hr")
    # Born 20 Jun 1984, from 1 May 2014, dismissed 10 Jun 2026 with pay in lieu: the relevant date
    # moves 12 weeks to 2 Sep 2026, past the 41st birthday's year start: 12.5 weeks x £600 = £7,500.
    status, page = _calculator(client, dob=date(1984, 6, 20), service_from=date(2014, 5, 1),
                               leaving=date(2026, 6, 10), weekly_pay="600", pilon="yes", grade="G")
    assert status == 200, page
    assert "2 September 2026" in page and "moved from the leaving date, 10 June 2026" in page
    assert "s.145(5)" in page and "£7,500.00" in page
    # Notice: statutory 12 weeks beside grade G's 2 months (Cannock Chase's terms); statutory longer.
    assert "Paid in lieu from" in page and "12 weeks, ending 2 September 2026" in page
    assert "2 months, ending 10 August 2026" in page and "The notice to give is the longer" in page
    assert "govuk-warning-text" not in page


def test_calculator_warns_after_the_latest_cap_and_names_the_service_date(client, auth):
    auth.as_role("hr")
    # Continuous service from 1 Apr 2018, local-government service from 1 Apr 2008, leaving 1 May 2027.
    status, page = _calculator(client, dob=date(1970, 3, 1), service_from=date(2018, 4, 1),
                               redundancy_service_from=date(2008, 4, 1), leaving=date(2027, 5, 1), weekly_pay="800")
    assert status == 200, page
    assert "No cap is published for dates from 6 April 2027 yet: £751 used" in page
    assert "1 April 2008 (service date for redundancy)" in page and "Order 1999" in page


def test_calculator_refuses_bad_notice_and_service_dates_keeping_what_was_typed(client, auth):
    auth.as_role("hr")
    status, page = _calculator(client, dob=date(1970, 3, 1), service_from=date(2018, 4, 1),
                               redundancy_service_from=date(2019, 4, 1), leaving=date(2026, 5, 1),
                               notice_given=date(2026, 6, 1), weekly_pay="800", grade="Q")
    assert status == 400
    assert "The service date for redundancy must be on or before the continuous service date" in page
    assert "The date notice was given must be on or before the leaving date" in page
    assert 'value="Q"' in page and 'value="2019"' in page
    # A grade the council's terms hold no notice for is a field error, not a silent "no notice".
    status, page = _calculator(client, dob=date(1970, 3, 1), service_from=date(2018, 4, 1), leaving=date(2026, 5, 1),
                               weekly_pay="800", grade="Q")
    assert status == 400 and "grade &#39;Q&#39; is in none of them" in page


def test_restructure_redundancy_page_shows_notice_service_date_and_the_cap_warning(app, client, auth):
    with app.app_context():
        restructure = db.session.scalar(select(Restructure).where(Restructure.name == "Senior structure 2023"))
        rid = restructure.id
    auth.as_role("hr")
    page = client.get(f"/restructures/{rid}/redundancy").get_data(as_text=True)
    # Chief officers: 3 months under the chief officers' band, given by 31 Dec 2026 to end 31 Mar 2027.
    assert "<strong>3 months</strong>: give by 31 December 2026" in page
    assert "the contractual notice is longer" in page and "(continuous service date)" in page
    assert "govuk-warning-text" not in page
    with app.app_context():
        db.session.scalar(select(Restructure).where(Restructure.id == rid)).effective_date = date(2027, 6, 1)
        db.session.commit()
    page = client.get(f"/restructures/{rid}/redundancy").get_data(as_text=True)
    assert "No cap is published for dates from 6 April 2027 yet: £751 used" in page


def test_employee_form_holds_the_service_date_for_redundancy(app, client, auth):
    with app.app_context():
        person = db.session.scalars(select(Employee).join(Employment).where(Employment.end_date.is_(None))
                                    .order_by(Employee.id).offset(30)).first()
        form = {"first_name": person.first_name, "last_name": person.last_name,
                "date_of_birth": _day(person.date_of_birth), "sex": person.sex,
                "continuous_service_date": _day(person.continuous_service_date),
                "email": person.email, "phone": person.phone, "address": person.address, "postcode": person.postcode,
                "trade_union_id": str(person.trade_union_id or ""), "version": str(person.version),
                "reason": "Earlier service with Staffordshire County Council"}
        pid, continuous = person.id, person.continuous_service_date
    auth.as_role("hr")
    url = f"/employees/{pid}/details"
    assert "Service date for redundancy (optional)" in client.get(url).get_data(as_text=True)
    later = date(continuous.year + 1, continuous.month, 1)
    refused = client.post(url, data={**form, "redundancy_service_date": _day(later)})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "There is a problem" in text
    assert "on or before the continuous service date" in text and f'value="{later.year}"' in text
    earlier = date(continuous.year - 4, 9, 1)
    saved = client.post(url, data={**form, "redundancy_service_date": _day(earlier)})
    assert saved.status_code == 302
    page = client.get(f"/employees/{pid}").get_data(as_text=True)
    assert f"1 September {earlier.year} (earlier local-government service; redundancy pay only)" in page
    with app.app_context():
        assert db.session.get(Employee, pid).redundancy_service_date == earlier
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee",
                                                            AuditEvent.entity_id == str(pid))
                                   .order_by(AuditEvent.id.desc())).first()
        assert event.after == {"redundancy_service_date": earlier.isoformat()}
