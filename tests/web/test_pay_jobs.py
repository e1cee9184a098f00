"""Pay award runs on the job queue (issue 17), through the pages: applying an award (with its
recalculation of pay protection schedules) and the arrears run are jobs. The form submits, the
page lands on the job's page, the job has finished (the test app runs jobs at once) with its
outcome in words, and what it did is right; a job that fails says so in plain words, and "Try
again" runs it again; the same run asked for while one is under way is refused.

Worked examples (independent of the code):
- The 2025/26 award is 3.2% on the 2024/25 spine, rounded half up to the pound: SCP 3 was
  £24,027 in 2024/25, x 1.032 = £24,795.864 -> £24,796.
- The 2024/25 award (effective 1 April 2024, agreed 22 October 2024) added £1,290 a year to each
  point: £107.50 a month full time. First paid 1 November 2024, arrears are owed for April to
  October, 7 months: £752.50 for a 37-hour week, £376.25 for 18.5 hours (half). First paid
  1 January 2025: 9 months, £967.50 full time."""
from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hrtool.extensions import db
from hrtool.jobs.kinds import pay as pay_kinds
from hrtool.models import AuditEvent, Council, GradeConvention, Job, PayAward, PaySpinePoint, User
from hrtool.services.pay import pay_award_run
from hrtool.services.platform import check

from ..conftest import Auth
from ..factories import assign, employ, make_employee, make_post

HR, ADMIN = "hr@hrtool.example", "admin@hrtool.example"


def _signed_in(app, username=ADMIN):
    client = app.test_client()
    assert Auth(client).login(username).status_code == 302
    return client


def _award_id(app, year: int) -> int:
    with app.app_context():
        return db.session.scalar(select(PayAward.id).where(PayAward.pay_year_from == date(year, 4, 1)))


def _date(on: date) -> list[str]:
    return [str(on.day), str(on.month), str(on.year)]


def _job_id(response) -> int:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    found = re.fullmatch(r".*/jobs/(\d+)", response.location)
    assert found, response.location
    return int(found[1])


def _job(app, job_id: int) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def _spine(app, year: int) -> dict[int, Decimal]:
    with app.app_context():
        return dict(db.session.execute(select(PaySpinePoint.scp, PaySpinePoint.annual_salary)
                                       .where(PaySpinePoint.pay_year_from == date(year, 4, 1))).all())


# -- applying an award ---------------------------------------------------------------------------

def test_applying_an_award_is_a_job_that_makes_the_spine_and_recalculates_schedules(app):
    client = _signed_in(app)
    award_id = _award_id(app, 2025)
    assert not _spine(app, 2025)
    response = client.post(f"/pay/awards/{award_id}/apply", data={"reason": "Employers' offer of 3.2%"})
    job_id = _job_id(response)
    page = client.get(response.location).get_data(as_text=True)
    assert "Apply a pay award to the spine" in page and "Done" in page and "Admin" in page
    assert "The 2025/26 spine is made:" in page and "Pay protection schedules running in or after" in page
    assert 'href="/pay/spine"' in page  # the button to the result
    job = _job(app, job_id)
    assert job.status == "done" and job.result["created"] == len(_spine(app, 2025)) > 40
    assert _spine(app, 2025)[3] == Decimal("24796.00")  # 24,027 x 1.032 = 24,795.864 -> 24,796
    with app.app_context():
        # The schedules the new spine reaches were recomputed in the job: none differs from its rule.
        report = check.run(date.today(), ["protection_schedules"])
        assert report.checked["protection_schedules"] > 0 and report.drift == []
        # Audit as before: the award's application, by the administrator who started the job.
        admin = db.session.scalar(select(User.id).where(User.username == ADMIN))
        applied = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "apply",
                                                              AuditEvent.entity_type == "pay_award")).all()
        assert [(e.entity_id, e.actor_id) for e in applied] == [(str(award_id), admin)]
        created = db.session.scalars(select(AuditEvent.actor_id).where(
            AuditEvent.action == "create", AuditEvent.entity_type == "pay_spine_point")).all()
        assert len(created) == job.result["created"] and set(created) == {admin}


def test_a_refused_application_stays_on_the_form_and_starts_no_job(app):
    client = _signed_in(app)
    award_id = _award_id(app, 2024)  # 2024/25's spine is held and was made from an agreed award
    with app.app_context():
        jobs = db.session.scalar(select(func.count()).select_from(Job))
    response = client.post(f"/pay/awards/{award_id}/apply", data={"reason": "Again", "replace": "y"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "made from an agreed award and cannot be replaced" in body
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Job)) == jobs


def test_an_award_being_applied_is_not_applied_twice_at_once(app):
    client = _signed_in(app)
    award_id = _award_id(app, 2025)
    with app.app_context():  # a run of this award already under way (a worker has it)
        running = Job(kind="pay_award_apply", description="Apply", status="running", params_json="{}",
                      dedupe_key=pay_kinds.apply_key(award_id), updated_at=datetime.now(UTC))
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    response = client.post(f"/pay/awards/{award_id}/apply", data={"reason": "Employers' offer"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and f"This is already under way (job {running_id}" in body
    assert not _spine(app, 2025)


class _Broken:
    """The job's recalculation meets a database fault whose text holds personal data."""

    def __init__(self) -> None:
        self.calls = 0

    def settle(self) -> None:
        self.calls += 1
        raise OperationalError("UPDATE protection_schedules SET note='Jane Example, 1 High Street'", {},
                               Exception("database is locked"))


def test_a_failed_application_says_so_plainly_keeps_nothing_and_try_again_runs_it(app, monkeypatch):
    client = _signed_in(app)
    award_id = _award_id(app, 2025)
    broken = _Broken()
    monkeypatch.setattr(pay_kinds, "derived", broken)
    response = client.post(f"/pay/awards/{award_id}/apply", data={"reason": "Employers' offer"})
    failed_id = _job_id(response)
    page = client.get(response.location).get_data(as_text=True)
    assert broken.calls == 1 and "Failed" in page and "It could not be done" in page
    assert "because of a fault in the system" in page and re.search(r"error reference E-[0-9A-F]{4}", page)
    assert "Jane Example" not in page and "UPDATE" not in page and "database is locked" not in page
    assert not _spine(app, 2025)  # all or nothing: the spine's rows were not kept
    assert 'id="job-retry"' in page

    monkeypatch.undo()
    again = client.post(f"/jobs/{failed_id}/retry")
    retried_id = _job_id(again)
    assert retried_id != failed_id
    page = client.get(again.location).get_data(as_text=True)
    assert "The 2025/26 spine is made" in page and f"job {failed_id}" in page  # says which it tries again
    assert _spine(app, 2025)[3] == Decimal("24796.00")


def test_correcting_a_spine_value_is_a_job_that_recalculates_schedules(app):
    client = _signed_in(app)
    with app.app_context():
        point_id = db.session.scalar(select(PaySpinePoint.id).where(PaySpinePoint.pay_year_from == date(2024, 4, 1),
                                                                    PaySpinePoint.scp == 10))
    response = client.post(f"/pay/spine/{point_id}/edit", data={"annual_salary": "26836", "reason": "Typo"})
    _job_id(response)
    page = client.get(response.location).get_data(as_text=True)
    # 2024/25 SCP 10 is £26,835 (the NJC spine: £25,545 in 2023/24 plus the £1,290 award).
    assert "Correct a pay spine value" in page and "Correct SCP 10 for 2024/25" in page
    assert "SCP 10 for 2024/25 saved: £26,836.00 a year full time (was £26,835.00)." in page
    assert _spine(app, 2024)[10] == Decimal("26836.00")
    with app.app_context():
        report = check.run(date.today(), ["protection_schedules"])
        assert report.checked["protection_schedules"] > 0 and report.drift == []


def test_a_change_of_bands_is_a_job_that_refuses_a_plan_changed_since_the_check(app):
    from .test_pay_pages import _bands_form

    client = _signed_in(app)
    with app.app_context():
        ccdc = db.session.scalar(select(Council.id).where(Council.code == "CCDC"))
        versions = db.session.scalar(select(func.count()).select_from(GradeConvention))
    form = _bands_form(app, G=(415, 459), H=(460, 494))
    body = client.post(f"/pay/councils/{ccdc}/bands", data={**form, "check": "Check who this affects"}).get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"', body)[1]
    # A confirmation of a plan other than the one the job finds now (as if records changed between).
    stale = "0" * len(fingerprint) if fingerprint != "0" * len(fingerprint) else "1" * len(fingerprint)
    failed = _job_id(client.post(f"/pay/councils/{ccdc}/bands", data={**form, "fingerprint": stale,
                                                                       "submit": "Confirm and save the new bands"}))
    page = client.get(f"/jobs/{failed}").get_data(as_text=True)
    assert "The posts or people this change affects have changed since you checked it" in page  # a rule's own words
    assert "error reference" not in page and 'id="job-retry"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GradeConvention)) == versions
    done = _job_id(client.post(f"/pay/councils/{ccdc}/bands", data={**form, "fingerprint": fingerprint,
                                                                     "submit": "Confirm and save the new bands"}))
    assert "New bands for Cannock Chase from 1 January 2025 saved" in client.get(f"/jobs/{done}").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GradeConvention)) == versions + 1


# -- the arrears run --------------------------------------------------------------------------------

def _people(app) -> dict[str, int]:
    with app.app_context():
        post = make_post("CCDC", title="Arrears job tester")
        full, part = make_employee(last_name="Fulltimejob"), make_employee(last_name="Parttimejob")
        assign(employ(full, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6))
        assign(employ(part, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6), hours="18.5")
        db.session.commit()
        return {"full": full.person_number, "part": part.person_number}


def _csv(client, award_id: int, **query) -> dict[str, dict[str, str]]:
    response = client.get(f"/pay/awards/{award_id}/arrears.csv", query_string=query)
    assert response.status_code == 200
    return {row["person_number"]: row for row in csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))}


def test_the_arrears_run_is_a_job_whose_figures_the_page_and_downloads_show(app):
    made = _people(app)
    client = _signed_in(app, HR)
    award_id = _award_id(app, 2024)
    response = client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2024, 11, 1))})
    job_id = _job_id(response)
    page = client.get(response.location).get_data(as_text=True)
    assert "Work out pay award arrears" in page and "Done" in page and "Harriet Officer" in page
    assert "Arrears for the 2024/25 pay award, first paid on 1 November 2024: £" in page
    link = re.search(r'href="(/pay/awards/\d+/arrears\?[^"]+)"', page)[1].replace("&amp;", "&")
    assert f"run={job_id}" in link

    listed = client.get("/jobs/").get_data(as_text=True)  # the list of jobs names it (and never reads its figures)
    assert "Arrears for the 2024/25 pay award, first paid on 1 November 2024" in listed and f'href="/jobs/{job_id}"' in listed
    shown = client.get(link).get_data(as_text=True)
    assert "Worked out" in shown and f"job {job_id}" in shown and "Arrears by employing council" in shown
    rows = _csv(client, award_id, run=job_id)
    assert rows[made["full"]]["arrears"] == "752.50" and rows[made["full"]]["months"] == "7"
    assert rows[made["part"]]["arrears"] == "376.25"

    # Everyone's figures are those the run works out in a request (the code before issue 17).
    with app.app_context():
        direct = pay_award_run.run(db.session.get(PayAward, award_id), date(2024, 11, 1))
        expected = {p.person_number: (str(p.arrears.months), f"{p.arrears.total:.2f}") for p in direct.people}
        total = direct.total
    assert {k: (v["months"], v["arrears"]) for k, v in rows.items()} == expected
    assert f"£{total:,.2f}" in page and f"to {len(expected)} people" in shown
    with app.app_context():  # the run audited once, as the person who asked; the download too
        runs = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "pay_award_arrears")).all()
        assert [e.action for e in runs] == ["run", "export"] and {e.actor_label for e in runs} == {"Harriet Officer (demo HR)"}


def test_each_first_pay_date_keeps_its_own_run(app):
    made = _people(app)
    client = _signed_in(app, HR)
    award_id = _award_id(app, 2024)
    for paid in (date(2024, 11, 1), date(2025, 1, 1)):
        _job_id(client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(paid)}))
    assert _csv(client, award_id, first_paid_on=_date(date(2025, 1, 1)))[made["full"]]["arrears"] == "967.50"
    assert _csv(client, award_id, first_paid_on=_date(date(2024, 11, 1)))[made["full"]]["arrears"] == "752.50"
    never = client.get(f"/pay/awards/{award_id}/arrears", query_string={"first_paid_on": _date(date(2024, 12, 1))})
    assert "have not been worked out yet" in never.get_data(as_text=True)
    download = client.get(f"/pay/awards/{award_id}/arrears.csv", query_string={"first_paid_on": _date(date(2024, 12, 1))})
    assert download.status_code == 302  # nothing to download until it is worked out


def test_a_run_that_cannot_be_worked_out_says_why_on_the_form(app):
    client = _signed_in(app, HR)
    response = client.post(f"/pay/awards/{_award_id(app, 2026)}/arrears", data={"first_paid_on": ["", "", ""]})
    assert response.status_code == 400 and "no date agreed yet" in response.get_data(as_text=True)


def test_a_failed_arrears_run_can_be_tried_again(app, monkeypatch):
    client = _signed_in(app, HR)
    award_id = _award_id(app, 2024)
    real = pay_award_run.run

    def broken(*args, **kwargs):
        raise OperationalError("SELECT ... WHERE last_name = 'Example'", {}, Exception("disk I/O error"))

    monkeypatch.setattr(pay_kinds.pay_award_run, "run", broken)
    failed = _job_id(client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2024, 11, 1))}))
    page = client.get(f"/jobs/{failed}").get_data(as_text=True)
    assert "because of a fault in the system" in page and "Example" not in page and "disk I/O" not in page
    assert "have not been worked out yet" in client.get(f"/pay/awards/{award_id}/arrears").get_data(as_text=True)
    monkeypatch.setattr(pay_kinds.pay_award_run, "run", real)
    again = _job_id(client.post(f"/jobs/{failed}/retry"))
    assert _job(app, again).status == "done"
    assert f"job {again}" in client.get(f"/pay/awards/{award_id}/arrears").get_data(as_text=True)


def test_an_arrears_run_under_way_is_shown_and_not_started_twice(app):
    client = _signed_in(app, HR)
    award_id = _award_id(app, 2024)
    with app.app_context():
        running = Job(kind="pay_arrears", description="Arrears", status="queued", params_json="{}",
                      dedupe_key=pay_kinds.arrears_key(award_id, date(2024, 11, 1)), updated_at=datetime.now(UTC))
        db.session.add(running)
        db.session.commit()
        running_id = running.id
    page = client.get(f"/pay/awards/{award_id}/arrears").get_data(as_text=True)  # the default date: 1 November
    assert f"These arrears are being worked out now (<a class=\"govuk-link\" href=\"/jobs/{running_id}\">" in page
    refused = client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2024, 11, 1))})
    assert refused.status_code == 400 and f"This is already under way (job {running_id}" in refused.get_data(as_text=True)
    # Another first pay date is another run.
    assert _job_id(client.post(f"/pay/awards/{award_id}/arrears", data={"first_paid_on": _date(date(2024, 12, 1))}))
