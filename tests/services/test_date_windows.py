"""Dates within sense (issue 13): every service function that takes a person's date refuses one
outside its plausible window, naming the form field and the window; the import refuses such
rows with the line and column, importing nothing; an administrator changing a window changes
what is accepted from the new value's date.

Windows are worked by hand from hrtool/reference_data/date_windows.csv (loaded into the session
database) and domain/date_windows.py's rule; today is the machine's date, so each expected window
edge below is computed from it the same way: N years from today, same day and month."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtool.domain.date_windows import LABELS, PARTS, YEARS_BEFORE_PAY_YEAR, setting_key, years_from
from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import (
    Assignment,
    ChecklistItem,
    Employee,
    PayAward,
    Policy,
    Protection,
    Restructure,
    RuleSetting,
    Transfer,
    TransferMember,
)
from hrtool.services.pay import conventions, increments, job_evaluations, pay_spines
from hrtool.services.people import cases, employees
from hrtool.services.people.employee_io import import_employees
from hrtool.services.people.employee_rows import COLUMNS
from hrtool.services.protection import protections
from hrtool.services.restructures import restructures
from hrtool.services.rules import date_windows, rules_admin
from hrtool.services.tupe import transfers

from ..factories import council, service
from ..spreadsheets import new_person, write

pytestmark = pytest.mark.usefixtures("ctx")
TODAY = date.today()
TOMORROW = TODAY + timedelta(days=1)


def _planned_member() -> TransferMember:
    return db.session.scalars(select(TransferMember).join(Transfer).where(
        Transfer.status == "planned", TransferMember.status.in_(("proposed", "confirmed")))
        .order_by(TransferMember.id)).first()


def _transfer_values(on: date) -> dict:
    return {"service_id": service("Licensing").id, "transferor_id": council("SBC").id,
            "transferee_id": council("CCDC").id, "transfer_date": on, "legal_basis": "tupe",
            "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True}


def _some(model):
    return db.session.scalars(select(model).order_by(model.id).limit(1)).one()


def test_every_kind_of_date_has_its_window_held_as_rule_settings():
    held = set(db.session.scalars(select(RuleSetting.key).where(RuleSetting.key.like("date_window.%"))))
    assert held <= {setting_key(kind, part) for kind in LABELS for part in PARTS} | {YEARS_BEFORE_PAY_YEAR}
    for kind in LABELS:
        window = date_windows.window(kind, TODAY)
        has_lower = window.earliest is not None or window.earliest_years_ago is not None
        has_upper = window.latest_years_ahead is not None or window.latest_years_ago is not None
        assert has_lower and has_upper, f"{kind} has no lower or no upper bound"


def test_the_transfer_window_is_the_one_in_the_reference_data():
    window = date_windows.window("transfer_date", TODAY)
    assert (window.earliest, window.latest_years_ahead) == (date(1974, 4, 1), 5)
    last = years_from(TODAY, 5, leap_day_to_march=False)
    date_windows.check("transfer_date", date(1974, 4, 1))
    date_windows.check("transfer_date", last)
    with pytest.raises(DomainError) as refused:
        date_windows.check("transfer_date", last + timedelta(days=1))
    assert refused.value.field == "transfer_date"
    assert refused.value.message == (f"The transfer date must be on or after 1 April 1974 and no more than 5 years "
                                     f"ahead (by {last.day} {last:%B %Y})")


# Each service function that takes a person's date, with an absurd one: the field it names.
def _refusals():
    award = lambda: _some(PayAward)  # noqa: E731
    return [
        ("transfer dated 1 January 1900", "transfer_date",
         lambda: transfers.create_transfer(_transfer_values(date(1900, 1, 1)), TODAY)),
        ("objection dated 2030", "objected_on",
         lambda: transfers.record_objection(_planned_member(), date(2030, 1, 1), "")),
        ("checklist step done tomorrow", "done_on", lambda: transfers.mark_step(_some(ChecklistItem), TOMORROW, "")),
        ("transfer date corrected to 1900", "transfer_date",
         lambda: transfers.correct_transfer_date(_planned_member().transfer, date(1900, 1, 1), "typo", TODAY)),
        ("case opened in 1900", "opened_on", lambda: cases.create_case(_some(Employee).id, {
            "kind": "grievance", "opened_on": date(1900, 1, 1), "summary": "x"}, TODAY)),
        ("case closed tomorrow", "closed_on", lambda: cases.create_case(_some(Employee).id, {
            "kind": "grievance", "opened_on": TODAY, "closed_on": TOMORROW, "summary": "x"}, TODAY)),
        ("records checked tomorrow", "checked_on", lambda: cases.mark_cases_checked(_planned_member(), TOMORROW, TODAY)),
        ("born in 1890", "date_of_birth", lambda: employees.update_details(
            _some(Employee).id, _some(Employee).version, {"date_of_birth": date(1890, 1, 1)}, "typo")),
        ("born last year", "date_of_birth", lambda: employees.update_details(
            _some(Employee).id, _some(Employee).version, {"date_of_birth": TODAY - timedelta(days=365)})),
        ("continuous service from 1900", "continuous_service_date", lambda: employees.update_details(
            _some(Employee).id, _some(Employee).version, {"continuous_service_date": date(1900, 1, 1)})),
        ("change of post from 1990", "effective_from", lambda: employees.change_assignment(
            _some(Assignment).id, employees.AssignmentChange(date(1990, 1, 1), 1, Decimal(37), 10, None, "x"))),
        ("leaving in 2100", "end_date", lambda: employees.record_leaver(1, date(2100, 1, 1), "resigned")),
        ("increment run in 2000", "run_on", lambda: increments.preview(council("SBC").id, date(2000, 4, 1))),
        ("restructure from 2099", "effective_date", lambda: restructures.create_restructure("Odd", "", date(2099, 4, 1))),
        ("appointment from 1999", "start_date", lambda: restructures.record_appointment(
            _some(Restructure), {"start_date": date(1999, 4, 1)}, TODAY)),
        ("award agreed on 1 January 2030", "agreed_on", lambda: pay_spines.save_award(award(), {
            "pay_year_from": award().pay_year_from, "agreed_on": date(2030, 1, 1), "status": "agreed"}, "x")),
        ("award for the pay year 1990", "pay_year_from", lambda: pay_spines.save_award(None, {
            "pay_year_from": date(1990, 4, 1), "status": "provisional"}, "x")),
        ("spine made from an award agreed in 2030", "agreed_on", lambda: pay_spines.apply_award_to_spine(
            award(), agreed_on=date(2030, 1, 1), replace=True, reason="x")),
        ("bands from 1990", "effective_from", lambda: conventions.change_bands(
            council("SBC").id, date(1990, 4, 1), "Old", "", [], "x")),
        ("evaluation panel tomorrow", "evaluated_on", lambda: job_evaluations.record_evaluation(
            1, council("SBC").id, TOMORROW, [1] * 13, today=TODAY)),
        ("protection from 1990", "start_date", lambda: protections.create_protection(
            employee_id=_some(Employee).id, start_date=date(1990, 1, 1), source="manual", source_ref="x", reason="x",
            old_salary=Decimal(30000), new_salary=Decimal(28000), hours_per_week=Decimal(37))),
        ("protection ended early in 1990", "first_day_without", lambda: protections.end_early(
            _some(Protection), "promotion", date(1990, 1, 1), "x")),
        ("protection policy from 1990", "effective_from", lambda: protections.save_policy_version(
            council("SBC").id, date(1990, 4, 1), {}, "x")),
        ("protection calculated from 1990", "start", lambda: protections.calculate("SBC", 20, 15, date(1990, 1, 1))),
    ]


@pytest.mark.parametrize(("what", "field", "call"), _refusals(), ids=[r[0] for r in _refusals()])
def test_each_service_refuses_an_absurd_date_naming_the_field(what, field, call):
    with pytest.raises(DomainError) as refused:
        call()
    assert refused.value.field == field, (what, refused.value.message)
    assert " must be " in refused.value.message and "plausible" not in refused.value.message


def test_the_transfer_of_issue_13_is_refused_and_nothing_is_written():
    before = db.session.scalar(select(func.count()).select_from(Transfer))
    with pytest.raises(DomainError, match=r"^The transfer date must be on or after 1 April 1974"):
        transfers.create_transfer(_transfer_values(date(1900, 1, 1)), TODAY)
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == before


def test_an_objection_after_the_transfer_date_names_the_transfer_date():
    member = _planned_member()
    transfer_date = member.transfer.transfer_date
    if transfer_date > TODAY:  # the demo's transfers are ahead: today is the tighter bound
        with pytest.raises(DomainError, match="no later than today"):
            transfers.record_objection(member, TOMORROW, "")
    member.transfer.transfer_date = TODAY - timedelta(days=10)
    db.session.flush()
    with pytest.raises(DomainError) as refused:
        transfers.record_objection(member, TODAY - timedelta(days=9), "")
    assert refused.value.field == "objected_on"
    assert "no later than the transfer date" in refused.value.message


def test_a_policy_version_from_2005_is_refused_on_its_date_field():
    # After the version held (from 1 April 2000), so only the window refuses it: more than 10 years ago.
    policy = db.session.scalars(select(Policy).where(Policy.kind == "redundancy").order_by(Policy.id)).first()
    with pytest.raises(rules_admin.ChangeRefused) as refused:
        rules_admin.add_policy_version(policy.kind, policy.council_id, date(2005, 4, 1), {}, "", "x")
    assert refused.value.problems["effective_from"].startswith("The date the new policy version takes effect must be")


def test_an_administrator_changing_a_window_changes_what_is_accepted_from_its_date():
    three_years = years_from(TODAY, 3, leap_day_to_march=False)
    assert date_windows.problem("transfer_date", three_years) is None
    rules_admin.add_setting_value(setting_key("transfer_date", "latest_years_ahead"), TOMORROW, "1", "",
                                  "Councils plan transfers at most a year ahead")
    # Until the new value's date the old window applies; from it, the new one.
    transfer = transfers.create_transfer(_transfer_values(three_years), TODAY)
    assert transfer.transfer_date == three_years
    with pytest.raises(DomainError) as refused:
        transfers.create_transfer(_transfer_values(three_years), TOMORROW)
    last = years_from(TOMORROW, 1, leap_day_to_march=False)
    assert refused.value.message.endswith(f"no more than 1 year ahead (by {last.day} {last:%B %Y})")


def test_import_rows_with_absurd_dates_are_refused_with_line_and_column_and_nothing_is_imported(tmp_path):
    rows = [new_person(901), new_person(902, date_of_birth="1910-05-01"),
            new_person(903, start_date="2099-01-01", continuous_service_date="2099-01-01"), new_person(904)]
    path = write(tmp_path / "odd", COLUMNS, rows, "csv")
    before = db.session.scalar(select(func.count()).select_from(Employee))
    report = import_employees(path)
    assert not report.ok
    found = {(e.line, e.column): e.message for e in report.errors}
    assert found[(3, "date_of_birth")].startswith("01/05/1910 is not plausible: the date of birth must be no more "
                                                  "than 100 years ago")
    assert "the employment start date must be" in found[(4, "start_date")]
    assert "the continuous service date must be" in found[(4, "continuous_service_date")]
    assert str(report.errors[0]).startswith("line 3, date_of_birth: 01/05/1910 is not plausible")
    assert db.session.scalar(select(func.count()).select_from(Employee)) == before  # all or nothing
    # The file's own effective date is checked too.
    ok = write(tmp_path / "ok", COLUMNS, [new_person(905)], "csv")
    report = import_employees(ok, effective_on=date(1990, 4, 1), dry_run=True)
    assert [(e.line, e.column) for e in report.errors] == [(None, "effective_date")]
    assert report.errors[0].message.startswith("The date the change takes effect must be")


def test_the_command_line_refuses_absurd_dates_with_the_window(app, tmp_path):
    runner = app.test_cli_runner()
    path = write(tmp_path / "one", COLUMNS, [new_person(906)], "csv")
    result = runner.invoke(args=["import-employees", str(path), "--effective-date", "1990-04-01"])
    assert result.exit_code == 1
    assert "file, effective_date: The date the change takes effect must be no more than 10 years ago" in result.output
    bad_row = write(tmp_path / "bad", COLUMNS, [new_person(907, date_of_birth="1910-05-01")], "csv")
    result = runner.invoke(args=["import-employees", str(bad_row), "--dry-run"])
    assert result.exit_code == 1 and "line 2, date_of_birth: 01/05/1910 is not plausible" in result.output
    result = runner.invoke(args=["calc", "tupe-timeline", "--transfer-date", "1900-01-01"])
    assert result.exit_code == 2 and "The transfer date must be on or after 1 April 1974" in result.output
    result = runner.invoke(args=["calc", "tupe-timeline", "--transfer-date", "1974-04-01"])
    assert result.exit_code == 0 and '"transfer_date": "1974-04-01"' in result.output
