"""Issue 14 through the services and the command line: `hrtool calc redundancy` with every cap
from 2009 (and a warning after the latest), notice (statutory beside contractual), pay in lieu
moving the relevant date, and the service date for redundancy held on the person, used by the
restructure's redundancy figures and the at-risk letter, audited, imported and exported.

Figures are worked by hand from the statute in the comments (see tests/domain for the rules)."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, Employee, RouteDecision
from hrtool.services.letters.letter_fields import route_decision
from hrtool.services.people import employees
from hrtool.services.people.employee_io import import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.restructures import restructures as restructure_service
from hrtool.services.restructures.redundancy import calculate, restructure_redundancy

from ..spreadsheets import exported, new_person, write

TODAY = date(2026, 11, 22)
BASE = {"--council": "CCDC", "--dob": "1985-06-01", "--service-from": "2024-04-06", "--weekly-pay": "1000"}


def _calc(app, **options: str) -> tuple[int, dict, str]:
    args = {**BASE, **{f"--{k.replace('_', '-')}": v for k, v in options.items()}}
    flags = [a for a in args if args[a] is True]
    argv = ["calc", "redundancy", *[x for k, v in args.items() if v is not True for x in (k, v)], *flags]
    result = app.test_cli_runner().invoke(args=argv)
    out = json.loads(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, out, result.output


@pytest.mark.parametrize("leaving, pay, cap", [
    # Born 1 Jun 1985, from 6 Apr 2024, £1,000 a week: 2 complete years, each begun at 22..40: 2 weeks.
    ("2026-04-05", "1438.00", "719.00"),  # 2 x 1.0 x £719
    ("2026-04-06", "1502.00", "751.00"),  # 2 x 1.0 x £751 (Increase of Limits Order 2026)
])
def test_cli_the_2026_cap_either_side_of_6_april(app, leaving, pay, cap):
    code, out, output = _calc(app, leaving=leaving)
    assert code == 0, output
    assert (out["age"], out["complete_years"], out["statutory_weeks"]) == (40, 2, "2")
    assert (out["statutory_cap"], out["statutory_pay"], out["warnings"]) == (cap, pay, [])


def test_cli_a_leaving_date_after_the_latest_cap_answers_with_a_warning(app):
    # To 1 May 2027: 3 complete years (begun at 40, 39, 38): 3 x £751 = £2,253, and a warning that
    # the cap due from 6 April 2027 is not held yet.
    code, out, output = _calc(app, leaving="2027-05-01")
    assert code == 0, output
    assert (out["statutory_pay"], out["statutory_cap_from"]) == ("2253.00", "2026-04-06")
    assert out["warnings"] == ["No cap is published for dates from 6 April 2027 yet: £751 used"]


def test_cli_leaving_dates_in_2011_and_2018(app):
    # Born 10 Mar 1975, from 1 Sep 2005, leaving 30 Jun 2011: 5 complete years begun at 31..35:
    # 5 weeks x the £400 cap of 1 Feb 2011 = £2,000.
    code, out, output = _calc(app, dob="1975-03-10", service_from="2005-09-01", leaving="2011-06-30", weekly_pay="450")
    assert code == 0, output
    assert (out["statutory_cap"], out["statutory_pay"]) == ("400.00", "2000.00")
    # Leaving 30 Jun 2018: 12 complete years (1 Sep 2005 - 31 Aug 2017). Counting back from 1 Jul
    # 2018 the years start 1 Jul 2017 (42), 2016 (41): 1.5 each; 2015 .. 2006 (40 .. 31): 10 x 1.
    # 13 weeks x the £508 cap of 6 Apr 2018 = £6,604.
    code, out, output = _calc(app, dob="1975-03-10", service_from="2005-09-01", leaving="2018-06-30", weekly_pay="600")
    assert code == 0, output
    assert (out["statutory_weeks"], out["statutory_cap"], out["statutory_pay"]) == ("13", "508.00", "6604.00")


def test_cli_pay_in_lieu_moves_the_relevant_date_across_the_41st_birthday(app):
    # Born 20 Jun 1984, from 1 May 2014, dismissed 10 Jun 2026 with pay in lieu: 12 years, so 12
    # weeks' statutory notice from 10 Jun: the relevant date is 2 Sep 2026. The latest counted year
    # then starts 3 Sep 2025, at 41: 1.5 + 11 = 12.5 weeks x £600 = £7,500 (not 12 x £600 = £7,200).
    code, out, output = _calc(app, dob="1984-06-20", service_from="2014-05-01", leaving="2026-06-10",
                              weekly_pay="600", pilon=True, grade="G")
    assert code == 0, output
    assert (out["leaving_date"], out["relevant_date"], out["relevant_date_moved"]) == ("2026-06-10", "2026-09-02", True)
    assert "s.145(5)" in out["relevant_date_why"]
    assert (out["statutory_weeks"], out["statutory_pay"]) == ("12.5", "7500.00")
    # The notice owed, paid in lieu from 10 Jun: statutory 12 weeks (to 2 Sep) against grade G's two
    # months under Cannock Chase's terms (to 10 Aug): the statutory minimum is longer.
    notice = out["notice"]
    assert (notice["basis"], notice["statutory_weeks"], notice["contractual_months"]) == ("paid in lieu", 12, 2)
    assert (notice["governs"], notice["notice"], notice["ends_on"]) == ("statutory", "12 weeks", "2026-09-02")
    without = _calc(app, dob="1984-06-20", service_from="2014-05-01", leaving="2026-06-10", weekly_pay="600")[1]
    assert (without["relevant_date"], without["statutory_pay"]) == ("2026-06-10", "7200.00")


def test_cli_short_notice_moves_the_relevant_date_across_an_anniversary(app):
    # Born 15 Jan 1990, from 1 Sep 2016; notice given 15 Jul 2026, employment ended 31 Jul 2026.
    # 9 years on 15 Jul: 9 weeks' statutory notice, ending 16 Sep 2026, after 31 Aug 2026, the 10th
    # anniversary: 10 complete years, 10 x £500 = £5,000 (9 x £500 = £4,500 without).
    code, out, output = _calc(app, dob="1990-01-15", service_from="2016-09-01", leaving="2026-07-31",
                              weekly_pay="500", notice_given="2026-07-15")
    assert code == 0, output
    assert (out["relevant_date"], out["complete_years"], out["statutory_pay"]) == ("2026-09-16", 10, "5000.00")
    assert out["notice"]["basis"] == "given" and out["notice"]["given_on"] == "2026-07-15"


def test_cli_an_earlier_local_government_service_date(app):
    # Born 1 Mar 1970, continuous service from 1 Apr 2018, local-government service from 1 Apr 2008,
    # leaving 31 Mar 2026 on £800 a week. From 1 Apr 2008: 18 years, 15 begun at 41 or over (22.5
    # weeks) and 3 at 38..40 (3 weeks): 25.5 x £719 = £18,334.50. Statutory notice counts the
    # continuous service only: 7 years on the latest day to give it (8 weeks would end too late).
    code, out, output = _calc(app, dob="1970-03-01", service_from="2018-04-01", redundancy_service_from="2008-04-01",
                              leaving="2026-03-31", weekly_pay="800")
    assert code == 0, output
    assert (out["service_date_used"], out["service_date_basis"]) == ("2008-04-01", "service date for redundancy")
    assert "Order 1999" in out["service_date_why"]
    assert (out["complete_years"], out["statutory_weeks"], out["statutory_pay"]) == (18, "25.5", "18334.50")
    # Notice to end on 31 Mar 2026 (no grade given, so the statutory minimum alone): on 31 Mar 2026
    # itself there are 8 complete years (8 weeks, far too late); before it 7, and 7 weeks = 49 days
    # end by 31 Mar if given by 10 Feb 2026 (31 Mar less 31 days is 28 Feb, less 18 more is 10 Feb).
    assert (out["notice"]["given_on"], out["notice"]["statutory_weeks"]) == ("2026-02-10", 7)
    code, out, _ = _calc(app, dob="1970-03-01", service_from="2018-04-01", leaving="2026-03-31", weekly_pay="800")
    assert (out["service_date_used"], out["statutory_pay"]) == ("2018-04-01", "8628.00")  # 12 x £719


@pytest.mark.parametrize("options, message", [
    ({"redundancy_service_from": "2025-01-01", "leaving": "2026-06-30"}, "on or before the continuous service date"),
    ({"notice_given": "2026-07-01", "leaving": "2026-06-30"}, "on or before the leaving date"),
    ({"grade": "Z", "leaving": "2026-06-30"}, "grade 'Z' is in none of them"),
    ({"leaving": "9999-12-31"}, "between 1900 and 2100"),
    ({"leaving": "2009-09-30", "service_from": "2000-01-01"}, "No statutory limit"),
])
def test_cli_refuses_with_one_line(app, options, message):
    code, _, output = _calc(app, **options)
    assert code == 1 and message in output and "Traceback" not in output
    assert len(output.strip().splitlines()) == 1


# -- the restructure's figures and letter ---------------------------------------------------------

@pytest.fixture
def senior(ctx):
    return restructure_service.by_name("Senior structure 2023")


def test_restructure_redundancy_uses_the_service_date_for_redundancy_and_shows_notice(senior):
    report = restructure_redundancy(senior, TODAY)
    person = report.people[0]
    employee = person.employee
    assert person.calc.service.basis == "continuous service date" and report.warnings == []
    # Chief officers: three months' notice under the chief officers' band of the terms, given by
    # 31 Dec 2026 to end on 31 Mar 2027 (31 Dec + 3 months = 31 Mar), longer than 12 weeks.
    notice = person.calc.notice
    assert (notice.contractual_months, notice.governs, notice.given_on) == (3, "contractual", date(2026, 12, 31))
    earlier = date(employee.continuous_service_date.year - 5, 1, 1)
    employee.redundancy_service_date = earlier
    db.session.flush()
    again = next(p for p in restructure_redundancy(senior, TODAY).people if p.employee.id == employee.id)
    assert (again.calc.service.used, again.calc.service.basis) == (earlier, "service date for redundancy")
    # At least five more complete years count (the earlier date is over five years before).
    assert again.calc.statutory.complete_years >= person.calc.statutory.complete_years + 5


def test_restructure_redundancy_after_the_latest_cap_warns(senior):
    senior.effective_date = date(2027, 6, 1)  # leaving 31 May 2027, after 6 April 2027
    report = restructure_redundancy(senior, TODAY)
    assert report.warnings == ["No cap is published for dates from 6 April 2027 yet: £751 used"]


def test_the_at_risk_letter_states_the_service_date_and_the_notice(senior):
    decision = db.session.scalars(select(RouteDecision).where(RouteDecision.restructure_id == senior.id,
                                                              RouteDecision.route == "at_risk")).first()
    employee = db.session.get(Employee, decision.employee_id)
    fields = route_decision(decision, "at_risk", TODAY).fields
    assert fields["notice"] == {"to_give": "3 months", "statutory": "12 weeks", "contractual": "3 months",
                                "give_by": "31 December 2026"}
    assert fields["redundancy"]["service_date_basis"] == "your continuous service date"
    employee.redundancy_service_date = date(1999, 4, 1)
    db.session.flush()
    fields = route_decision(decision, "at_risk", TODAY).fields
    assert fields["redundancy"]["service_date"] == "1 April 1999"
    assert "earlier continuous service with other local-government employers" in fields["redundancy"][
        "service_date_basis"]


# -- the person's record: form service, import and export -------------------------------------------

def test_the_service_date_for_redundancy_is_audited_and_checked(ctx):
    person = db.session.scalars(select(Employee).order_by(Employee.id)).first()
    earlier = date(person.continuous_service_date.year - 3, 4, 1)
    employees.update_details(person.id, person.version, {"redundancy_service_date": earlier}, "Service with Staffordshire CC")
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee",
                                                        AuditEvent.entity_id == str(person.id))
                               .order_by(AuditEvent.id.desc())).first()
    assert event.before == {"redundancy_service_date": None}
    assert event.after == {"redundancy_service_date": earlier.isoformat()}
    assert event.reason == "Service with Staffordshire CC"
    with pytest.raises(DomainError, match="on or before the continuous service date") as refused:
        employees.update_details(person.id, person.version, {
            "redundancy_service_date": date(person.continuous_service_date.year + 1, 1, 1)}, "x")
    assert refused.value.field == "redundancy_service_date"


def test_import_and_export_carry_the_service_date_for_redundancy(ctx, tmp_path):
    header, rows = exported("csv")
    assert header == COLUMNS and header[-1] == "redundancy_service_date"
    # A new person with earlier local-government service; one without (blank); one refused.
    rows = [new_person(1, continuous_service_date="2015-04-01", start_date="2015-04-01",
                       redundancy_service_date="01/09/2004"),
            new_person(2),
            new_person(3, continuous_service_date="2015-04-01", start_date="2015-04-01",
                       redundancy_service_date="2016-01-01")]
    refused = import_employees(write(tmp_path / "bad", COLUMNS, rows, "csv"))
    assert [(e.line, e.column) for e in refused.errors] == [(4, "redundancy_service_date")]
    assert "on or before the continuous service date" in refused.errors[0].message
    report = import_employees(write(tmp_path / "good", COLUMNS, rows[:2], "csv"))
    assert report.ok and report.created == 2
    one, two = (db.session.scalar(select(Employee).where(Employee.person_number == n)) for n in ("T000001", "T000002"))
    assert (one.redundancy_service_date, two.redundancy_service_date) == (date(2004, 9, 1), None)
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee",
                                                          AuditEvent.entity_id == str(one.id))).first()
    assert created.after["redundancy_service_date"] == "2004-09-01"
    header, rows = exported("csv")
    row = next(r for r in rows if r[0] == "T000001")
    assert row[COLUMNS.index("redundancy_service_date")] == "2004-09-01"
    # A file without the column leaves the date alone; a blank cell in the column clears it.
    without = [c for c in COLUMNS if c != "redundancy_service_date"]
    values = dict(zip(COLUMNS, row))
    assert import_employees(write(tmp_path / "without", without, [[values[c] for c in without]], "csv")).unchanged == 1
    assert db.session.get(Employee, one.id).redundancy_service_date == date(2004, 9, 1)
    cleared = import_employees(write(tmp_path / "blank", COLUMNS, [[*row[:-1], ""]], "csv"))
    assert cleared.updated == 1 and "redundancy_service_date 1 September 2004 to (blank)" in cleared.changes[0].changes
    assert db.session.get(Employee, one.id).redundancy_service_date is None


def test_calculate_service_refuses_a_later_service_date_for_redundancy(ctx):
    with pytest.raises(DomainError, match="on or before the continuous service date"):
        calculate("CCDC", date(1980, 1, 1), date(2010, 1, 1), date(2026, 6, 30), Decimal(500),
                  redundancy_service_from=date(2011, 1, 1))
