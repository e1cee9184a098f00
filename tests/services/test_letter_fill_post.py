"""A notice of transfer names the person's post on the day before the transfer (or on the day it
is issued, if earlier). Issue 17 reads that post with one query instead of the whole position
(salary, spine, grade) `records.picture_on` works out: the letter must say the same."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.models import Service, TransferMember
from hrtool.services.letters import letters
from hrtool.services.letters.letter_fields import fill
from hrtool.services.people.records import picture_on
from hrtool.services.tupe import transfer_changes

from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

pytestmark = pytest.mark.usefixtures("ctx")
PLANNED_ON = date(2026, 8, 3)
TRANSFER_ON = date(2026, 12, 1)
VALUES = {"legal_basis": "tupe", "reasons": "The councils share the service under the lead authority model.",
          "implications": "Staff keep their terms and continuity of service.",
          "transferor_measures": "", "transferor_measures_none": True,
          "transferee_measures": "None.", "transferee_measures_none": False,
          "agency_workers": "None."}


@pytest.fixture
def cohort():
    """Three people in SBC's (made-up) Test Crematoria service, transferring on 1 December 2026:
    one stays a Bereavement Officer; one is promoted from 1 November (before the transfer); one
    is promoted from the transfer day itself (after the day before)."""
    db.session.add(Service(name="Test Crematoria", area="Operations"))
    db.session.flush()
    officer = make_post("SBC", "Test Crematoria", title="Bereavement Officer", je_score=300)
    senior = make_post("SBC", "Test Crematoria", title="Senior Bereavement Officer", je_score=380)
    people = {}
    for name, promoted in (("Stays", None), ("Before", date(2026, 11, 1)), ("OnTheDay", TRANSFER_ON)):
        employee = make_employee(last_name=f"Urn{name}")
        employment = employ(employee, "SBC", date(2015, 4, 1))
        own_terms(employment, date(2015, 4, 1))
        if promoted is None:
            assign(employment, officer, date(2015, 4, 1), None, scp=12, hours="37")
        else:
            assign(employment, officer, date(2015, 4, 1), date.fromordinal(promoted.toordinal() - 1), scp=12,
                   hours="37")
            assign(employment, senior, promoted, None, scp=18, hours="37")
        people[name] = employee
    transfer = transfer_changes.plan_transfer({
        **VALUES, "service_id": service("Test Crematoria").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": TRANSFER_ON}, PLANNED_ON)
    members = {m.employee_id: m for m in db.session.scalars(
        select(TransferMember).where(TransferMember.transfer_id == transfer.id))}
    return {name: members[e.id] for name, e in people.items()}


@pytest.mark.parametrize(("issued_on", "expected"), [
    # Issued in August: the post held then (nobody promoted yet).
    (PLANNED_ON, {"Stays": "Bereavement Officer", "Before": "Bereavement Officer", "OnTheDay": "Bereavement Officer"}),
    # Issued after the transfer: the post held on 30 November, the day before it.
    (date(2026, 12, 10), {"Stays": "Bereavement Officer", "Before": "Senior Bereavement Officer",
                          "OnTheDay": "Bereavement Officer"}),
])
def test_a_notice_of_transfer_names_the_post_held_the_day_before(cohort, issued_on, expected):
    for name, member in cohort.items():
        filled = fill("transfer_notice", member.id, None, issued_on)
        assert filled.fields["employee"]["post"] == expected[name], name
        # The same post as the whole position on that day gives.
        as_at = min(issued_on, date(2026, 11, 30))
        assert filled.fields["employee"]["post"] == picture_on(member.employee_id, as_at).post.title


def test_the_rendered_letter_says_the_post(cohort):
    member = cohort["Before"]
    template = letters.latest(letters.template_by_key("transfer_notice"))
    prepared = letters.prepare(letters.Target("transfer_notice", member.id), template, date(2026, 12, 10),
                               "HR-TEST-000001", ("Human Resources", "Shared HR service"))
    assert prepared.pdf.startswith(b"%PDF")
    assert prepared.filled.fields["employee"]["post"] == "Senior Bereavement Officer"


def test_a_batch_reads_the_shared_records_once(app, cohort):
    """The transfer, its service and councils, and the cohort's people are read for the first
    letters of a batch; after that each notice of transfer makes one query (the person's post)."""
    from sqlalchemy import event

    template = letters.latest(letters.template_by_key("transfer_notice"))
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    def make(member, number):
        return letters.prepare(letters.Target("transfer_notice", member.id), template, PLANNED_ON,
                               f"HR-TEST-{number:06d}", ("Human Resources", "Shared HR service"))

    members = list(cohort.values())
    ids = [m.id for m in members]
    db.session.expire_all()  # as a new batch finds them: nothing loaded yet
    first = [make(db.session.get(TransferMember, i), n) for n, i in enumerate(ids[:2], start=1)]
    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        third = letters.prepare(letters.Target("transfer_notice", ids[2]), template, PLANNED_ON, "HR-TEST-000003",
                                ("Human Resources", "Shared HR service"))
        again = letters.prepare(letters.Target("transfer_notice", ids[0]), template, PLANNED_ON, "HR-TEST-000004",
                                ("Human Resources", "Shared HR service"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements  # one each: the post on the day
    # ... and they say what the first letters said about the same people.
    assert again.filled.fields == {**first[0].filled.fields, "letter": again.filled.fields["letter"]}
    assert third.filled.fields["employee"]["post"] == "Bereavement Officer"
