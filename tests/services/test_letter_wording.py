"""Letters that read as a careful HR officer writes them (issue 15).

Each letter type is rendered from records built here, with singular and plural counts, a negative
difference and a long free-text reason, and its wording is checked against sentences written out
by hand below (never copied from the code's output): counts agree with their nouns ("1 month",
"2 months", "1 employee"), money is "£25,992.00" and a fall in pay "a reduction of £1,271.00",
free text someone typed stands as its own sentence (never "because Redeployed ..."), a service
is named once ("Electoral Services", never "Electoral Services service"), and dates read
"1 July 2027".
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from hrtool.extensions import db
from hrtool.formatting import dates_in_words, money, money_change, plural, quoted, sentence, service_phrase
from hrtool.letters import types as T
from hrtool.letters.template import plain, spliced
from hrtool.models import (
    Council,
    Election,
    Employee,
    Employment,
    LetterTemplate,
    Policy,
    ProtectedTerms,
    Protection,
    ProtectionMonthRow,
    Restructure,
    RouteDecision,
    Service,
    StructurePost,
    TradeUnion,
    Transfer,
)
from hrtool.services.letters import letters
from hrtool.services.letters.letters import Target

pytestmark = pytest.mark.usefixtures("ctx")
ON = date(2026, 11, 23)
SIGNED = ("Jo Bloggs", "Human Resources")

# A long reason, typed as people type them: lower case, no full stop, third person.
LONG_REASON = ("redeployed at their request to a lower graded post on health grounds, on occupational health "
               "advice, after a phased return agreed with their manager and the occupational health adviser over "
               "the six months from January; protection agreed under the council's policy and confirmed at the "
               "review meeting")
LONG_SENTENCE = LONG_REASON[0].upper() + LONG_REASON[1:] + "."


# A long reason for a transfer, as typed into the transfer form.
TRANSFER_REASON = ("both councils agreed to share the service under the lead authority model set out in the 2022 "
                   "business case, so that one team serves both districts from one office, with one set of "
                   "procedures, one case management system and cover across both councils at election time")
TRANSFER_SENTENCE = TRANSFER_REASON[0].upper() + TRANSFER_REASON[1:] + "."


def words(text: str) -> str:
    return " ".join(text.split())


def render(target: Target) -> str:
    """The letter as it would be issued (fields, template, blocks), as plain text on one line."""
    version = letters.latest(letters.template_by_key(target.letter_type))
    prepared = letters.prepare(target, version, ON, "HR-2026-TEST01", SIGNED)
    return words(prepared.subject + "\n" + "\n".join(prepared.filled.addressee) + "\n" + prepared.filled.letterhead_note
                 + "\n" + plain(prepared.blocks))


def assert_careful(text: str) -> None:
    """What no letter may ever print."""
    assert not re.search(r"\b1 (months|weeks|days|employees|people|hours|dismissals)\b", text), text
    assert "£-" not in text and " GBP" not in text and not re.search(r"\d{4,}\.\d\d\b", text.replace(",", "X"))
    assert not re.search(r"\b(Services?) service\b", text), text
    assert not re.search(r"\b(because|as|that|and) [A-Z][a-z]+ at their request", text), text
    assert ".." not in text, text


def council(code: str) -> Council:
    return db.session.scalars(select(Council).where(Council.code == code)).one()


def union(code: str) -> TradeUnion:
    return db.session.scalars(select(TradeUnion).where(TradeUnion.code == code)).one()


# -- the helpers template authors and services use -------------------------------------------------

@pytest.mark.parametrize(("count", "noun", "expected"), [
    (0, "month", "0 months"), (1, "month", "1 month"), (2, "month", "2 months"), (1, "person", "1 person"),
    (3, "person", "3 people"), (1, "employee", "1 employee"), (1200, "employee", "1,200 employees"),
    (Decimal("1"), "hour", "1 hour"), (Decimal("37.5"), "hour", "37.5 hours"), (1, "week", "1 week"),
    (45, "day", "45 days"), (2, "box", "2 boxes"),
])
def test_plural_agrees_with_its_count(count, noun, expected):
    assert plural(count, noun) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("25992"), "£25,992.00"), (Decimal("-1271"), "-£1,271.00"), (Decimal("0.5"), "£0.50"),
    (Decimal("1234567.891"), "£1,234,567.89"),
])
def test_money_puts_the_sign_before_the_pound(value, expected):
    assert money(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("-1271"), "a reduction of £1,271.00"), (Decimal("1271"), "an increase of £1,271.00"),
    (Decimal("0"), "no change"), (Decimal("-0.5"), "a reduction of £0.50"),
])
def test_a_difference_is_said_in_words(value, expected):
    assert money_change(value) == expected


@pytest.mark.parametrize(("typed", "expected"), [
    ("redeployed at their request", "Redeployed at their request."),
    ("  Already a sentence.  ", "Already a sentence."),
    ("Is it?", "Is it?"),
    ("two\nlines  of text", "Two\nlines of text."),  # line breaks kept, spaces tidied
    ("agreed under the policy;", "Agreed under the policy."),
    ("he said \"go\"", "He said \"go\"."), ("he said \"go.\"", "He said \"go.\""),
    ("", None), ("   ", None), (None, None), (" - ", None),
])
def test_free_text_becomes_a_sentence_of_its_own(typed, expected):
    assert sentence(typed) == expected


@pytest.mark.parametrize(("recorded", "expected"), [
    ("re-graded from D to C on 01/12/2024", "re-graded from D to C on 1 December 2024"),
    ("trial 1/4/2027 to 28/04/2027", "trial 1 April 2027 to 28 April 2027"),
    ("not a date: 31/02/2027, 12/2027", "not a date: 31/02/2027, 12/2027"),
])
def test_dates_in_recorded_text_are_put_in_words(recorded, expected):
    assert dates_in_words(recorded) == expected


def test_free_text_can_be_quoted_as_recorded():
    assert quoted("redeployed  at their request") == "\u201credeployed at their request\u201d"


@pytest.mark.parametrize(("name", "expected"), [
    ("Electoral Services", "Electoral Services"), ("Customer Services", "Customer Services"),
    ("Licensing", "the Licensing service"), ("Revenues and Benefits", "the Revenues and Benefits service"),
    ("Shared Service", "Shared Service"),
])
def test_a_service_is_named_once(name, expected):
    assert service_phrase(name) == expected


def test_page_templates_get_the_same_helpers_as_filters(app):
    from flask import render_template_string

    with app.test_request_context():
        text = render_template_string(
            "{{ 1 | plural('month') }}; {{ 2 | plural('month') }}; {{ 3 | plural('person') }}; {{ d | money_change }}; "
            "{{ 'licensing' | service_phrase }}; {{ 'Electoral Services' | service_phrase }}; "
            "{{ 'redeployed at their request' | sentence }}; {{ m | money }}", d=Decimal("-1271"), m=Decimal("-1271"))
    assert text == ("1 month; 2 months; 3 people; a reduction of £1,271.00; the licensing service; Electoral Services; "
                    "Redeployed at their request.; -£1,271.00")


def test_the_editor_warns_when_free_text_is_spliced_into_a_sentence():
    body = ("I confirm your pay is protected because {{ protection.reason }}.\n\n"
            "# Why\n{{ protection.reason }}\n\nThe reason recorded: {{ protection.reason }}\n\n"
            "The service transfers on {{ transfer.date }}. {{ transfer.reasons }} It is agreed.")
    advice = spliced("Pay protection", body, T.FREE_TEXT)
    assert [a.line for a in advice] == [1]
    assert "protection.reason" in str(advice[0]) and "own line" in str(advice[0])


def test_no_shipped_template_splices_free_text_into_a_sentence():
    for template in db.session.scalars(select(LetterTemplate)):
        version = letters.latest(template)
        assert spliced(version.subject, version.body, T.FREE_TEXT) == [], template.key


# -- each letter type -----------------------------------------------------------------------------

@pytest.fixture
def transfer() -> Transfer:
    """The demo's first planned transfer, moved to Electoral Services, with free text typed as
    people type it (lower case, unfinished)."""
    t = db.session.scalars(select(Transfer).where(Transfer.status == "planned").order_by(Transfer.id).limit(1)).one()
    t.service_id = db.session.scalars(select(Service.id).where(Service.name == "Electoral Services")).one()
    t.reasons = TRANSFER_REASON
    t.implications = "employment moves to the lead authority on the same terms"
    t.agency_workers = "two agency canvassers work in the service at election time, doing door-to-door canvass work"
    t.transferor_measures, t.transferor_measures_none = "", True
    t.transferee_measures, t.transferee_measures_none = "aligning rotas with the lead authority's team", False
    db.session.flush()
    return t


def _live(t: Transfer) -> list:
    return [m for m in t.members if m.status != "removed"]


def _keep_members(t: Transfer, n: int) -> None:
    for member in _live(t)[n:]:
        member.status = "removed"
    db.session.flush()
    db.session.expire(t)


def test_tupe_reg13_letter(transfer):
    many = len(_live(transfer))
    assert many >= 2
    text = render(Target("tupe_reg13", transfer.id, union("UNISON").id))
    assert_careful(text)
    assert (f"of the proposed transfer of Electoral Services from {transfer.transferor.name} to "
            f"{transfer.transferee.name}, and to begin consultation.") in text
    assert f"Shared service: Electoral Services · lead authority {transfer.transferee.name}" in text
    when = transfer.transfer_date
    assert (f"The service is to transfer on {when.day} {when:%B %Y}. The reasons for the transfer are these. "
            f"{TRANSFER_SENTENCE} 2. THE LEGAL") in text
    assert "4. AGENCY WORKERS Two agency canvassers work in the service at election time, doing door-to-door canvass work." in text
    # A cohort under the disclosure threshold (5) is not counted to a union (issue 16).
    affected = f"{many} employees" if many >= 5 else "fewer than 5 employees"
    assert f"The transfer affects {affected} assigned to the service." in text
    assert "in connection with the transfer: None envisaged." in text
    assert "in connection with the transfer: Aligning rotas with the lead authority's team." in text
    # One person left in the cohort: never "1 employee" to a union (issue 16), nor "1 employees".
    _keep_members(transfer, 1)
    text = render(Target("tupe_reg13", transfer.id, union("UNISON").id))
    assert "The transfer affects fewer than 5 employees assigned to the service." in text
    assert "1 employee" not in text
    assert_careful(text)


def test_tupe_reg13_letter_for_a_service_not_named_as_one(transfer):
    transfer.service_id = db.session.scalars(select(Service.id).where(Service.name == "Licensing")).one()
    db.session.flush()
    db.session.expire(transfer)
    text = render(Target("tupe_reg13", transfer.id, union("GMB").id))
    assert "of the proposed transfer of the Licensing service from" in text
    assert "Shared service: Licensing ·" in text and "Transfer of Licensing to" in text


def test_notice_of_transfer(transfer):
    member = _live(transfer)[0]
    text = render(Target("transfer_notice", member.id))
    assert_careful(text)
    when = transfer.transfer_date
    assert re.search(rf"I am writing to tell you that Electoral Services, in which you work as [^,]+, is to transfer "
                     rf"from {transfer.transferor.name} to {transfer.transferee.name} on {when.day} {when:%B %Y}\.", text)
    assert f"WHY THE SERVICE IS TRANSFERRING {TRANSFER_SENTENCE} WHAT THIS MEANS FOR YOU" in text
    assert "Employment moves to the lead authority on the same terms." in text
    assert f"Measures {transfer.transferee.name} envisages: Aligning rotas with the lead authority's team." in text
    last = date.fromordinal(transfer.transfer_date.toordinal() - 1)
    assert f"your employment will end on {last.day} {last:%B %Y}, the day before the transfer" in text


@pytest.fixture
def restructure():
    """A restructure effective 1 July 2027: 21 at risk and one each slotted in and offered an
    alternative, so 21 dismissals are proposed out of 23 people (threshold 20: 30 days)."""
    people = list(db.session.scalars(select(Employee).order_by(Employee.id).limit(23)))
    r = Restructure(name="Operations review", description="merging the two councils' operations teams into one",
                    effective_date=date(2027, 7, 1), status="consulting")
    db.session.add(r)
    db.session.flush()

    def post(side: str, title: str, grade: str) -> StructurePost:
        p = StructurePost(restructure_id=r.id, side=side, title=title, grade=grade, employer_id=council("SBC").id)
        db.session.add(p)
        db.session.flush()
        return p

    old, new = post("current", "Operations Officer", "Grade 6"), post("proposed", "Operations Coordinator", "Grade 6")
    made = {}
    for person in people[:21]:
        made.setdefault("at_risk", []).append(RouteDecision(
            restructure_id=r.id, employee_id=person.id, route="at_risk", current_post_id=old.id,
            reasons="no post in the new structure matches this post by 50% or more"))
    made["slot_in"] = [RouteDecision(restructure_id=r.id, employee_id=people[21].id, route="slot_in",
                                     current_post_id=old.id, proposed_post_id=new.id, reasons=LONG_REASON)]
    made["alternative"] = [RouteDecision(restructure_id=r.id, employee_id=people[22].id, route="alternative",
                                         current_post_id=old.id, proposed_post_id=new.id,
                                         reasons="a suitable alternative at the same grade, trial 01/07/2027 to "
                                                 "28/07/2027")]
    for group in made.values():
        db.session.add_all(group)
    db.session.flush()
    return r, made


def test_collective_redundancy_letter(restructure):
    r, _ = restructure
    text = render(Target("collective_redundancy", r.id, union("UNISON").id))
    assert_careful(text)
    # 21 at risk, no pools: 21 proposed (20 to 99: 30 days) of 23 employed.
    assert ("Because 21 dismissals are proposed at one establishment within 90 days, section 188 of the Trade "
            "Union and Labour Relations (Consolidation) Act 1992 requires consultation to begin in good time and at "
            "least 30 days before the first dismissal takes effect.") in text
    assert ("We propose to dismiss up to 21 employees as redundant. The establishment employs 23 employees of "
            "these descriptions in all.") in text
    assert "1. THE REASONS FOR THE PROPOSALS Merging the two councils' operations teams into one." in text
    assert "the earliest taking effect on 1 July 2027. Consultation will therefore begin no later than 1 June 2027." in text
    assert "up to 104 weeks' pay in all" in text  # each council's redundancy policy data
    # A policy capping at one week's pay (unrealistic, but the words must agree).
    policy = db.session.scalars(select(Policy).where(Policy.kind == "redundancy", Policy.council_id == council("SBC").id)
                                .order_by(Policy.effective_from.desc()).limit(1)).one()  # the fixture's posts are SBC's
    policy.body = {**policy.body, "max_weeks": 1}
    db.session.flush()
    text = render(Target("collective_redundancy", r.id, union("UNISON").id))
    assert "up to 1 week's pay in all" in text


def test_assimilation_outcome_letter(restructure):
    _, made = restructure
    text = render(Target("assimilation_outcome", made["slot_in"][0].id))
    assert_careful(text)
    assert f"WHY The assessment recorded for your post is as follows. {LONG_SENTENCE}" in text
    assert "- From: 1 July 2027" not in text and "From: 1 July 2027" in text
    # A post on a local salary: a band of one figure is that figure, not "£78,400.00 to £78,400.00".
    decision = made["slot_in"][0]
    current, new = db.session.get(StructurePost, decision.current_post_id), db.session.get(
        StructurePost, decision.proposed_post_id)
    current.grade, current.band_min, current.band_max = "", Decimal("78400"), Decimal("78400")
    new.grade, new.band_min, new.band_max = "", Decimal("75000"), Decimal("85000")
    db.session.flush()
    text = render(Target("assimilation_outcome", decision.id))
    assert "Your current post: Operations Officer (£78,400.00 a year)" in text
    assert "Your post in the new structure: Operations Coordinator (£75,000.00 to £85,000.00 a year)" in text


def test_at_risk_letter_with_one_week_and_with_several_weeks_of_statutory_notice(restructure):
    _, made = restructure
    decision = made["at_risk"][0]
    person = db.session.get(Employee, decision.employee_id)
    # Dismissed the day before 1 July 2027, notice given by then: with service from 1 September
    # 2025, under two complete years: one week (ERA s.86(1)(a)).
    person.continuous_service_date, person.redundancy_service_date = date(2025, 9, 1), None
    db.session.flush()
    text = render(Target("at_risk", decision.id))
    assert_careful(text)
    assert "the longer of the statutory minimum (1 week) and your contractual notice (" in text
    assert re.search(r"your contractual notice \((1 month|[2-9] months|1[0-2] months)\)", text)
    assert "WHY YOUR POST IS AT RISK Merging the two councils' operations teams into one." in text
    assert ("The assessment recorded for your post is as follows. No post in the new structure matches this post "
            "by 50% or more.") in text
    assert "Any redundancy payment would count your service from 1 September 2025, your continuous service date." in text
    # With service from 1 March 2020: seven complete years by 30 June 2027 (notice is given
    # before the last day, so still 7): seven weeks.
    person.continuous_service_date = date(2020, 3, 1)
    db.session.flush()
    text = render(Target("at_risk", decision.id))
    assert "the longer of the statutory minimum (7 weeks)" in text
    assert_careful(text)


def test_alternative_offer_letter_with_a_one_week_and_a_four_week_trial(restructure):
    _, made = restructure
    decision = made["alternative"][0]
    text = render(Target("alternative_offer", decision.id))
    assert_careful(text)
    # ERA s.138: four weeks beginning with 1 July 2027 end on 28 July 2027.
    assert "you will have a trial period of 4 weeks in the new post" in text
    assert "It starts on 1 July 2027 and ends on 28 July 2027." in text
    assert ("The assessment recorded for your post is as follows. A suitable alternative at the same grade, trial "
            "1 July 2027 to 28 July 2027.") in text
    policy = db.session.scalars(select(Policy).where(Policy.kind == "assimilation").order_by(
        Policy.effective_from.desc()).limit(1)).one()
    policy.body = {**policy.body, "trial_period_weeks": 1}
    db.session.flush()
    text = render(Target("alternative_offer", decision.id))
    # One week beginning with 1 July 2027 ends on 7 July 2027.
    assert "you will have a trial period of 1 week in the new post" in text
    assert "ends on 7 July 2027" in text


@pytest.fixture
def protection():
    """A protection from 1 April 2026: £27,263.00 down to £25,992.00, a fall of £1,271.00, under a
    tapered policy of 100% for 1 month then 50% for 12 months."""
    person = db.session.scalars(select(Employee).order_by(Employee.id.desc()).limit(1)).one()
    ccdc = council("CCDC")
    policy = Policy(council_id=ccdc.id, kind="pay_protection", name="Test tapered", effective_from=date(2026, 4, 1),
                    body={"kind": "tapered", "phases": [{"months": 1, "share_of_difference": "1.0"},
                                                        {"months": 12, "share_of_difference": "0.5"}]},
                    source="test")
    db.session.add(policy)
    db.session.flush()
    p = Protection(employee_id=person.id, council_id=ccdc.id, policy_id=policy.id, source="restructure",
                   reason=LONG_REASON, start_date=date(2026, 4, 1), old_grade="Grade 4", new_grade="Grade 3",
                   old_salary=Decimal("27263.00"), new_salary=Decimal("25992.00"), hours_per_week=Decimal(37),
                   ends_on=date(2027, 5, 1))
    db.session.add(p)
    db.session.flush()
    # 100% of £1,271.00 a year for April 2026: £105.92 (1,271 / 12 = 105.9166...); then 50%,
    # £635.50 a year: £52.96 a month (52.958...), shown for May 2026 only.
    for month, phase, rate, payment in [(date(2026, 4, 1), 1, "1271.00", "105.92"),
                                        (date(2026, 5, 1), 2, "635.50", "52.96")]:
        db.session.add(ProtectionMonthRow(protection_id=p.id, month=month, phase=phase, new_salary=Decimal("25992.00"),
                                          protection=Decimal(rate), payment=Decimal(payment)))
    db.session.flush()
    db.session.refresh(p)
    return p


def test_pay_protection_letter(protection):
    text = render(Target("pay_protection", protection.id))
    assert_careful(text)
    assert "I am writing to confirm that your pay is protected from 1 April 2026." in text
    assert f"WHY YOUR PAY IS PROTECTED The reason recorded for your protection is as follows. {LONG_SENTENCE}" in text
    assert "because Redeployed" not in text and "because redeployed" not in text
    assert "Your grade before: Grade 4, full-time salary £27,263.00 a year" in text
    assert "Your new grade: Grade 3, full-time salary £25,992.00 a year" in text
    assert "The change: a reduction of £1,271.00 a year full-time" in text
    assert "your new salary, £1,271.00 a year full-time, is fixed in cash." in text
    assert "You receive 100% for 1 month; then 50% for 12 months." in text
    assert "they add up to £158.88." in text  # 105.92 + 52.96
    assert "ends on 30 April 2027" in text  # the day before 1 May 2027


def test_pay_protection_letter_when_pay_does_not_fall_never_prints_a_negative_sum(protection):
    # Entered the wrong way round: the "new" salary £1,271.00 above the old.
    protection.old_salary, protection.new_salary = Decimal("25992.00"), Decimal("27263.00")
    db.session.flush()
    text = render(Target("pay_protection", protection.id))
    assert_careful(text)
    assert "The change: an increase of £1,271.00 a year full-time" in text
    assert "Your new salary is £1,271.00 a year full-time more than your salary before" in text


def _snapshot(notice_months: int, leave_days: int) -> ProtectedTerms:
    existing = db.session.scalars(select(ProtectedTerms).order_by(ProtectedTerms.id).limit(1)).one()
    data = {**existing.snapshot, "entitlements": {"annual_leave_days": leave_days, "notice_months": notice_months}}
    data["particulars"] = {**data["particulars"], "full_time_salary": "25992.00", "hours_per_week": "1"}
    data["package"] = {**data["package"], "working_week_hours": "1", "standby": {"weekday_night_gbp": "26.4"}}
    record = ProtectedTerms(transfer_id=existing.transfer_id, employee_id=existing.employee_id,
                            terms_council_id=existing.terms_council_id, terms_package_id=existing.terms_package_id,
                            taken_on=existing.taken_on, snapshot=data)
    db.session.add(record)
    db.session.flush()
    return record


def test_statement_of_protected_terms_singular_and_plural():
    text = render(Target("protected_terms", _snapshot(1, 1).id))
    assert_careful(text)
    assert "Notice the employer gives | 1 month" in text
    assert "Annual leave | 1 day a year at your service then" in text
    assert "Working week | 1 hour" in text
    assert "Pay: £25,992.00 a year full-time" in text
    assert "weekday night: £26.40" in text
    text = render(Target("protected_terms", _snapshot(3, 28).id))
    assert "Notice the employer gives | 3 months" in text and "Annual leave | 28 days a year" in text


def test_election_confirmation():
    election = db.session.scalars(select(Election).order_by(Election.id).limit(1)).one()
    election.countersigned_at = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    election.recorded_at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    election.effective_from = date(2027, 4, 1)
    db.session.flush()
    text = render(Target("election_confirmation", election.id))
    assert_careful(text)
    employer = db.session.get(Employment, election.employment_id).employer.name
    assert (f"On 2 November 2026 you chose to move from your protected terms onto the terms and conditions of "
            f"{employer}. Human Resources countersigned your election on 20 November 2026.") in text
    assert "From 1 April 2027 your terms are" in text


def test_transfer_withdrawn_letter(transfer):
    """Engineer A's letter to the unions when a transfer is withdrawn (services/transfer_changes)."""
    from hrtool.services.tupe import transfer_changes

    outcome = transfer_changes.withdraw(transfer, "The councils have decided not to share the service.", ON)
    assert outcome.letters
    text = render(Target("transfer_withdrawn", transfer.id, union("UNISON").id))
    assert_careful(text)
    when = transfer.transfer_date
    assert (f"the proposed transfer of staff in Electoral Services from {transfer.transferor.name} to "
            f"{transfer.transferee.name}, planned for {when.day} {when:%B %Y}") in text
    assert "WHY THE TRANSFER IS WITHDRAWN The councils have decided not to share the service." in text


def test_every_letter_type_has_its_wording_checked():
    """A new letter type needs its own wording test here."""
    checked = {"tupe_reg13", "transfer_notice", "collective_redundancy", "assimilation_outcome", "at_risk",
               "alternative_offer", "pay_protection", "protected_terms", "election_confirmation",
               "transfer_withdrawn",
               "jes_appeal_outcome"}  # issue 18: tests/services/test_jes_appeals.py (test_the_letter_reads_carefully)
    assert set(T.LETTER_TYPES) - checked == set()


# -- existing databases get the new wording, unless someone wrote their own -----------------------

OLD_BODY = ("{{ recipient.salutation }},\n\nI am writing to confirm that your pay is protected because "
            "{{ protection.reason }}.\n\nYours sincerely\n")


def test_load_reference_update_brings_shipped_wording_up_to_date_and_keeps_an_administrators():
    from hrtool.models import LetterTemplateVersion, User
    from hrtool.services.rules.reference_data import update_reference_data

    shipped = letters.template_by_key("pay_protection")
    edited = letters.template_by_key("at_risk")
    # As an earlier release left them: pay protection still as shipped (old wording), at risk
    # reworded by an administrator.
    shipped.versions.append(LetterTemplateVersion(version=letters.latest(shipped).version + 1, subject="Old subject",
                                                  body=OLD_BODY, note=letters.SHIPPED_NOTE))
    admin = db.session.scalars(select(User).where(User.role == "admin").limit(1)).one()
    own_words = "Our own at-risk wording for {{ restructure.name }}.\n"
    edited.versions.append(LetterTemplateVersion(version=letters.latest(edited).version + 1, subject="At risk",
                                                 body=own_words, note="Our wording", created_by_id=admin.id))
    db.session.flush()
    old_shipped, old_edited = letters.latest(shipped).version, letters.latest(edited).version

    report = update_reference_data()
    new = letters.latest(shipped)
    assert new.version == old_shipped + 1 and "because {{ protection.reason }}" not in new.body
    assert new.body.strip() == letters._read_seed("pay_protection")[1].strip() and new.created_by_id is None
    assert any("Pay protection confirmation: version" in line for line in report.updated)
    assert letters.latest(edited).version == old_edited and letters.latest(edited).body == own_words
    assert any("At risk of redundancy" in line and "kept" in line for line in report.differs)
    # The older versions, and so the letters made from them, are all still held.
    assert [v.version for v in shipped.versions] == list(range(1, new.version + 1))
    # Running it again changes nothing.
    again = update_reference_data()
    assert not any("letter template" in line for line in again.updated)
    assert letters.latest(shipped).version == new.version


def test_a_template_written_before_issue_15_still_renders(transfer):
    """An administrator's own wording from before (the bare count, the service name) still fills:
    every field the old templates used is still offered, with its value."""
    template = letters.template_by_key("tupe_reg13")
    old_style = ("{{ recipient.salutation }},\n\nThe {{ transfer.service }} service transfers on {{ transfer.date }}. "
                 "{{ transfer.affected_count }} employees are assigned to it. Consultation starts by "
                 "{{ consultation.meeting_by }}.\n\n# Agency workers\n{{ transfer.agency_workers }}\n\n"
                 "{{ table.affected_by_grade }}\n\nYours sincerely\n")
    letters.save_version(template, "Transfer of {{ transfer.service }}", old_style, "Our own wording")
    many = len(_live(transfer))
    text = render(Target("tupe_reg13", transfer.id, union("UNISON").id))
    assert f"{many if many >= 5 else 'fewer than 5'} employees are assigned to it." in text  # issue 16
    assert "Two agency canvassers work in the service at election time" in text


@pytest.mark.parametrize("letter_type", sorted(T.LETTER_TYPES))
def test_every_letter_the_demo_data_can_fill_reads_carefully(letter_type):
    """Whatever records the demo holds, every letter of every type that can be filled from them
    (up to 6 of each) keeps the rules: no "1 months", no "£-", no "GBP", no doubled "service",
    no free text spliced after "because", no "£X to £X" band of one figure."""
    from hrtool.errors import DomainError
    from hrtool.letters.template import TemplateError

    made = 0
    for token, _label in letters.candidates(letter_type, ON, limit=6)[:6]:
        try:
            text = render(Target.parse(letter_type, token))
        except (TemplateError, DomainError):
            continue  # a record not due this letter, or not yet complete: the letter waits
        assert_careful(text)
        assert not re.search(r"(£[\d,]+\.\d\d) to \1\b", text), text
        made += 1
    if letter_type not in ("collective_redundancy", "transfer_withdrawn", "alternative_offer"):
        assert made, f"the demo data fills no {letter_type} letter"


def test_hrtool_load_reference_update_reports_the_letter_templates(app):
    from hrtool.models import LetterTemplateVersion

    shipped = letters.template_by_key("transfer_notice")
    shipped.versions.append(LetterTemplateVersion(version=letters.latest(shipped).version + 1, subject="Old",
                                                  body="{{ recipient.salutation }},\n\nOld wording.\n",
                                                  note=letters.SHIPPED_NOTE))
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["load-reference", "--update"])
    assert result.exit_code == 0, result.output
    assert "brought up to the file: letter template Notice of transfer and measures: version" in result.output
    assert letters.latest(shipped).note == letters.UPDATED_NOTE
