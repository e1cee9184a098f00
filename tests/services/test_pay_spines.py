"""Pay spines and awards against the published NJC figures in the reference data: applying an
award makes the next pay year's spine, audited value by value; what someone was paid on a past
date stays what it was."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, PayAward, PaySpinePoint
from hrtool.services.pay import pay_spines
from hrtool.services.people.records import picture_on

from ..factories import assign, employ, make_employee, make_post

pytestmark = pytest.mark.usefixtures("ctx")

Y2023, Y2024, Y2025, Y2026 = date(2023, 4, 1), date(2024, 4, 1), date(2025, 4, 1), date(2026, 4, 1)


def award_for(year: date) -> PayAward:
    return db.session.scalars(select(PayAward).where(PayAward.pay_year_from == year)).one()


def events(entity_type: str, action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.entity_type == entity_type)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


@pytest.mark.parametrize("year, scp, salary", [
    (Y2023, 2, "22366"), (Y2024, 2, "23656"), (Y2023, 43, "51515"), (date(2022, 4, 1), 1, "20258"),
])
def test_published_spine_values_are_loaded(year, scp, salary):
    assert pay_spines.spine_of_year(year)[scp] == Decimal(salary)
    assert 1 not in pay_spines.spine_of_year(Y2023)


@pytest.mark.parametrize("year", [date(2022, 4, 1), Y2023, Y2024])
def test_every_agreed_award_reproduces_its_published_spine(year):
    preview = pay_spines.preview_award(award_for(year))
    assert {r.scp: r.new for r in preview.rows if r.new is not None} == pay_spines.spine_of_year(year)
    assert preview.year_exists and not preview.replaceable


def test_the_awards_carry_the_dates_they_were_agreed():
    assert award_for(Y2024).agreed_on == date(2024, 10, 22)
    assert pay_spines.is_late(award_for(Y2024))
    # issue 14: the 2025/26 award was agreed on 23 July 2025 (after 1 April: arrears owed);
    # 2026/27 is provisional, deleting SCP 2 and carrying the 2025/26 values until agreed.
    assert award_for(Y2025).agreed_on == date(2025, 7, 23) and pay_spines.is_late(award_for(Y2025))
    assert (award_for(Y2026).status, award_for(Y2026).agreed_on) == ("provisional", None)
    assert award_for(Y2026).deleted_scps == "2"


def test_applying_the_agreed_2025_award_then_the_provisional_2026_year():
    award = award_for(Y2025)
    done = pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Agreed award")
    assert (done.created, done.changed, done.removed, done.provisional) == (42, 0, 0, False)
    spine = pay_spines.spine_of_year(Y2025)
    assert spine[2] == Decimal("24413")  # 23,656 x 1.032 = 24,412.992
    assert spine[43] == Decimal("54495")  # 52,805 x 1.032 = 54,494.76
    created = events("pay_spine_point", "create")
    assert len(created) == 42
    assert {"scp": 2, "annual_salary": "24413.00", "pay_year_from": "2025-04-01", "spine": "NJC"} in \
        [e.after for e in created]
    assert events("pay_award", "apply")[-1].after["provisional"] is False
    # 2026/27: SCP 2 deleted, 0% on SCP 3-43, so 41 points carried: SCP 3 is 24,027 x 1.032 =
    # 24,795.864 -> 24,796 in both years.
    done = pay_spines.apply_award_to_spine(award_for(Y2026), agreed_on=None, replace=False, reason="Carried")
    assert (done.created, done.removed, done.provisional) == (41, 0, True)
    carried = pay_spines.spine_of_year(Y2026)
    assert 2 not in carried and carried[3] == Decimal("24796") and carried[43] == Decimal("54495")
    assert pay_spines.spine_table().provisional_years == {Y2026}


def test_a_year_already_held_is_refused_unless_replacing_a_provisional_one():
    pay_spines.apply_award_to_spine(award_for(Y2025), agreed_on=None, replace=False, reason="Agreed")
    award = award_for(Y2026)
    pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Carried")
    with pytest.raises(DomainError, match="already exists"):
        pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Again")
    # Suppose the final agreement is 2.5%, agreed on 15 November 2026: replace the provisional spine.
    pay_spines.save_award(award, {**{f: getattr(award, f) for f in pay_spines.AWARD_FIELDS}, "amount": Decimal("2.5")},
                          "Final offer")
    done = pay_spines.apply_award_to_spine(award, agreed_on=date(2026, 11, 15), replace=True, reason="Agreed")
    assert (done.created, done.changed, done.provisional) == (0, 41, False)
    assert pay_spines.spine_of_year(Y2026)[3] == Decimal("25416")  # 24,796 x 1.025 = 25,415.9
    assert (award.status, award.agreed_on) == ("agreed", date(2026, 11, 15))
    change = [e for e in events("pay_spine_point", "update") if e.after.get("annual_salary") == "25416.00"]
    assert change and change[0].before == {"annual_salary": "24796.00"}
    status = events("pay_award", "update")[-1]
    assert status.before == {"status": "provisional", "agreed_on": None}
    assert status.after == {"status": "agreed", "agreed_on": "2026-11-15"}
    # Now agreed, the spine can no longer be replaced.
    with pytest.raises(DomainError, match="agreed award"):
        pay_spines.apply_award_to_spine(award, agreed_on=None, replace=True, reason="Once more")


def test_a_spine_made_from_an_agreed_award_is_never_replaced():
    with pytest.raises(DomainError, match="agreed award"):
        pay_spines.apply_award_to_spine(award_for(Y2024), agreed_on=None, replace=True, reason="Try")
    assert pay_spines.spine_of_year(Y2024)[2] == Decimal("23656")


def test_an_earlier_year_cannot_be_replaced_once_a_later_one_is_built_on_it():
    pay_spines.apply_award_to_spine(award_for(Y2025), agreed_on=None, replace=False, reason="Agreed")
    award = award_for(Y2026)
    pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason="Carried")
    later = pay_spines.save_award(None, {"pay_year_from": date(2027, 4, 1), "kind": "flat_gbp", "amount": Decimal("500"),
                                         "scp_from": 3, "scp_to": 43, "status": "provisional", "agreed_on": None,
                                         "deleted_scps": "", "note": ""}, "Planning figure")
    pay_spines.apply_award_to_spine(later, agreed_on=None, replace=False, reason="Planning")
    with pytest.raises(DomainError, match="later pay year"):
        pay_spines.apply_award_to_spine(award, agreed_on=None, replace=True, reason="Final")


def test_no_previous_spine_no_award():
    award = pay_spines.save_award(None, {"pay_year_from": date(2028, 4, 1), "kind": "percent", "amount": Decimal("2"),
                                         "scp_from": 2, "scp_to": 43, "status": "provisional", "agreed_on": None,
                                         "deleted_scps": "", "note": ""}, "Far ahead")
    with pytest.raises(DomainError, match="no 2027/28 spine"):
        pay_spines.preview_award(award)


# Dates within sense (issue 13): a pay year already begun, agreed after it began and before today.
VALID = {"pay_year_from": date(2026, 4, 1), "kind": "flat_gbp", "amount": Decimal("100"), "scp_from": 2, "scp_to": 43,
         "status": "agreed", "agreed_on": date(2026, 9, 1), "deleted_scps": "", "note": ""}


@pytest.mark.parametrize("change, field", [
    ({"pay_year_from": date(2026, 5, 1)}, "pay_year_from"),
    ({"pay_year_from": Y2024}, "pay_year_from"),  # a second award for a pay year
    ({"scp_to": 1}, "scp_to"),
    ({"kind": "percent", "amount": Decimal("150")}, "amount"),
    ({"deleted_scps": "one"}, "deleted_scps"),
    ({"agreed_on": None}, "agreed_on"),
    ({"status": "provisional"}, "agreed_on"),
    ({"kind": "bonus"}, "kind"),
])
def test_award_validation(change, field):
    with pytest.raises(DomainError) as error:
        pay_spines.save_award(None, {**VALID, **change}, "Test")
    assert error.value.field == field


def test_award_changes_are_audited_with_before_and_after():
    db.session.delete(award_for(Y2026))  # the file's provisional 2026/27 award stands aside: this one is new
    db.session.flush()
    award = pay_spines.save_award(None, {**VALID, "deleted_scps": "3;2"}, "New award")
    assert award.deleted_scps == "2, 3"
    created = events("pay_award", "create")[-1]
    assert created.after["amount"] == "100.0000" and created.reason == "New award"
    pay_spines.save_award(award, {**VALID, "deleted_scps": "2, 3", "amount": Decimal("120")}, "Corrected")
    updated = events("pay_award", "update")[-1]
    assert (updated.before, updated.after) == ({"amount": "100.0000"}, {"amount": "120.0000"})
    pay_spines.save_award(award, {**VALID, "deleted_scps": "2,3", "amount": Decimal("120.00")}, "No change")
    assert events("pay_award", "update")[-1].id == updated.id  # nothing changed, nothing audited


def test_correcting_a_spine_value_is_audited():
    point = db.session.scalars(select(PaySpinePoint).where(PaySpinePoint.pay_year_from == Y2024,
                                                           PaySpinePoint.scp == 10)).one()
    pay_spines.set_spine_value(point, Decimal("26836"), "Typo")
    event = events("pay_spine_point", "update")[-1]
    assert (event.before, event.after, event.reason) == ({"annual_salary": "26835.00"}, {"annual_salary": "26836.00"}, "Typo")
    with pytest.raises(DomainError):
        pay_spines.set_spine_value(point, Decimal("0"), "Nothing")


def test_past_pay_is_unchanged_by_a_new_spine_year():
    post = make_post("CCDC", "Licensing")
    person = make_employee()
    assign(employ(person, "CCDC", date(2020, 1, 6)), post, date(2020, 1, 6), scp=10, hours="18.5")
    before = {on: picture_on(person.id, on).salary for on in (date(2023, 6, 1), date(2024, 6, 1), date(2025, 3, 31))}
    assert before[date(2024, 6, 1)] == Decimal("13417.50")  # 26,835 x 18.5 / 37
    pay_spines.apply_award_to_spine(award_for(Y2025), agreed_on=date(2025, 7, 15), replace=False, reason="Agreed")
    after = {on: picture_on(person.id, on).salary for on in before}
    assert after == before
    # From 1 April 2025 the new year applies: 24,... for SCP 10 is 26,835 x 1.032 = 27,693.72 -> 27,694.
    assert picture_on(person.id, date(2025, 6, 1)).full_time_salary == Decimal("27694")


def test_spine_years_and_labels():
    assert pay_spines.spine_years()[:4] == [date(2021, 4, 1), date(2022, 4, 1), Y2023, Y2024]
    assert pay_spines.pay_year_label(Y2024) == "2024/25"
    assert pay_spines.pay_year_label(date(1999, 4, 1)) == "1999/00"
    assert db.session.scalar(select(func.count()).select_from(PaySpinePoint)
                             .where(PaySpinePoint.pay_year_from == Y2024)) == 42
