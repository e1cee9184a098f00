"""The demo senior restructure: costing from its rows (business case 9.24-9.28), the engine on
its partly-filled grid, overrides that survive a re-run, appointments with pay protection,
redundancy by council, and the three CLI commands."""
from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import Appointment, AuditEvent, Protection, RouteDecision, StructurePost
from hrtool.services.restructures import restructures as service
from hrtool.services.restructures.redundancy import restructure_redundancy
from hrtool.services.restructures.restructure_costing import costing, costing_json

TODAY = date(2026, 11, 22)
NAME = "Senior structure 2023"


@pytest.fixture
def senior(ctx):
    return service.by_name(NAME)


def _person(restructure, title_start):
    return next(h for h in service.holders(restructure, TODAY) if h.post.title.startswith(title_start))


def _decision(restructure, employee_id):
    return db.session.scalar(select(RouteDecision).where(RouteDecision.restructure_id == restructure.id,
                                                         RouteDecision.employee_id == employee_id))


def test_demo_costing_from_its_rows(senior):
    result = costing(senior, TODAY)
    # Current: CE 153k + 162k, Heads of Service 502k + 511k (5 posts each council): 12.0 FTE, £1,328k.
    assert (result.before.fte, result.before.cost) == (Decimal(12), Decimal(1328000))
    assert result.before.by_council == {"CCDC": Decimal(655000), "SBC": Decimal(673000)}
    # Proposed: CE 191k, 2 DCEs 286k, 7 Heads of Service 763k: 10.0 FTE, £1,240k.
    assert (result.after.fte, result.after.cost) == (Decimal(10), Decimal(1240000))
    # 1,328 - 1,240 = 88; 88 / 1,328 = 6.6265% -> 6.63.
    assert (result.saving, result.saving_percent) == (Decimal(88000), Decimal("6.63"))
    # Posts shared 50:50: each council's new cost is 620k, so CCDC saves 35k and SBC 53k.
    assert result.saving_by_council == {"CCDC": Decimal(35000), "SBC": Decimal(53000)}
    assert result.before.arithmetic.endswith("= 1,328.0k") and "143.0k" in result.after.arithmetic
    # Apportioned by the pre-sharing costs: 1,240,000 x 655/1,328 = 611,596.39; SBC the rest.
    shared = costing(senior, TODAY, "apportionment")
    assert shared.after_by_council == {"CCDC": Decimal("611596.39"), "SBC": Decimal("628403.61")}
    assert shared.saving_by_council == {"CCDC": Decimal("43403.61"), "SBC": Decimal("44596.39")}


def test_salary_plus_on_costs_where_no_budget(senior):
    post = next(p for p in senior.posts if p.side == "proposed" and p.title == "Head of Operations")
    post.budget = None
    result = costing(senior, TODAY)
    line = next(line for line in result.after.lines if line.post.id == post.id)
    # Top of band 85,000 x 1.0 FTE x 1.28 (on_cost_rate 0.28) = 108,800.00
    assert line.cost == Decimal("108800.00") and "× 1.28" in line.arithmetic
    current = next(p for p in senior.posts if p.side == "current" and p.title.startswith("Head of Finance"))
    current.budget = None
    line = next(line for line in costing(senior, TODAY).before.lines if line.post.id == current.id)
    assert line.cost == Decimal("100352.00")  # the demo's CCDC Head of Service salary 78,400 x 1.28


def test_engine_routes_on_the_demo_grid(senior):
    service.run_engine(senior, TODAY)
    routes = {h.post.title.split(" (")[0] + f" {h.employer.code}": _decision(senior, h.employee.id)
              for h in service.holders(senior, TODAY)}
    assert routes["Chief Executive CCDC"].route == routes["Chief Executive SBC"].route == "ring_fence"
    assert "(a tie)" in routes["Chief Executive CCDC"].reasons
    slot = routes["Head of Economic Prosperity CCDC"]
    assert slot.route == "slot_in" and slot.reasons == "match 75% ≥ 70%, salary not lower, only candidate"
    assert routes["Head of Communities SBC"].route == "alternative"
    assert routes["Head of Communities SBC"].trial_ends_on == date(2027, 4, 28)  # 4 weeks from 1 April 2027
    assert routes["Head of Human Resources SBC"].route == "at_risk"
    titles = {v.post.title: v for v in service.vacancies(senior)}
    assert titles["Deputy Chief Executive - Place"].post.recruitment == "external"
    assert titles["Chief Executive (Head of Paid Service)"].contested


def test_filling_the_grid_changes_the_route_and_is_audited(senior):
    hr = _person(senior, "Head of Human Resources")
    transformation = next(p for p in senior.posts if p.title == "Head of Transformation")
    assert service.save_matches(senior, {(hr.post.id, transformation.id): (72, "HR, ICT, performance")}) == 1
    service.run_engine(senior, TODAY)
    assert _decision(senior, hr.employee.id).route == "slot_in"
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_type == "job_match")) is not None
    with pytest.raises(DomainError):
        service.save_matches(senior, {(hr.post.id, transformation.id): (101, "")})


def test_override_needs_a_reason_and_survives_a_rerun(senior):
    person = _person(senior, "Head of Development")
    decision = _decision(senior, person.employee.id)
    planning = next(p for p in senior.posts if p.title == "Head of Economic Development and Planning")
    with pytest.raises(DomainError) as error:
        service.override(decision, "ring_fence", planning.id, "  ", None)
    assert error.value.field == "reason"
    service.override(decision, "ring_fence", planning.id, "Agreed at consultation: compete for the post", None)
    result = service.run_engine(senior, TODAY)
    assert result.kept == 1
    decision = _decision(senior, person.employee.id)
    assert (decision.route, decision.pool, decision.overridden) == ("ring_fence", [planning.id], True)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "override"))
    assert event.reason == "Agreed at consultation: compete for the post" and event.employee_id == person.employee.id


def test_appointment_on_lower_pay_creates_protection(senior):
    person = _person(senior, "Head of Law and Administration")  # SBC, 79,800
    post = next(p for p in senior.posts if p.title == "Head of Law and Governance and Monitoring Officer")
    made = service.record_appointment(senior, {"proposed_post_id": post.id, "employee_id": person.employee.id,
                                               "outcome": "appointed", "start_date": date(2027, 4, 1),
                                               "salary": Decimal(75000)}, TODAY)
    protection = db.session.get(Protection, made.protection_id)
    assert (protection.old_salary, protection.new_salary, protection.source) == (
        Decimal(79800), Decimal(75000), "restructure")
    assert protection.start_date == date(2027, 4, 1)
    with pytest.raises(DomainError, match="already filled"):
        other = _person(senior, "Head of Governance")
        service.record_appointment(senior, {"proposed_post_id": post.id, "employee_id": other.employee.id,
                                            "outcome": "appointed", "start_date": date(2027, 4, 1),
                                            "salary": Decimal(80000)}, TODAY)
    with pytest.raises(DomainError, match="outside the post's band"):
        service.record_appointment(senior, {"proposed_post_id": post.id, "external_name": "A Candidate",
                                            "outcome": "appointed", "start_date": date(2027, 4, 1),
                                            "salary": Decimal(90000)}, TODAY)


def test_appointment_at_the_same_or_higher_pay_has_no_protection(senior):
    person = _person(senior, "Head of Economic Prosperity")
    post = next(p for p in senior.posts if p.title == "Head of Economic Development and Planning")
    made = service.record_appointment(senior, {"proposed_post_id": post.id, "employee_id": person.employee.id,
                                               "outcome": "appointed", "start_date": date(2027, 4, 1),
                                               "salary": Decimal(80000)}, TODAY)
    assert made.protection_id is None


def test_redundancy_by_council(senior):
    report = restructure_redundancy(senior, TODAY)
    assert report.leaving_on == date(2027, 3, 31)
    at_risk = {p.employee.id for p in report.people}
    assert at_risk == {d.employee_id for d in service.decisions(senior) if d.route == "at_risk"}
    for p in report.people:
        s = p.calc.statutory
        assert s.amount == (s.weeks * min(p.week_pay, s.cap)).quantize(Decimal("0.01"))
        assert p.strain == (s.age >= 55)
    total = sum((t["council"] for t in report.totals.values()), Decimal(0))
    assert total == sum((p.calc.council_pay.amount for p in report.people), Decimal(0))
    assert all(d is None for d in report.duties.values())  # a handful of people: under 20


def test_cli_redundancy_issue_example(app):
    result = app.test_cli_runner().invoke(args=[
        "calc", "redundancy", "--council", "CCDC", "--dob", "1970-05-01", "--service-from", "2005-09-01",
        "--leaving", "2024-06-30", "--weekly-pay", "950"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {k: out[k] for k in ("age", "complete_years", "statutory_weeks", "statutory_week_pay", "statutory_pay")} == {
        "age": 54, "complete_years": 18, "statutory_weeks": "24.5", "statutory_week_pay": "700.00",
        "statutory_pay": "17150.00"}
    # CCDC policy: 1.5 x 24.5 = 36.75 weeks on actual pay: 36.75 x 950 = 34,912.50.
    assert (out["council_weeks"], out["council_week_pay"], out["council_pay"]) == ("36.75", "950.00", "34912.50")


@pytest.mark.parametrize("args, code", [
    (["--council", "XX"], 1), (["--leaving", "2024-13-01"], 2), (["--weekly-pay", "lots"], 2),
    (["--leaving", "2004-01-01"], 1)])
def test_cli_redundancy_bad_input(app, args, code):
    base = {"--council": "CCDC", "--dob": "1970-05-01", "--service-from": "2005-09-01", "--leaving": "2024-06-30",
            "--weekly-pay": "950"}
    base.update(dict(zip(args[::2], args[1::2])))
    result = app.test_cli_runner().invoke(args=["calc", "redundancy", *[x for kv in base.items() for x in kv]])
    assert result.exit_code == code


def test_cli_apportion_worked_example(app):
    result = app.test_cli_runner().invoke(args=[
        "calc", "apportion", "--pre", "CCDC=60", "--pre", "SBC=40", "--shared-cost", "80", "--reduce", "SBC=10"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["CCDC"] == {"share_percent": "60.00", "pre_sharing_cost": "60.00", "new_cost": "48.00", "saving": "12.00"}
    assert out["SBC"]["new_cost"] == "32.00" and out["SBC"]["saving"] == "8.00"
    later = out["after_reduction"]
    assert (later["CCDC"]["new_cost"], later["SBC"]["new_cost"], later["total"]["new_cost"]) == ("48.00", "22.00", "70.00")
    assert (later["CCDC"]["share_percent"], later["SBC"]["share_percent"]) == ("68.57", "31.43")
    bad = app.test_cli_runner().invoke(args=["calc", "apportion", "--pre", "CCDC60", "--shared-cost", "80"])
    assert bad.exit_code == 2
    unknown = app.test_cli_runner().invoke(args=["calc", "apportion", "--pre", "AB=1", "--pre", "SBC=1",
                                                 "--shared-cost", "1"])
    assert unknown.exit_code == 1 and "No council" in unknown.output


def test_cli_structure_costing(app):
    result = app.test_cli_runner().invoke(args=["report", "structure-costing", "--restructure", NAME])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["before"]["fte"] == "12.0" and out["before"]["cost"] == "1328000.00"
    assert out["after"]["fte"] == "10.0" and out["after"]["cost"] == "1240000.00"
    assert (out["saving"], out["saving_percent"], out["split"]) == ("88000.00", "6.63", {"CCDC": "35000.00",
                                                                                          "SBC": "53000.00"})
    missing = app.test_cli_runner().invoke(args=["report", "structure-costing", "--restructure", "Nope"])
    assert missing.exit_code == 1


def test_costing_json_matches_the_page_figures(senior):
    assert costing_json(costing(senior, TODAY))["after"]["by_council"] == {"CCDC": "620000.00", "SBC": "620000.00"}


# record_appointment's checks on their own, on hand-made rows (no database).

@pytest.mark.parametrize("values, got", [
    ({"employee_id": 5, "external_name": ""}, (5, "")),
    ({"employee_id": None, "external_name": "  A. Newcomer "}, (None, "A. Newcomer")),
])
def test_appointee_is_a_postholder_or_an_outsider(values, got):
    assert service._appointee(values) == got


@pytest.mark.parametrize("values", [{"employee_id": 5, "external_name": "A. Newcomer"}, {"external_name": "   "}])
def test_appointee_must_be_exactly_one(values):
    with pytest.raises(DomainError, match="not both") as raised:
        service._appointee(values)
    assert raised.value.field == "employee_id"


def _new_post(fte="2"):
    return StructurePost(id=9, title="Head of Place", grade="", band_min=Decimal(80000), band_max=Decimal(90000),
                         fte=Decimal(fte))


def _appointed(post_id, employee_id):
    return Appointment(proposed_post_id=post_id, employee_id=employee_id, outcome="appointed")


@pytest.mark.parametrize("start, salary, earlier, field, message", [
    (None, Decimal(85000), [], "start_date", "Enter the start date"),
    (TODAY, Decimal(0), [], "salary", "Enter the full-time annual salary"),
    (TODAY, Decimal("79999.99"), [], "salary", "outside the post's band (£80,000 to £90,000)"),
    (TODAY, Decimal("90000.01"), [], "salary", "outside the post's band"),
    # Two places (FTE 2), both taken.
    (TODAY, Decimal(85000), [_appointed(9, 1), _appointed(9, 2)], "proposed_post_id", "Head of Place is already filled"),
    (TODAY, Decimal(85000), [_appointed(4, 7)], "employee_id", "already been appointed"),
])
def test_check_appointment_refuses(start, salary, earlier, field, message):
    with pytest.raises(DomainError, match=re.escape(message)) as raised:
        service._check_appointment(_new_post(), 7, start, salary, earlier)
    assert raised.value.field == field


def test_check_appointment_allows_the_last_place_at_the_band_edges():
    # One of two places taken: the unsuccessful outcome and the other post's appointment do not count.
    earlier = [_appointed(9, 1), Appointment(proposed_post_id=9, employee_id=2, outcome="unsuccessful"), _appointed(4, 3)]
    for salary in (Decimal(80000), Decimal(90000)):
        service._check_appointment(_new_post(), 7, TODAY, salary, earlier)
