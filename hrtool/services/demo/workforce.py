"""A deterministic generator of fictitious workforces for the demo, tests and benchmarks.

The same --employees and --seed always give the same rows (no clock: history is generated up to
DEMO_AS_OF). The shape follows the councils' papers (DOMAIN.md 1): about 31% of staff in the
services shared since 2011 and 2018, employed by the lead authority, most of those who
transferred now on the lead's terms and some still on protected terms; about a third over 55;
both sexes; part-timers; the 2 Chief Executives and 10 Heads of Service of the current senior
structure. Rows go in with bulk inserts so 100,000 employees take seconds, not minutes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import func, insert, select, text

from ...domain.dates import complete_years
from ...domain.grading import GradeBand, ScoreStep, grade_for_points, grade_timeline
from ...extensions import db
from ...models import (
    Assignment,
    Council,
    Election,
    Employee,
    Employment,
    EvaluationFactor,
    GradeConvention,
    JobEvaluation,
    PanelMember,
    Post,
    PostGrade,
    ProtectedTerms,
    Service,
    ServiceLead,
    TermsPackage,
    TermsRecord,
    TradeUnion,
    Transfer,
    TransferMember,
)
from ..pay.post_grades import band_versions
from ..platform.bulk import execute_many
from ..rules.reference_data import SENIOR_SERVICE
from ..tupe.transfers import entitlements, package_body
from .evaluations import evaluate_posts

DEMO_AS_OF = date(2026, 4, 1)
SHARED_PROPORTION = 0.31  # 163 of about 525 in 2022 (business case)
PROTECTED_EVERY = 7  # 13 of the first tranche's 97 chose to stay on protected terms: about 1 in 7

FIRST_NAMES = {
    "F": ["Amelia", "Olivia", "Emily", "Sophie", "Jessica", "Grace", "Hannah", "Charlotte", "Lucy", "Ellie",
          "Karen", "Susan", "Julie", "Claire", "Deborah", "Joanne", "Rachel", "Sarah", "Helen", "Nicola",
          "Lisa", "Amanda", "Michelle", "Tracey", "Angela", "Janet", "Margaret", "Patricia", "Priya", "Aisha",
          "Zara", "Megan", "Chloe", "Bethany", "Kirsty", "Gemma", "Leanne", "Dawn", "Carol", "Wendy"],
    "M": ["Oliver", "Jack", "Harry", "George", "Thomas", "James", "William", "Daniel", "Samuel", "Joseph",
          "David", "Paul", "Mark", "Andrew", "Stephen", "Ian", "Gary", "Neil", "Richard", "Simon",
          "Michael", "Christopher", "Darren", "Lee", "Craig", "Martin", "Graham", "Keith", "Rajesh", "Imran",
          "Kieran", "Liam", "Ryan", "Adam", "Nathan", "Callum", "Dean", "Wayne", "Colin", "Trevor"],
}
LAST_NAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Lewis", "Harris", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore",
    "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips",
    "Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook",
    "Carter", "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Marsh", "Hughes", "Edwards", "Turner", "Fletcher", "Holmes", "Lowe", "Bird", "Pearson", "Webb",
]
STREETS = ["Church Street", "Mill Lane", "Station Road", "Victoria Road", "Park Avenue", "High Street",
           "Queens Road", "Forest Way", "Chase Road", "Brook Close", "Oak Drive", "Meadow View"]
TOWNS = [("Cannock", "WS11"), ("Rugeley", "WS15"), ("Hednesford", "WS12"), ("Stafford", "ST16"),
         ("Stone", "ST15"), ("Eccleshall", "ST21"), ("Penkridge", "ST19")]
# Relative sizes of services (staff); unnamed services weigh 1.
SERVICE_WEIGHTS = {
    "Revenues and Benefits": 6, "Streetscene and Parks": 8, "Housing (HRA)": 6, "Customer Services": 4,
    "Caretaking and Cleaning": 4, "Finance": 3, "Technology": 3, "Environmental Health": 3,
    "Development Management": 3, "Human Resources": 2, "Legal Services": 2, "Waste Contract Management": 1,
    "Housing Strategy and Homelessness": 3, "Bereavement Services": 2, "Building Control": 2,
    "Licensing": 2, "Leisure Client": 1, "Car Parking": 2, "Democratic Services": 2,
}
JOB_TITLES = ["Assistant", "Officer", "Senior Officer", "Team Leader", "Manager"]
CE_SALARY = {"CCDC": Decimal("119500"), "SBC": Decimal("126500")}
HOS_SALARY = {"CCDC": Decimal("78400"), "SBC": Decimal("79800")}
HEADS = {
    "CCDC": ["Head of Economic Prosperity", "Head of Environment and Healthy Lifestyles",
             "Head of Housing and Partnerships", "Head of Governance and Corporate Services",
             "Head of Finance"],
    "SBC": ["Head of Development", "Head of Operations", "Head of Law and Administration",
            "Head of Communities", "Head of Human Resources"],
}


@dataclass
class _Rows:
    employees: list[dict[str, Any]] = field(default_factory=list)
    employments: list[dict[str, Any]] = field(default_factory=list)
    assignments: list[dict[str, Any]] = field(default_factory=list)
    terms: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    protected: list[dict[str, Any]] = field(default_factory=list)
    elections: list[dict[str, Any]] = field(default_factory=list)


class _Ids:
    """Hands out primary keys above whatever the table already holds, so bulk rows can refer to
    each other before they are inserted."""

    def __init__(self) -> None:
        self._next: dict[Any, int] = {}

    def next(self, model: Any) -> int:
        if model not in self._next:
            self._next[model] = (db.session.scalar(select(func.max(model.id))) or 0) + 1
        value = self._next[model]
        self._next[model] = value + 1
        return value


def _age(rng: random.Random) -> int:
    """Ages in the papers' profile: about a third over 55, about a sixth 50 to 54."""
    roll = rng.random()
    if roll < 0.34:
        return rng.randint(55, 66)
    if roll < 0.51:
        return rng.randint(50, 54)
    return rng.randint(19, 49)


def _date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


class _Generator:
    def __init__(self, employees: int, seed: int) -> None:
        self.n = employees
        self.rng = random.Random(seed)
        self.ids = _Ids()
        self.rows = _Rows()
        self.councils = {c.code: c for c in db.session.scalars(select(Council).order_by(Council.code))}
        if set(self.councils) != {"CCDC", "SBC"}:
            raise RuntimeError("load the reference data before generating demo data")
        self.bands = {
            code: [GradeBand(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max)
                   for b in cast(GradeConvention, db.session.scalars(  # the reference data, checked above
                       select(GradeConvention).where(GradeConvention.council_id == c.id)).first()).bands]
            for code, c in self.councils.items()
        }
        self.services = list(db.session.scalars(select(Service).order_by(Service.id)))
        self.leads = {lead.service_id: lead for lead in db.session.scalars(
            select(ServiceLead).where(ServiceLead.status == "agreed"))}
        self.unions = list(db.session.scalars(select(TradeUnion).order_by(TradeUnion.id)))
        packages = {code: db.session.scalars(select(TermsPackage).where(TermsPackage.council_id == c.id)
                                             .order_by(TermsPackage.effective_from)).first()
                    for code, c in self.councils.items()}
        self.packages = {code: package_body(p) for code, p in packages.items()}
        self.package_ids = {code: p.id if p else None for code, p in packages.items()}
        self.transfers: dict[tuple[int, str], int] = {}
        self.transferred = 0
        start_number = (db.session.scalar(select(func.count()).select_from(Employee)) or 0) + 1
        self.person_seq = start_number
        self.post_seq = (db.session.scalar(select(func.count()).select_from(Post)) or 0) + 1

    # -- building blocks -------------------------------------------------------------------
    def _post(self, council: str, service: Service, title: str, score: int | None, opened: date,
              closed: date | None = None, tier: str = "officer", fte: Decimal = Decimal("1"),
              band: tuple[Decimal, Decimal] | None = None) -> dict[str, Any]:
        row = {
            "id": self.ids.next(Post), "post_number": f"{council[:2]}{self.post_seq:06d}",
            "council_id": self.councils[council].id, "service_id": service.id, "title": title, "tier": tier,
            "fte": fte, "je_score": score, "band_min": band[0] if band else None,
            "band_max": band[1] if band else None, "established_on": opened, "closed_on": closed,
            "notes": "", "version": 1,
        }
        self.post_seq += 1
        self.rows.posts.append(row)
        return row

    def _grade(self, council: str, score: int | None) -> str | None:
        """The grade a score earns under the council's (only, illustrative) bands."""
        return grade_for_points(score, self.bands[council]).grade if score is not None else None

    def _score(self) -> int:
        """JE points with most jobs in the lower and middle grades."""
        return min(640, max(150, int(self.rng.triangular(170, 640, 300))))

    def _scp_for(self, council: str, score: int, years_in_grade: int) -> int:
        band = grade_for_points(score, self.bands[council])
        return min(band.scp_max, band.scp_min + years_in_grade)

    def _transfer(self, service: Service, transferor: str, lead: ServiceLead) -> int:
        key = (service.id, transferor)
        if key not in self.transfers:
            tid = self.ids.next(Transfer)
            self.rows.transfers.append({
                "id": tid, "reference": f"TR-{lead.effective_from.year}-{service.id:03d}-{transferor}",
                "service_id": service.id, "transferor_id": self.councils[transferor].id,
                "transferee_id": lead.lead_council_id, "transfer_date": lead.effective_from, "legal_basis": "tupe",
                "status": "completed",
                "reasons": f"{service.name} shared under the lead authority model from {lead.effective_from:%-d %B %Y}",
            })
            self.transfers[key] = tid
        return self.transfers[key]

    def _person(self, council_hint: str) -> dict[str, Any]:
        rng = self.rng
        sex = "F" if rng.random() < 0.56 else "M"
        age = _age(rng)
        dob = _date_between(rng, date(DEMO_AS_OF.year - age - 1, DEMO_AS_OF.month, DEMO_AS_OF.day) + timedelta(days=1),
                            date(DEMO_AS_OF.year - age, DEMO_AS_OF.month, DEMO_AS_OF.day))
        max_service = max(0, min(age - 18, 40))
        years = min(max_service, int(rng.expovariate(1 / 11)))
        csd = _date_between(rng, DEMO_AS_OF - timedelta(days=365 * (years + 1)), DEMO_AS_OF - timedelta(days=365 * years + 30))
        first = rng.choice(FIRST_NAMES[sex])
        last = rng.choice(LAST_NAMES)
        towns = TOWNS[:3] if council_hint == "CCDC" else TOWNS[3:]
        town, district = rng.choice(towns)
        union = rng.choice(self.unions) if rng.random() < 0.45 else None
        row = {
            "id": self.ids.next(Employee), "person_number": f"P{self.person_seq:07d}", "first_name": first,
            "last_name": last, "date_of_birth": dob, "sex": sex,
            "email": f"{first}.{last}.{self.person_seq}@example.org".lower(), "phone": f"01785 {rng.randint(100000, 999999)}",
            "address": f"{rng.randint(1, 180)} {rng.choice(STREETS)}\n{town}",
            "postcode": f"{district} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "continuous_service_date": csd, "trade_union_id": union.id if union else None, "version": 1,
        }
        self.person_seq += 1
        self.rows.employees.append(row)
        return row

    def _employment(self, person: dict[str, Any], employer: str, start: date, end: date | None, began_by: str = "appointment",
                    transfer_id: int | None = None, end_reason: str = "") -> dict[str, Any]:
        row = {"id": self.ids.next(Employment), "employee_id": person["id"], "employer_id": self.councils[employer].id,
               "start_date": start, "end_date": end, "began_by": began_by, "transfer_id": transfer_id,
               "end_reason": end_reason}
        self.rows.employments.append(row)
        return row

    def _assign(self, employment: dict[str, Any], post: dict[str, Any], hours: Decimal, scp: int | None, start: date,
                end: date | None, reason: str, local_salary: Decimal | None = None) -> None:
        self.rows.assignments.append({
            "id": self.ids.next(Assignment), "employment_id": employment["id"], "post_id": post["id"],
            "hours_per_week": hours, "scp": scp, "local_salary": local_salary, "effective_from": start,
            "effective_to": end, "reason": reason, "recorded_by_id": None,
        })

    def _terms(self, employment: dict[str, Any], basis: str, council: str, start: date, end: date | None,
               reason: str, transfer_id: int | None = None, protected_terms_id: int | None = None) -> None:
        self.rows.terms.append({
            "id": self.ids.next(TermsRecord), "employment_id": employment["id"], "basis": basis,
            "terms_council_id": self.councils[council].id, "transfer_id": transfer_id, "effective_from": start,
            "effective_to": end, "reason": reason, "recorded_by_id": None, "protected_terms_id": protected_terms_id,
        })

    def _protect(self, person: dict[str, Any], first: dict[str, Any], second: dict[str, Any], transfer_id: int,
                 home: str, post: dict[str, Any], hours: Decimal, scp: int, transfer_on: date) -> int:
        """The transferred person's cohort membership and the snapshot of the terms they held the
        day before the transfer, as completing a transfer records them."""
        self.rows.members.append({
            "id": self.ids.next(TransferMember), "transfer_id": transfer_id, "employee_id": person["id"],
            "employment_id": first["id"], "status": "transferred", "reason": "", "objected_on": None,
            "objection_note": "", "eli_cases_checked_on": transfer_on - timedelta(days=35),
            "new_employment_id": second["id"]})
        day_before = transfer_on - timedelta(days=1)
        years = complete_years(person["continuous_service_date"], day_before)
        body = self.packages[home]
        snapshot = {
            "terms_council": home, "package": body, "carried_from_transfer": None,
            "particulars": {
                "employer": self.councils[home].name, "post_number": post["post_number"], "post_title": post["title"],
                "grade": self._grade(home, post["je_score"]), "je_score": post["je_score"], "hours_per_week": str(hours), "scp": scp,
                "local_salary": None, "full_time_salary": None, "salary": None,
                "continuous_service_date": person["continuous_service_date"].isoformat(),
                "complete_years_of_service": years, "employment_start_date": first["start_date"].isoformat()},
            "entitlements": entitlements(body, years, self._grade(home, post["je_score"])),
        }
        pid = self.ids.next(ProtectedTerms)
        self.rows.protected.append({
            "id": pid, "transfer_id": transfer_id, "employee_id": person["id"],
            "terms_council_id": self.councils[home].id, "terms_package_id": self.package_ids[home],
            "taken_on": day_before, "snapshot": snapshot})
        return pid

    def _hours(self) -> Decimal:
        roll = self.rng.random()
        if roll < 0.72:
            return Decimal("37")
        return self.rng.choice([Decimal("18.5"), Decimal("22.5"), Decimal("30"), Decimal("15"), Decimal("29.6")])

    # -- people ------------------------------------------------------------------------------
    def _career(self, service: Service, home: str) -> None:
        """One person in a service: appointed by `home`; if the service is shared and they were
        there before it was, TUPE-transferred to the lead, maybe still on protected terms."""
        rng = self.rng
        person = self._person(home)
        lead = self.leads.get(service.id)
        if lead is not None and rng.random() < 0.6:
            # Most of the shared services' staff were there before sharing began (the first
            # tranche of 2011 was 97 people): start them before the lead took over.
            eighteenth = person["date_of_birth"] + timedelta(days=366 * 18)
            latest = lead.effective_from - timedelta(days=200)
            if eighteenth < latest:
                person["continuous_service_date"] = _date_between(rng, max(eighteenth, date(1990, 1, 1)), latest)
        csd = person["continuous_service_date"]
        score = self._score()
        hours = self._hours()
        title = f"{service.name} {rng.choice(JOB_TITLES)}"
        if lead is None or csd >= lead.effective_from:
            employer = self.councils_by_id[lead.lead_council_id] if lead else home
            post = self._post(employer, service, title, score, min(csd, date(2010, 4, 1)))
            self._hire(person, employer, post, csd, hours, score)
            return
        lead_code = self.councils_by_id[lead.lead_council_id]
        transfer_on = lead.effective_from
        old_post = self._post(home, service, title, score, min(csd, date(2005, 4, 1)), closed=transfer_on - timedelta(days=1))
        if home == lead_code:
            # Already the lead's employee: no transfer; the post simply carries on.
            old_post["closed_on"] = None
            self._hire(person, home, old_post, csd, hours, score)
            return
        tid = self._transfer(service, home, lead)
        first = self._employment(person, home, csd, transfer_on - timedelta(days=1), end_reason="transferred to the lead authority")
        years_before = max(0, (transfer_on - csd).days // 365)
        self._assign(first, old_post, hours, self._scp_for(home, score, years_before), csd, transfer_on - timedelta(days=1),
                     "appointed")
        self._terms(first, "own", home, csd, transfer_on - timedelta(days=1), "employer's own terms")
        second = self._employment(person, lead_code, transfer_on, None, began_by="tupe", transfer_id=tid)
        new_post = self._post(lead_code, service, title, score, transfer_on)
        pid = self._protect(person, first, second, tid, home, old_post, hours,
                            self._scp_for(home, score, years_before), transfer_on)
        # Every seventh person transferred stays on protected terms (13 of 97 in the papers),
        # counted rather than drawn so even a small demo has some.
        self.transferred += 1
        stays_protected = self.transferred % PROTECTED_EVERY == 3
        if stays_protected:
            self._assign(second, new_post, hours, self._scp_for(home, score, years_before + 3), transfer_on, None,
                         "transferred on the same terms (TUPE)")
            self._terms(second, "protected", home, transfer_on, None, "terms protected on transfer", transfer_id=tid,
                        protected_terms_id=pid)
            return
        # Moved onto the lead's terms when the role was revised and re-evaluated.
        chose_on = _date_between(rng, transfer_on + timedelta(days=365), date(2022, 3, 31))
        new_score = min(640, score + rng.randint(-10, 30))
        new_post["je_score"] = new_score
        self._assign(second, new_post, hours, self._scp_for(home, score, years_before + 1), transfer_on,
                     chose_on - timedelta(days=1), "transferred on the same terms (TUPE)")
        self._assign(second, new_post, hours, self._scp_for(lead_code, new_score, (DEMO_AS_OF - chose_on).days // 365),
                     chose_on, None, "role re-evaluated; chose the lead authority's terms")
        self._terms(second, "protected", home, transfer_on, chose_on - timedelta(days=1), "terms protected on transfer",
                    transfer_id=tid, protected_terms_id=pid)
        self._terms(second, "own", lead_code, chose_on, None, "elected to move onto the lead authority's terms")
        signed = datetime(chose_on.year, chose_on.month, chose_on.day, 12, 0, tzinfo=UTC)
        self.rows.elections.append({
            "id": self.ids.next(Election), "employee_id": person["id"], "employment_id": second["id"],
            "effective_from": chose_on, "recorded_by_id": None, "recorded_at": signed - timedelta(days=14),
            "understood_irreversible": True, "countersigned_by_id": None, "countersigned_at": signed})

    def _hire(self, person: dict[str, Any], employer: str, post: dict[str, Any], start: date, hours: Decimal,
              score: int) -> None:
        years = (DEMO_AS_OF - start).days // 365
        employment = self._employment(person, employer, start, None)
        if years >= 3 and self.rng.random() < 0.5:
            # A change of hours part way through: two dated assignments.
            changed_on = _date_between(self.rng, start + timedelta(days=365), DEMO_AS_OF - timedelta(days=60))
            earlier = Decimal("37") if hours != Decimal("37") else Decimal("30")
            self._assign(employment, post, earlier, self._scp_for(employer, score, 0), start,
                         changed_on - timedelta(days=1), "appointed")
            self._assign(employment, post, hours, self._scp_for(employer, score, years), changed_on, None,
                         "change of contracted hours")
        else:
            self._assign(employment, post, hours, self._scp_for(employer, score, years), start, None, "appointed")
        self._terms(employment, "own", employer, start, None, "employer's own terms")

    def _senior(self) -> None:
        service = next(s for s in self.services if s.name == SENIOR_SERVICE)
        for code in ("CCDC", "SBC"):
            roles = [("Chief Executive", "chief executive", CE_SALARY[code])] + [
                (title, "head of service", HOS_SALARY[code]) for title in HEADS[code]]
            for title, tier, salary in roles:
                person = self._person(code)
                age = self.rng.randint(45, 60)
                person["date_of_birth"] = date(DEMO_AS_OF.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))
                person["continuous_service_date"] = date(self.rng.randint(1995, 2012), self.rng.randint(1, 12), 1)
                post = self._post(code, service, f"{title} ({self.councils[code].short_name})", None,
                                  date(2011, 4, 1), tier=tier, band=(salary, salary))
                employment = self._employment(person, code, person["continuous_service_date"], None)
                self._assign(employment, post, Decimal("37"), None, max(employment["start_date"], date(2011, 4, 1)),
                             None, "appointed", local_salary=salary)
                self._terms(employment, "own", code, employment["start_date"], None, "employer's own terms")

    def _vacancies(self) -> None:
        """About one post in twelve is vacant."""
        candidates = [s for s in self.services if s.name != SENIOR_SERVICE]
        for _ in range(max(1, self.n // 12)):
            service = self.rng.choice(candidates)
            lead = self.leads.get(service.id)
            council = self.councils_by_id[lead.lead_council_id] if lead else self.rng.choice(["CCDC", "SBC"])
            if service.name == "Housing (HRA)" or service.name == "Housing Register (CCDC)":
                council = "CCDC"
            elif service.name == "Housing Register (SBC)":
                council = "SBC"
            self._post(council, service, f"{service.name} {self.rng.choice(JOB_TITLES)}", self._score(), date(2019, 4, 1))

    def run(self) -> dict[str, int]:
        self.councils_by_id = {c.id: code for code, c in self.councils.items()}
        self._senior()
        people = max(0, self.n - 12)
        shared = [s for s in self.services if s.id in self.leads]
        others = [s for s in self.services if s.id not in self.leads and s.name != SENIOR_SERVICE]
        shared_weights = [SERVICE_WEIGHTS.get(s.name, 1) for s in shared]
        other_weights = [SERVICE_WEIGHTS.get(s.name, 1) for s in others]
        for i in range(people):
            in_shared = self.rng.random() < SHARED_PROPORTION
            service = self.rng.choices(shared if in_shared else others, shared_weights if in_shared else other_weights)[0]
            home = "CCDC" if i % 2 == 0 else "SBC"
            if service.name in ("Housing (HRA)", "Housing Register (CCDC)"):
                home = "CCDC"
            elif service.name == "Housing Register (SBC)":
                home = "SBC"
            self._career(service, home)
        self._vacancies()
        self._leavers()
        return self._write()

    def _leavers(self) -> None:
        """About one in twenty people has left since April 2022, so 'left' is a real filter."""
        open_employments = {e["id"]: e for e in self.rows.employments if e["end_date"] is None}
        senior = {p["id"] for p in self.rows.posts if p["tier"] != "officer"}
        by_employment: dict[int, list[dict[str, Any]]] = {}
        for row in self.rows.assignments + self.rows.terms:
            by_employment.setdefault(row["employment_id"], []).append(row)
        for employment in list(open_employments.values()):
            if self.rng.random() >= 0.05:
                continue
            records = by_employment.get(employment["id"], [])
            if any(r.get("post_id") in senior for r in records):
                continue
            earliest = max(employment["start_date"] + timedelta(days=365), date(2022, 4, 1),
                           max(r["effective_from"] for r in records) + timedelta(days=30))
            if earliest >= DEMO_AS_OF - timedelta(days=30):
                continue
            left_on = _date_between(self.rng, earliest, DEMO_AS_OF - timedelta(days=30))
            employment["end_date"] = left_on
            employment["end_reason"] = self.rng.choice(["resigned", "retired", "end of fixed-term contract"])
            for record in records:
                if record["effective_to"] is None:
                    record["effective_to"] = left_on

    def _write(self) -> dict[str, int]:
        r = self.rows
        # Every post with a score evaluated factor by factor under its council's conventions, a few
        # under both councils' (services/demo/evaluations.py). Before the grades below: a
        # score the scheme cannot make exactly becomes the evaluation's points.
        evaluated = evaluate_posts(r.posts, self.councils, self.bands, self.ids, {s.id: s.name for s in self.services})
        # Each post's dated grades (services/pay/post_grades.py), worked out here by the same pure rule
        # and written with the posts in one batched insert, not one query per post.
        versions = band_versions()
        grades = [{"post_id": p["id"], "effective_from": g.effective_from, "effective_to": g.effective_to,
                   "je_score": g.je_score, "grade": g.grade, "convention_id": g.convention_id}
                  for p in r.posts
                  for g in grade_timeline(p["established_on"], p["closed_on"], p["je_score"],
                                          [ScoreStep(p["established_on"], p["je_score"])] if p["je_score"] is not None
                                          else [], versions.get(p["council_id"], []))]
        plan = [(Transfer, r.transfers), (Post, r.posts), (PostGrade, grades), (JobEvaluation, evaluated.evaluations),
                (Employee, r.employees),
                (Employment, r.employments), (Assignment, r.assignments), (ProtectedTerms, r.protected),
                (TermsRecord, r.terms), (TransferMember, r.members), (Election, r.elections)]
        counts = {}
        for model, rows in plan:
            for start in range(0, len(rows), 5000):
                db.session.execute(insert(model), rows[start:start + 5000])
            counts[model.__tablename__] = len(rows)
        for model, chunks in ((EvaluationFactor, evaluated.factor_rows()), (PanelMember, evaluated.panel_rows())):
            counts[model.__tablename__] = 0
            for rows in chunks:  # 13 rows an evaluation, ids from the table: made and sent a chunk at a time
                execute_many(model, rows)
                counts[model.__tablename__] += len(rows)
        if db.session.get_bind().dialect.name == "postgresql":
            for model, _ in plan:
                table = model.__tablename__
                db.session.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"))
        return counts


# Phase-2 transfers in the demo are planned for these dates (the reference file's 2024 dates are
# stand-ins already past); one transfer is earlier, with a step left overdue to show the flag.
PHASE2_TRANSFER_ON = date(2027, 2, 1)
EARLY_TRANSFER = ("Licensing", date(2027, 1, 4))


def plan_phase2_transfers() -> int:
    """Planned transfers for the phase-2 services: for each service with a proposed lead, the
    other council's staff transfer to it. Cohorts proposed (half confirmed) and a partly done
    checklist, as HR would have them a few months before."""
    from ..tupe.transfers import confirm_cohort, create_transfer, propose_cohort

    made = 0
    proposals = db.session.execute(
        select(Service, ServiceLead).join(ServiceLead).where(ServiceLead.status == "proposed")
        .order_by(Service.name)).all()
    other = {c.id: o.id for c in db.session.scalars(select(Council)) for o in db.session.scalars(select(Council))
             if o.id != c.id}
    for index, (service, lead) in enumerate(proposals):
        transfer_on = EARLY_TRANSFER[1] if service.name == EARLY_TRANSFER[0] else PHASE2_TRANSFER_ON
        transferor = other[lead.lead_council_id]
        staff = db.session.execute(select(func.count()).select_from(Assignment).join(Employment).join(Post).where(
            Employment.employer_id == transferor, Post.service_id == service.id, Assignment.effective_to.is_(None),
            Employment.end_date.is_(None))).scalar()
        if not staff:
            continue
        transfer = create_transfer({
            "service_id": service.id, "transferor_id": transferor, "transferee_id": lead.lead_council_id,
            "transfer_date": transfer_on, "legal_basis": "tupe",
            "reasons": f"{service.name} is to be shared under the lead authority model agreed by both councils "
                       "(business case, November 2022), led by the council that leads the service.",
            "implications": "Employment moves to the lead authority on the same terms and with continuity of "
                            "service; LGPS membership continues.",
            "transferor_measures_none": True,
            "transferee_measures": "" if index % 3 else "Aligning rotas and working patterns with the lead "
                                                          "authority's team, after consultation.",
            "transferee_measures_none": bool(index % 3)}, PHASE2_TRANSFER_ON - timedelta(days=120))
        db.session.flush()
        propose_cohort(transfer)
        db.session.flush()
        if index % 2 == 0:
            confirm_cohort(transfer)
        for item in transfer.checklist:
            if item.key == "inform_representatives" and service.name != EARLY_TRANSFER[0]:
                item.done_on = date(2026, 10, 30)
                item.note = "Letters to UNISON, GMB and Unite branch secretaries"
            elif item.key == "measures_letter" and service.name != EARLY_TRANSFER[0]:
                item.done_on = date(2026, 10, 23)  # before the reg. 13 letter, which passes them on (reg. 13(4))
                item.note = "The lead authority's measures received"
            elif item.key == "consultation_started" and index % 2 == 0:
                item.done_on = date(2026, 11, 16)
                item.note = "First joint consultation meeting"
        made += 1
    return made


def generate(employees: int = 600, seed: int = 1) -> dict[str, int]:
    """Add a fictitious workforce of about `employees` people, with the past transfers completed
    and the phase-2 transfers planned. The caller commits."""
    counts = _Generator(employees, seed).run()
    counts["planned_transfers"] = plan_phase2_transfers()
    from .restructures import load_demo_restructures

    counts["restructures"] = load_demo_restructures()
    from .protections import load_demo_protections

    counts["protections"] = load_demo_protections()
    from .letters import issue_demo_letters

    counts["letters"] = issue_demo_letters()  # letters about the transfers above
    from ..pay.jes.demo_appeals import add_demo_appeals  # one appeal under way, one decided with its letter

    counts["appeals"] = add_demo_appeals(date.today())
    counts["deleted_point_moves"] = _move_off_deleted_points()
    return counts


def _move_off_deleted_points() -> int:
    """The demo places people by years in grade, some on a point an award has since deleted (SCP 2
    from 1 April 2026): move them as HR would (services/pay/deleted_points.py), so that no one is on a
    deleted point after its deletion. Awards whose spine year is not held yet are left."""
    from ...models import PayAward
    from ..pay.deleted_points import move_holders
    from ..pay.pay_spines import NJC, spine_of_year

    moved = 0
    for award in db.session.scalars(select(PayAward).where(PayAward.spine == NJC, PayAward.deleted_scps != "")
                                    .order_by(PayAward.pay_year_from)):
        if spine_of_year(award.pay_year_from, NJC):
            moved += len(move_holders(award.pay_year_from.year, "Demo data: moved as the NJC deletes the point"))
    return moved
