"""Issue 16, finding 10: some pages about one person were not in the who-viewed log (the route
override page for a named person, /employees/<id>/data, /employees/<id>/views).

The rule for "a page about one person", asserted over the whole URL map:
- a GET route with an `employee_id` argument, or with an argument naming a record that belongs
  to one person (PERSON_ARGS: a cohort member, a letter, a protection, a case, an election, a
  restructure route decision), is a page about that person, and opening it must write a
  record-view entry for them;
- except the person's own pages (OWN_RECORD: looking at yourself is not logged) and the union
  portal's letters (letters to a union, which never show an individual's letter);
- every other integer argument in the URL map is named in NOT_A_PERSON with what it is, so a new
  kind of id cannot slip past the rule: the walk fails on an argument it does not know.
A letter template previewed from one person's record (the record chosen in the query string or
the form) is a view of it too: the last test.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import (
    Election,
    Employee,
    EmployeeCase,
    EvaluationAppeal,
    Letter,
    LetterTemplate,
    Protection,
    RecordView,
    RouteDecision,
    TransferMember,
    User,
)

from ..factories import assign, employ, make_employee, make_post, own_terms
from .helpers import HR, sign_in_confirmed

PERSON_ARGS = {"employee_id": Employee, "member_id": TransferMember, "letter_id": Letter,
               "protection_id": Protection, "case_id": EmployeeCase, "election_id": Election,
               "decision_id": RouteDecision, "appeal_id": EvaluationAppeal}
NOT_A_PERSON = {
    "transfer_id": "a transfer (its pages list the cohort)", "restructure_id": "a restructure",
    "post_id": "a post", "model_id": "a harmonisation model", "award_id": "a pay award",
    "point_id": "a pay spine point", "convention_id": "a grade convention", "council_id": "a council",
    "user_id": "a login account (its changes are audited; accounts are not employee records)",
    "template_id": "a letter template", "job_id": "a batch letter job", "batch_id": "a batch of letters",
    "item_id": "a transfer checklist step", "policy_id": "a rule policy",
    "message_id": "an outbox message (administrators only; it names a login, not an employee record)",
    "evaluation_id": "a job evaluation of a post (a job, not a person)", "version_id": "a version of the JES factor plan",
    "factor_id": "a factor of the JES", "level_id": "a level of a JES factor", "set_id": "a set of local conventions",
}
OWN_RECORD = {"my_letters.", "appeals.my_appeal"}  # an employee's own letters: the viewer is the person
UNION_LETTERS = {"unions.letter", "unions.letter_pdf", "unions.letter_read"}  # letters to a union, never to one person


def _int_args(rule) -> list[str]:
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def _person_pages(app):
    for rule in app.url_map.iter_rules():
        names = _int_args(rule)
        if ("GET" in rule.methods and any(n in PERSON_ARGS for n in names)
                and not rule.endpoint.startswith(tuple(OWN_RECORD)) and rule.endpoint not in UNION_LETTERS):
            yield rule


def test_every_id_in_the_url_map_is_classified(app):
    unknown = {n for rule in app.url_map.iter_rules() for n in _int_args(rule)} - set(PERSON_ARGS) - set(NOT_A_PERSON)
    assert not unknown, f"say whether these ids name one person's record (PERSON_ARGS) or not (NOT_A_PERSON): {unknown}"


def _samples(app) -> dict[str, int]:
    """A record of each kind about someone other than the HR viewer, consistent with each other
    (the member is in transfer 1, the decision in its restructure), plus a leaver due for deletion
    and a case, which the session data does not have."""
    with app.app_context():
        hr_self = db.session.scalar(select(User.employee_id).where(User.username == HR))
        member = db.session.scalars(select(TransferMember).where(TransferMember.transfer_id == 1)
                                    .order_by(TransferMember.id)).first()
        letter = db.session.scalars(select(Letter).where(Letter.employee_id.is_not(None))
                                    .order_by(Letter.id)).first()
        protection = db.session.scalars(select(Protection).order_by(Protection.id)).first()
        decision = db.session.scalars(select(RouteDecision).order_by(RouteDecision.id)).first()
        appeal = db.session.scalars(select(EvaluationAppeal).order_by(EvaluationAppeal.id)).first()
        assert member and letter and protection and decision and appeal, "the session data has each kind of record"
        person = member.employee_id  # someone in post, so every page about them opens
        leaver = make_employee(last_name="Walkleaver")  # deleting a record is offered for a due leaver only
        employment = employ(leaver, "SBC", date(2001, 4, 2), date(2012, 8, 31), end_reason="resigned")
        own_terms(employment, date(2001, 4, 2), date(2012, 8, 31))
        assign(employment, make_post("SBC"), date(2001, 4, 2), date(2012, 8, 31))
        case = EmployeeCase(employee_id=person, kind="grievance", opened_on=date(2011, 3, 1),
                            closed_on=date(2011, 6, 1), summary="Walk test", outcome="Resolved")
        db.session.add(case)
        db.session.flush()
        assert hr_self not in {person, letter.employee_id, protection.employee_id, decision.employee_id,
                               appeal.employee_id}
        samples = {"transfer_id": member.transfer_id, "member_id": member.id, "letter_id": letter.id,
                   "protection_id": protection.id, "restructure_id": decision.restructure_id,
                   "decision_id": decision.id, "employee_id": person, "case_id": case.id, "leaver": leaver.id,
                   "appeal_id": appeal.id}
        subjects = {"member_id": person, "letter_id": letter.employee_id, "protection_id": protection.employee_id,
                    "decision_id": decision.employee_id, "employee_id": person, "case_id": person,
                    "appeal_id": appeal.employee_id}
        db.session.commit()
    return samples | {f"subject:{k}": v for k, v in subjects.items()}


def _views(app, employee_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(RecordView.page).where(RecordView.employee_id == employee_id)
                                       .order_by(RecordView.id)))


def test_every_page_about_one_person_writes_a_record_view(app, client):
    samples = _samples(app)
    sign_in_confirmed(client, HR)
    pages = list(_person_pages(app))
    assert {"restructures.override", "privacy.subject_access_export", "privacy.record_views_page"} <= {
        r.endpoint for r in pages}  # the three pages the issue found unlogged are person pages
    failures = []
    for rule in pages:
        names = _int_args(rule)
        url = rule.rule.replace("<fmt>", "csv")
        for name in names:
            url = url.replace(f"<int:{name}>", str(samples[name]))
        # The person is named by the most specific argument (a case belongs to its person).
        arg = next(n for n in ("case_id", "member_id", "letter_id", "protection_id", "decision_id", "appeal_id",
                               "employee_id")
                   if n in names)
        person = samples[f"subject:{arg}"]
        if rule.endpoint == "privacy.erase":
            url, person = url.replace(str(samples["employee_id"]), str(samples["leaver"])), samples["leaver"]
        before = len(_views(app, person))
        response = client.get(url)
        if response.status_code != 200:
            failures.append(f"{url}: {response.status_code} (the walk could not open it)")
        elif _views(app, person)[before:] != [rule.endpoint]:
            failures.append(f"{url}: no record view for person {person}")
    assert not failures, failures


def test_a_template_preview_filled_from_one_persons_record_is_a_view_of_it(app, client):
    """A letter template previewed as a PDF from one person's record shows their particulars."""
    from hrtool.services.letters import letters

    with app.app_context():
        for template in db.session.scalars(select(LetterTemplate).order_by(LetterTemplate.id)):
            tokens = [token for token, _ in letters.candidates(template.key, date.today(), limit=5)]
            person = None
            for token in tokens:
                target = letters.Target.parse(template.key, token)
                try:
                    person = letters.fill(target.letter_type, target.source_id, target.union_id,
                                          date.today()).employee_id
                except DomainError:  # a record that cannot fill it: try the next
                    continue
                if person is not None:
                    break
            if person is not None:
                break
        assert person is not None, "the session data has a letter about one person to preview"
        template_id, latest = template.id, letters.latest(template)
        subject, body = latest.subject, latest.body
    sign_in_confirmed(client, HR)
    response = client.get(f"/letters/templates/{template_id}/preview.pdf?source={token}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert _views(app, person) == ["letters.preview_pdf"]
    # ... and the text preview while editing the template (a POST that saves nothing).
    edited = client.post(f"/letters/templates/{template_id}/edit",
                         data={"subject": subject, "body": body, "source": token, "preview": "y"})
    assert edited.status_code == 200
    assert _views(app, person) == ["letters.preview_pdf", "letters.edit_template"]
