"""The facts a letter states, read from the records and put into words: one function per kind of
record a letter is about (hrtool/letters/types.py). Every value is text (tables are plain
data), so what a letter said can be stored with it and shown again exactly.

A fact the record does not hold is left out (None), never guessed: the template language then
reports it as missing and the letter cannot be issued until the record is completed.

Every value is worded as a careful HR officer writes it, so a template author gets it
right by default: counts agree with their nouns ("1 month", "12 employees": the `*_employees`,
`*.period` fields), money is "£25,992.00" and a difference "a reduction of £1,271.00", dates
"1 April 2027", a service is named once ("Electoral Services", "the Licensing service":
`transfer.service_phrase`), and free text someone typed (reasons, implications, measures) is a
sentence of its own, capitalised and ended, for a template to put after a full stop or in its own
paragraph, never spliced into the letter's grammar (types.FREE_TEXT; the editor warns).

Each Filled also says where its fields came from (`sources`: a field or its prefix -> the record,
and when it was last changed), for the preview HR sees before a batch is issued."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any, cast

from sqlalchemy import select

from ...domain.disclosure import cell, withheld
from ...errors import DomainError
from ...extensions import db
from ...formatting import dates_in_words, money, money_change, plural, sentence, service_phrase, uk_date
from ...formatting import hours as hours_text
from ...letters import types as T
from ...letters.rules import (
    ConsultationBand,
    collective_consultation_days,
    latest_consultation_start,
    trial_period_end,
)
from ...letters.template import Table, table_data
from ...models import (
    Council,
    Election,
    Employee,
    Employment,
    Policy,
    Post,
    ProtectedTerms,
    Protection,
    Restructure,
    RouteDecision,
    StructurePost,
    TermsRecord,
    TradeUnion,
    Transfer,
    TransferMember,
    UnionRecognition,
)
from ...models.transfers import LEGAL_BASES
from ..people.records import as_at
from ..platform.dashboards import disclosure_threshold, transfer_figures
from ..restructures.restructures import band_words
from ..tupe.transfers import package_on

Source = str | Callable[[], str]  # a record's description, or how to work it out when asked


@dataclass
class Filled:
    """What a letter is about and says: its fields, addressee and sender, and the register's
    links (who it is to, which transfer or restructure)."""

    fields: dict[str, Any]
    addressee: list[str]
    councils: list[str]
    letterhead_note: str
    employee_id: int | None = None
    union_id: int | None = None
    transfer_id: int | None = None
    restructure_id: int | None = None
    links: dict[str, Any] = field(default_factory=dict)
    # Where the fields came from: a field name or a prefix ("transfer", "table.affected_by_grade")
    # -> "the transfer TR-2027-0005, last changed 3 December 2026". The longest match wins. A
    # record's last change is looked up only when asked (the preview), never for a batch.
    sources: dict[str, Source] = field(default_factory=dict)

    def source_of(self, name: str) -> str:
        parts = name.split(".")
        for n in range(len(parts), 0, -1):
            found = self.sources.get(".".join(parts[:n]))
            if found:
                return found if isinstance(found, str) else found()
        return ""


def record_source(label: str, entity_type: str, entity_id: int, created: datetime | None = None) -> Source:
    """A record named for the field preview, with the last time it was changed in hrtool (the
    audit trail: "the transfer TR-2027-0005, last changed 3 December 2026"), else when it was
    recorded. Worked out when first asked for, then kept."""
    return cache(lambda: _record_source(label, entity_type, entity_id, created))


def _record_source(label: str, entity_type: str, entity_id: int, created: datetime | None) -> str:
    from ...models import AuditEvent

    latest = db.session.execute(select(AuditEvent.action, AuditEvent.at).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id),
        AuditEvent.action.not_in(("download", "view", "export"))).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)).first()
    if latest is not None and latest.action != "create":
        return f"{label}, last changed {uk_date(latest.at)}"
    if latest is not None or created is not None:
        return f"{label}, recorded {uk_date(latest.at if latest is not None else created)}"
    return label


def _typed(text: str | None) -> str | None:
    """Text someone (or a rule) recorded, as a sentence of its own with its dates in words."""
    return sentence(dates_in_words(text))


def _band(post: StructurePost) -> str | None:
    return band_words(post, money, " a year") or None


def _set(values: dict[str, Any], path: str, value: Any) -> None:
    node = values
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _fields(flat: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path, value in flat.items():
        if isinstance(value, Table):
            value = table_data(value)
        elif isinstance(value, date):
            value = uk_date(value)
        elif isinstance(value, Decimal):
            value = money(value)
        elif value is not None and not isinstance(value, (str, dict)):
            value = str(value)
        _set(values, path, value)
    return values


def _policy(kind: str, council_id: int | None, on: date) -> Policy | None:
    return db.session.scalars(
        select(Policy).where(Policy.kind == kind, Policy.council_id.is_(council_id) if council_id is None
                             else Policy.council_id == council_id, Policy.effective_from <= on)
        .order_by(Policy.effective_from.desc()).limit(1)).first()


def _both(*councils: Council | None) -> list[Council]:
    unique = {c.id: c for c in councils if c is not None}
    return sorted(unique.values(), key=lambda c: c.code)


def _employee_address(employee: Employee) -> list[str]:
    lines = [employee.full_name] + [line.strip() for line in (employee.address or "").splitlines() if line.strip()]
    if employee.postcode:
        lines.append(employee.postcode)
    return lines


def _employee_source(employee: Employee) -> dict[str, Source]:
    who = f"the employee record of {employee.full_name} ({employee.person_number})"
    source = record_source(who, "employee", employee.id)
    return {"employee": source, "recipient": source}


def _employee(employee: Employee) -> dict[str, Any]:
    return {"employee.name": employee.full_name, "employee.person_number": employee.person_number,
            "employee.continuous_service_date": employee.continuous_service_date,
            "recipient.name": employee.full_name, "recipient.salutation": f"Dear {employee.full_name}"}


def _union(union: TradeUnion) -> dict[str, Any]:
    return {"union.name": union.name, "recipient.name": f"The Branch Secretary, {union.name}",
            "recipient.salutation": "Dear Branch Secretary"}


def _union_address(union: TradeUnion, councils: list[Council]) -> list[str]:
    return ["The Branch Secretary", union.name, " and ".join(c.short_name for c in councils) + " branches",
            "Sent through the hrtool union portal"]


def recognised_unions(council_ids: list[int], on: date) -> list[TradeUnion]:
    """Unions recognised at any of the councils on the date: the appropriate representatives."""
    return list(db.session.scalars(
        select(TradeUnion).join(UnionRecognition).where(
            UnionRecognition.council_id.in_(council_ids), UnionRecognition.recognised_from <= on,
            (UnionRecognition.recognised_to.is_(None)) | (UnionRecognition.recognised_to >= on))
        .distinct().order_by(TradeUnion.code)))


# -- transfers ---------------------------------------------------------------------------------

def _transfer(transfer: Transfer) -> dict[str, Any]:
    def measures(text: str, none: bool) -> str | None:
        return "None envisaged." if none else _typed(text)

    return {
        "transfer.reference": transfer.reference, "transfer.service": transfer.service.name,
        "transfer.service_phrase": service_phrase(transfer.service.name),
        "transfer.date": transfer.transfer_date, "transfer.transferor": transfer.transferor.name,
        "transfer.transferee": transfer.transferee.name, "transfer.legal_basis": LEGAL_BASES[transfer.legal_basis],
        "transfer.reasons": _typed(transfer.reasons), "transfer.implications": _typed(transfer.implications),
        "transfer.transferor_measures": measures(transfer.transferor_measures, transfer.transferor_measures_none),
        "transfer.transferee_measures": measures(transfer.transferee_measures, transfer.transferee_measures_none),
    }


def _transfer_sender(transfer: Transfer) -> tuple[list[Council], str]:
    """A transfer is into a shared service: both councils' names head the letter."""
    note = f"Shared service: {transfer.service.name} · lead authority {transfer.transferee.name}"
    return _both(transfer.transferor, transfer.transferee), note


def _transfer_sources(transfer: Transfer) -> dict[str, Source]:
    return {"transfer": record_source(f"the transfer {transfer.reference}", "transfer", transfer.id,
                                      transfer.created_at)}


def _step_due(transfer: Transfer, key: str) -> date | None:
    """The due date of a checklist step; for a transfer made before checklists were kept, the
    date the transfer checklist policy gives."""
    from ..tupe.transfers import steps_for

    due = next((item.due_on for item in transfer.checklist if item.key == key), None)
    if due is None and not transfer.checklist:
        due = next((s.due_on for s in steps_for(transfer.transfer_date, transfer.transfer_date) if s.key == key), None)
    return due


def transfer_union(transfer: Transfer, union: TradeUnion, on: date) -> Filled:
    """TUPE reg. 13(2): fact, date and reasons; implications; measures of each side (or none);
    agency workers; with the numbers affected by grade (small groups withheld) and when
    consultation starts (the checklist's dates: rules as data)."""
    figures = transfer_figures(transfer.id, min(on, transfer.transfer_date - timedelta(days=1)))
    table = Table(["Grade", "Employees"], [[grade, shown] for grade, shown in figures.rows], numeric=[1])
    councils, note = _transfer_sender(transfer)
    # A small cohort's size is withheld here too: "fewer than 5 employees", never "1 employee".
    flat = {**_transfer(transfer), **_union(union),
            "transfer.agency_workers": _typed(transfer.agency_workers),
            "transfer.affected_count": None if figures.empty else figures.total_words,
            "transfer.affected_employees": None if figures.empty else (
                plural(figures.total, "employee") if figures.total is not None else f"{figures.total_words} employees"),
            "consultation.meeting_by": _step_due(transfer, "consultation_started"),
            "consultation.respond_by": _step_due(transfer, "individual_letters"),
            "table.affected_by_grade": table}
    checklist = record_source(f"the checklist of transfer {transfer.reference}", "transfer", transfer.id)
    sources = {**_transfer_sources(transfer), "union": f"the trade union {union.name} (recognition records)",
               "recipient": f"the trade union {union.name}", "consultation": checklist,
               "transfer.affected_count": f"the cohort of transfer {transfer.reference}, counted on {uk_date(on)}",
               "transfer.affected_employees": f"the cohort of transfer {transfer.reference}, counted on {uk_date(on)}",
               "table.affected_by_grade": f"the cohort of transfer {transfer.reference} by grade (groups under "
                                          f"{figures.withheld_below} withheld)"}
    return Filled(_fields(flat), _union_address(union, councils), [c.name for c in councils], note,
                  union_id=union.id, transfer_id=transfer.id, sources=sources)


def _post_title_on(employee_id: int, on: date) -> str | None:
    """The title of the person's post on `on`: the post of `picture_on` (the same query, the same
    row), without the salary, spine and grade a notice of transfer does not show (four queries
    of five per letter in a batch)."""
    return db.session.scalar(as_at(on).with_only_columns(Post.title).where(Employee.id == employee_id).limit(1))


def transfer_member(member: TransferMember, on: date) -> Filled:
    transfer = member.transfer
    if member.status not in ("proposed", "confirmed"):
        raise DomainError(f"{member.employee.full_name} is {member.status}: a notice of transfer is for people "
                          "still in the cohort")
    as_at = min(on, transfer.transfer_date - timedelta(days=1))
    councils, note = _transfer_sender(transfer)
    flat = {**_transfer(transfer), **_employee(member.employee),
            "employee.post": _post_title_on(member.employee_id, as_at),
            "objection.last_day": transfer.transfer_date - timedelta(days=1)}
    sources = {**_transfer_sources(transfer), **_employee_source(member.employee),
               "employee.post": f"{member.employee.full_name}'s post on {uk_date(as_at)} (their assignment)",
               "objection.last_day": f"the day before the transfer date of {transfer.reference}"}
    return Filled(_fields(flat), _employee_address(member.employee), [c.name for c in councils], note,
                  employee_id=member.employee_id, transfer_id=transfer.id, sources=sources)


def protected_terms(snapshot: ProtectedTerms) -> Filled:
    transfer = snapshot.transfer
    employee = db.session.get(Employee, snapshot.employee_id)
    assert employee is not None, "employee_id is a non-null foreign key"
    data = snapshot.snapshot
    particulars, package, rights = data.get("particulars", {}), data.get("package", {}), data.get("entitlements", {})
    council = db.session.scalar(select(Council).where(Council.code == data.get("terms_council")))

    def standby(value: dict[str, Any]) -> str:
        return "; ".join(f"{k.replace('_gbp', '').replace('_', ' ')}: {money(Decimal(str(v)))}"
                         for k, v in value.items()) or "None"

    def number(value: Any) -> Decimal:
        return Decimal(str(value))

    rows = [
        ["Annual leave", f"{plural(number(rights['annual_leave_days']), 'day')} a year at your service then"
         if rights.get("annual_leave_days") is not None else "Not stated in the package"],
        ["Notice the employer gives", plural(number(rights["notice_months"]), "month")
         if rights.get("notice_months") is not None else "Not stated in the package"],
        ["Working week", plural(number(package["working_week_hours"]), "hour")
         if package.get("working_week_hours") not in (None, "") else "Not stated in the package"],
        ["Overtime", package.get("overtime") or "None"],
        ["Additional hours", package.get("additional_hours") or "None"],
        ["Standby", standby(package.get("standby") or {})],
        ["Car allowance", package.get("car_allowance") or "None"],
    ] + [[c.get("title", ""), c.get("text", "")] for c in package.get("clauses", [])]
    councils, note = _transfer_sender(transfer)
    flat = {**_employee(employee), "terms.transfer_reference": transfer.reference,
            "terms.taken_on": snapshot.taken_on, "terms.employer": transfer.transferee.name,
            "terms.council": council.name if council else None, "terms.package": package.get("name"),
            "terms.post": particulars.get("post_title"), "terms.grade": particulars.get("grade") or "local band",
            "terms.hours": hours_text(Decimal(particulars["hours_per_week"])) if particulars.get("hours_per_week") else None,
            "terms.salary": _pay_then(particulars),
            "table.terms": Table(["Term", "Your protected terms"], rows)}
    taken = (f"the protected terms of {employee.full_name} taken on {uk_date(snapshot.taken_on)} at transfer "
             f"{transfer.reference} (a snapshot: never changed afterwards)")
    sources = {**_employee_source(employee), "terms": taken, "table.terms": taken,
               "terms.employer": f"the transferee of {transfer.reference}"}
    return Filled(_fields(flat), _employee_address(employee), [c.name for c in councils], note,
                  employee_id=employee.id, transfer_id=transfer.id, sources=sources)


def _pay_then(particulars: dict[str, Any]) -> str | None:
    """Full-time pay on the day the terms were taken: the salary where the snapshot holds it,
    otherwise the spinal column point (the pay spine of that year may not be held)."""
    if particulars.get("full_time_salary"):
        return f"{money(Decimal(particulars['full_time_salary']))} a year full-time"
    if particulars.get("local_salary"):
        return f"{money(Decimal(particulars['local_salary']))} a year full-time (local salary)"
    if particulars.get("scp") is not None:
        return f"spinal column point {particulars['scp']} of the NJC pay spine"
    return None


def election(record: Election) -> Filled:
    employee = db.session.get(Employee, record.employee_id)
    employment = db.session.get(Employment, record.employment_id)
    assert employee and employment, "the election's foreign keys are not null"
    protected = db.session.scalars(select(TermsRecord).where(
        TermsRecord.employment_id == employment.id, TermsRecord.basis == "protected")
        .order_by(TermsRecord.effective_from.desc()).limit(1)).first()
    snapshot = db.session.get(ProtectedTerms, protected.protected_terms_id) if protected and protected.protected_terms_id else None
    package = package_on(employment.employer_id, record.effective_from)
    councils = _both(employment.employer, protected.terms_council if protected else None)
    flat = {**_employee(employee), "election.effective_from": record.effective_from,
            "election.recorded_on": record.recorded_at.date() if record.recorded_at else None,
            "election.countersigned_on": record.countersigned_at.date() if record.countersigned_at else None,
            "election.employer": employment.employer.name, "election.terms_package": package.name if package else None,
            "election.previous_terms": snapshot.snapshot.get("package", {}).get("name") if snapshot else None}
    sources = {**_employee_source(employee),
               "election": record_source(f"{employee.full_name}'s election from {uk_date(record.effective_from)}",
                                         "election", record.id, record.recorded_at),
               "election.terms_package": f"the terms package of {employment.employer.name} on "
                                         f"{uk_date(record.effective_from)}",
               "election.previous_terms": "the protected terms snapshot the election gives up"}
    return Filled(_fields(flat), _employee_address(employee), [c.name for c in councils], "",
                  employee_id=employee.id, transfer_id=protected.transfer_id if protected else None, sources=sources)


# -- restructures ------------------------------------------------------------------------------

def _restructure(restructure: Restructure) -> dict[str, Any]:
    return {"restructure.name": restructure.name, "restructure.description": _typed(restructure.description),
            "restructure.effective_date": restructure.effective_date}


def _restructure_sources(restructure: Restructure) -> dict[str, Source]:
    return {"restructure": record_source(f"the restructure {restructure.name}", "restructure", restructure.id)}


def _restructure_councils(restructure: Restructure) -> tuple[list[Council], str]:
    ids = set(db.session.scalars(select(StructurePost.employer_id).where(
        StructurePost.restructure_id == restructure.id, StructurePost.employer_id.is_not(None))))
    councils = sorted((cast(Council, db.session.get(Council, i)) for i in ids), key=lambda c: c.code)  # foreign keys
    return councils, ("Shared structure of both councils" if len(councils) > 1 else "")


def proposed_dismissals(restructure_id: int) -> tuple[int, list[RouteDecision]]:
    """How many dismissals as redundant the proposals would mean: everyone at risk, plus, in
    each ring-fenced pool, the people beyond the number of posts competed for."""
    decisions = list(db.session.scalars(select(RouteDecision).where(RouteDecision.restructure_id == restructure_id)))
    at_risk = [d for d in decisions if d.route == "at_risk"]
    pools: dict[tuple[int, ...], int] = {}
    for d in decisions:
        if d.route == "ring_fence" and d.pool:
            key = tuple(sorted(d.pool))
            pools[key] = pools.get(key, 0) + 1
    surplus = sum(max(0, people - len(pool)) for pool, people in pools.items())
    return len(at_risk) + surplus, decisions


def collective_bands(on: date) -> list[ConsultationBand]:
    policy = _policy("collective_consultation", None, on)
    if policy is None:
        raise DomainError("No collective consultation policy is held: load the reference data")
    return [ConsultationBand(int(b["from_dismissals"]), int(b["days"])) for b in policy.body["bands"]]


def _selection_method(on: date) -> str | None:
    policy = _policy("assimilation", None, on)
    if policy is None:
        return None
    p = policy.body
    return (f"Under the councils' joint Redundancy and Restructuring Policy, a postholder whose current job matches a "
            f"new post by at least {p['slot_in_min_job_match_percent']}%, at the same grade or at most "
            f"{p['slot_in_max_grade_drop']} grade lower, is assimilated to it. Where more postholders match a pool of "
            f"new posts by at least {p['ring_fence_min_job_match_percent']}% than there are posts, a ring-fenced "
            "competitive selection by interview and assessment against the new job descriptions decides who is "
            "appointed. Others are at risk and are offered suitable alternative employment where it exists, with a "
            f"trial period of {p['trial_period_weeks']} weeks.")


def _payment_method(councils: list[Council], on: date) -> str | None:
    parts = [("Statutory redundancy pay is worked out under section 162 of the Employment Rights Act 1996 from age, "
             "complete years of continuous service (at most 20) and a week's pay.")]
    for council in councils:
        policy = _policy("redundancy", council.id, on)
        if policy is None:
            return None
        body = policy.body
        week = "actual weekly pay, not the statutory cap" if body.get("week_pay") == "actual" else "the statutory week's pay cap"
        most = plural(Decimal(str(body["max_weeks"])), "week's pay")
        parts.append(f"{council.name} pays {body['multiplier_of_statutory_weeks']} times the statutory number of weeks, "
                     f"using {week}, up to {most} in all (Local Government (Early Termination "
                     "of Employment) (Discretionary Compensation) Regulations 2006).")
    parts.append("Members of the Local Government Pension Scheme aged 55 or over with two years' membership receive "
                 "their pension immediately and unreduced.")
    return " ".join(parts)


def restructure_union(restructure: Restructure, union: TradeUnion, on: date) -> Filled:
    """TULRCA s.188(4): reasons, numbers and descriptions, selection method, how and when
    dismissals are carried out, how payments are calculated. Only where the threshold is met."""
    proposed, decisions = proposed_dismissals(restructure.id)
    bands = collective_bands(on)
    days = collective_consultation_days(proposed, bands)
    if days is None:
        lowest = min(b.from_dismissals for b in bands)
        raise DomainError(f"{restructure.name} proposes {proposed} redundancies: collective consultation under "
                          f"s.188 applies from {lowest}, so this letter is not due")
    councils, note = _restructure_councils(restructure)
    posts = {p.id: p for p in restructure.posts}
    counts: dict[tuple[str, str], int] = {}
    for d in decisions:
        if d.route in ("at_risk", "ring_fence"):
            post = posts.get(d.current_post_id)
            employer = cast(Council, db.session.get(Council, post.employer_id)).short_name if post and post.employer_id else ""
            key = (post.title if post else "", employer)
            counts[key] = counts.get(key, 0) + 1
    # Small groups withheld as on every figure a union sees (no printed figure is their sum).
    threshold = disclosure_threshold(on)
    hidden = withheld(counts, [], threshold)
    table = Table(["Post", "Employer", "Postholders affected"],
                  [[t, e, cell(n, (t, e) in hidden, threshold)] for (t, e), n in sorted(counts.items())], numeric=[2])
    first = restructure.effective_date
    consultation = _policy("collective_consultation", None, on)
    assert consultation is not None, "the reference data holds the collective consultation policy"
    period = int(consultation.body["period_days"])
    flat = {**_restructure(restructure), **_union(union),
            "redundancy.proposed_count": proposed, "redundancy.employed_count": len(decisions),
            "redundancy.proposed_employees": plural(proposed, "employee"),
            "redundancy.employed_employees": plural(len(decisions), "employee"),
            "redundancy.threshold": f"{plural(proposed, 'dismissal')} {'is' if proposed == 1 else 'are'} proposed "
                                    f"at one establishment within {plural(period, 'day')}",
            "redundancy.consultation_days": days, "redundancy.consultation_period": plural(days, "day"),
            "redundancy.first_dismissal_on": first,
            "redundancy.consultation_start_by": latest_consultation_start(first, days) if first else None,
            "redundancy.selection_method": _selection_method(on),
            "redundancy.payment_method": _payment_method(councils, on),
            "table.roles_at_risk": table}
    routes = f"the route decisions of {restructure.name} ({plural(len(decisions), 'person')})"
    sources = {**_restructure_sources(restructure), "union": f"the trade union {union.name} (recognition records)",
               "recipient": f"the trade union {union.name}", "redundancy": routes, "table.roles_at_risk": routes,
               "redundancy.consultation_days": "the joint collective consultation policy (TULRCA s.188 bands)",
               "redundancy.consultation_period": "the joint collective consultation policy (TULRCA s.188 bands)",
               "redundancy.selection_method": "the joint assimilation policy",
               "redundancy.payment_method": "each council's redundancy policy"}
    return Filled(_fields(flat), _union_address(union, councils), [c.name for c in councils], note,
                  union_id=union.id, restructure_id=restructure.id, sources=sources)


def route_decision(decision: RouteDecision, letter_type: str, on: date) -> Filled:
    expected = {"assimilation_outcome": "slot_in", "at_risk": "at_risk", "alternative_offer": "alternative"}[letter_type]
    if decision.route != expected:
        raise DomainError(f"This person's route is {decision.route.replace('_', ' ')}: the "
                          f"{T.LETTER_TYPES[letter_type].name.lower()} letter is for the {expected.replace('_', ' ')} route")
    restructure = db.session.get(Restructure, decision.restructure_id)
    employee = db.session.get(Employee, decision.employee_id)
    current = db.session.get(StructurePost, decision.current_post_id)
    new = db.session.get(StructurePost, decision.proposed_post_id) if decision.proposed_post_id else None
    assert restructure and employee and current, "the decision's foreign keys are not null"
    councils, note = _restructure_councils(restructure)
    flat: dict[str, Any] = {**_employee(employee), **_restructure(restructure),
                            "current_post.title": current.title, "current_post.grade": _band(current),
                            "decision.reasons": _typed(decision.reasons),
                            "new_post.title": new.title if new else None, "new_post.grade": _band(new) if new else None}
    if letter_type == "at_risk":  # the service date for redundancy and the notice owed
        from ..restructures.redundancy import at_risk_letter_fields

        flat.update(at_risk_letter_fields(employee, restructure))
    if letter_type == "alternative_offer":
        policy = _policy("assimilation", None, on)
        weeks = int(policy.body["trial_period_weeks"]) if policy else None
        starts = restructure.effective_date
        ends = decision.trial_ends_on or (trial_period_end(starts, weeks) if starts and weeks else None)
        flat.update({"trial.weeks": weeks, "trial.period": plural(weeks, "week") if weeks else None,
                     "trial.starts_on": starts, "trial.ends_on": ends})
    sources = {**_restructure_sources(restructure), **_employee_source(employee),
               "decision": record_source(f"{employee.full_name}'s route decision in {restructure.name}",
                                         "route_decision", decision.id),
               "current_post": f"the current structure of {restructure.name}: {current.title}",
               "new_post": f"the proposed structure of {restructure.name}" + (f": {new.title}" if new else ""),
               "redundancy": f"{employee.full_name}'s service dates", "notice": f"{employee.full_name}'s terms and "
               "service (ERA 1996 s.86 beside the contractual notice)",
               "trial": "the joint assimilation policy (trial period) and the restructure's date"}
    return Filled(_fields(flat), _employee_address(employee), [c.name for c in councils], note,
                  employee_id=employee.id, restructure_id=restructure.id, sources=sources)


# -- pay protection ----------------------------------------------------------------------------

def _policy_words(protection: Protection) -> str | None:
    policy = db.session.get(Policy, protection.policy_id)
    if policy is None:
        return None
    body = policy.body
    phases = body.get("phases", [])
    share = "; then ".join(f"{Decimal(str(p['share_of_difference'])) * 100:.0f}% for "
                           f"{plural(int(p['months']), 'month')}" for p in phases)
    name = protection.council.name
    if body.get("kind") == "tapered":
        difference = protection.old_salary - protection.new_salary
        if difference <= 0:  # nothing to protect: say so in words, never as a negative sum
            change = "the same as" if difference == 0 else f"{money(-difference)} a year full-time more than"
            return (f"Your new salary is {change} your salary before, so under {name}'s pay protection policy no "
                    "protection payment is due.")
        return (f"Under {name}'s pay protection policy the difference between your salary before and your new salary, "
                f"{money(difference)} a year full-time, is fixed in cash. You receive {share}. Pay awards and "
                "increments on your new salary are paid in full on top.")
    if body.get("kind") == "cash-frozen":
        return (f"Under {name}'s pay protection policy your salary before, {money(protection.old_salary)} a year "
                f"full-time, is frozen. You receive the amount by which your new salary falls short of it: {share}. "
                "Pay awards and increments on your new salary reduce the payment.")
    return None


def _change(difference: Decimal) -> str:
    """'a reduction of £1,271.00 a year full-time', 'an increase of ...', or 'no change'."""
    return money_change(difference) + ("" if difference == 0 else " a year full-time")


def protection(record: Protection) -> Filled:
    employee = db.session.get(Employee, record.employee_id)
    assert employee is not None, "employee_id is a non-null foreign key"
    months = list(record.months)
    rows = [[f"{m.month:%B %Y}", str(m.phase), money(m.new_salary), money(m.protection), money(m.payment)
             + (" *" if m.projected else "")] for m in months]
    total = sum((m.payment for m in months), Decimal(0))
    table = Table(["Month", "Phase", "New salary (a year, your hours)", "Protection (a year)", "Paid that month"],
                  rows, numeric=[2, 3, 4])
    flat = {**_employee(employee), "protection.reason": _typed(record.reason),
            "protection.change": _change(record.new_salary - record.old_salary),
            "protection.start_date": record.start_date,
            "protection.end_date": record.ends_on - timedelta(days=1) if record.ends_on else None,
            "protection.old_grade": record.old_grade or None, "protection.new_grade": record.new_grade or None,
            "protection.old_salary": record.old_salary, "protection.new_salary": record.new_salary,
            "protection.hours": hours_text(record.hours_per_week), "protection.policy": _policy_words(record),
            "protection.total": total if months else None, "table.schedule": table}
    held = f"{employee.full_name}'s pay protection from {uk_date(record.start_date)}"
    sources = {**_employee_source(employee), "protection": record_source(held, "protection", record.id),
               "protection.policy": f"{record.council.name}'s pay protection policy",
               "table.schedule": record_source(f"the month-by-month schedule of {held}", "protection", record.id)}
    return Filled(_fields(flat), _employee_address(employee), [record.council.name], "", employee_id=employee.id,
                  sources=sources)


# -- job evaluation appeals ---------------------------------------------------------

def jes_appeal(appeal: Any) -> Filled:
    """The outcome of a job evaluation appeal, to the employee: the facts are worded by
    services/pay/jes/appeals.outcome_facts; sent by the council whose post it is."""
    from ..pay.jes.appeals import outcome_facts

    employee = db.session.get(Employee, appeal.employee_id)
    assert employee is not None, "employee_id is a non-null foreign key"
    flat = {**_employee(employee), **outcome_facts(appeal)}
    flat["appeal.reasons"] = _typed(appeal.outcome_notes)
    held = record_source(f"the appeal of {employee.full_name} against the evaluation of "
                         f"{uk_date(appeal.evaluation.evaluated_on)}", "job_evaluation_appeal", appeal.id)
    sources = {**_employee_source(employee), "appeal": held, "table.factors": held,
               "evaluation": "the evaluation appealed and the appeal's new evaluation",
               "grade": "the council's grade bands in force on the date the outcome takes effect",
               "pay": f"{employee.full_name}'s assignments in the post, valued on the NJC pay spine"}
    return Filled(_fields(flat), _employee_address(employee), [appeal.evaluation.council.name], "",
                  employee_id=employee.id, sources=sources)


# -- dispatch ----------------------------------------------------------------------------------

def fill(letter_type: str, source_id: int, union_id: int | None, on: date) -> Filled:
    """The fields of a letter of this type about this record (and to this union). 404-style
    DomainError if the record does not exist."""
    kind = T.letter_type(letter_type).source

    def get(model: Any) -> Any:
        record = db.session.get(model, source_id)
        if record is None:
            raise DomainError("That record no longer exists")
        return record

    if kind in (T.TRANSFER_UNION, T.RESTRUCTURE_UNION, T.TRANSFER_WITHDRAWN):
        union = db.session.get(TradeUnion, union_id) if union_id else None
        if union is None:
            raise DomainError("Choose the union the letter is to")
        if kind == T.TRANSFER_WITHDRAWN:  # services/tupe/transfer_changes.py
            from ..tupe.transfer_changes import withdrawn_union

            return withdrawn_union(get(Transfer), union, on)
        if kind == T.TRANSFER_UNION:
            return transfer_union(get(Transfer), union, on)
        return restructure_union(get(Restructure), union, on)
    if kind == T.TRANSFER_MEMBER:
        return transfer_member(get(TransferMember), on)
    if kind == T.ROUTE_DECISION:
        return route_decision(get(RouteDecision), letter_type, on)
    if kind == T.PROTECTION:
        return protection(get(Protection))
    if kind == T.PROTECTED_TERMS:
        return protected_terms(get(ProtectedTerms))
    if kind == T.JES_APPEAL:  # services/pay/jes/appeals.py
        from ...models import EvaluationAppeal

        return jes_appeal(get(EvaluationAppeal))
    return election(get(Election))
