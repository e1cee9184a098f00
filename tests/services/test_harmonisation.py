"""A harmonisation model run on a small hand-made workforce, every number worked by hand.

The demo workforce is closed off on 31 March 2030 inside the test's transaction, so on the
as-at date, 1 April 2030, only the people built here are in post. A pay spine for 2030/31 is
added where SCP n pays 20,000 + 1,000 x n, so salaries are easy to follow. On-costs are the
reference 28%; the full-time week is 37 hours; CCDC's protection is tapered (12 months at
100% of the difference, then 12 at 50%), SBC's cash-frozen (36 months at 100%).

Model bands:  A 0-299 points, SCPs 5-9;  B 300-399, SCPs 10-14;  C 400-499, SCPs 15-20.

  who   sex  born        age  employer  score  SCP  hours  now (FT)  model             pay now    pay after
  Ann   F    1990-06-01  39   CCDC      350 B  12   37     32,000    B 12, same        32,000.00  32,000.00
  Bob   M    1970-01-15  60   SBC       250 A  11   37     31,000    A  9, down        31,000.00  29,000.00
  Cath  F    2008-09-01  21   SBC       450 C  13   18.5   33,000    C 15, up          16,500.00  17,500.00
  Dev   M    1985-03-10  45   CCDC      350 B  16   37     36,000    B 14, down        36,000.00  34,000.00
  Eve   F    1975-12-01  54   CCDC      420 C  18   22.5   38,000    C 18, same        23,108.11  23,108.11
  Fay   F    1972-02-02  58   SBC       chief executive on a local salary: left out

Eve's pay: 38,000 x 22.5 / 37 = 23,108.108... -> 23,108.11.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select, update

from hrtool.domain.grading import GradeBand
from hrtool.domain.harmonisation import CHIEF_OFFICER
from hrtool.errors import DomainError, StaleRecord
from hrtool.extensions import db
from hrtool.models import AuditEvent, Employment, HarmonisationModel, PaySpinePoint
from hrtool.services.harmonisation import harmonisation, harmonisation_reports, harmonisation_union
from hrtool.services.harmonisation.harmonisation_results import load

from ..factories import assign, employ, make_employee, make_post, own_terms

ON = date(2030, 4, 1)
BANDS = [GradeBand("A", 0, 299, 5, 9), GradeBand("B", 300, 399, 10, 14), GradeBand("C", 400, 499, 15, 20)]


def _person(name, sex, born, employer, score, scp, hours="37", local=None):
    person = make_employee(first_name=name, last_name="Fixture", sex=sex, date_of_birth=born)
    post = make_post(employer, je_score=score, title=f"{name}'s post",
                     **({"band_min": D(local), "band_max": D(local), "tier": "chief executive"} if local else {}))
    employment = employ(person, employer, date(2020, 1, 1))
    assignment = assign(employment, post, date(2020, 1, 1), scp=scp, hours=hours)
    if local:
        assignment.local_salary = D(local)
    own_terms(employment, date(2020, 1, 1))
    return person


@pytest.fixture
def workforce(ctx):
    db.session.execute(update(Employment).where(Employment.end_date.is_(None)).values(end_date=date(2030, 3, 31)))
    db.session.add_all([PaySpinePoint(spine="NJC", pay_year_from=ON, scp=n, annual_salary=D(20000 + 1000 * n))
                        for n in range(1, 51)])
    people = {
        "Ann": _person("Ann", "F", date(1990, 6, 1), "CCDC", 350, 12),
        "Bob": _person("Bob", "M", date(1970, 1, 15), "SBC", 250, 11),
        "Cath": _person("Cath", "F", date(2008, 9, 1), "SBC", 450, 13, hours="18.5"),
        "Dev": _person("Dev", "M", date(1985, 3, 10), "CCDC", 350, 16),
        "Eve": _person("Eve", "F", date(1975, 12, 1), "CCDC", 420, 18, hours="22.5"),
        "Fay": _person("Fay", "F", date(1972, 2, 2), "SBC", None, None, local="90000"),
    }
    db.session.flush()
    return people


@pytest.fixture
def model(workforce):
    created = harmonisation.create_model("Fixture model", "Three grades", ON, "council:CCDC")
    return harmonisation.update_model(created, created.version, created.name, created.description, ON, BANDS)


def test_who_goes_up_stays_and_goes_down(model, workforce):
    results = harmonisation.run_model(model)
    total = results.total
    assert (total.people, total.up, total.same, total.down) == (5, 1, 2, 2)  # Cath up; Ann, Eve same; Bob, Dev down
    assert results.excluded == {CHIEF_OFFICER: 1}  # Fay
    # Before 32,000 + 31,000 + 16,500 + 36,000 + 23,108.11 = 138,608.11;
    # after  32,000 + 29,000 + 17,500 + 34,000 + 23,108.11 = 135,608.11.
    assert (total.pay_before, total.pay_after) == (D("138608.11"), D("135608.11"))
    grades = {g.grade: g for g in results.grades}
    assert (grades["A"].figures.down, grades["B"].figures.same, grades["B"].figures.down, grades["C"].figures.up) == \
        (1, 1, 1, 1)
    assert grades["C"].by_employer == {"CCDC": 1, "SBC": 1}
    assert (grades["B"].salary_min, grades["B"].salary_max) == (D("30000.00"), D("34000.00"))
    moved = {(a.employee_id, a.scp_before, a.scp_after, a.direction) for a in results.affected}
    assert moved == {(workforce["Bob"].id, 11, 9, "down"), (workforce["Cath"].id, 13, 15, "up"),
                     (workforce["Dev"].id, 16, 14, "down")}


def test_annual_cost_with_on_costs(model):
    results = harmonisation.run_model(model)
    # Change -3,000.00 a year; with on-costs x 1.28 = -3,840.00.
    assert results.total.change_with_on_costs == D("-3840.00")
    councils = {f.label: f for f in results.councils}
    # CCDC: Dev -2,000 -> -2,560.00. SBC: Bob -2,000, Cath +1,000 -> -1,000 -> -1,280.00.
    assert councils["CCDC"].change_with_on_costs == D("-2560.00")
    assert councils["SBC"].change_with_on_costs == D("-1280.00")


def test_protection_under_each_employers_policy(model, workforce):
    results = harmonisation.run_model(model)
    affected = {a.employee_id: a for a in results.affected}
    # Dev (CCDC, tapered): difference 36,000 - 34,000 = 2,000. 12 months x 2,000 / 12 = 166.67 (2,000.04),
    # then 12 x 1,000 / 12 = 83.33 (999.96): 3,000.00 over 24 months.
    dev = affected[workforce["Dev"].id]
    assert (dev.protection_policy, dev.protection_months, dev.protection_cost) == \
        ("CCDC pay protection", 24, D("3000.00"))
    # Bob (SBC, cash-frozen, no further awards): 31,000 - 29,000 = 2,000 a year for 36 months,
    # 166.67 a month: 36 x 166.67 = 6,000.12.
    bob = affected[workforce["Bob"].id]
    assert (bob.protection_policy, bob.protection_months, bob.protection_cost) == \
        ("SBC pay protection", 36, D("6000.12"))
    assert affected[workforce["Cath"].id].protection_months == 0  # going up: nothing to protect
    # Totals with on-costs: CCDC 3,000.00 x 1.28 = 3,840.00; SBC 6,000.12 x 1.28 = 7,680.1536 -> 7,680.15;
    # both 9,000.12 x 1.28 = 11,520.1536 -> 11,520.15.
    councils = {f.label: f for f in results.councils}
    assert (councils["CCDC"].protection_with_on_costs, councils["SBC"].protection_with_on_costs) == \
        (D("3840.00"), D("7680.15"))
    assert (results.protection_pay, results.total.protection_with_on_costs) == (D("9000.12"), D("11520.15"))
    # By financial year from 1 April 2030, with on-costs:
    #   CCDC 2030/31 2,000.04 x 1.28 = 2,560.05; 2031/32 999.96 x 1.28 = 1,279.9488 -> 1,279.95
    #   SBC  2,000.04 a year for three years -> 2,560.05 each
    #   both 2030/31 4,000.08 x 1.28 = 5,120.1024 -> 5,120.10; 2031/32 3,000.00 -> 3,840.00; 2032/33 2,560.05
    assert results.protection_by_council_year == {
        "CCDC": {"2030/31": D("2560.05"), "2031/32": D("1279.95")},
        "SBC": {"2030/31": D("2560.05"), "2031/32": D("2560.05"), "2032/33": D("2560.05")}}
    assert results.protection_by_year == {"2030/31": D("5120.10"), "2031/32": D("3840.00"), "2032/33": D("2560.05")}


def test_equality_picture(model):
    results = harmonisation.run_model(model)
    assert [(g.label, g.up, g.same, g.down) for g in results.by_sex] == [("Female", 1, 2, 0), ("Male", 0, 0, 2)]
    bands = {g.label: (g.up, g.same, g.down) for g in results.by_age_band}
    # Cath 21, Ann 39, Dev 45 and Eve 54, Bob 60.
    assert bands == {"16 to 24": (1, 0, 0), "25 to 34": (0, 0, 0), "35 to 44": (0, 1, 0), "45 to 54": (0, 1, 1),
                     "55 to 64": (0, 0, 1), "65 and over": (0, 0, 0)}
    # Hourly pay is full-time pay / (52.143 x 37) for everyone (Eve's 23,108.11 is 38,000.003 full-time),
    # so the constant cancels out of the gaps:
    #   now:   men 31,000 and 36,000 (mean and median 33,500); women 32,000, 33,000, 38,000.003
    #          (mean 34,333.334, median 33,000): mean (33,500 - 34,333.334) / 33,500 = -2.49% -> -2.5,
    #          median (33,500 - 33,000) / 33,500 = 1.49% -> 1.5
    #   after: men 29,000 and 34,000 (31,500); women 32,000, 35,000, 38,000.003 (mean 35,000.001,
    #          median 35,000): both (31,500 - 35,000) / 31,500 = -11.11% -> -11.1
    assert (results.gap_before.mean, results.gap_before.median) == (D("-2.5"), D("1.5"))
    assert (results.gap_after.mean, results.gap_after.median) == (D("-11.1"), D("-11.1"))


def test_results_are_saved_on_the_model_and_audited(model):
    results = harmonisation.run_model(model)
    db.session.expire_all()
    saved = db.session.get(HarmonisationModel, model.id)
    assert load(saved.results) == results
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "harmonisation_model",
                                                                 AuditEvent.entity_id == str(model.id))).all()
    assert actions == ["create", "update", "run"]
    assert [m.name for m in harmonisation_reports.saved_models() if m.ran_at] == ["Fixture model", "Session model"]
    harmonisation.delete_model(saved)
    assert db.session.get(HarmonisationModel, model.id) is None
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(model.id))
                             .order_by(AuditEvent.id.desc()).limit(1)) == "delete"


def test_changing_the_bands_clears_the_results(model):
    harmonisation.run_model(model)
    harmonisation.update_model(model, model.version, model.name, model.description, ON, BANDS[:2] + [
        GradeBand("C", 400, 520, 15, 21)])
    assert load(model.results) is None and model.based_on == "draft"


@pytest.mark.parametrize("bands, message", [
    ([GradeBand("A", 0, 299, 5, 9), GradeBand("B", 310, 399, 10, 14)], "gap between A and B"),
    ([GradeBand("A", 0, 299, 5, 9), GradeBand("B", 299, 399, 10, 14)], "overlap"),
    ([GradeBand("A", 0, 299, 5, 99)], "not on the pay spine"),
    ([GradeBand("A", 0, 299, 5, 9), GradeBand("A", 300, 399, 10, 14)], "only once"),
    ([], "at least one"),
])
def test_bad_bands_are_refused(model, bands, message):
    with pytest.raises(DomainError, match=message):
        harmonisation.update_model(model, model.version, model.name, "", ON, bands)


def test_names_are_unique_and_stale_edits_refused(model):
    with pytest.raises(DomainError, match="already has that name"):
        harmonisation.create_model("Fixture model", "", ON, "council:SBC")
    with pytest.raises(StaleRecord):
        harmonisation.update_model(model, model.version - 1, "New name", "", ON, BANDS)


def test_a_model_can_start_from_a_copy(model):
    copy = harmonisation.create_model("Copy", "", ON, f"model:{model.id}")
    assert copy.bands == model.bands and copy.based_on == "draft"
    with pytest.raises(DomainError):
        harmonisation.create_model("Nowhere", "", ON, "model:999999")
    with pytest.raises(DomainError):
        harmonisation.create_model("Nowhere", "", ON, "council:XYZ")


def test_union_summary_has_no_names_and_withholds_small_groups(model, workforce):
    results = harmonisation.run_model(model)
    summary = harmonisation_union.union_summary(model, results, ON)
    cells = " ".join(" ".join(row) for table in summary.tables for row in [table.head, *table.rows])
    assert "Fixture" not in cells and "Bob" not in cells and workforce["Bob"].person_number not in cells
    assert "23,108.11" not in cells and "6,000.12" not in cells  # Eve's pay, Bob's protection
    headline = summary.tables[0]
    # Every group here is smaller than the threshold of 5: counts are "fewer than 5", money withheld.
    assert headline.rows[0] == ["People in the model", "fewer than 5", "fewer than 5", "5"]
    assert headline.rows[4][1:] == ["withheld", "withheld", "withheld"]
    assert summary.councils == ["Cannock Chase District Council", "Stafford Borough Council"]
    pdf = harmonisation_union.summary_pdf(model, results, ON)
    assert pdf.startswith(b"%PDF") and b"/Title (Harmonisation model: Fixture model)" in pdf
