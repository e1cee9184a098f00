"""'What was true on date D' is one query: employer, post and SCP for a person whose assignment
changed twice, across a TUPE transfer."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Employee
from hrtool.services.people.records import as_at, picture_on

from ..factories import assign, employ, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def person():
    post_a = make_post("CCDC", "Licensing", title="Licensing Officer")
    post_b = make_post("CCDC", "Licensing", title="Senior Licensing Officer")
    post_c = make_post("SBC", "Licensing", title="Licensing Team Leader")
    employee = make_employee(continuous_service_date=date(2015, 4, 1))
    first = employ(employee, "CCDC", date(2015, 4, 1), date(2021, 3, 31))
    assign(first, post_a, date(2015, 4, 1), date(2019, 8, 31), scp=10)
    assign(first, post_b, date(2019, 9, 1), date(2021, 3, 31), scp=14)
    own_terms(first, date(2015, 4, 1), date(2021, 3, 31))
    second = employ(employee, "SBC", date(2021, 4, 1), began_by="tupe")
    assign(second, post_c, date(2021, 4, 1), None, scp=16, hours="18.5")
    own_terms(second, date(2021, 4, 1))
    return employee


@pytest.mark.parametrize("on, employer, title, scp", [
    (date(2016, 1, 1), "CCDC", "Licensing Officer", 10),
    (date(2019, 8, 31), "CCDC", "Licensing Officer", 10),
    (date(2019, 9, 1), "CCDC", "Senior Licensing Officer", 14),
    (date(2021, 3, 31), "CCDC", "Senior Licensing Officer", 14),
    (date(2021, 4, 1), "SBC", "Licensing Team Leader", 16),
    (date(2030, 1, 1), "SBC", "Licensing Team Leader", 16),
])
def test_as_at_returns_employer_post_and_scp(person, on, employer, title, scp):
    rows = db.session.execute(as_at(on).where(Employee.id == person.id)).all()
    assert len(rows) == 1
    _, employment, assignment, post, _ = rows[0]
    assert (employment.employer.code, post.title, assignment.scp) == (employer, title, scp)


def test_nothing_before_the_first_employment(person):
    assert db.session.execute(as_at(date(2015, 3, 31)).where(Employee.id == person.id)).all() == []


def test_continuous_service_survives_the_transfer(person):
    picture = picture_on(person.id, date(2022, 6, 1))
    assert picture.employment.start_date == date(2021, 4, 1)
    assert picture.employee.continuous_service_date == date(2015, 4, 1)


def test_salary_from_the_spine_for_the_pay_year_pro_rata(person):
    # NJC spine from 1 April 2022, SCP 16: £26,357 full time (reference data); 18.5 of 37 hours.
    picture = picture_on(person.id, date(2022, 6, 1))
    assert picture.full_time_salary == Decimal("26357")
    assert picture.salary == Decimal("13178.50")
    assert picture.pay_year_used == date(2022, 4, 1)


def test_salary_before_1_april_uses_the_previous_pay_year(person):
    # 31 March 2023 is still in 2022/23: SCP 16 = £26,357, not 2023/24's £28,282.
    assert picture_on(person.id, date(2023, 3, 31)).full_time_salary == Decimal("26357")
    assert picture_on(person.id, date(2023, 4, 1)).full_time_salary == Decimal("28282")


def test_as_at_is_one_query_for_the_whole_workforce(person):
    everyone = db.session.execute(as_at(date(2022, 6, 1))).all()
    ids = [row[0].id for row in everyone]
    assert person.id in ids
    assert db.session.scalar(select(Employee).where(Employee.id == person.id)) is not None
