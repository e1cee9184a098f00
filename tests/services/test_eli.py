"""Employee liability information (TUPE 2006 regulation 11): what the pack says about each person
transferring, the cases inside the two years, the completeness check, and the cases themselves."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event, select, update

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, EmployeeCase, PostGrade, TransferMember
from hrtool.reports import eli_pdf
from hrtool.services.people import cases
from hrtool.services.people.records import picture_on
from hrtool.services.tupe import eli, transfers

from ..factories import assign, council, employ, make_employee, make_post, own_terms, service

pytestmark = pytest.mark.usefixtures("ctx")
ON = date(2026, 11, 1)  # the transfer date
AS_AT = date(2026, 10, 31)
TODAY = date(2026, 11, 22)
HOME = {"address": "1 Market Square\nStafford", "postcode": "ST16 2JP"}


@pytest.fixture
def cohort():
    """Five people in SBC's (made-up) Test Stalls team transferring to CCDC on 1 November 2026:
    Able has everything; Baker no address; Cole objects; Dunn has no pay point; Eve's post
    ended in the summer, so she has none on the day before."""
    from hrtool.models import Service

    db.session.add(Service(name="Test Stalls", area="Operations"))
    db.session.flush()
    post = make_post("SBC", "Test Stalls", title="Stalls Officer", je_score=330)  # SBC Grade 5
    people = {}
    specs = [("Able", date(1980, 5, 17), date(2009, 6, 1), "37", 15, HOME),
             ("Baker", date(1990, 10, 31), date(2015, 9, 1), "18.5", 14, {}),
             ("Cole", date(1975, 1, 1), date(2012, 1, 9), "37", 13, HOME),
             ("Dunn", date(1990, 11, 1), date(2020, 1, 6), "37", None, HOME),
             ("Eve", date(1985, 3, 3), date(2018, 4, 3), "30", 12, HOME)]
    for name, born, start, hours, scp, contact in specs:
        person = make_employee(last_name=name, first_name="Test", date_of_birth=born,
                               continuous_service_date=start, **contact)
        employment = employ(person, "SBC", start)
        ends = date(2026, 6, 30) if name == "Eve" else None
        assign(employment, post, start, ends, scp=scp, hours=hours)
        own_terms(employment, start)
        people[name] = person
    transfer = transfers.create_transfer({
        "service_id": service("Test Stalls").id, "transferor_id": council("SBC").id,
        "transferee_id": council("CCDC").id, "transfer_date": ON, "legal_basis": "tupe",
        "reasons": "Shared service", "transferor_measures_none": True, "transferee_measures_none": True}, TODAY)
    transfers.propose_cohort(transfer)
    eve_employment = people["Eve"].employments[0]
    transfer.members.append(TransferMember(employee_id=people["Eve"].id, employment_id=eve_employment.id,
                                           status="confirmed", reason="On long-term secondment"))
    db.session.flush()
    transfers.record_objection(_member(transfer, people["Cole"]), date(2026, 10, 1), "Letter of 1 October")
    return transfer, people


def _member(transfer, person) -> TransferMember:
    return next(m for m in transfer.members if m.employee_id == person.id)


def _record(pack, person):
    return next(r for r in pack.records if r.employee_id == person.id)


def _case(person, kind, opened, closed=None, summary="A matter", outcome=""):
    return cases.create_case(person.id, {"kind": kind, "opened_on": opened, "closed_on": closed,
                                         "summary": summary, "outcome": outcome}, TODAY)


def test_everyone_transferring_is_in_the_pack_and_objectors_are_not(cohort):
    transfer, _ = cohort
    pack = eli.build_pack(transfer, TODAY)
    assert [r.last_name for r in pack.records] == ["Able", "Baker", "Dunn", "Eve"]
    assert [o.name for o in pack.objectors] == ["Test Cole"]
    assert "regulation 4(7)" in pack.objectors_note and "objected on 1 October 2026" in pack.objectors_note
    # Due by the last day leaving 28 clear days (reg. 11(6)): 1 November 2026 - 29 = 3 October 2026.
    assert (pack.as_at, pack.lookback_from, pack.due_by) == (AS_AT, date(2024, 11, 1), date(2026, 10, 3))


def test_identity_and_age_on_the_day_before(cohort):
    transfer, people = cohort
    pack = eli.build_pack(transfer, TODAY)
    able, baker, dunn = (_record(pack, people[n]) for n in ("Able", "Baker", "Dunn"))
    assert (able.full_name, able.person_number, able.date_of_birth) == (
        "Test Able", people["Able"].person_number, date(1980, 5, 17))
    assert able.age == 46
    assert baker.age == 36  # 36 on her birthday, the day before the transfer
    assert dunn.age == 35  # 36 only on the transfer date
    assert able.address == "1 Market Square\nStafford" and able.postcode == "ST16 2JP"


def test_particulars_are_what_picture_on_gives_the_day_before(cohort):
    transfer, people = cohort
    able = people["Able"]
    # A change from the transfer date itself must not appear: the information is as at the day before.
    current = able.employments[0].assignments[0]
    current.effective_to = AS_AT
    assign(able.employments[0], current.post, ON, None, scp=17, hours="37")
    pack = eli.build_pack(transfer, TODAY)
    for name in ("Able", "Baker", "Dunn"):
        record, picture = _record(pack, people[name]), picture_on(people[name].id, AS_AT)
        assert record.employer == picture.employment.employer.name == "Stafford Borough Council"
        assert (record.post_number, record.job_title, record.grade) == (
            picture.post.post_number, picture.post.title, picture.post.grade)
        assert (record.hours_per_week, record.fte, record.scp) == (
            picture.assignment.hours_per_week, picture.fte, picture.assignment.scp)
        assert (record.full_time_salary, record.salary, record.pay_year) == (
            picture.full_time_salary, picture.salary, picture.pay_year_used)
        assert record.employment_start_date == picture.employment.start_date
        assert record.continuous_service_date == people[name].continuous_service_date
        _, _, snapshot = transfers.snapshot_for(people[name].id, AS_AT)
        assert {"annual_leave_days": record.annual_leave_days, "notice_months": record.notice_months} == \
            snapshot["entitlements"]
        assert record.terms_package == snapshot["package"]["name"]
    record = _record(pack, able)
    assert record.scp == 15 and record.salary is not None
    # SBC's illustrative terms: 29 days from 5 years' service; one month's notice for grades 1-6.
    assert (record.years_of_service, record.annual_leave_days, record.notice_months) == (17, 29, 1)
    assert record.terms == "Stafford Borough Council's own terms"
    baker = _record(pack, people["Baker"])
    assert baker.hours_per_week == Decimal("18.5") and baker.salary == baker.full_time_salary / 2
    assert "Local Government Pension Scheme" in record.pension
    rows = dict(eli.particulars_rows(record, pack))
    assert rows["Holiday entitlement"].startswith("29 days a year plus bank holidays")
    assert rows["Pay"].startswith(f"SCP 15 on the NJC pay spine: £{record.full_time_salary:,.2f}")
    assert rows["Date employment began"] == "1 June 2009"


def test_cases_inside_the_two_years_and_claims_still_open(cohort):
    transfer, people = cohort
    able = people["Able"]
    _case(able, "disciplinary", date(2025, 3, 3), date(2025, 5, 1), "Lateness", "First written warning")
    _case(able, "grievance", date(2023, 1, 10), date(2024, 10, 31), "Closed before the two years")
    _case(able, "grievance", date(2024, 6, 1), date(2024, 11, 1), "Closed on the first day of the two years")
    _case(able, "claim", date(2019, 5, 1), None, "Equal pay claim, stayed")
    _case(able, "disciplinary", date(2026, 11, 10), None, "After the transfer")
    _case(people["Baker"], "grievance", date(2025, 1, 1), None, "Someone else's")
    record = _record(eli.build_pack(transfer, TODAY), able)
    assert [(c.kind, c.opened_on) for c in record.disciplinary_grievance] == [
        ("grievance", date(2024, 6, 1)), ("disciplinary", date(2025, 3, 3))]
    assert [(c.kind, c.summary) for c in record.claims] == [("claim", "Equal pay claim, stayed")]
    assert record.disclosures == 3
    assert eli.case_text(record.disciplinary_grievance[1]) == (
        "Disciplinary, opened 3 March 2025, closed 1 May 2025: Lateness. Outcome: First written warning")


def test_completeness_names_exactly_what_is_missing(cohort):
    transfer, people = cohort
    cases.mark_cases_checked(_member(transfer, people["Able"]), date.today(), date.today())
    pack = eli.build_pack(transfer, TODAY)
    missing = {r.last_name: r.missing for r in pack.records}
    assert missing == {
        "Able": [],
        "Baker": ["address", "postcode", "disciplinary, grievance and claims not yet checked"],
        "Dunn": ["spinal column point or salary", "disciplinary, grievance and claims not yet checked"],
        "Eve": ["no post on the day before the transfer", "disciplinary, grievance and claims not yet checked"],
    }
    assert (pack.complete_count, pack.incomplete_count) == (1, 3)
    assert pack.missing_counts[0] == ("disciplinary, grievance and claims not yet checked", 3)
    assert eli.status_text(_record(pack, people["Baker"])).startswith("Missing: address, postcode, ")
    assert eli.status_text(_record(pack, people["Able"])) == "Complete"


def test_a_grade_outside_the_notice_bands_and_an_implausible_birth_date(cohort):
    transfer, people = cohort
    able = people["Able"]
    # A CCDC-style grade under SBC's terms: the post's dated grade rows altered behind the app's back.
    db.session.execute(update(PostGrade).where(PostGrade.post_id == able.employments[0].assignments[0].post_id)
                       .values(grade="F"))
    able.date_of_birth = date(2020, 1, 1)
    cases.mark_cases_checked(_member(transfer, able), date.today(), date.today())
    assert _record(eli.build_pack(transfer, TODAY), able).missing == ["date of birth", "notice period for the grade"]


def test_a_package_that_does_not_cover_the_person_and_its_own_clauses(cohort):
    """A newer SBC package whose leave bands start at 20 years and that lists no notice: both are
    named as missing, not an error; its pension and collective agreement clauses are used."""
    from hrtool.models import TermsPackage

    transfer, people = cohort
    db.session.add(TermsPackage(
        council_id=council("SBC").id, name="SBC test terms", effective_from=date(2026, 1, 1),
        working_week_hours="37", annual_leave=[{"from_years": 20, "days": 30}], notice=[], standby={},
        clauses=[{"title": "Collective agreement on lone working", "text": "Agreed with UNISON, 2019"},
                 {"title": "Pension", "text": "LGPS through the Staffordshire Pension Fund"}]))
    cases.mark_cases_checked(_member(transfer, people["Able"]), date.today(), date.today())
    record = _record(eli.build_pack(transfer, TODAY), people["Able"])
    assert record.missing == ["annual leave entitlement", "notice period for the grade"]
    assert record.terms_package == "SBC test terms" and record.standby == ""
    assert record.collective_agreements[-1] == "Collective agreement on lone working: Agreed with UNISON, 2019"
    assert record.pension == "Pension: LGPS through the Staffordshire Pension Fund"


def test_a_check_goes_stale_when_cases_change_after_it(cohort):
    transfer, people = cohort
    member = _member(transfer, people["Able"])
    cases.mark_cases_checked(member, date.today() - timedelta(days=1), date.today())
    assert _record(eli.build_pack(transfer, TODAY), people["Able"]).missing == []
    _case(people["Able"], "grievance", date(2026, 9, 1), None, "Raised after the check was recorded")
    assert _record(eli.build_pack(transfer, TODAY), people["Able"]).missing == [eli.STALE_CHECK]
    cases.mark_cases_checked(member, date.today(), date.today())
    assert _record(eli.build_pack(transfer, TODAY), people["Able"]).missing == []


def test_collective_agreements_are_the_green_book_and_the_unions_recognised_at_the_transferor(cohort):
    transfer, people = cohort
    record = _record(eli.build_pack(transfer, TODAY), people["Able"])
    assert record.collective_agreements[0] == eli.GREEN_BOOK
    assert [a.split(" and ")[-1].split(",")[0] for a in record.collective_agreements[1:]] == [
        "GMB", "UNISON", "Unite the Union"]
    assert all("Stafford Borough Council" in a for a in record.collective_agreements[1:])


def test_the_pack_does_not_query_per_person(cohort):
    transfer, people = cohort

    def statements() -> int:
        count = {"n": 0}

        def counter(*_args):
            count["n"] += 1

        engine = db.session.get_bind()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            eli.build_pack(transfer, TODAY)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        return count["n"]

    db.session.flush()
    db.session.expire_all()
    statements()  # warm up: the cohort fixture's last unit of work leaves a savepoint to begin
    db.session.expire_all()
    few = statements()
    post = people["Able"].employments[0].assignments[0].post
    for n in range(6):
        person = make_employee(last_name=f"Extra{n}", **HOME)
        employment = employ(person, "SBC", date(2016, 1, 4))
        assign(employment, post, date(2016, 1, 4), None, scp=10 + n)
        own_terms(employment, date(2016, 1, 4))
    transfers.propose_cohort(transfer)
    db.session.flush()
    db.session.expire_all()
    assert len(eli.build_pack(transfer, TODAY).records) == 10
    db.session.expire_all()
    assert statements() == few


def test_exports_are_audited_and_hold_one_entry_per_person(cohort):
    transfer, people = cohort
    _case(people["Able"], "grievance", date(2026, 1, 5), None, "Rota")
    content, name, count = eli.export_xlsx(transfer, TODAY)
    assert (name, count) == (f"eli-{transfer.reference}.xlsx", 4)
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("Person number", "Last name", "First name") and len(rows) == 5
    able = next(r for r in rows if r[1] == "Able")
    assert able[rows[0].index("Disciplinary and grievance (last two years)")].startswith("Grievance, opened")
    assert able[rows[0].index("Date of birth")].date() == date(1980, 5, 17)
    about = dict(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert about["Transfer"] == transfer.reference and about["Incomplete"] == 4
    pdf, pdf_name = eli.export_pdf(transfer, _member(transfer, people["Able"]).id, TODAY)
    assert pdf.startswith(b"%PDF") and pdf_name.endswith(f"{people['Able'].person_number}.pdf")
    assert eli.export_pdf(transfer, _member(transfer, people["Cole"]).id, TODAY) is None  # objected
    archive, _, zipped = eli.export_zip(transfer, TODAY)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert zipped == 4 and len(names) == 4 and all(n.endswith(".pdf") for n in names)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "eli_pack",
                                                         AuditEvent.entity_id == str(transfer.id))
                                .order_by(AuditEvent.id)).all()
    assert [(e.action, e.after["format"], e.after["count"], e.after["transfer"]) for e in events] == [
        ("export", "xlsx", 4, transfer.reference), ("export", "pdf", 1, transfer.reference),
        ("export", "zip", 4, transfer.reference)]
    assert events[1].employee_id == people["Able"].id


def test_formula_like_text_is_a_string_cell_in_the_workbook(cohort):
    transfer, people = cohort
    people["Baker"].address = "=cmd|' /C calc'!A0"
    content, _, _ = eli.export_xlsx(transfer, TODAY)
    rows = list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows())
    baker = next(r for r in rows if r[1].value == "Baker")
    address = baker[[c.value for c in rows[0]].index("Address")]
    # As typed (no guard apostrophe to show), and text, never a formula.
    assert (address.value, address.data_type, address.number_format) == ("=cmd|' /C calc'!A0", "s", "@")


def test_the_pack_as_ods_has_the_workbooks_rows_and_is_audited(cohort, tmp_path):
    from hrtool.services.platform import tabular

    transfer, people = cohort
    people["Baker"].address = "=cmd|' /C calc'!A0"
    content, name, count = eli.export_xlsx(transfer, TODAY, "ods")
    xlsx, _, _ = eli.export_xlsx(transfer, TODAY)
    assert name.endswith(".ods") and count == 4
    path = tmp_path / name
    path.write_bytes(content)
    with tabular.open_table(path) as table:
        ods_rows = [row for _, row in table.rows]
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).worksheets[0]
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert [tabular.normalise_header(h) for h in header] == table.headers
    # The same values in both (the ODS reader gives dates as dates, the XLSX reader datetimes).
    assert len(ods_rows) == len(rows) == 4
    for ods_row, xlsx_row in zip(ods_rows, rows):
        for h, v in zip(table.headers, xlsx_row):
            got = ods_row.get(h)
            assert (got if got != "" else None) == (v.date() if hasattr(v, "date") else v), h
    baker = next(r for r in ods_rows if r["last_name"] == "Baker")
    assert baker["address"] == "=cmd|' /C calc'!A0"  # as typed: a string cell needs no guard
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")
                                .order_by(AuditEvent.id.desc())).all()
    assert [e.after["format"] for e in events[:2]] == ["xlsx", "ods"]


def test_pdf_builder_numbers_pages_and_sets_metadata():
    document = eli_pdf.EliDocument(
        councils=["Cannock Chase District Council", "Stafford Borough Council"], title=eli.TITLE,
        person="Test Person (X1)", metadata_title="Employee liability information: Test Person",
        subject="TUPE 2006 regulation 11; transfer TR-1", author="Stafford Borough Council",
        intro=["Intro <b>not markup</b> & more"], status="Missing: address", complete=False,
        sections=[eli_pdf.Section("Long", head=["Kind", "Opened", "Closed", "Summary", "Outcome"],
                                  rows=[["Grievance", "1 May 2025", "", "x " * 80, "y"]] * 40)],
        footer="Test Person (X1)", produced_on=date(2026, 12, 3))
    content = eli_pdf.build_pdf(document)
    assert content.startswith(b"%PDF")
    assert b"/Title (Employee liability information: Test Person)" in content
    assert b"/Author (Stafford Borough Council)" in content
    assert b"/Subject (TUPE 2006 regulation 11; transfer TR-1)" in content
    # The text is in an embedded font's subset encoding, so read it back as a viewer would.
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    numbers = [re.findall(r"Page (\d+) of (\d+)", text) for text in pages]
    assert len(pages) > 1 and numbers == [[(str(n), str(len(pages)))] for n in range(1, len(pages) + 1)]


# -- the cases themselves ------------------------------------------------------------------------

def test_recording_and_changing_a_case_is_audited(cohort):
    _, people = cohort
    able = people["Able"]
    case = _case(able, "disciplinary", date(2025, 3, 3), None, "Lateness")
    created = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee_case",
                                                          AuditEvent.entity_id == str(case.id))).one()
    assert created.action == "create" and created.employee_id == able.id
    assert created.after["summary"] == "Lateness" and created.after["opened_on"] == "2025-03-03"
    changed = cases.update_case(case, {"kind": "disciplinary", "opened_on": date(2025, 3, 3),
                                       "closed_on": date(2025, 5, 1), "summary": "Lateness",
                                       "outcome": "First written warning"}, "Hearing held", TODAY)
    assert changed and case.closed_on == date(2025, 5, 1)
    update = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "employee_case",
                                                         AuditEvent.action == "update",
                                                         AuditEvent.entity_id == str(case.id))).one()
    assert update.before == {"closed_on": None, "outcome": ""}
    assert update.after == {"closed_on": "2025-05-01", "outcome": "First written warning"}
    assert update.reason == "Hearing held" and update.employee_id == able.id
    same = {name: getattr(case, name) for name in cases.FIELDS}
    assert cases.update_case(case, same, "No change", TODAY) is False
    assert [c.id for c in cases.cases_for(able.id)] == [case.id]
    assert cases.case_of(able.id, case.id) is case and cases.case_of(people["Baker"].id, case.id) is None


@pytest.mark.parametrize("values, field", [
    ({"kind": "appeal"}, "kind"),
    ({"opened_on": TODAY + timedelta(days=1)}, "opened_on"),
    ({"closed_on": date(2025, 1, 1)}, "closed_on"),
    ({"closed_on": TODAY + timedelta(days=1)}, "closed_on"),
    ({"summary": "   "}, "summary"),
])
def test_a_case_that_cannot_be_right_is_refused(cohort, values, field):
    _, people = cohort
    good = {"kind": "grievance", "opened_on": date(2025, 3, 3), "closed_on": None, "summary": "Rota", "outcome": ""}
    with pytest.raises(DomainError) as error:
        cases.create_case(people["Able"].id, {**good, **values}, TODAY)
    assert error.value.field == field
    assert db.session.scalar(select(EmployeeCase.id).where(EmployeeCase.employee_id == people["Able"].id)) is None


def test_recording_the_check_is_audited_and_only_for_people_transferring(cohort):
    transfer, people = cohort
    member = _member(transfer, people["Able"])
    cases.mark_cases_checked(member, date(2026, 9, 30), TODAY)
    event_ = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "transfer_member",
                                                         AuditEvent.entity_id == str(member.id))
                                .order_by(AuditEvent.id.desc())).first()
    assert event_.after == {"eli_cases_checked_on": "2026-09-30"} and event_.employee_id == people["Able"].id
    with pytest.raises(DomainError, match="no later than today") as error:  # its plausible window (issue 13)
        cases.mark_cases_checked(member, TODAY + timedelta(days=1), TODAY)
    assert error.value.field == "checked_on"
    with pytest.raises(DomainError, match="objected"):
        cases.mark_cases_checked(_member(transfer, people["Cole"]), date(2026, 9, 30), TODAY)
    transfer.status = "completed"
    with pytest.raises(DomainError, match="completed"):
        cases.mark_cases_checked(member, date(2026, 9, 30), TODAY)
