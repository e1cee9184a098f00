"""TUPE transfers: cohort, objections, the dry run, all-or-nothing completion, protected terms
that cannot change, and the one-way election (DOMAIN.md 3.3)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import ChecklistItem, Election, Employment, ProtectedTerms
from hrtool.services.people.records import picture_on
from hrtool.services.tupe import protected_terms, transfers

from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

pytestmark = pytest.mark.usefixtures("ctx")
TODAY = date(2026, 11, 22)
ON = date(2026, 11, 1)
# These transfers are completed with their legal steps unmet (issue 15's completion guard asks why).
UNMET = "Test transfer: the legal steps are not what these tests are about"


@pytest.fixture
def team():
    """Three people in SBC's Markets team (a made-up service for these tests' isolation)."""
    from hrtool.models import Service

    markets = Service(name="Test Markets", area="Operations")
    db.session.add(markets)
    db.session.flush()
    post = make_post("SBC", "Test Markets", title="Markets Officer", je_score=330)  # SBC Grade 5
    people = []
    for n, (hours, scp, start) in enumerate([("37", 15, date(2009, 6, 1)), ("18.5", 14, date(2015, 9, 1)),
                                             ("37", 13, date(2020, 1, 6))]):
        employee = make_employee(last_name=f"Trader{n}", continuous_service_date=start)
        employment = employ(employee, "SBC", start)
        assign(employment, post, start, None, scp=scp, hours=hours)
        own_terms(employment, start)
        people.append(employee)
    transfer = transfers.create_transfer({
        "service_id": service("Test Markets").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": ON, "legal_basis": "tupe",
        "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True}, TODAY)
    transfers.propose_cohort(transfer)
    return transfer, people


def test_checklist_due_dates_follow_the_transfer_date(team):
    transfer, _ = team
    due = {item.key: item.due_on for item in transfer.checklist}
    # reg. 11(6): 28 clear days, so 1 November 2026 - 29 days = 3 October 2026 (4-31 October clear).
    assert due["eli_sent"] == date(2026, 10, 3)
    assert due["inform_representatives"] == ON - timedelta(days=60)
    assert due["measures_letter"] < due["inform_representatives"]  # reg. 13(4): the measures first


def test_cohort_is_everyone_in_the_service_at_the_transferor(team):
    transfer, people = team
    assert sorted(m.employee_id for m in transfer.members) == sorted(p.id for p in people)
    assert all(m.status == "proposed" for m in transfer.members)


def test_completion_needs_a_confirmed_cohort_and_the_date(team):
    transfer, _ = team
    plan = transfers.plan_completion(transfer, TODAY)
    assert "Confirm the cohort first" in " ".join(plan.problems)
    transfers.confirm_cohort(transfer)
    early = transfers.plan_completion(transfer, ON - timedelta(days=1))
    assert "only be completed on or after its date" in " ".join(early.problems)
    assert transfers.plan_completion(transfer, TODAY).can_complete


def test_completing_moves_employer_keeps_service_date_and_protects_terms(team):
    transfer, people = team
    transfers.confirm_cohort(transfer)
    objector = next(m for m in transfer.members if m.employee_id == people[2].id)
    transfers.record_objection(objector, ON - timedelta(days=10), "Letter of 20 October")
    before = {p.id: picture_on(p.id, ON - timedelta(days=1)) for p in people}
    transfers.complete(transfer, TODAY, reason=UNMET)
    db.session.flush()
    for person in people[:2]:
        after = picture_on(person.id, ON)
        assert after.employment.employer.code == "CCDC" and after.employment.start_date == ON
        assert after.employment.began_by == "tupe"
        assert after.employee.continuous_service_date == before[person.id].employee.continuous_service_date
        assert (after.assignment.hours_per_week, after.assignment.scp) == (
            before[person.id].assignment.hours_per_week, before[person.id].assignment.scp)
        assert after.terms.basis == "protected" and after.terms.terms_council.code == "SBC"
        snapshot = db.session.get(ProtectedTerms, after.terms.protected_terms_id)
        particulars = snapshot.snapshot["particulars"]
        assert snapshot.taken_on == ON - timedelta(days=1)
        assert particulars["scp"] == before[person.id].assignment.scp
        assert Decimal(particulars["hours_per_week"]) == before[person.id].assignment.hours_per_week
        assert particulars["salary"] == str(before[person.id].salary)
        assert snapshot.snapshot["package"]["annual_leave"] == [{"from_years": 0, "days": 24}, {"from_years": 5, "days": 29}]
        # Still an SBC employee the day before.
        assert picture_on(person.id, ON - timedelta(days=1)).employment.employer.code == "SBC"
    # The objector's employment ends at the transfer; they are not transferred and not dismissed.
    assert picture_on(people[2].id, ON).employment is None
    ended = db.session.scalars(select(Employment).where(Employment.employee_id == people[2].id)).one()
    assert ended.end_date == ON - timedelta(days=1) and "not a dismissal" in ended.end_reason
    assert transfer.status == "completed"


def test_completion_is_all_or_nothing(team, monkeypatch):
    """A failure part-way (the second person's new post) leaves nothing changed."""
    transfer, people = team
    transfers.confirm_cohort(transfer)
    db.session.commit()
    counts = {t: db.session.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in
              ("employments", "assignments", "terms_records", "protected_terms", "posts", "audit_events")}
    calls = {"n": 0}
    original = transfers._transferee_post

    def fail_second(old, t):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(old, t)

    monkeypatch.setattr(transfers, "_transferee_post", fail_second)
    # Two people share one post, so give the second their own to reach the failure.
    second_post = make_post("SBC", "Test Markets", title="Markets Assistant")
    from hrtool.models import Assignment

    a = db.session.scalars(select(Assignment).join(Employment).where(Employment.employee_id == people[1].id)).one()
    a.post_id = second_post.id
    db.session.commit()
    with pytest.raises(RuntimeError):
        transfers.complete(transfer, TODAY, reason=UNMET)
    db.session.rollback()
    assert {t: db.session.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in counts} == {
        **counts, "posts": counts["posts"] + 1}  # only the post this test added itself
    db.session.refresh(transfer)
    assert transfer.status == "planned"
    assert all(picture_on(p.id, ON).employment.employer.code == "SBC" for p in people)


def test_protected_terms_cannot_be_changed(team):
    transfer, _ = team
    transfers.confirm_cohort(transfer)
    transfers.complete(transfer, TODAY, reason=UNMET)
    db.session.flush()
    for statement in ("UPDATE protected_terms SET taken_on = '2000-01-01'", "DELETE FROM protected_terms"):
        with pytest.raises(Exception, match="immutable"):
            with db.session.begin_nested():
                db.session.execute(text(statement))


def test_election_is_one_way_and_needs_a_countersignature(team):
    transfer, people = team
    transfers.confirm_cohort(transfer)
    transfers.complete(transfer, TODAY, reason=UNMET)
    person = people[0]
    result = protected_terms.comparison(person.id, TODAY)
    assert result is not None
    _, rows, _context = result
    leave = next(r for r in rows if r.term.startswith("Annual leave"))
    # 17 complete years: SBC gives 29 days from 5 years, CCDC 30 from 10 years.
    assert (leave.protected, leave.lead, leave.verdict) == ("29 days", "30 days", "1 day better on lead terms")
    with pytest.raises(DomainError, match="cannot be undone"):
        protected_terms.record_election(person.id, TODAY, False, TODAY)
    election = protected_terms.record_election(person.id, date(2027, 1, 1), True, TODAY)
    assert picture_on(person.id, date(2027, 1, 1)).terms.basis == "protected"  # not until countersigned
    with pytest.raises(DomainError, match="already been recorded"):
        protected_terms.record_election(person.id, date(2027, 2, 1), True, TODAY)
    protected_terms.countersign(election.id)
    assert picture_on(person.id, date(2027, 1, 1)).terms.basis == "own"
    assert picture_on(person.id, date(2026, 12, 31)).terms.basis == "protected"  # history kept
    with pytest.raises(DomainError, match="already been countersigned"):
        protected_terms.countersign(election.id)
    assert db.session.scalar(select(Election.countersigned_at).where(Election.id == election.id)) is not None


def test_report_counts(team):
    transfer, _people = team
    transfers.confirm_cohort(transfer)
    transfers.record_objection(transfer.members[2], ON - timedelta(days=3), "")
    transfers.complete(transfer, TODAY, reason=UNMET)
    line = next(t for t in protected_terms.report(TODAY)["by_transfer"] if t["transfer"] == transfer.reference)
    assert (line["status"], line["transferred"], line["still_protected"], line["objected"]) == ("completed", 2, 2, 1)


def test_steps_are_recorded_with_who_and_when(team):
    transfer, _ = team
    item = db.session.scalars(select(ChecklistItem).where(ChecklistItem.transfer_id == transfer.id,
                                                          ChecklistItem.key == "eli_sent")).one()
    transfers.mark_step(item, date(2026, 10, 1), "Sent by secure email")
    assert item.done_on == date(2026, 10, 1) and item.note == "Sent by secure email"


@pytest.mark.parametrize(("je_score", "scp", "expected_scp", "protected"), [
    # JE 320: SBC Grade 5 (SCP 13-17) but CCDC Grade D (SCP 10-14): down to D's top, protected.
    (320, 16, 14, True),
    # JE 330: SBC Grade 5 (SCP 13-17) but CCDC Grade E (SCP 15-19): up to E's lowest point.
    (330, 13, 15, False),
    # JE 330 on SCP 17: inside CCDC E as well, so nothing moves.
    (330, 17, 17, False),
])
def test_an_election_fits_the_point_to_the_lead_authoritys_grade(je_score, scp, expected_scp, protected):
    """Protected terms keep the SBC point; once the person elects onto CCDC's terms, from that date
    their point must be in the post's CCDC grade (grade boundaries from the illustrative
    conventions in reference_data/grade_conventions_illustrative.csv)."""
    from hrtool.models import Assignment, Protection, Service

    db.session.add(Service(name="Test Markets", area="Operations"))
    db.session.flush()
    post = make_post("SBC", "Test Markets", title="Markets Officer", je_score=je_score)
    person = make_employee(last_name="Elector", continuous_service_date=date(2012, 5, 1))
    employment = employ(person, "SBC", date(2012, 5, 1))
    assign(employment, post, date(2012, 5, 1), None, scp=scp, hours="37")
    own_terms(employment, date(2012, 5, 1))
    transfer = transfers.create_transfer({
        "service_id": service("Test Markets").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": ON, "legal_basis": "tupe",
        "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True}, TODAY)
    transfers.propose_cohort(transfer)
    transfers.confirm_cohort(transfer)
    transfers.complete(transfer, TODAY, reason=UNMET)
    elected_on = date(2027, 1, 1)
    assert picture_on(person.id, elected_on).assignment.scp == scp  # protected terms keep the SBC point
    _, rows, _ = protected_terms.comparison(person.id, TODAY)
    point = next(r for r in rows if r.term == "Your pay point")  # what the person sees before choosing
    assert (point.protected, point.lead.split(" (")[0]) == (f"SCP {scp}", f"SCP {expected_scp}")

    election = protected_terms.record_election(person.id, elected_on, True, TODAY)
    protected_terms.countersign(election.id)

    assert picture_on(person.id, elected_on - timedelta(days=1)).assignment.scp == scp
    assert picture_on(person.id, elected_on).assignment.scp == expected_scp
    protections = db.session.scalars(select(Protection).where(Protection.employee_id == person.id)).all()
    if protected:
        (protection,) = protections
        assert (protection.start_date, protection.source, protection.old_scp, protection.new_scp) == (
            elected_on, "harmonisation", scp, expected_scp)
        assert protection.old_salary > protection.new_salary
    else:
        assert protections == []
    records = db.session.scalars(select(Assignment).join(Employment).where(Employment.employee_id == person.id)
                                 .order_by(Assignment.effective_from)).all()
    assert [(r.effective_from, r.scp) for r in records if r.effective_from >= ON] == (
        [(ON, scp)] if expected_scp == scp else [(ON, scp), (elected_on, expected_scp)])
