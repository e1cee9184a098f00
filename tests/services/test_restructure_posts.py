"""Correcting and removing posts in a restructure's structures: the same checks as adding one, no
reporting cycles, a post stays on its side once something uses it, removal refused while routes,
appointments or reports refer to the post, and every change audited."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, JobMatch, StructurePost
from hrtool.services.restructures import restructures as service

TODAY = date(2026, 11, 22)
NAME = "Senior structure 2023"


@pytest.fixture
def senior(ctx):
    return service.by_name(NAME)


def _post(restructure, side, title):
    return next(p for p in restructure.posts if p.side == side and p.title.startswith(title))


def _new(restructure, title, **values):
    return service.add_post(restructure, {"side": "proposed", "title": title, "fte": Decimal(1),
                                          "ccdc_share": Decimal("0.5"), **values})


def _events(post, action):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "structure_post", AuditEvent.entity_id == str(post.id),
        AuditEvent.action == action)))


def test_values_of_a_post_round_trip_without_a_change(senior):
    post = _post(senior, "current", "Head of Finance")
    values = service.values_of(post)
    assert values["post_number"] and values["employer_id"] and values["reports_to_id"]
    service.update_post(post, values)
    assert _events(post, "update") == []  # nothing changed, nothing audited


def test_update_changes_the_post_and_audits_before_and_after(senior):
    post = _post(senior, "proposed", "Head of Operations")
    values = {**service.values_of(post), "title": "  Head of Operations and Waste ", "band_max": Decimal(87500),
              "fte": Decimal("0.8")}
    service.update_post(post, values)
    assert (post.title, post.band_max, post.fte) == ("Head of Operations and Waste", Decimal(87500), Decimal("0.8"))
    [event] = _events(post, "update")
    assert event.before == {"title": "Head of Operations", "band_max": "85000.00", "fte": "1.0000"}
    assert event.after == {"title": "Head of Operations and Waste", "band_max": "87500.00", "fte": "0.8000"}


def test_update_shares_the_checks_of_adding_a_post(senior):
    post = _post(senior, "proposed", "Head of Wellbeing")
    values = service.values_of(post)
    for bad, field in [({"band_min": Decimal(90000), "band_max": Decimal(80000)}, "band_max"),
                       ({"post_number": "NO-SUCH-POST"}, "post_number"),
                       ({"reports_to_id": _post(senior, "current", "Chief Executive").id}, "reports_to_id"),
                       ({"side": "sideways"}, "side"), ({"title": "  "}, "title")]:
        with pytest.raises(DomainError) as error:
            service.update_post(post, {**values, **bad})
        assert error.value.field == field
    assert _events(post, "update") == []


def test_a_post_cannot_report_to_itself_or_below_itself(senior):
    place = _post(senior, "proposed", "Deputy Chief Executive - Place")
    operations = _post(senior, "proposed", "Head of Operations")
    assert operations.reports_to_id == place.id
    for boss in (place, operations):
        with pytest.raises(DomainError, match="can't report to itself or to a post that reports to it") as error:
            service.update_post(place, {**service.values_of(place), "reports_to_id": boss.id})
        assert error.value.field == "reports_to_id"
    chief = _post(senior, "proposed", "Chief Executive")  # two levels up: the top of the tree
    with pytest.raises(DomainError):
        service.update_post(chief, {**service.values_of(chief), "reports_to_id": operations.id})
    # moving a post to another branch is fine
    resources = _post(senior, "proposed", "Deputy Chief Executive - Resources")
    service.update_post(operations, {**service.values_of(operations), "reports_to_id": resources.id})
    assert operations.reports_to_id == resources.id


def test_the_side_stays_once_the_post_is_used(senior):
    matched = _post(senior, "proposed", "Head of Operations")  # a job match and routes use it
    with pytest.raises(DomainError, match="can't move to the current structure because it is used by") as error:
        service.update_post(matched, {**service.values_of(matched), "side": "current", "reports_to_id": 0})
    assert error.value.field == "side" and "job match" in error.value.message
    held = _post(senior, "current", "Head of Finance")  # its holder's route
    with pytest.raises(DomainError, match="the route for") as error:
        service.update_post(held, {**service.values_of(held), "side": "proposed", "reports_to_id": 0})
    assert error.value.field == "side"
    fresh = _new(senior, "Head of Customer Services")  # nothing uses it yet
    service.update_post(fresh, {**service.values_of(fresh), "side": "current"})
    assert fresh.side == "current"
    assert _events(fresh, "update")[0].after == {"side": "current"}


def test_remove_needs_a_reason(senior):
    fresh = _new(senior, "Head of Customer Services")
    with pytest.raises(DomainError) as error:
        service.remove_post(fresh, "   ")
    assert error.value.field == "reason"


def test_remove_refused_while_a_route_uses_the_post(senior):
    held = _post(senior, "current", "Head of Finance")
    name = next(h.employee.full_name for h in service.holders(senior, TODAY) if h.post.id == held.id)
    with pytest.raises(DomainError, match=f"can't be removed because it is used by the route for {re.escape(name)}"):
        service.remove_post(held, "Not in the papers")
    # a pool the ring-fenced chief executives compete in
    chief = _post(senior, "proposed", "Chief Executive")
    with pytest.raises(DomainError, match=r"the routes for .+ and .+") as error:
        service.remove_post(chief, "Not in the papers")
    assert error.value.field is None
    assert db.session.get(StructurePost, chief.id) is not None


def test_remove_refused_while_an_appointment_or_a_report_uses_the_post(senior):
    fresh = _new(senior, "Head of Customer Services")
    service.record_appointment(senior, {"proposed_post_id": fresh.id, "external_name": "Sam External",
                                        "outcome": "appointed", "start_date": date(2027, 4, 1),
                                        "salary": Decimal(70000)}, TODAY)
    with pytest.raises(DomainError, match="the appointment of Sam External"):
        service.remove_post(fresh, "Merged into Operations")
    boss = _new(senior, "Head of Digital")
    _new(senior, "Digital Manager", reports_to_id=boss.id)
    with pytest.raises(DomainError, match=r"the post reporting to it \(Digital Manager\)"):
        service.remove_post(boss, "Merged into Transformation")


def test_remove_deletes_the_job_matches_and_audits_with_the_reason(senior):
    fresh = _new(senior, "Head of Customer Services", band_min=Decimal(70000), band_max=Decimal(80000))
    cur = _post(senior, "current", "Head of Human Resources")
    service.save_matches(senior, {(cur.id, fresh.id): (40, "Customer contact")})
    post_id = fresh.id
    service.remove_post(fresh, " Dropped from the proposal at consultation ")
    assert db.session.get(StructurePost, post_id) is None
    assert post_id not in {p.id for p in senior.posts}
    assert db.session.scalar(select(JobMatch).where(JobMatch.proposed_post_id == post_id)) is None
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_type == "structure_post", AuditEvent.entity_id == str(post_id),
        AuditEvent.action == "delete")).all()
    assert event.reason == "Dropped from the proposal at consultation"
    assert event.before["title"] == "Head of Customer Services" and event.before["band_min"] == "70000.00"
    assert event.before["restructure"] == NAME and event.before["side"] == "proposed"
    assert event.before["job_matches"] == [{"current_post_id": cur.id, "proposed_post_id": post_id,
                                            "match_percent": 40, "note": "Customer contact"}]
