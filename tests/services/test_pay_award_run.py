"""The pay award run for the 2024 award (effective 1 April 2024, agreed 22 October 2024, so
first paid on 1 November 2024): SCP 10 went from £25,545 to £26,835, £1,290 a year, £107.50 a
month full time; April to October is 7 months."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, PayAward
from hrtool.services.pay import pay_award_run, pay_spines

from ..factories import assign, employ, make_employee, make_post

pytestmark = pytest.mark.usefixtures("ctx")


def award_for(year: int) -> PayAward:
    return db.session.scalars(select(PayAward).where(PayAward.pay_year_from == date(year, 4, 1))).one()


@pytest.fixture
def people():
    ccdc_post, sbc_post = make_post("CCDC"), make_post("SBC")
    made = {}

    def person(key, employer="CCDC", start=date(2020, 1, 6), end=None, **kw):
        employee = make_employee(**kw)
        employment = employ(employee, employer, start, end)
        made[key] = (employee, employment)
        return employment

    assign(person("full"), ccdc_post, date(2020, 1, 6))
    assign(person("part", "SBC"), sbc_post, date(2020, 1, 6), hours="18.5")
    assign(person("starter", start=date(2024, 6, 16)), ccdc_post, date(2024, 6, 16))
    assign(person("leaver", end=date(2024, 8, 10)), ccdc_post, date(2020, 1, 6), date(2024, 8, 10))
    # moved by TUPE from CCDC to SBC on 1 July: arrears from each employer
    moved = make_employee()
    first = employ(moved, "CCDC", date(2019, 4, 1), date(2024, 6, 30))
    assign(first, ccdc_post, date(2019, 4, 1), date(2024, 6, 30))
    assign(employ(moved, "SBC", date(2024, 7, 1), began_by="tupe"), sbc_post, date(2024, 7, 1))
    made["moved"] = (moved, None)
    chief = person("chief")
    a = assign(chief, ccdc_post, date(2020, 1, 6), scp=None)
    a.local_salary = Decimal("95000")
    assign(person("left_before", end=date(2024, 3, 31)), ccdc_post, date(2020, 1, 6), date(2024, 3, 31))
    assign(person("formula", first_name="=HYPERLINK(\"http://x\")", last_name="Formula"), ccdc_post, date(2020, 1, 6))
    db.session.flush()
    return {k: v[0].id for k, v in made.items()}


def by_person(result):
    found = {}
    for p in result.people:
        found.setdefault(p.employee_id, {})[p.council] = p
    return found


def test_arrears_by_person(people):
    result = pay_award_run.run(award_for(2024))
    assert result.first_paid_on == date(2024, 11, 1)
    assert (result.old_year, result.new_year) == (date(2023, 4, 1), date(2024, 4, 1))
    found = by_person(result)
    assert found[people["full"]]["CCDC"].arrears.total == Decimal("752.50")
    assert found[people["full"]]["CCDC"].arrears.months == 7
    assert found[people["part"]]["SBC"].arrears.total == Decimal("376.25")
    assert found[people["part"]]["SBC"].hours == "18.5"
    assert found[people["starter"]]["CCDC"].arrears.total == Decimal("483.75")
    assert found[people["leaver"]]["CCDC"].arrears.total == Decimal("464.68")
    assert found[people["moved"]]["CCDC"].arrears.total == Decimal("322.50")  # April-June
    assert found[people["moved"]]["SBC"].arrears.total == Decimal("430.00")  # July-October
    assert people["chief"] not in found and people["left_before"] not in found


def test_totals_by_council_add_up(people):
    result = pay_award_run.run(award_for(2024))
    for total in result.totals:
        mine = [p.arrears.total for p in result.people if p.council == total.code]
        assert (total.people, total.total) == (len(mine), sum(mine))
    assert result.total == sum(t.total for t in result.totals)
    assert {t.code for t in result.totals} == {"CCDC", "SBC"}


def test_a_later_first_pay_date_owes_more_months(people):
    result = pay_award_run.run(award_for(2024), date(2025, 1, 1))
    assert by_person(result)[people["full"]]["CCDC"].arrears.total == Decimal("967.50")  # April-December, 9 x 107.50


def test_a_point_missing_from_a_spine_is_listed_not_guessed():
    # SCP 1 was deleted from 1 April 2023: the 2023 award has no new rate for it.
    person = make_employee()
    assign(employ(person, "CCDC", date(2020, 1, 6)), make_post("CCDC"), date(2020, 1, 6), scp=1)
    result = pay_award_run.run(award_for(2023))
    assert person.id not in by_person(result)
    missing = [n for n in result.not_computed if n.employee_id == person.id]
    assert missing and "SCP 1 is not on the 2023/24 spine" in missing[0].reason


@pytest.mark.parametrize("year, first_paid_on, message", [
    (2026, None, "no date agreed"),  # 2026/27 is provisional (2025/26 was agreed on 23 July 2025)
    (2024, date(2024, 4, 1), "must be after"),
    (2024, date(2025, 4, 2), "on or before 1 April 2025"),
])
def test_refused_runs(year, first_paid_on, message):
    with pytest.raises(DomainError, match=message):
        pay_award_run.run(award_for(year), first_paid_on)


def test_an_award_agreed_in_time_owes_no_arrears():
    award = award_for(2025)
    pay_spines.apply_award_to_spine(award, agreed_on=date(2025, 3, 1), replace=False, reason="Agreed early")
    with pytest.raises(DomainError, match="before it took effect"):
        pay_award_run.run(award)


def test_a_run_needs_the_new_spine():
    award = award_for(2025)
    award.status, award.agreed_on = "agreed", date(2025, 7, 15)
    with pytest.raises(DomainError, match="apply the award first"):
        pay_award_run.run(award)


def test_the_run_is_a_fixed_number_of_queries(people):
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        result = pay_award_run.run(award_for(2024))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(result.people) > 50
    assert len(statements) <= 6


def test_runs_and_exports_are_audited_and_neutralised(people):
    result = pay_award_run.run(award_for(2024))
    pay_award_run.record_run(result)
    out = io.BytesIO()
    count = pay_award_run.export(result, out, "csv")
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert rows[0] == [c for c, _ in pay_award_run.COLUMNS] and count == len(rows) - 1 == len(result.people)
    formula = [r for r in rows if "HYPERLINK" in r[1]]
    assert formula and formula[0][1] == "'=HYPERLINK(\"http://x\") Formula"
    full = next(r for r in rows if r[0] == next(p.person_number for p in result.people if p.employee_id == people["full"]))
    assert full[-2:] == ["7", "752.50"]
    xlsx = io.BytesIO()
    pay_award_run.export(result, xlsx, "xlsx")
    xlsx.seek(0)
    sheet = load_workbook(xlsx, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[0] == "person_number"
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "pay_award_arrears")
                               .order_by(AuditEvent.id)).all()
    assert [e.action for e in audit[-3:]] == ["run", "export", "export"]
    assert audit[-3].after["first_paid_on"] == "2024-11-01" and audit[-1].after["format"] == "xlsx"
    assert audit[-3].after["total"] == str(result.total)
