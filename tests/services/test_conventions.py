"""Grade conventions: a change of bands is a new dated version; the past keeps its bands, posts
are re-graded under the new ones, and grade lookups at band edges under both councils."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.domain.grading import GradeBand
from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, GradeConvention
from hrtool.services.pay import conventions
from hrtool.services.pay.conventions import InvalidBands
from hrtool.services.pay.post_grades import grade_on
from hrtool.services.people.posts import bands_on
from hrtool.services.people.records import picture_on

from ..factories import assign, council, employ, make_employee, make_post

pytestmark = pytest.mark.usefixtures("ctx")

FROM = date(2025, 1, 1)


def ccdc_bands(**changes: tuple[int, int]) -> list[GradeBand]:
    """CCDC's illustrative bands with some points ranges moved: grade -> (points_min, points_max)."""
    bands = bands_on(council("CCDC").id, date(2024, 6, 1))
    return [GradeBand(b.grade, *changes.get(b.grade, (b.points_min, b.points_max)), b.scp_min, b.scp_max) for b in bands]


def test_a_change_adds_a_dated_version_and_keeps_the_past():
    ccdc = council("CCDC")
    old = conventions.in_force(ccdc.id, date(2024, 6, 1))
    old_bands = [(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max) for b in old.bands]
    changed = conventions.change_bands(ccdc.id, FROM, "CCDC grading 2025", "Factor 3 level 4 means ...",
                                       ccdc_bands(G=(415, 459), H=(460, 494)), "Pay review 2025")
    assert changed.closed is old and old.effective_to == FROM - timedelta(days=1)
    assert [(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max) for b in old.bands] == old_bands
    assert conventions.in_force(ccdc.id, FROM - timedelta(days=1)) is old
    assert conventions.in_force(ccdc.id, FROM) is changed.convention
    assert changed.convention.notes == "Factor 3 level 4 means ..."
    assert [c.name for c in conventions.history(ccdc.id)] == ["CCDC grading 2025", "CCDC grading (illustrative)"]
    # The same score earns H before the change and G from it.
    assert {r.council_code: r.grade.grade for r in conventions.lookup_grade(457, FROM - timedelta(days=1))}["CCDC"] == "H"
    assert {r.council_code: r.grade.grade for r in conventions.lookup_grade(457, FROM)}["CCDC"] == "G"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "grade_convention")
                               .order_by(AuditEvent.id)).all()
    assert (audit[-2].action, audit[-2].before, audit[-2].after) == (
        "update", {"effective_to": None}, {"effective_to": "2024-12-31"})
    assert audit[-1].action == "create" and audit[-1].after["effective_from"] == "2025-01-01"
    assert {"grade": "G", "points_min": 415, "points_max": 459, "scp_min": 24, "scp_max": 26} in audit[-1].after["bands"]


def test_open_posts_are_regraded_from_the_date_and_audited():
    # 457 points: CCDC H (455-494) under the illustrative bands; G under the new ones (415-459).
    open_post = make_post("CCDC", je_score=457)
    closed_post = make_post("CCDC", je_score=457, closed_on=date(2024, 6, 30))
    unscored = make_post("CCDC", je_score=None)
    other_council = make_post("SBC", je_score=457)
    changed = conventions.change_bands(council("CCDC").id, FROM, "CCDC grading 2025", "",
                                       ccdc_bands(G=(415, 459), H=(460, 494)), "Pay review 2025")
    mine = (open_post.id, closed_post.id, unscored.id, other_council.id)
    assert [(r.post_id, r.on, r.old_grade, r.new_grade) for r in changed.regraded if r.post_id in mine] == [
        (open_post.id, FROM, "H", "G")]
    # Dated: H up to the day before the change, G from it; a post closed before keeps H.
    assert (grade_on(open_post.id, FROM - timedelta(days=1)), grade_on(open_post.id, FROM)) == ("H", "G")
    assert (open_post.grade, closed_post.grade, unscored.grade, other_council.grade) == ("G", "H", None, "Grade 8")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "post",
                                                        AuditEvent.entity_id == str(open_post.id))).one()
    assert (event.before, event.after) == ({"grade from 2025-01-01": "H"}, {"grade from 2025-01-01": "G"})
    assert "Pay review 2025" in event.reason


def test_past_pay_is_unchanged_by_a_band_change():
    post = make_post("CCDC", je_score=457)
    person = make_employee()
    assign(employ(person, "CCDC", date(2021, 4, 1)), post, date(2021, 4, 1), scp=28)
    past = [date(2022, 6, 1), date(2023, 6, 1), date(2024, 12, 31)]
    before = [picture_on(person.id, on).salary for on in past]
    assert before == [Decimal("34723.00"), Decimal("36648.00"), Decimal("37938.00")]
    conventions.change_bands(council("CCDC").id, FROM, "CCDC grading 2025", "", ccdc_bands(G=(415, 459), H=(460, 494)),
                             "Pay review 2025")
    assert [picture_on(person.id, on).salary for on in past] == before


@pytest.mark.parametrize("changes, scp_change, message", [
    ({"G": (415, 450)}, None, "gap between G and H: 451 to 454 points"),
    ({"G": (415, 460)}, None, "G and H overlap at 455 points"),
    ({}, ("A", 1), "A: SCP 1 is not on the pay spine"),  # SCP 1 was deleted from 2023
    ({}, ("L", 50), "L: SCP 50 is not on the pay spine"),
])
def test_bands_with_problems_are_refused(changes, scp_change, message):
    bands = ccdc_bands(**changes)
    if scp_change:
        grade, scp = scp_change
        bands = [GradeBand(b.grade, b.points_min, b.points_max, scp if scp < b.scp_min else b.scp_min,
                           scp if scp > b.scp_max else b.scp_max) if b.grade == grade else b for b in bands]
    with pytest.raises(InvalidBands) as error:
        conventions.change_bands(council("CCDC").id, FROM, "Bad", "", bands, "Test")
    assert message in error.value.problems


def test_the_same_grade_twice_is_refused():
    bands = ccdc_bands()
    with pytest.raises(InvalidBands, match="appears more than once"):
        conventions.change_bands(council("CCDC").id, FROM, "Bad", "", [*bands, bands[0]], "Test")


@pytest.mark.parametrize("on", [date(2000, 4, 1), date(1999, 1, 1)])
def test_a_version_in_force_is_never_rewritten(on):
    with pytest.raises(DomainError) as error:
        conventions.change_bands(council("CCDC").id, on, "Backwards", "", ccdc_bands(), "Test")
    assert error.value.field == "effective_from"
    assert db.session.scalars(select(GradeConvention).where(GradeConvention.council_id == council("CCDC").id)).one()


def test_no_bands_is_refused():
    with pytest.raises(DomainError):
        conventions.change_bands(council("CCDC").id, FROM, "Empty", "", [], "Test")


def _lookup(points: int, on: date) -> dict[str, tuple[str, int, int, str, str] | None]:
    return {r.council_code: (r.grade.grade, r.grade.scp_min, r.grade.scp_max, str(r.grade.salary_min),
                             str(r.grade.salary_max)) if r.grade else None
            for r in conventions.lookup_grade(points, on)}


@pytest.mark.parametrize("points, on, ccdc, sbc", [
    # The example: 2023/24 salaries of SCP 27 and 29.
    (460, date(2023, 6, 1), ("H", 27, 29, "35745.00", "37336.00"), ("Grade 8", 26, 28, "34834.00", "36648.00")),
    (460, date(2024, 6, 1), ("H", 27, 29, "37035.00", "38626.00"), ("Grade 8", 26, 28, "36124.00", "37938.00")),
    # Band edges: CCDC G ends at 454, H starts at 455; SBC Grade 7 ends at 439, Grade 8 starts at 440.
    (454, date(2024, 6, 1), ("G", 24, 26, "34314.00", "36124.00"), ("Grade 8", 26, 28, "36124.00", "37938.00")),
    (455, date(2024, 6, 1), ("H", 27, 29, "37035.00", "38626.00"), ("Grade 8", 26, 28, "36124.00", "37938.00")),
    (439, date(2024, 6, 1), ("G", 24, 26, "34314.00", "36124.00"), ("Grade 7", 23, 25, "33366.00", "35235.00")),
    (440, date(2024, 6, 1), ("G", 24, 26, "34314.00", "36124.00"), ("Grade 8", 26, 28, "36124.00", "37938.00")),
    (0, date(2024, 6, 1), ("A", 2, 4, "23656.00", "24404.00"), ("Grade 1", 2, 3, "23656.00", "24027.00")),
    # Above SBC's top grade (649) but inside CCDC's L (625-669); above both.
    (660, date(2024, 6, 1), ("L", 41, 43, "50788.00", "52805.00"), None),
    (670, date(2024, 6, 1), None, None),
])
def test_grade_lookup_at_band_edges(points, on, ccdc, sbc):
    assert _lookup(points, on) == {"CCDC": ccdc, "SBC": sbc}


def test_lookup_uses_the_latest_known_pay_year():
    years = {r.pay_year for r in conventions.lookup_grade(460, date(2027, 6, 1))}
    assert years == {date(2024, 4, 1)}


def test_a_second_change_builds_on_the_latest_version():
    ccdc = council("CCDC").id
    first = conventions.change_bands(ccdc, FROM, "CCDC 2025", "", ccdc_bands(G=(415, 459), H=(460, 494)), "Review")
    second = conventions.change_bands(ccdc, date(2026, 4, 1), "CCDC 2026", "", ccdc_bands(), "Back again")
    assert second.closed is first.convention and first.convention.effective_to == date(2026, 3, 31)
    assert conventions.latest(ccdc) is second.convention
    assert [c.effective_from for c in conventions.history(ccdc)] == [date(2026, 4, 1), FROM, date(2000, 4, 1)]
    with pytest.raises(DomainError, match="must start after 1 April 2026"):
        conventions.change_bands(ccdc, date(2025, 6, 1), "Between", "", ccdc_bands(), "Squeeze in")
