"""Big pages paginate (issue 17): the arrears run and every list that grows with the workforce
show one page of rows (with a summary and the whole list as a download), never everyone at once.

The page size is set small (PAGE_SIZE) so the session's demo workforce of 120 spans many pages.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event, func, select

from hrtool.extensions import db
from hrtool.models import Council, HarmonisationModel, PayAward, Transfer

from ..conftest import Auth

HR, ADMIN = "hr@hrtool.example", "admin@hrtool.example"
PAGINATION = 'class="govuk-pagination'


@pytest.fixture
def small_pages(app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    return 5


def _signed_in(app, username=HR):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _scalar(app, query):
    with app.app_context():
        return db.session.scalar(query)


def _date(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def _table(body: str, caption: str) -> str:
    """The HTML of the table whose caption starts with `caption`."""
    start = body.index(caption)
    return body[start:body.index("</table>", start)]


def _person_numbers(html: str) -> list[str]:
    return re.findall(r'<span class="govuk-body-s">([A-Z0-9]+)</span>', html)


# -- the arrears run ------------------------------------------------------------------------

def _work_out(client, award_id, first_paid_on=date(2024, 11, 1)) -> None:
    """Work out the arrears run: a job (issue 17), run at once by the test app, whose figures
    the page then pages through."""
    response = client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(first_paid_on)})
    assert response.status_code == 302 and "/jobs/" in response.location


def _arrears(client, award_id, **args):
    return client.get(f"/pay/awards/{award_id}/arrears",
                      query_string={"first_paid_on": _date(date(2024, 11, 1)), **args})


def test_the_arrears_page_shows_one_page_and_page_two_the_next_people(app, small_pages):
    client = _signed_in(app)
    award_id = _scalar(app, select(PayAward.id).where(PayAward.pay_year_from == date(2024, 4, 1)))
    _work_out(client, award_id)
    # The whole list, in the order the page uses, from the download.
    text = client.get(f"/pay/awards/{award_id}/arrears.csv",
                      query_string={"first_paid_on": _date(date(2024, 11, 1))}).get_data().decode("utf-8-sig")
    everyone = [row["person_number"] for row in csv.DictReader(io.StringIO(text))]
    assert len(everyone) > 3 * small_pages  # the demo workforce spans several pages

    first = _arrears(client, award_id).get_data(as_text=True)
    table = _table(first, "Arrears by person")
    assert _person_numbers(table) == everyone[:small_pages]
    assert f"Arrears by person ({len(everyone)}), page 1 of {-(-len(everyone) // small_pages)}" in first
    assert PAGINATION in first
    # The summary still covers everyone: the council totals' people add up to the whole list.
    assert f"to {len(everyone)} people" in first
    # April to October 2024: the award took effect 1 April 2024 and is first paid 1 November 2024.
    assert "Arrears are owed for 7 months: April 2024 to October 2024" in first

    second = _arrears(client, award_id, page=2).get_data(as_text=True)
    assert _person_numbers(_table(second, "Arrears by person")) == everyone[small_pages:2 * small_pages]
    # The page links keep the chosen first pay date.
    assert "first_paid_on=1&amp;first_paid_on=11&amp;first_paid_on=2024" in second
    last = -(-len(everyone) // small_pages)
    tail = _arrears(client, award_id, page=last).get_data(as_text=True)
    assert _person_numbers(_table(tail, "Arrears by person")) == everyone[(last - 1) * small_pages:]
    # A page past the end shows the last page; nonsense shows the first.
    assert _person_numbers(_table(_arrears(client, award_id, page=last + 9).get_data(as_text=True),
                                  "Arrears by person")) == everyone[(last - 1) * small_pages:]
    assert _person_numbers(_table(_arrears(client, award_id, page="x").get_data(as_text=True),
                                  "Arrears by person")) == everyone[:small_pages]


def test_the_reader_may_choose_25_or_50_a_page(app, small_pages):
    client = _signed_in(app)
    award_id = _scalar(app, select(PayAward.id).where(PayAward.pay_year_from == date(2024, 4, 1)))
    _work_out(client, award_id)
    body = _arrears(client, award_id, per_page=25).get_data(as_text=True)
    assert len(_person_numbers(_table(body, "Arrears by person"))) == 25
    assert "per_page=25" in body  # the page links keep the size
    body = _arrears(client, award_id, per_page=7).get_data(as_text=True)  # not offered: the default
    assert len(_person_numbers(_table(body, "Arrears by person"))) == small_pages


# -- every list that grows with the workforce ------------------------------------------------

COHORT = 250  # a big transfer, made by a factory loop
LEAVERS = 7


def _big_transfer(app) -> int:
    """A planned transfer of SBC's made-up service "Test Big Service" (COHORT people, its cohort
    confirmed) to CCDC."""
    from hrtool.models import Service
    from hrtool.services.tupe import transfers

    from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

    with app.app_context():
        db.session.add(Service(name="Test Big Service", area="Operations"))
        db.session.flush()
        post = make_post("SBC", "Test Big Service", title="Warden", je_score=300)
        for n in range(COHORT):
            employment = employ(make_employee(last_name=f"Big{n:04d}"), "SBC", date(2015, 6, 1))
            assign(employment, post, date(2015, 6, 1), None, scp=12)
            own_terms(employment, date(2015, 6, 1))
        transfer = transfers.create_transfer({
            "service_id": service("Test Big Service").id, "transferor_id": council("SBC").id,
            "transferee_id": council("CCDC").id, "transfer_date": date(date.today().year + 1, 4, 1),
            "legal_basis": "tupe", "reasons": "Shared service.", "implications": "None beyond the change of employer.",
            "agency_workers": "None", "transferor_measures_none": True, "transferee_measures_none": True}, date.today())
        transfers.propose_cohort(transfer)
        transfers.confirm_cohort(transfer)
        db.session.commit()
        return transfer.id


def _more_rows(app) -> None:
    """People on protected terms from an earlier transfer, and leavers long gone (due for deletion)."""
    from hrtool.models import TermsRecord

    from ..factories import council, employ, make_employee

    with app.app_context():
        old_transfer = db.session.scalar(select(Transfer.id).where(Transfer.status == "completed").limit(1))
        for n in range(LEAVERS):
            employment = employ(make_employee(last_name=f"Kept{n:02d}"), "CCDC", date(2011, 4, 1))
            db.session.add(TermsRecord(employment_id=employment.id, basis="protected",
                                       terms_council_id=council("SBC").id, transfer_id=old_transfer,
                                       effective_from=date(2011, 4, 1), reason="test"))
            employ(make_employee(last_name=f"Gone{n:02d}"), "SBC", date(2001, 1, 1), date(2010, 3, 31))
        db.session.commit()


def _pages(app, transfer_id: int) -> list[tuple[str, str, str, str, str]]:
    """(name, user, url, the table's caption, the page argument) of each list page."""
    sbc = _scalar(app, select(Council.id).where(Council.code == "SBC"))
    award_id = _scalar(app, select(PayAward.id).where(PayAward.pay_year_from == date(2024, 4, 1)))
    model_id = _scalar(app, select(func.min(HarmonisationModel.id)))
    run_on = "&".join(f"run_on={v}" for v in _date(date.today()))
    return [
        ("arrears run", HR, f"/pay/awards/{award_id}/arrears?first_paid_on=1&first_paid_on=11&first_paid_on=2024",
         "Arrears by person", "page"),
        ("transfer cohort", HR, f"/transfers/{transfer_id}", "People in the cohort", "page"),
        ("ELI pack", HR, f"/transfers/{transfer_id}/eli/", "People transferring", "page"),
        ("completion dry run", HR, f"/transfers/{transfer_id}/completion", f'caption--m">{COHORT} people', "page"),
        ("protected terms register", HR, "/protected-terms/", "People on protected terms", "page"),
        ("protections today", HR, "/protection/", "Everyone protected today", "page"),
        ("increment run", HR, f"/grading/increments?council={sbc}&{run_on}", "Would not move", "stays_page"),
        ("leavers due for deletion", ADMIN, "/retention/", "records due for deletion", "page"),
        ("users", ADMIN, "/admin/users", "Accounts", "page"),
        ("harmonisation people", HR, f"/harmonisation/{model_id}/people", "people", "page"),
        ("employees", HR, "/employees/", "people", "page"),
        ("posts", HR, "/posts/", "posts", "page"),
    ]


def _rows(body: str, caption: str) -> list[str]:
    """Each body row of the table, by its first cell."""
    table = _table(body, caption)
    tbody = table[table.index("<tbody"):]
    return re.findall(r'<tr class="govuk-table__row">\s*<t[hd][^>]*>(.*?)</t[hd]>', tbody, re.S)


def test_every_list_that_grows_with_the_workforce_shows_one_page_at_a_time(app, monkeypatch):
    transfer_id = _big_transfer(app)
    _more_rows(app)
    size = 2
    monkeypatch.setitem(app.config, "PAGE_SIZE", size)
    clients = {HR: _signed_in(app, HR), ADMIN: _signed_in(app, ADMIN)}
    _work_out(clients[HR], _scalar(app, select(PayAward.id).where(PayAward.pay_year_from == date(2024, 4, 1))))
    for name, user, url, caption, arg in _pages(app, transfer_id):
        client = clients[user]
        first = client.get(url)
        assert first.status_code == 200, name
        body = first.get_data(as_text=True)
        assert PAGINATION in body, f"{name}: no page links"
        one = _rows(body, caption)
        assert len(one) == size, f"{name}: {len(one)} rows on a page of {size}"
        joined = "&" if "?" in url else "?"
        second = client.get(f"{url}{joined}{arg}=2")
        assert second.status_code == 200, name
        two = _rows(second.get_data(as_text=True), caption)
        assert len(two) == size and not set(one) & set(two), f"{name}: page 2 does not show the next rows"


def test_a_big_cohort_shows_the_configured_page_of_it_with_its_counts(app):
    transfer_id = _big_transfer(app)
    client = _signed_in(app)
    body = client.get(f"/transfers/{transfer_id}").get_data(as_text=True)
    assert len(_rows(body, "People in the cohort")) == app.config["PAGE_SIZE"] < COHORT
    assert f"Confirmed: <strong>{COHORT}</strong>" in body  # the summary counts everyone
    last = -(-COHORT // app.config["PAGE_SIZE"])
    rows = _rows(client.get(f"/transfers/{transfer_id}?page={last}").get_data(as_text=True), "People in the cohort")
    assert len(rows) == COHORT - (last - 1) * app.config["PAGE_SIZE"]
    # Every person is on exactly one page, in the order they were added.
    seen = []
    for n in range(1, last + 1):
        page = client.get(f"/transfers/{transfer_id}?page={n}").get_data(as_text=True)
        seen += re.findall(r">Test Big(\d{4})</a>", _table(page, "People in the cohort"))
    # (the order the cohort was proposed in, which the database chooses: compare as a set of
    # pages that together hold each person once)
    assert sorted(seen) == [f"{n:04d}" for n in range(COHORT)]


@contextmanager
def _counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with_engine = db.engine
    event.listen(with_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(with_engine, "before_cursor_execute", count)


@pytest.mark.parametrize("where", ["/transfers/{id}", "/transfers/{id}/eli/", "/admin/users"])
def test_a_bigger_page_costs_no_more_queries(app, monkeypatch, where):
    """No query per row: the same page at 5 and at 25 rows runs the same number of statements."""
    transfer_id = _big_transfer(app)
    client = _signed_in(app, ADMIN)
    url = where.format(id=transfer_id)
    counts = []
    for size in (5, 25):
        monkeypatch.setitem(app.config, "PAGE_SIZE", size)
        client.get(url)  # warm: the first request after sign-in loads the user
        with app.app_context(), _counting() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_the_arrears_not_worked_out_list_pages_on_its_own(app, monkeypatch):
    """People on a point missing from a spine are listed apart, a page at a time, without moving
    the people table's page."""
    from ..factories import assign, employ, make_employee, make_post

    with app.app_context():
        post = make_post("SBC", "Licensing", title="Off-spine officer")
        for n in range(5):
            assign(employ(make_employee(last_name=f"Offspine{n}"), "SBC", date(2015, 6, 1)), post,
                   date(2015, 6, 1), None, scp=90)  # no SCP 90 on the NJC spine
        db.session.commit()
        award_id = db.session.scalar(select(PayAward.id).where(PayAward.pay_year_from == date(2024, 4, 1)))
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    client = _signed_in(app)
    _work_out(client, award_id)
    body = _arrears(client, award_id, page=3).get_data(as_text=True)
    missing = _table(body, "Not worked out")
    first = re.findall(r">Test (Offspine\d)</a>", missing)
    assert len(first) == 2 and "missing_page=2" in body and "page=3" in body
    later = _arrears(client, award_id, page=3, missing_page=2).get_data(as_text=True)
    assert not set(first) & set(re.findall(r">Test (Offspine\d)</a>", _table(later, "Not worked out")))
    # The people table stays on its page 3.
    assert _person_numbers(_table(later, "Arrears by person")) == _person_numbers(_table(body, "Arrears by person"))
