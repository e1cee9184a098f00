"""Dated grading (issue 13): a change of bands from a future date changes no grade and no pay
before it and applies from it; HR's preview names each post and person it affects; a lowering
protects from the date under the council's policy, a raise moves the point to the new minimum;
and `hrtool check` reports grade rows altered behind the app's back and people outside their
grade.

Hand-worked from the illustrative CCDC bands (hrtool/reference_data/grade_conventions_illustrative.csv):
G is 415-454 points on SCP 24-26, H is 455-494 points on SCP 27-29. The change tried widens G to
474 points (so 455-474 falls from H to G), or, for a raise, starts H at 450 points (so 450-454
rises from G to H)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text

from hrtool.domain.grading import GradeBand
from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import Assignment, GradeConvention, Policy, PostGrade, Protection, TermsRecord, Transfer
from hrtool.services.pay import conventions, post_grades
from hrtool.services.people import employee_search
from hrtool.services.people.posts import bands_on
from hrtool.services.people.records import picture_on
from hrtool.services.platform import check

from ..factories import assign, council, employ, evaluate, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date.today()
FUTURE = date(TODAY.year + 1, 4, 1)  # always after today: the next pay year but one at the latest
EVE = FUTURE - timedelta(days=1)


def ccdc_bands(**changes: tuple[int, int]) -> list[GradeBand]:
    bands = bands_on(council("CCDC").id, date(2024, 6, 1))
    return [GradeBand(b.grade, *changes.get(b.grade, (b.points_min, b.points_max)), b.scp_min, b.scp_max) for b in bands]


LOWER = {"G": (415, 474), "H": (475, 494)}  # 455-474 points: H -> G
RAISE = {"G": (415, 449), "H": (450, 494)}  # 450-454 points: G -> H


def holder(post, scp: int, *, start: date = date(2020, 4, 6), protected: bool = False, name: str = ""):
    person = make_employee(last_name=name or f"Holder{scp}")
    employment = employ(person, "CCDC", start)
    assign(employment, post, start, scp=scp)
    if protected:
        transfer_id = db.session.scalar(select(Transfer.id).order_by(Transfer.id).limit(1))
        db.session.add(TermsRecord(employment_id=employment.id, basis="protected", transfer_id=transfer_id,
                                   terms_council_id=council("SBC").id, effective_from=start, reason="test"))
        db.session.flush()
    else:
        own_terms(employment, start)
    return person


def points(person, on: date) -> int | None:
    picture = picture_on(person.id, on)
    return picture.assignment.scp if picture and picture.assignment else None


def test_a_future_band_change_changes_nothing_before_its_date_and_applies_from_it():
    post = make_post("CCDC", je_score=468, title="Senior Licensing Officer")  # H today
    person = holder(post, 29)
    pay_before = [picture_on(person.id, d).salary for d in (TODAY, EVE)]
    changed = conventions.change_bands(council("CCDC").id, FUTURE, "CCDC grading ahead", "", ccdc_bands(**LOWER),
                                       "Pay review")
    db.session.expire_all()
    # Today's grade and pay are untouched; the new grade is a row written ahead, from its date.
    assert post.grade == "H"
    assert (post_grades.grade_on(post.id, EVE), post_grades.grade_on(post.id, FUTURE)) == ("H", "G")
    assert [picture_on(person.id, d).salary for d in (TODAY, EVE)] == pay_before
    assert (points(person, TODAY), points(person, EVE), points(person, FUTURE)) == (29, 29, 26)
    assert picture_on(person.id, FUTURE).grade == "G" and picture_on(person.id, TODAY).grade == "H"
    [effect] = [e for e in changed.regraded if e.post_id == post.id]
    assert (effect.on, effect.old_grade, effect.new_grade) == (FUTURE, "H", "G")
    # The post page's words: today's grade, then the change ahead.
    assert post_grades.status(post.id, TODAY).words(post) == (
        f"H (Cannock Chase grading); Grade G from {FUTURE.day} April {FUTURE.year}")


def test_a_lowering_protects_from_the_effective_date_under_the_councils_policy():
    post = make_post("CCDC", je_score=468)
    person = holder(post, 29, name="Lowered")
    within = holder(post, 25, name="Within")
    conventions.change_bands(council("CCDC").id, FUTURE, "CCDC grading ahead", "", ccdc_bands(**LOWER), "Pay review")
    record = db.session.scalars(select(Protection).where(Protection.employee_id == person.id)).one()
    assert db.session.scalar(select(Protection.id).where(Protection.employee_id == within.id)) is None
    assert (record.start_date, record.source, record.old_grade, record.new_grade, record.old_scp, record.new_scp) == (
        FUTURE, "regrade", "H", "G", 29, 26)
    policy = db.session.get(Policy, record.policy_id)
    assert (policy.council_id, policy.kind, policy.body["kind"]) == (council("CCDC").id, "pay_protection", "tapered")
    # The latest spine held is 2024/25 (reference data): SCP 29 £38,626, SCP 26 £36,124, a
    # difference of £2,502 a year. CCDC's tapered policy pays all of it for 12 months, then half
    # for 12: £2,502 / 12 = £208.50 a month, then £104.25, for a 37-hour week.
    payments = {f"{m.month:%Y-%m}": m.payment for m in record.months}
    first = f"{FUTURE:%Y-%m}"
    assert min(payments) == first and payments[first] == Decimal("208.50")
    assert payments[f"{FUTURE.year + 1}-04"] == Decimal("104.25")


def test_a_raise_moves_the_point_to_the_new_minimum_without_protection():
    post = make_post("CCDC", je_score=452)  # G (415-454) today; H (450-494) under the raise
    person = holder(post, 25, name="Raised")
    top = holder(post, 28, name="Already")  # outside G today already; within H from the date
    changed = conventions.change_bands(council("CCDC").id, FUTURE, "CCDC raise", "", ccdc_bands(**RAISE), "Review")
    assert (points(person, EVE), points(person, FUTURE)) == (25, 27)  # H's lowest point is 27
    assert points(top, FUTURE) == 28
    assert db.session.scalar(select(func.count()).select_from(Protection)
                             .where(Protection.employee_id.in_([person.id, top.id]))) == 0
    [effect] = [e for e in changed.regraded if e.post_id == post.id]
    assert {h.person_number: (h.outcome, h.new_scp) for h in effect.holders} == {
        person.person_number: ("up", 27), top.person_number: ("none", None)}


def test_the_preview_lists_the_right_posts_and_people_and_changes_nothing():
    falls = make_post("CCDC", je_score=468, title="Falls")  # H -> G
    stays_h = make_post("CCDC", je_score=480, title="Stays H")  # H under both
    stays_g = make_post("CCDC", je_score=420, title="Stays G")  # G under both
    vacant = make_post("CCDC", je_score=460, title="Vacant falls")  # H -> G, nobody in it
    above = holder(falls, 29, name="Above")
    inside = holder(falls, 24, name="Inside")
    tupe = holder(falls, 29, protected=True, name="Tupe")
    holder(stays_h, 29, name="Unaffected")
    versions = db.session.scalar(select(func.count()).select_from(GradeConvention))
    records = db.session.scalar(select(func.count()).select_from(Assignment))
    preview = conventions.preview_bands(council("CCDC").id, FUTURE, ccdc_bands(**LOWER))
    mine = {e.post_id: e for e in preview.plan.posts if e.post_id in (falls.id, stays_h.id, stays_g.id, vacant.id)}
    assert set(mine) == {falls.id, vacant.id}
    assert (mine[vacant.id].old_grade, mine[vacant.id].new_grade, mine[vacant.id].holders) == ("H", "G", ())
    effect = mine[falls.id]
    assert (effect.on, effect.old_grade, effect.new_grade, effect.new_band.scp_min, effect.new_band.scp_max) == (
        FUTURE, "H", "G", 24, 26)
    rows = {h.person_number: (h.scp, h.outside, h.outcome, h.new_scp) for h in effect.holders}
    assert rows == {above.person_number: (29, True, "down", 26), inside.person_number: (24, False, "none", None),
                    tupe.person_number: (29, True, "protected terms", None)}
    assert "with pay protection under" in next(h for h in effect.holders if h.outcome == "down").follows
    assert not preview.plan.problems
    # Nothing written.
    assert db.session.scalar(select(func.count()).select_from(GradeConvention)) == versions
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == records
    assert post_grades.grade_on(falls.id, FUTURE) == "H"


def test_a_confirmation_is_refused_if_the_people_affected_changed_since_the_check():
    post = make_post("CCDC", je_score=468)
    preview = conventions.preview_bands(council("CCDC").id, FUTURE, ccdc_bands(**LOWER))
    holder(post, 29, name="Arrived")
    db.session.commit()  # someone else's change, saved before HR confirms
    with pytest.raises(DomainError, match="changed since you checked"):
        conventions.change_bands(council("CCDC").id, FUTURE, "CCDC grading ahead", "", ccdc_bands(**LOWER),
                                 "Pay review", expected=preview.fingerprint)
    assert post_grades.grade_on(post.id, FUTURE) == "H"  # rolled back whole


def test_a_back_dated_change_fits_later_records_too_and_leaves_no_one_outside_their_grade():
    start = date(2025, 1, 1)
    post = make_post("CCDC", je_score=468)
    person = holder(post, 29, start=date(2019, 4, 1), name="Backdated")
    # An increment-like later record from 1 June 2025, still on SCP 29.
    first = db.session.scalars(select(Assignment).where(Assignment.post_id == post.id)).one()
    first.effective_to = date(2025, 5, 31)
    db.session.add(Assignment(employment_id=first.employment_id, post_id=post.id, effective_from=date(2025, 6, 1),
                              scp=29, hours_per_week=Decimal("30"), reason="Change of hours"))
    db.session.flush()
    conventions.change_bands(council("CCDC").id, start, "CCDC grading 2025", "", ccdc_bands(**LOWER), "Back-dated")
    assert [points(person, d) for d in (date(2024, 12, 31), start, date(2025, 6, 1), TODAY)] == [29, 26, 26, 26]
    for day in (start, date(2025, 6, 1), TODAY):
        drift = [d for d in check.run(day, ["person_grades"]).drift if d.id == f"person {person.person_number}"]
        assert drift == [], day
    assert db.session.scalar(select(Protection.start_date).where(Protection.employee_id == person.id)) == start


def test_a_re_evaluation_from_a_date_moves_and_protects_from_that_date():
    # 468 points (H) re-evaluated to 430 (G) on 1 September 2025: SCP 28 moves to G's top, 26.
    post = make_post("CCDC", je_score=468)
    person = holder(post, 28, name="Reevaluated")
    evaluate(post, "CCDC", 430, date(2025, 9, 1), TODAY, "Duties reduced")
    assert (post_grades.grade_on(post.id, date(2025, 8, 31)), post_grades.grade_on(post.id, date(2025, 9, 1))) == (
        "H", "G")
    assert (points(person, date(2025, 8, 31)), points(person, date(2025, 9, 1))) == (28, 26)
    assert db.session.scalar(select(Protection.source).where(Protection.employee_id == person.id)) == "re-evaluation"


def test_the_employee_search_filters_on_the_grade_on_its_date():
    post = make_post("CCDC", je_score=468)
    person = holder(post, 25, name="Searchable")
    conventions.change_bands(council("CCDC").id, FUTURE, "CCDC grading ahead", "", ccdc_bands(**LOWER), "Pay review")

    def found(grade: str, on: date) -> bool:
        ids = db.session.scalars(employee_search.person_ids(
            employee_search.EmployeeFilters(q=person.person_number, grade=grade), on)).all()
        return person.id in ids

    assert (found("H", TODAY), found("G", TODAY), found("G", FUTURE), found("H", FUTURE)) == (True, False, True, False)


def test_a_grade_row_altered_with_sql_is_reported_by_the_check():
    post = make_post("CCDC", je_score=468)
    assert [d for d in check.run(TODAY, ["post_grades"]).drift if d.id == f"post {post.post_number}"] == []
    row = db.session.scalars(select(PostGrade).where(PostGrade.post_id == post.id)
                             .order_by(PostGrade.effective_from.desc()).limit(1)).one()
    db.session.execute(text("UPDATE post_grades SET grade = 'Z' WHERE id = :id"), {"id": row.id})
    report = check.run(TODAY, ["post_grades"])
    assert [(d.kind, d.id, d.field, d.held, d.recomputed) for d in report.drift] == [
        ("post_grades", f"post {post.post_number}", f"grade from {row.effective_from.isoformat()}", "Z", "H")]


def test_someone_outside_their_posts_grade_is_reported_by_the_check():
    post = make_post("CCDC", je_score=468)  # H: SCP 27-29
    person = holder(post, 20, name="Outside")
    tupe = holder(post, 20, protected=True, name="Kept")  # protected terms: their own pay, not checked
    drift = [d for d in check.run(TODAY, ["person_grades"]).drift
             if d.id in (f"person {person.person_number}", f"person {tupe.person_number}")]
    assert [(d.id, d.held, d.recomputed) for d in drift] == [
        (f"person {person.person_number}", "SCP 20", "H: SCP 27 to 29")]


def test_the_demo_data_keeps_everyone_within_their_grade_and_every_grade_row_true():
    report = check.run(TODAY, ["post_grades", "person_grades"])
    assert report.ok, report.drift[:10]
    assert report.checked["post_grades"] > 100 and report.checked["person_grades"] > 50


def test_what_follows_says_when_a_move_up_puts_back_the_point_a_move_down_took():
    from hrtool.services.pay.regrading import UP, HolderEffect

    restored = HolderEffect(1, 1, "P1", "A Person", 1, date(2024, 6, 3), 23, 25, True, UP, restores=True)
    assert restored.follows == ("Goes back to SCP 25 from 3 June 2024, the point held before the move down from "
                                "that date")
    plain = HolderEffect(1, 1, "P1", "A Person", 1, date(2024, 6, 3), 21, 24, True, UP)
    assert plain.follows == "Moves up to SCP 24 from 3 June 2024"
