"""Amounts of money typed as people write them ("£32,076.00") in every form that takes one: posts' bands,
a chief officer's local salary, pay protection's salaries and a pay spine point; "1,23" is refused in
plain words and nothing is saved."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.domain.dates import pay_year_start
from hrtool.extensions import db
from hrtool.models import (
    Assignment,
    Council,
    Employment,
    PayAward,
    PaySpinePoint,
    Post,
    Protection,
    Service,
)
from hrtool.services.people.records import spine_on

from ..conftest import Auth
from ..factories import make_post, make_postholder

TODAY = date.today()


def _hr(app):
    client = app.test_client()
    assert Auth(client).as_role("hr").status_code == 302
    return client


ADMIN = "admin@hrtool.example"


def _spine_point_url(app) -> tuple[str, int]:
    with app.app_context():
        point_id = db.session.scalar(select(PaySpinePoint.id).where(PaySpinePoint.pay_year_from == date(2024, 4, 1),
                                                                    PaySpinePoint.scp == 10))
    return f"/pay/spine/{point_id}/edit", point_id


def _admin(app):
    client = app.test_client()
    assert Auth(client).login(ADMIN).status_code == 302
    return client


def test_a_spine_value_is_taken_as_typed_in_pounds(app):
    url, point_id = _spine_point_url(app)
    response = _admin(app).post(url, data={"annual_salary": "£32,076.00", "reason": "Typo"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(PaySpinePoint, point_id).annual_salary == Decimal("32076.00")


def test_a_spine_value_with_a_misplaced_comma_is_refused_in_plain_words(app):
    url, point_id = _spine_point_url(app)
    with app.app_context():
        before = db.session.get(PaySpinePoint, point_id).annual_salary
    response = _admin(app).post(url, data={"annual_salary": "1,23", "reason": "Typo"})
    assert response.status_code == 200
    assert "Full-time annual salary must be an amount in pounds, like 950.00" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PaySpinePoint, point_id).annual_salary == before


# -- money typed as pounds -----------------------------------------------------------------------

def _post_form(app, **money: str) -> dict:
    with app.app_context():
        ids = {c.code: c.id for c in db.session.scalars(select(Council))}
        licensing = db.session.scalar(select(Service.id).where(Service.name == "Licensing"))
    return {"post_number": "QQ-MONEY-1", "council_id": ids["SBC"], "service_id": licensing,
            "title": "Head of Licensing", "tier": "head of service", "fte": "1",
            "established_on": ["1", "4", "2026"], "reason": "New post", **money}


def test_a_posts_band_is_taken_as_typed_in_pounds(app):
    client = _hr(app)
    response = client.post("/posts/new", data=_post_form(app, band_min="£32,076.00", band_max="£40,000"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        saved = db.session.scalars(select(Post).where(Post.post_number == "QQ-MONEY-1")).one()
        assert (saved.band_min, saved.band_max) == (Decimal("32076.00"), Decimal("40000.00"))


def test_a_posts_band_with_a_misplaced_comma_is_refused_in_plain_words(app):
    response = _hr(app).post("/posts/new", data=_post_form(app, band_min="1,23", band_max="40000"))
    assert response.status_code == 200
    assert ("Local band minimum (chief officers) must be an amount in pounds, like 950.00"
            in response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(Post.id).where(Post.post_number == "QQ-MONEY-1")) is None


def _chief_officer(app) -> tuple[int, int, int]:
    """A person on a chief officer's post, and another post of their employer: (person, current
    assignment, other post)."""
    with app.app_context():
        person = make_postholder(scp=None, post=make_post("SBC", "Licensing", tier="head of service",
                                                  band_min=Decimal(30000), band_max=Decimal(40000)))
        person_id = person.id
        current = db.session.scalars(select(Assignment).join(Employment)
                                     .where(Employment.employee_id == person_id)).one()
        current.local_salary = Decimal(31000)
        other = make_post("SBC", "Licensing", tier="head of service", band_min=Decimal(30000),
                          band_max=Decimal(40000))
        db.session.commit()
        return person_id, current.id, other.id


def _assignment_form(current_id: int, post_id: int, local_salary: str) -> dict:
    return {"based_on": str(current_id), "effective_from": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "post_id": str(post_id), "hours_per_week": "37", "scp": "", "local_salary": local_salary,
            "reason": "Moved to a new post"}


def test_a_local_salary_is_taken_as_typed_in_pounds(app):
    person_id, current_id, other = _chief_officer(app)
    response = _hr(app).post(f"/employees/{person_id}/assignment",
                             data=_assignment_form(current_id, other, "£32,076.00"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        latest = db.session.scalars(select(Assignment).join(Employment).where(Employment.employee_id == person_id)
                                    .order_by(Assignment.effective_from.desc())).first()
        assert latest.post_id == other and latest.local_salary == Decimal("32076.00")


def test_a_local_salary_with_a_misplaced_comma_is_refused_in_plain_words(app):
    person_id, current_id, other = _chief_officer(app)
    response = _hr(app).post(f"/employees/{person_id}/assignment", data=_assignment_form(current_id, other, "1,23"))
    assert response.status_code == 200
    assert ("Local salary (chief officers only, full-time a year) must be an amount in pounds, like 950.00"
            in response.get_data(as_text=True))


def _protection_form(number: str, old_salary: str, new_salary: str) -> dict:
    return {"person_number": number, "source": "manual", "start_date": ["1", "6", "2026"], "old_salary": old_salary,
            "new_salary": new_salary, "hours_per_week": "37", "reason": "Redeployed on medical advice"}


def test_a_protected_salary_is_taken_as_typed_in_pounds(app, auth):
    with app.app_context():
        person = make_postholder(scp=5)
        number, person_id = person.person_number, person.id
        new = spine_on(date(2026, 6, 1))[1][5]
        db.session.commit()
    assert new < Decimal("32076.00")
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data=_protection_form(number, "£32,076.00", f"£{new:,.2f}"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        record = db.session.scalars(select(Protection).where(Protection.employee_id == person_id)).one()
        assert (record.old_salary, record.new_salary) == (Decimal("32076.00"), new)


def test_a_protected_salary_with_a_misplaced_comma_is_refused_in_plain_words(app, auth):
    auth.as_role("hr")
    response = auth.client.post("/protection/new", data=_protection_form("NOBODY", "1,23", "30000"))
    assert response.status_code == 400
    assert "Old salary, full-time, a year (£) must be an amount in pounds, like 950.00" in response.get_data(
        as_text=True)


# -- a pay award's amount: pounds or per cent, as its kind says -----------------------------------

# The pay year after next: as far ahead as an award may be made, and none is held for it.
AWARD_YEAR = pay_year_start(date.today()).replace(year=pay_year_start(date.today()).year + 2)


def _award_form(kind: str, amount: str) -> dict:
    return {"pay_year_from": ["1", "4", str(AWARD_YEAR.year)], "kind": kind, "amount": amount, "scp_from": "2", "scp_to": "43",
            "deleted_scps": "", "status": "provisional", "agreed_on": ["", "", ""], "note": "",
            "reason": "Employers' offer"}


@pytest.mark.parametrize(("kind", "typed", "held"), [
    ("flat_gbp", "£1,290", Decimal("1290")), ("percent", "3.2%", Decimal("3.2")), ("percent", " 2.5 ", Decimal("2.5"))])
def test_an_awards_amount_is_taken_as_typed(app, kind, typed, held):
    response = _admin(app).post("/pay/awards/new", data=_award_form(kind, typed))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        award = db.session.scalars(select(PayAward).where(PayAward.pay_year_from == AWARD_YEAR)).one()
        assert (award.kind, award.amount) == (kind, held)


@pytest.mark.parametrize(("kind", "typed", "message"), [
    ("flat_gbp", "3.2%", "A flat amount is in pounds: enter it without the % sign, like 1290"),
    ("percent", "£3.20", "A percentage is not in pounds: enter it without the £ sign, like 3.2"),
    ("percent", "1,23", "Enter the amount as a number, like 1290 or 3.2"),
    ("flat_gbp", "-£5", "Enter an amount more than 0")])
def test_an_awards_amount_that_says_the_other_kind_or_is_not_a_number_is_refused(app, kind, typed, message):
    response = _admin(app).post("/pay/awards/new", data=_award_form(kind, typed))
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(PayAward.id).where(PayAward.pay_year_from == AWARD_YEAR)) is None
