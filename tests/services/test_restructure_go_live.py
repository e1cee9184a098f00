"""The senior restructure goes live (issue 15): its proposed posts join the establishment on 1
April 2027, the old posts close on 31 March 2027, each person appointed moves into their new
post as a dated change (the old record closed, not overwritten), pay protection follows where
pay falls, and the charts, the costing and the employees list agree afterwards. Implemented
once; refused with problems, or with people not appointed unless HR gives a reason; undone
before the date, exactly.

The demo's current postholders (tests/services/test_restructures.py shows the costing's
working): Chief Executives CCDC £119,500 and SBC £126,500; Heads of Service CCDC £78,400 and
SBC £79,800 (local salaries, full-time, 37 hours).
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import Appointment, Assignment, AuditEvent, Council, Post, Protection, ProtectionMonthRow, StructurePost
from hrtool.models.restructures import Implementation
from hrtool.services.people import employee_search
from hrtool.services.people.employees import AssignmentChange, change_assignment
from hrtool.services.restructures import restructure_go_live as go_live
from hrtool.services.restructures import restructures as service
from hrtool.services.restructures.restructure_costing import costing

TODAY = date(2026, 11, 22)
NAME = "Senior structure 2023"
STARTS = date(2027, 4, 1)
DAY_BEFORE = date(2027, 3, 31)

# (current post title starts with, council, new post, full-time salary from 1 April 2027)
APPOINTED = [
    ("Chief Executive", "SBC", "Chief Executive (Head of Paid Service)", Decimal(140000)),  # 126,500 -> 140,000
    ("Head of Economic Prosperity", "CCDC", "Head of Economic Development and Planning", Decimal(80000)),
    ("Head of Operations", "SBC", "Head of Operations", Decimal(77000)),  # 79,800 -> 77,000: protected
    ("Head of Environment and Healthy Lifestyles", "CCDC", "Head of Wellbeing", Decimal(76000)),  # 78,400 -> 76,000
    ("Head of Housing and Partnerships", "CCDC", "Head of Housing HRA and Corporate Assets", Decimal(78400)),
    ("Head of Communities", "SBC", "Head of Regulatory Services", Decimal(80000)),
    ("Head of Governance and Corporate Services", "CCDC", "Head of Transformation", Decimal(79000)),
    ("Head of Law and Administration", "SBC", "Head of Law and Governance and Monitoring Officer", Decimal(75000)),
]
NOT_APPOINTED = ["Chief Executive (Cannock", "Head of Finance", "Head of Development", "Head of Human Resources"]


@pytest.fixture
def senior(ctx):
    return service.by_name(NAME)


def _holder(restructure, title_start, code):
    return next(h for h in service.holders(restructure, TODAY)
                if h.post.title.startswith(title_start) and h.employer.code == code)


def _proposed(restructure, title):
    return next(p for p in restructure.posts if p.side == "proposed" and p.title == title)


def _council(code):
    return db.session.scalar(select(Council).where(Council.code == code))


def _appoint_all(restructure):
    people = {}
    for start, code, title, salary in APPOINTED:
        holder = _holder(restructure, start, code)
        service.record_appointment(restructure, {
            "proposed_post_id": _proposed(restructure, title).id, "employee_id": holder.employee.id,
            "outcome": "appointed", "start_date": STARTS, "salary": salary}, TODAY)
        people[title] = holder
    return people


def _decide_deputies(restructure):
    """The deputies' posts are vacant, so HR decides their employer (the lead authority model)."""
    for title, code in (("Deputy Chief Executive - Place", "SBC"),
                        ("Deputy Chief Executive - Resources and s151 Officer", "CCDC")):
        post = _proposed(restructure, title)
        service.update_post(post, {**service.values_of(post), "employer_id": _council(code).id})


def _ready(restructure):
    people = _appoint_all(restructure)
    _decide_deputies(restructure)
    return people


def _raise_before_the_date(holder):
    """A pay rise for someone after their appointment was recorded (79,800 -> 81,000 from 1 January
    2027): on the day before, their pay is more than the new post's, and no protection was
    recorded with the appointment, so implementing creates one."""
    change_assignment(holder.assignment_id, AssignmentChange(date(2027, 1, 1), holder.post.post_id, Decimal(37),
                                                             None, Decimal(81000), "Honorarium made permanent"))


def _in_force(employee_id, on):
    from hrtool.services.people.employees import current_assignment

    return current_assignment(employee_id, on)


def test_preview_lists_posts_moves_and_what_stands_in_the_way(senior):
    people = _appoint_all(senior)
    found = go_live.plan(senior, TODAY)
    assert found.day_before == DAY_BEFORE
    # The deputies' posts are vacant with no employer decided: that blocks (a post needs one).
    assert len(found.problems) == 2 and all("choose its employer" in p for p in found.problems)
    assert not found.can_implement
    _decide_deputies(senior)
    found = go_live.plan(senior, TODAY)
    assert found.problems == () and found.can_implement
    # 10 new posts; the Chief Executive's employer follows from its appointee (SBC).
    assert len(found.new_posts) == 10
    chief = next(n for n in found.new_posts if n.structure_post.title.startswith("Chief Executive"))
    assert chief.council.code == "SBC" and chief.post_number.startswith("SB") and chief.pay == "£140,000"
    # Four people have no appointment: they need HR's reason, and keep their old posts open.
    assert len(found.gaps) == 4 and all("no appointment" in g for g in found.gaps)
    assert sum(1 for c in found.closing if c.closes_on == DAY_BEFORE) == 8
    assert sum(1 for c in found.closing if c.closes_on is None) == 4
    # Vacant new posts are only shown.
    assert any("Deputy Chief Executive - Place: nobody is appointed yet" in n for n in found.notes)
    ops = next(m for m in found.moves if m.employee.id == people["Head of Operations"].employee.id)
    # 79,800 -> 77,000: pay falls, and the protection was recorded with the appointment.
    assert ops.old_pay == Decimal(79800) and ops.new_pay == Decimal(77000) and ops.pay_falls
    # 79,800 - 77,000 = 2,800.
    assert ops.protection == ("Recorded with the appointment: a reduction of £2,800.00 a year full-time, "
                              "protected from 1 April 2027 under SBC pay protection")
    # A rise after the appointment: 81,000 - 80,000 = 1,000 a year full-time, protected under
    # SBC's policy in force on 1 April 2027.
    _raise_before_the_date(people["Head of Regulatory Services"])
    found = go_live.plan(senior, TODAY)
    regulatory = next(m for m in found.moves if m.new_post.title == "Head of Regulatory Services")
    assert (regulatory.old_pay, regulatory.new_pay, regulatory.protection_id) == (Decimal(81000), Decimal(80000), None)
    assert regulatory.protection == "A reduction of £1,000.00 a year full-time, protected under SBC pay protection"


def test_implementing_moves_everyone_from_the_date_and_protects_where_pay_falls(senior):
    people = _ready(senior)
    _raise_before_the_date(people["Head of Regulatory Services"])
    law_protection = db.session.scalar(select(Protection).where(
        Protection.employee_id == people["Head of Law and Governance and Monitoring Officer"].employee.id))
    with pytest.raises(DomainError) as error:
        go_live.implement(senior, "Council decision 12 March 2027", today=TODAY)
    assert error.value.field == "gaps_reason"
    record = go_live.implement(senior, "Council decision 12 March 2027",
                               "Head of Finance and others: redundancy consultation continues", today=TODAY)
    assert senior.status == "implemented" and record.implemented_at is not None
    opened = go_live.established_posts(senior)
    assert len(opened) == 10 and all(p.established_on == STARTS and p.closed_on is None for p in opened.values())
    for _start, _code, title, salary in APPOINTED:
        person = people[title].employee
        old_post_id = people[title].post.post_id
        before, after = _in_force(person.id, DAY_BEFORE), _in_force(person.id, STARTS)
        # History kept: the old record ends on 31 March, the new one starts on 1 April.
        assert before.post_id == old_post_id and before.effective_to == DAY_BEFORE
        assert after.post_id == opened[_proposed(senior, title).id].id and after.effective_from == STARTS
        assert after.local_salary == salary and after.hours_per_week == before.hours_per_week
        assert db.session.get(Post, after.post_id).council_id == people[title].employer.id
        assert db.session.get(Post, old_post_id).closed_on == DAY_BEFORE
    # The four not appointed are where they were, and their posts stay open.
    for start in NOT_APPOINTED:
        holder = next(h for h in service.holders(senior, TODAY) if h.post.title.startswith(start))
        assert _in_force(holder.employee.id, STARTS).post_id == holder.post.post_id
        assert db.session.get(Post, holder.post.post_id).closed_on is None
    # Head of Operations (SBC, cash-frozen 36 months): protected salary 79,800, new 77,000, so
    # 2,800 a year is paid in full: 2,800 / 12 = 233.33 a month.
    ops = db.session.scalar(select(Protection).where(Protection.employee_id == people["Head of Operations"].employee.id))
    assert (ops.old_salary, ops.new_salary, ops.source, ops.start_date) == (
        Decimal(79800), Decimal(77000), "restructure", STARTS)
    assert ops.new_post_id == opened[_proposed(senior, "Head of Operations").id].id
    first = db.session.scalar(select(ProtectionMonthRow).where(ProtectionMonthRow.protection_id == ops.id)
                              .order_by(ProtectionMonthRow.month))
    assert (first.month, first.payment) == (STARTS, Decimal("233.33"))
    # Head of Wellbeing (CCDC, tapered): 78,400 - 76,000 = 2,400 fixed; 12 months in full (200.00
    # a month), then 12 at half (100.00).
    wellbeing = db.session.scalar(select(Protection).where(
        Protection.employee_id == people["Head of Wellbeing"].employee.id))
    months = db.session.scalars(select(ProtectionMonthRow).where(ProtectionMonthRow.protection_id == wellbeing.id)
                                .order_by(ProtectionMonthRow.month)).all()
    assert [m.payment for m in months[:1] + months[12:13]] == [Decimal("200.00"), Decimal("100.00")]
    assert len(months) == 24
    # Head of Regulatory Services: 81,000 on the day before -> 80,000, protected by implementing
    # (SBC, cash-frozen): 1,000 / 12 = 83.33 a month.
    regulatory = db.session.scalar(select(Protection).where(
        Protection.employee_id == people["Head of Regulatory Services"].employee.id))
    assert (regulatory.old_salary, regulatory.new_salary, regulatory.start_date) == (
        Decimal(81000), Decimal(80000), STARTS)
    assert regulatory.new_post_id == opened[_proposed(senior, "Head of Regulatory Services").id].id
    assert db.session.scalar(select(ProtectionMonthRow.payment).where(
        ProtectionMonthRow.protection_id == regulatory.id, ProtectionMonthRow.month == STARTS)) == Decimal("83.33")
    # Pay did not fall for the others: no protection.
    for title in ("Chief Executive (Head of Paid Service)", "Head of Housing HRA and Corporate Assets"):
        assert db.session.scalar(select(Protection.id).where(
            Protection.employee_id == people[title].employee.id)) is None
    # The protection recorded with the appointment now names the new post.
    assert law_protection.new_post_id == opened[_proposed(senior, "Head of Law and Governance and Monitoring Officer").id].id
    kinds = [c.kind for c in record.changes]
    assert kinds.count("post_opened") == 10 and kinds.count("moved") == 8 and kinds.count("post_closed") == 8
    assert kinds.count("protection_created") == 1 and kinds.count("protection_linked") == 3


def test_implemented_only_once_and_audited(senior):
    people = _ready(senior)
    go_live.implement(senior, "Council decision", "Consultation continues for the others", today=TODAY)
    with pytest.raises(DomainError, match="can be implemented only once"):
        go_live.implement(senior, "Again", "Again", today=TODAY)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "restructure",
                                                       AuditEvent.action == "implement"))
    assert event.reason == "Council decision" and len(event.after["people_moved"]) == 8
    assert event.after["gaps_reason"] == "Consultation continues for the others"
    chief = people["Chief Executive (Head of Paid Service)"].employee
    per_person = db.session.scalars(select(AuditEvent).where(AuditEvent.employee_id == chief.id,
                                                             AuditEvent.entity_type == "assignment")).all()
    assert {e.action for e in per_person} == {"update", "create"}
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "post",
                                                         AuditEvent.action == "create")) is not None


def test_charts_costing_and_employees_list_agree_afterwards(senior):
    people = _ready(senior)
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    result = costing(senior, TODAY)
    # The "before" stays the old structure: 12.0 FTE, £1,328,000; after 10.0 FTE, £1,240,000.
    assert (result.before.fte, result.before.cost) == (Decimal(12), Decimal(1328000))
    assert (result.after.fte, result.after.cost) == (Decimal(10), Decimal(1240000))
    opened = go_live.established_posts(senior)
    # The costing's after lines are the posts now in the establishment, FTE for FTE.
    assert {line.post.id for line in result.after.lines} == set(opened)
    assert sum((p.fte for p in opened.values()), Decimal(0)) == result.after.fte
    # With no budget, a post is costed from who now holds it: Head of Operations 77,000 x 1.28
    # (on-costs 28%) = 98,560.00, not the top of its band (85,000 x 1.28 = 108,800.00).
    ops = _proposed(senior, "Head of Operations")
    ops.budget = None
    line = next(line for line in costing(senior, TODAY).after.lines if line.post.id == ops.id)
    assert line.cost == Decimal("98560.00") and "77,000.00" in line.arithmetic
    # The new chart shows who holds each new post; the old still shows the old holders.
    new_chart = {n.post.title: n for n in _walk(service.chart(senior, "proposed", TODAY))}
    chief = people["Chief Executive (Head of Paid Service)"].employee
    assert [h.employee.id for h in new_chart["Chief Executive (Head of Paid Service)"].holders] == [chief.id]
    assert new_chart["Deputy Chief Executive - Place"].holders == []
    old_chart = _walk(service.chart(senior, "current", TODAY))
    assert sum(len(n.holders) for n in old_chart) == 12
    # The employees list on the date shows the Chief Executive in the new post.
    rows = db.session.execute(employee_search.search(employee_search.EmployeeFilters(q=chief.last_name), STARTS)).all()
    row = next(r for r in rows if r[0].id == chief.id)
    assert row[3].id == opened[_proposed(senior, "Chief Executive (Head of Paid Service)").id].id


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def test_problems_block_whatever_the_reason(senior):
    people = _ready(senior)
    # A change already recorded after the date for an appointee would be overwritten: blocks.
    ops = people["Head of Operations"]
    change_assignment(ops.assignment_id, AssignmentChange(date(2027, 6, 1), ops.post.post_id, Decimal(30), None,
                                                          Decimal(79800), "Reduced hours"))
    found = go_live.plan(senior, TODAY)
    assert any("already recorded from 1 June 2027" in p for p in found.problems)
    with pytest.raises(DomainError, match="cannot be implemented yet"):
        go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    assert senior.status != "implemented" and go_live.standing(senior) is None


def test_a_start_date_other_than_the_restructures_blocks(senior):
    holder = _holder(senior, "Head of Operations", "SBC")
    service.record_appointment(senior, {"proposed_post_id": _proposed(senior, "Head of Operations").id,
                                        "employee_id": holder.employee.id, "outcome": "appointed",
                                        "start_date": date(2027, 5, 1), "salary": Decimal(80000)}, TODAY)
    found = go_live.plan(senior, TODAY)
    assert any("starts on 1 May 2027, not on the restructure's date 1 April 2027" in p for p in found.problems)


def test_undo_before_the_date_puts_everything_back(senior):
    people = _ready(senior)
    _raise_before_the_date(people["Head of Regulatory Services"])
    law = people["Head of Law and Governance and Monitoring Officer"]
    law_protection_id = db.session.scalar(select(Protection.id).where(Protection.employee_id == law.employee.id))
    before_posts = db.session.scalar(select(db.func.count(Post.id)))
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    opened_ids = [p.id for p in go_live.established_posts(senior).values()]
    with pytest.raises(DomainError) as error:
        go_live.undo(senior, "  ", today=TODAY)
    assert error.value.field == "undo_reason"
    with pytest.raises(DomainError, match="took effect on 1 April 2027"):
        go_live.undo(senior, "Too late", today=STARTS)
    go_live.undo(senior, "Implemented against the wrong decision", today=TODAY)
    assert senior.status == "consulting" and go_live.standing(senior) is None
    assert db.session.scalar(select(db.func.count(Post.id))) == before_posts
    assert all(db.session.get(Post, i) is None for i in opened_ids)
    for holder in people.values():
        record = _in_force(holder.employee.id, STARTS)
        assert record.post_id == holder.post.post_id and record.effective_to is None
        assert db.session.get(Post, holder.post.post_id).closed_on is None
    # The protection created by implementing is gone; those recorded with the appointments stay.
    regulatory = people["Head of Regulatory Services"].employee
    assert db.session.scalar(select(Protection.id).where(Protection.employee_id == regulatory.id)) is None
    kept = db.session.get(Protection, law_protection_id)
    assert kept is not None and kept.new_post_id is None and kept.employee_id == law.employee.id
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "undo")) is not None
    # It can be implemented again, once.
    go_live.implement(senior, "The right decision", "Consultation continues", today=TODAY)
    assert senior.status == "implemented"
    assert len(db.session.scalars(select(Implementation).where(Implementation.restructure_id == senior.id)).all()) == 2


def test_undo_refused_once_something_is_built_on_it(senior):
    people = _ready(senior)
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    chief = people["Chief Executive (Head of Paid Service)"]
    new = _in_force(chief.employee.id, STARTS)
    change_assignment(new.id, AssignmentChange(date(2027, 7, 1), new.post_id, new.hours_per_week, None,
                                               Decimal(140000) + 1, "Correction of salary"))
    check = go_live.undo_check(senior, TODAY)
    assert not check.possible and any("later change" in r for r in check.reasons)
    with pytest.raises(DomainError, match="cannot be undone"):
        go_live.undo(senior, "Wrong", today=TODAY)


def test_the_old_assignment_is_closed_not_overwritten(senior):
    people = _ready(senior)
    chief = people["Chief Executive (Head of Paid Service)"]
    old = db.session.get(Assignment, chief.assignment_id)
    started = old.effective_from
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    assert (old.effective_from, old.effective_to, old.local_salary) == (started, DAY_BEFORE, Decimal(126500))
    assert old.effective_to + timedelta(days=1) == STARTS


def test_cli_dry_run_then_implement_once(app):
    runner = app.test_cli_runner()
    blocked = runner.invoke(args=["restructure", "implement", NAME, "--dry-run"])
    assert blocked.exit_code == 1 and "Problem: Deputy Chief Executive - Place: choose its employer" in blocked.output
    with app.app_context():
        restructure = service.by_name(NAME)
        people = _ready(restructure)
        chief = people["Chief Executive (Head of Paid Service)"].employee
        chief_line = f"{chief.person_number} {chief.full_name}: "
    dry = runner.invoke(args=["restructure", "implement", NAME, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert chief_line in dry.output and "£126,500.00 to Chief Executive" in dry.output
    assert "Needs a reason (--gaps-reason)" in dry.output
    with app.app_context():
        assert go_live.standing(service.by_name(NAME)) is None  # the dry run changed nothing
    refused = runner.invoke(args=["restructure", "implement", NAME, "--reason", "Council decision"])
    assert refused.exit_code == 1 and "confirm that it goes ahead without them" in refused.output
    done = runner.invoke(args=["restructure", "implement", NAME, "--reason", "Council decision",
                               "--gaps-reason", "Consultation continues"])
    assert done.exit_code == 0 and "Implemented from 2027-04-01" in done.output
    again = runner.invoke(args=["restructure", "implement", NAME, "--dry-run"])
    assert again.exit_code == 1 and "can be implemented only once" in again.output
    undone = runner.invoke(args=["restructure", "undo-implementation", NAME, "--reason", "Wrong decision"])
    assert undone.exit_code == 0, undone.output
    unknown = runner.invoke(args=["restructure", "implement", "No such restructure", "--dry-run"])
    assert unknown.exit_code == 1 and "No restructure is named" in unknown.output


def test_a_post_of_another_employer_than_the_appointees_blocks(senior):
    _ready(senior)
    ops = _proposed(senior, "Head of Operations")  # its appointee is employed by SBC
    service.update_post(ops, {**service.values_of(ops), "employer_id": _council("CCDC").id})
    found = go_live.plan(senior, TODAY)
    assert any("employed by Stafford Borough but Head of Operations is Cannock Chase's post" in p
               for p in found.problems)


def test_once_implemented_the_structures_cannot_change(senior):
    people = _ready(senior)
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    place = _proposed(senior, "Deputy Chief Executive - Place")
    with pytest.raises(DomainError, match="is implemented"):
        service.record_appointment(senior, {"proposed_post_id": place.id, "external_name": "A Candidate",
                                            "outcome": "appointed", "start_date": STARTS,
                                            "salary": Decimal(100000)}, TODAY)
    with pytest.raises(DomainError, match="is implemented"):
        service.update_post(place, {**service.values_of(place), "title": "Deputy Chief Executive (Place)"})
    with pytest.raises(DomainError, match="is implemented"):
        service.run_engine(senior, TODAY)
    hr = _holder(senior, "Head of Human Resources", "SBC")
    with pytest.raises(DomainError, match="is implemented"):
        service.save_matches(senior, {(hr.post.id, _proposed(senior, "Head of Transformation").id): (72, "")})
    assert people  # the people moved are untouched by the refusals


def _graded_restructure():
    """A small restructure of an officer post paid on the NJC spine: its one holder is appointed
    to a graded new post (no local band), so the move is to a spinal column point."""
    from hrtool.services.people.records import spine_on

    held = (select(Assignment.post_id).where(Assignment.effective_to.is_(None)).group_by(Assignment.post_id)
            .having(db.func.count(Assignment.id) == 1))
    assignment, post = db.session.execute(select(Assignment, Post).join(Post, Post.id == Assignment.post_id).where(
        Assignment.scp.is_not(None), Assignment.local_salary.is_(None), Assignment.effective_to.is_(None),
        Assignment.effective_from < DAY_BEFORE, Post.tier == "officer", Post.id.in_(held))
        .order_by(Assignment.id).limit(1)).first()
    restructure = service.create_restructure("Officer review 2027", "", STARTS)
    service.add_post(restructure, {"side": "current", "title": post.title, "post_number": post.post_number,
                                   "employer_id": post.council_id})
    new = service.add_post(restructure, {"side": "proposed", "title": f"Senior {post.title}", "grade": "Grade 7",
                                         "employer_id": post.council_id})
    holder = next(h for h in service.holders(restructure, TODAY) if h.employee.id == assignment.employment.employee_id)
    _, spine = spine_on(STARTS)
    return restructure, new, holder, assignment, spine


def test_a_graded_new_post_moves_the_person_to_the_spine_point_of_their_salary(ctx):
    restructure, new, holder, old, spine = _graded_restructure()
    point = old.scp + 2  # two points up: the spine's salary for that point in the pay year of 1 April 2027
    service.record_appointment(restructure, {"proposed_post_id": new.id, "employee_id": holder.employee.id,
                                             "outcome": "appointed", "start_date": STARTS,
                                             "salary": spine[point]}, TODAY)
    found = go_live.plan(restructure, TODAY)
    assert found.problems == () and found.gaps == ()
    move = found.moves[0]
    assert (move.scp, move.local_salary, move.new_pay) == (point, None, spine[point])
    go_live.implement(restructure, "Service review agreed", today=TODAY)
    after = _in_force(holder.employee.id, STARTS)
    assert (after.scp, after.local_salary, after.hours_per_week) == (point, None, old.hours_per_week)
    assert db.session.get(Post, after.post_id).title == f"Senior {old.post.title}"
    assert old.post.closed_on == DAY_BEFORE
    # Undone before the date: the evaluated old post reopens, the person is back on their point.
    go_live.undo(restructure, "The review is paused", today=TODAY)
    back = _in_force(holder.employee.id, STARTS)
    assert (back.id, back.scp, back.effective_to) == (old.id, old.scp, None) and old.post.closed_on is None


def test_a_salary_off_the_spine_cannot_go_into_a_graded_post(ctx):
    restructure, new, holder, old, spine = _graded_restructure()
    service.record_appointment(restructure, {"proposed_post_id": new.id, "employee_id": holder.employee.id,
                                             "outcome": "appointed", "start_date": STARTS,
                                             "salary": spine[old.scp + 2] + 1}, TODAY)
    found = go_live.plan(restructure, TODAY)
    assert any("is not a point of the pay spine" in p for p in found.problems)


def test_no_drift_after_implementing_and_after_undoing(senior):
    """Everything derived (post grades, protection schedules) is settled in the same unit of work:
    `hrtool check` recomputes it from the sources and finds what is held."""
    from hrtool.services.platform import check

    people = _ready(senior)
    _raise_before_the_date(people["Head of Regulatory Services"])
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    report = check.run(TODAY, ["post_grades", "protection_schedules"])
    assert report.drift == [] and report.checked["protection_schedules"] > 0
    go_live.undo(senior, "Wrong decision", today=TODAY)
    assert check.run(TODAY, ["post_grades", "protection_schedules"]).drift == []


def test_undo_refused_once_a_letter_confirms_the_protection_it_created(senior):
    from hrtool.services.letters import letters
    from hrtool.services.letters.letters import Target

    people = _ready(senior)
    _raise_before_the_date(people["Head of Regulatory Services"])
    record = go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    created = next(c.protection_id for c in record.changes if c.kind == "protection_created")
    letter = letters.issue_one(Target("pay_protection", created), TODAY)
    check = go_live.undo_check(senior, TODAY)
    assert not check.possible and any(f"letter {letter.reference} confirms the pay protection" in r
                                      for r in check.reasons)


def test_the_database_lets_only_one_implementation_stand(senior):
    """Two submissions at once both pass the service's check; the partial unique index (0016)
    refuses the second, and an undone implementation does not count."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    def row(undone=None):
        return Implementation(restructure_id=senior.id, effective_date=STARTS, status_before="consulting",
                              implemented_at=datetime.now(UTC), implemented_by="test", reason="r", gaps_reason="",
                              undone_at=undone, undone_by="", undo_reason="")

    db.session.add_all([row(datetime.now(UTC)), row()])
    db.session.flush()
    savepoint = db.session.begin_nested()
    db.session.add(row())
    with pytest.raises(IntegrityError):
        db.session.flush()
    savepoint.rollback()


def test_a_post_two_people_hold_stays_open_for_the_one_not_appointed(ctx):
    from hrtool.services.people.records import spine_on

    shared = (select(Assignment.post_id).where(Assignment.effective_to.is_(None)).group_by(Assignment.post_id)
              .having(db.func.count(Assignment.id) == 2))
    post = db.session.scalars(select(Post).where(Post.id.in_(shared), Post.tier == "officer").order_by(Post.id)).first()
    restructure = service.create_restructure("Shared post review 2027", "", STARTS)
    service.add_post(restructure, {"side": "current", "title": post.title, "post_number": post.post_number,
                                   "employer_id": post.council_id})
    new = service.add_post(restructure, {"side": "proposed", "title": f"Lead {post.title}", "grade": "Grade 8",
                                         "employer_id": post.council_id})
    first, second = service.holders(restructure, TODAY)
    before = _in_force(first.employee.id, DAY_BEFORE)
    _, spine = spine_on(STARTS)
    service.record_appointment(restructure, {"proposed_post_id": new.id, "employee_id": first.employee.id,
                                             "outcome": "appointed", "start_date": STARTS,
                                             "salary": spine[before.scp + 1]}, TODAY)
    found = go_live.plan(restructure, TODAY)
    (closing,) = found.closing
    assert closing.closes_on is None and closing.staying == (f"{second.employee.full_name} "
                                                             f"({second.employee.person_number})",)
    with pytest.raises(DomainError) as error:
        go_live.implement(restructure, "Review agreed", today=TODAY)
    assert error.value.field == "gaps_reason"
    go_live.implement(restructure, "Review agreed", "The second post-holder's role is being re-evaluated",
                      today=TODAY)
    assert post.closed_on is None  # still held
    assert _in_force(second.employee.id, STARTS).post_id == post.id
    assert _in_force(first.employee.id, STARTS).scp == before.scp + 1


def test_undo_refused_once_someone_else_is_put_in_a_new_post(senior):
    from ..factories import assign, employ, make_employee

    _ready(senior)
    go_live.implement(senior, "Council decision", "Consultation continues", today=TODAY)
    place = go_live.established_posts(senior)[_proposed(senior, "Deputy Chief Executive - Place").id]
    starter = employ(make_employee(), "SBC", STARTS)  # the external appointee, started in the new post
    assign(starter, place, STARTS, scp=None).local_salary = Decimal(100000)
    db.session.flush()
    check = go_live.undo_check(senior, TODAY)
    assert not check.possible and "Deputy Chief Executive - Place has other people's records in it now" in check.reasons


# The plan's named steps on their own, on hand-made rows (no database).

def _structure_post(grade="", band_min=None, band_max=None, recruitment="internal"):
    return StructurePost(id=3, title="Head of Place", grade=grade, band_min=band_min, band_max=band_max,
                         recruitment=recruitment)


SPINE = {20: Decimal(30000), 21: Decimal(31000), 22: Decimal(31000)}


@pytest.mark.parametrize("post, salary, got", [
    (_structure_post(grade="G7"), Decimal(31000), (21, None)),  # two points pay it: the lower
    (_structure_post(grade="G7"), Decimal(30500), (None, None)),  # off the spine: a problem
    (_structure_post(grade="G7", band_min=Decimal(30000)), Decimal(30500), (None, Decimal(30500))),  # a local band
    (_structure_post(band_min=Decimal(30000), band_max=Decimal(32000)), Decimal(31000), (None, Decimal(31000))),
])
def test_pay_point_of_a_graded_or_banded_post(post, salary, got):
    assert go_live._pay_point(salary, post, SPINE) == got


def test_new_post_notes_say_why_it_joins_vacant():
    assert go_live._new_post_notes(_structure_post(recruitment="external"), []) == [
        "Head of Place: nobody is appointed yet; it joins the establishment vacant, for the joint appointments "
        "panel (external recruitment)"]
    appointed = [Appointment(employee_id=4, external_name=""), Appointment(employee_id=None, external_name="J. Bloggs")]
    assert go_live._new_post_notes(_structure_post(), appointed) == [
        "J. Bloggs (external) is appointed to Head of Place: the post joins the establishment vacant; start them "
        "as a new starter in it"]
    assert go_live._new_post_notes(_structure_post(), appointed[:1]) == []


def test_findings_keep_a_problem_and_the_post_that_fixes_it_together():
    found = go_live._Findings()
    found.problem("first")
    found.problem("second", fix_post=3)
    assert (found.problems, found.fix) == (["first", "second"], [("second", 3)])
