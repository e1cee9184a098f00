"""The kinds of letter hrtool sends (DOMAIN.md 3.3, 3.6, 3.7), what each is about, and the named
fields its template may use: the whitelist the template language checks against.

The wording lives in the templates (data, edited by HR and kept as versions); this module says
only what record each letter is filled from and which fields that record offers."""
from __future__ import annotations

from dataclasses import dataclass

# Sources: the record a letter is about. The service turns each into fields.
TRANSFER_UNION = "transfer_union"  # a transfer, to one recognised union
RESTRUCTURE_UNION = "restructure_union"  # a restructure, to one recognised union
TRANSFER_MEMBER = "transfer_member"  # one person in a transfer's cohort
ROUTE_DECISION = "route_decision"  # one postholder's route in a restructure
PROTECTION = "protection"  # one period of pay protection
PROTECTED_TERMS = "protected_terms"  # one person's protected terms snapshot
ELECTION = "election"  # one person's election onto the lead authority's terms
TRANSFER_WITHDRAWN = "transfer_withdrawn"  # a withdrawn transfer, to one recognised union
JES_APPEAL = "jes_appeal"  # a decided job evaluation appeal, to the employee who lodged it

COMMON = {
    "letter.date": "the date of the letter",
    "letter.reference": "the letter's reference number",
    "sender.councils": "the sending council, or both councils for a shared service",
    "recipient.name": "who the letter is addressed to",
    "recipient.salutation": "the greeting, e.g. Dear Ms Patel",
    "signatory.name": "who signs the letter",
    "signatory.role": "the signatory's role",
}
UNION = {
    "union.name": "the trade union",
}
TRANSFER = {
    "transfer.reference": "the transfer's reference",
    "transfer.service": "the service transferring (its name alone, e.g. for a subject line)",
    "transfer.service_phrase": "the service in a sentence, named once: 'Electoral Services', 'the Licensing service'",
    "transfer.date": "the date of the transfer",
    "transfer.transferor": "the council the staff leave (transferor)",
    "transfer.transferee": "the lead authority the staff join (transferee)",
    "transfer.legal_basis": "TUPE 2006, or TUPE-equivalent (COSOP), in words",
    "transfer.reasons": "why the transfer is happening",
    "transfer.implications": "its legal, economic and social implications",
    "transfer.transferor_measures": "measures the transferor envisages, or that there are none",
    "transfer.transferee_measures": "measures the transferee envisages, or that there are none",
}
TRANSFER_UNION_FIELDS = {
    **TRANSFER,
    "transfer.agency_workers": "agency workers: how many, where and what work (reg. 13(2)(e))",
    "transfer.affected_count": "how many employees are affected (the number alone)",
    "transfer.affected_employees": "how many employees are affected, with the noun agreeing: '1 employee', "
                                   "'12 employees'",
    "consultation.meeting_by": "when consultation is to start (the checklist's date)",
    "consultation.respond_by": "when the union is asked to respond by",
    "table.affected_by_grade": "people affected by grade (groups too small to show are withheld)",
}
EMPLOYEE = {
    "employee.name": "the employee's full name",
    "employee.person_number": "the employee's person number",
    "employee.continuous_service_date": "the continuous service date",
}
RESTRUCTURE = {
    "restructure.name": "the restructure",
    "restructure.description": "what the restructure is and why",
    "restructure.effective_date": "when the new structure takes effect",
}
ROUTE = {
    **EMPLOYEE, **RESTRUCTURE,
    "current_post.title": "the person's current post",
    "current_post.grade": "the current post's grade",
    "decision.reasons": "why this route applies under the joint policy",
}
NEW_POST = {
    "new_post.title": "the post in the new structure",
    "new_post.grade": "its grade or salary band",
}


# Fields holding text someone typed (a reason, a description, measures): each is given as a
# sentence of its own (capitalised, ended), so a template puts it after a full stop, a colon or
# on its own line, never inside the letter's own sentence ("because {{ protection.reason }}").
FREE_TEXT = frozenset({
    "transfer.reasons", "transfer.implications", "transfer.transferor_measures", "transfer.transferee_measures",
    "transfer.agency_workers", "restructure.description", "decision.reasons", "protection.reason",
    "withdrawal.reason", "appeal.reasons",
})


@dataclass(frozen=True)
class LetterType:
    key: str
    name: str
    audience: str  # "union" or "employee"
    source: str
    fields: dict[str, str]
    cohort: str  # what a batch covers: "transfer" or "restructure" (or "" if letters go one by one)


LETTER_TYPES: dict[str, LetterType] = {t.key: t for t in [
    LetterType("tupe_reg13", "TUPE regulation 13 information and consultation letter", "union", TRANSFER_UNION,
               {**COMMON, **UNION, **TRANSFER_UNION_FIELDS}, "transfer"),
    LetterType("collective_redundancy", "Collective redundancy consultation letter (TULRCA s.188)", "union",
               RESTRUCTURE_UNION, {**COMMON, **UNION, **RESTRUCTURE,
                                   "redundancy.proposed_count": "how many dismissals as redundant are proposed",
                                   "redundancy.proposed_employees": "the same, with the noun agreeing: "
                                                                    "'22 employees'",
                                   "redundancy.employed_count": "how many employees of the descriptions affected are employed",
                                   "redundancy.employed_employees": "the same, with the noun agreeing",
                                   "redundancy.threshold": "the threshold met (20 or more within 90 days)",
                                   "redundancy.consultation_days": "the minimum consultation period in days (30 or 45)",
                                   "redundancy.consultation_period": "the same in words: '30 days'",
                                   "redundancy.first_dismissal_on": "the earliest proposed dismissal date",
                                   "redundancy.consultation_start_by": "the latest date consultation may begin",
                                   "redundancy.selection_method": "the proposed method of selection",
                                   "redundancy.payment_method": "how redundancy payments would be calculated",
                                   "table.roles_at_risk": "roles at risk: numbers by post and employer"},
               "restructure"),
    LetterType("transfer_notice", "Notice of transfer and measures", "employee", TRANSFER_MEMBER,
               {**COMMON, **EMPLOYEE, **TRANSFER, "employee.post": "the post the employee holds",
                "objection.last_day": "the last day before the transfer (an objection ends employment then)"},
               "transfer"),
    LetterType("assimilation_outcome", "Assimilation outcome", "employee", ROUTE_DECISION,
               {**COMMON, **ROUTE, **NEW_POST}, "restructure"),
    LetterType("at_risk", "At risk of redundancy", "employee", ROUTE_DECISION, {
        **COMMON, **ROUTE,
        "redundancy.service_date": "the day service counts from for redundancy pay (the service date for redundancy "
                                   "where one is held, else the continuous service date)",
        "redundancy.service_date_basis": "which service date that is, in words",
        "notice.to_give": "the notice that would be given if dismissed when the new structure starts: the longer of "
                          "the two below",
        "notice.statutory": "the statutory minimum notice (ERA 1996 s.86)",
        "notice.contractual": "the contractual notice of the terms the person is on",
        "notice.give_by": "the latest day notice can be given to end the day before the new structure starts"},
        "restructure"),
    LetterType("alternative_offer", "Offer of suitable alternative employment", "employee", ROUTE_DECISION,
               {**COMMON, **ROUTE, **NEW_POST, "trial.weeks": "the statutory trial period in weeks",
                "trial.period": "the trial period in words: '4 weeks'",
                "trial.starts_on": "when the trial period starts", "trial.ends_on": "when the trial period ends"},
               "restructure"),
    LetterType("pay_protection", "Pay protection confirmation", "employee", PROTECTION,
               {**COMMON, **EMPLOYEE, "protection.reason": "why pay is protected",
                "protection.start_date": "when protection starts", "protection.end_date": "when protection ends",
                "protection.old_grade": "the grade before", "protection.new_grade": "the new grade",
                "protection.old_salary": "the full-time salary before", "protection.new_salary": "the new full-time salary",
                "protection.change": "the change in full-time salary in words: 'a reduction of £1,271.00 a year "
                                     "full-time'",
                "protection.hours": "contractual hours a week", "protection.policy": "the council's policy in words",
                "protection.total": "the total of the protection payments", "table.schedule": "the month-by-month schedule"},
               ""),
    LetterType("protected_terms", "Statement of protected terms", "employee", PROTECTED_TERMS,
               {**COMMON, **EMPLOYEE, "terms.transfer_reference": "the transfer the terms were protected on",
                "terms.taken_on": "the day the terms were taken (the day before the transfer)",
                "terms.employer": "the employer now (lead authority)", "terms.council": "whose terms they are",
                "terms.package": "the terms and conditions package", "terms.post": "the post then",
                "terms.grade": "the grade then", "terms.hours": "hours a week then",
                "terms.salary": "full-time pay then (the salary, or the spinal column point where that year's spine "
                                "is not held)",
                "table.terms": "the protected terms, term by term"},
               "transfer"),
    LetterType("election_confirmation", "Confirmation of election onto the lead authority's terms", "employee",
               ELECTION, {**COMMON, **EMPLOYEE, "election.effective_from": "when the new terms apply",
                          "election.recorded_on": "when the election was made",
                          "election.countersigned_on": "when HR countersigned it",
                          "election.employer": "the lead authority", "election.terms_package": "the lead's terms package",
                          "election.previous_terms": "the protected terms given up"}, ""),
    # Issued when HR withdraws a transfer (services/tupe/transfer_changes.withdraw), never in a batch.
    LetterType("transfer_withdrawn", "Transfer withdrawn: letter to the unions", "union", TRANSFER_WITHDRAWN,
               {**COMMON, **UNION, **TRANSFER, "withdrawal.date": "the date the transfer was withdrawn",
                "withdrawal.reason": "why it was withdrawn, as HR recorded it"}, ""),
    # Issued when HR records an appeal panel's outcome (services/pay/jes/appeals.decide), never in a batch.
    LetterType("jes_appeal_outcome", "Job evaluation appeal outcome", "employee", JES_APPEAL, {
        **COMMON, **EMPLOYEE,
        "appeal.post": "the post whose evaluation was appealed (title and number)",
        "appeal.lodged_on": "when the appeal was lodged", "appeal.decided_on": "when the appeal panel decided it",
        "appeal.evaluation_date": "the date of the evaluation appealed",
        "appeal.outcome": "upheld, partly upheld or not upheld",
        "appeal.decision": "the outcome in words, with the date a new evaluation takes effect",
        "appeal.effective_from": "the date the new evaluation takes effect (upheld or partly upheld only)",
        "appeal.reasons": "the appeal panel's reasons, as HR recorded them",
        "appeal.panel": "the appeal panel's members and the side each sat for",
        "evaluation.points_before": "the evaluation's points before: '410 points'",
        "evaluation.points_after": "its points after the appeal",
        "evaluation.points_change": "the change in points in words",
        "grade.before": "the post's grade before", "grade.after": "its grade after",
        "grade.change": "the change of grade in words, with the date it takes effect, or that it stays",
        "pay.change": "what happens to the employee's pay in words (points, salaries and the change), or that it "
                      "does not change",
        "table.factors": "the factors appealed: level before, level sought, level decided, points before and after"},
        ""),
]}


def letter_type(key: str) -> LetterType:
    try:
        return LETTER_TYPES[key]
    except KeyError:
        raise KeyError(f"unknown letter type {key!r}") from None
