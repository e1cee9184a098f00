"""Load the reference data shipped in hrtool/reference_data/ (copied from the councils' papers and
the illustrative policies). Loading is idempotent: rows already present are left alone, so an
administrator's later edits are never overwritten."""
from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import select

from ...domain.pay import parse_scps
from ...extensions import db
from ...models import (
    AuditEvent,
    Council,
    GradeBand,
    GradeConvention,
    PayAward,
    PaySpinePoint,
    Policy,
    RuleSetting,
    Service,
    ServiceLead,
    StatutoryLimit,
    TermsPackage,
    TradeUnion,
    UnionRecognition,
)
from ..platform import audit
from ..platform.unit_of_work import transaction

# Illustrative files carry no start date; they apply from this date until an admin replaces them.
ILLUSTRATIVE_FROM = date(2000, 4, 1)
SENIOR_SERVICE = "Senior Management"
UNIONS = [("UNISON", "UNISON"), ("GMB", "GMB"), ("UNITE", "Unite the Union")]
RULE_SETTINGS = [
    ("full_time_hours", "37", "Full-time week in hours under the NJC Green Book; part-time pay is pro rata to it."),
    ("aggregate_min_group_size", "5",
     "Smallest group whose figures a union representative may see; smaller groups are suppressed."),
    ("on_cost_rate", "0.28",
     "Employer's on-costs (National Insurance and LGPS pension contributions) as a share of salary; illustrative."),
    ("spine_rounding", "1",
     "Percentage pay awards round the new spine value half up to this amount in pounds (NJC spines are whole pounds)."),
    ("protection_expiry_warning_days", "90",
     ("How many days before pay protection ends HR is warned (hrtool protection check); a council's pay "
      "protection policy may set its own expiry_warning_days. Illustrative.")),
    # Source: IRMS Retention Guidelines for Local Authorities (personnel files: termination of
    # employment + 6 years), which the councils' retention schedules follow; the Limitation Act 1980
    # period for contract claims. An admin changes it if a council's own schedule says otherwise.
    ("leaver_retention_years", "6",
     ("Years after a leaver's last employment ends before their record is due for deletion (IRMS Retention "
      "Guidelines for Local Authorities: personnel files, termination + 6 years; Limitation Act 1980).")),
    # rules that know they are due (domain/rule_status.py, hrtool rules status)
    ("pay_award_overdue_days", "334",
     ("Days after 1 April that the pay award for the pay year begun may stay provisional (or unrecorded) before "
      "hrtool rules status calls it overdue. NJC awards are often agreed months late (2024/25 on 22 October "
      "2024, 2025/26 on 23 July 2025; 2021/22 on 28 February 2022, 333 days after its 1 April).")),
    ("statutory_limit_overdue_days", "0",
     ("Days after 6 April that a statutory limit may go without a value for the new year before hrtool rules "
      "status calls it overdue (the Increase of Limits Order is made before 6 April each year).")),
    ("policy_review_overdue_days", "0",
     "Days after a policy's review date (review_on in its body) before hrtool rules status calls it overdue."),
    # job evaluation appeals (services/pay/jes/appeals.py)
    ("jes_appeal_window_days", "91",
     ("Days an employee has to appeal their post's job evaluation: from the evaluation date, or from the day they "
      "took up the post after it (when they were told). 91 days is three months; illustrative.")),
]


# Rule settings whose value changed on a known date: (key, effective_from, value, description).
DATED_RULE_SETTINGS = [
    ("eli_clear_days", date(2006, 4, 6), "14",
     ("Employee liability information: the clear days it must reach the transferee before a transfer on "
      "or after this date (TUPE 2006 reg. 11(6) as made: not less than 14 days). Clear days: neither the "
      "day it is given nor the transfer day counts, so the last day is the transfer date minus 15.")),
    ("eli_clear_days", date(2014, 5, 1), "28",
     ("Employee liability information: the clear days it must reach the transferee before a transfer on "
      "or after this date (TUPE 2006 reg. 11(6) as amended by SI 2014/16: not less than 28 days). The "
      "last day is the transfer date minus 29.")),
]


def date_window_settings() -> list[tuple[str, str, str]]:
    """The plausible window of each kind of date people enter (domain/date_windows.py):
    (key, value, description) rows from date_windows.csv."""
    return [(r["key"], r["value"], r["description"]) for r in _rows("date_windows.csv")]


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = resources.files("hrtool").joinpath("reference_data", name).read_text(encoding="utf-8")
    yield from csv.DictReader(text.splitlines())


def _plain(value: Any) -> Any:
    """Policy values for JSON: Decimals as exact text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_reference_data() -> dict[str, int]:
    """Load every reference table that is still empty. Returns rows added per table."""
    added: dict[str, int] = {}

    def add(table: str, objs: list[Any]) -> None:
        db.session.add_all(objs)
        added[table] = added.get(table, 0) + len(objs)

    councils = {c.code: c for c in db.session.scalars(select(Council))}
    if not councils:
        councils = _councils(_rows("councils.csv"))
        add("councils", list(councils.values()))
        db.session.flush()  # the tables below refer to the councils' ids

    # These tables load whole, and only into an empty table (in this order: each build can see
    # what the ones before it added).
    whole_tables: list[tuple[str, Any, Callable[[], list[Any]]]] = [
        ("services", Service, lambda: _shared_services(_rows("shared_services.csv"), councils)
         + _phase2_services(_rows("phase2_services_illustrative.csv"), councils) + [_senior_service()]),
        ("trade_unions", TradeUnion, lambda: _trade_unions(list(councils.values()))),
        ("pay_spine_points", PaySpinePoint, lambda: _spine_points(_rows("njc_pay_spine.csv"))),
        ("pay_awards", PayAward, lambda: [_pay_award(r) for r in _rows("njc_pay_awards.csv")]),
        ("grade_conventions", GradeConvention,
         lambda: _grade_conventions(_rows("grade_conventions_illustrative.csv"), councils)),
        ("statutory_limits", StatutoryLimit, lambda: [_statutory_limit(r) for r in _rows("statutory_limits.csv")]),
    ]
    for table, model, build in whole_tables:
        if db.session.scalar(select(model.id).limit(1)) is None:
            add(table, build())

    # Policies and rule settings load one by one, so a policy kind added in a later release
    # reaches existing databases without touching the ones an admin has edited.
    text = resources.files("hrtool").joinpath("reference_data", "policies_illustrative.toml").read_text("utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    policies = _new_policies(data, councils, {(p.kind, p.council_id) for p in db.session.scalars(select(Policy))})
    if policies:
        add("policies", policies)
    packages = _new_terms_packages(data, councils, set(db.session.scalars(select(TermsPackage.council_id))))
    if packages:
        add("terms_packages", packages)
    settings = _new_rule_settings(set(db.session.scalars(select(RuleSetting.key))))
    if settings:
        add("rule_settings", settings)
    db.session.flush()
    for table, n in _load_letters_and_jes().items():
        added[table] = added.get(table, 0) + n
    return added


def _councils(rows: Iterable[dict[str, str]]) -> dict[str, Council]:
    return {r["code"]: Council(code=r["code"], name=r["name"], short_name=r["short_name"], notes=r["notes"])
            for r in rows}


def _shared_services(rows: Iterable[dict[str, str]], councils: Mapping[str, Council]) -> list[Service]:
    """The services already shared, each with its agreed lead council from the date it was shared."""
    services = []
    for row in rows:
        service = Service(name=row["service"], kind=row["kind"], in_scope_for_sharing=True, notes=row["note"])
        service.leads.append(ServiceLead(
            lead_council_id=councils[row["lead_authority"]].id,
            effective_from=date.fromisoformat(row["shared_from"]), status="agreed",
            phase=row["phase"], source=row["note"]))
        services.append(service)
    return services


def _phase2_services(rows: Iterable[dict[str, str]], councils: Mapping[str, Council]) -> list[Service]:
    """The services proposed for sharing in phase 2: a proposed lead for those in scope that name one."""
    services = []
    for row in rows:
        in_scope = row["in_scope"] == "yes"
        service = Service(name=row["service"], area=row["head_of_service_area"], in_scope_for_sharing=in_scope,
                          notes=row["note"])
        if in_scope and row["proposed_lead_authority"]:
            service.leads.append(ServiceLead(
                lead_council_id=councils[row["proposed_lead_authority"]].id,
                effective_from=date.fromisoformat(row["proposed_transfer_date"]), status="proposed",
                phase="2024", source=row["lead_source"]))
        services.append(service)
    return services


def _senior_service() -> Service:
    return Service(name=SENIOR_SERVICE, area="Senior leadership", in_scope_for_sharing=True,
                   notes="Chief Executives and Heads of Service; replaced by the shared senior structure")


def _trade_unions(councils: list[Council]) -> list[TradeUnion]:
    """Each union, recognised by every council."""
    unions = [TradeUnion(code=code, name=name) for code, name in UNIONS]
    for union in unions:
        for council in councils:
            union.recognitions.append(UnionRecognition(council_id=council.id, recognised_from=ILLUSTRATIVE_FROM))
    return unions


def _spine_points(rows: Iterable[dict[str, str]]) -> list[PaySpinePoint]:
    """One point per spine column (a pay year) and row (an SCP); an empty cell is a point not on
    that year's spine."""
    return [PaySpinePoint(spine="NJC", pay_year_from=date.fromisoformat(year), scp=int(row["scp"]),
                          annual_salary=Decimal(salary))
            for row in rows for year, salary in row.items() if year != "scp" and salary]


def _pay_award(r: dict[str, str]) -> PayAward:
    return PayAward(spine="NJC", pay_year_from=date.fromisoformat(r["pay_year_from"]), scp_from=int(r["scp_from"]),
                    scp_to=int(r["scp_to"]), kind=r["kind"], amount=Decimal(r["amount"]),
                    deleted_scps=r["deleted_scps"], status=r["status"], note=r["note"],
                    agreed_on=date.fromisoformat(r["agreed_on"]) if r.get("agreed_on") else None)


def _grade_conventions(rows: Iterable[dict[str, str]], councils: Mapping[str, Council]) -> list[GradeConvention]:
    """One convention per council, holding its rows' bands in file order."""
    conventions: dict[str, GradeConvention] = {}
    for r in rows:
        convention = conventions.get(r["council"])
        if convention is None:
            convention = conventions[r["council"]] = GradeConvention(
                council_id=councils[r["council"]].id, name=r["convention"], effective_from=ILLUSTRATIVE_FROM,
                notes="Illustrative grade boundaries; replace with the council's own.")
        convention.bands.append(GradeBand(grade=r["grade"], points_min=int(r["je_points_min"]),
                                          points_max=int(r["je_points_max"]), scp_min=int(r["scp_min"]),
                                          scp_max=int(r["scp_max"])))
    return list(conventions.values())


def _statutory_limit(r: dict[str, str]) -> StatutoryLimit:
    return StatutoryLimit(name=r["limit"], effective_from=date.fromisoformat(r["effective_from"]),
                          value=Decimal(r["value_gbp"]), source=r["source"])


def _new_policies(data: dict[str, Any], councils: Mapping[str, Council],
                  have: set[tuple[str, int | None]]) -> list[Policy]:
    """The policies file's councils' and joint policies whose (kind, council id) is not in `have`."""
    policies = []
    for code, kinds in data["councils"].items():
        for kind, body in kinds.items():
            if (kind, councils[code].id) not in have:
                policies.append(Policy(council_id=councils[code].id, kind=kind,
                                       name=f"{code} {kind.replace('_', ' ')}", effective_from=ILLUSTRATIVE_FROM,
                                       body=_plain(body), source="policies_illustrative.toml"))
    for kind, body in data["joint"].items():
        if (kind, None) not in have:
            policies.append(Policy(council_id=None, kind=kind, name=f"Joint {kind.replace('_', ' ')}",
                                   effective_from=ILLUSTRATIVE_FROM, body=_plain(body),
                                   source="policies_illustrative.toml"))
    return policies


def _new_terms_packages(data: dict[str, Any], councils: Mapping[str, Council], packaged: set[int]) -> list[TermsPackage]:
    """A terms package for each council whose policies give its terms and that has none yet."""
    packages = []
    for code, kinds in data["councils"].items():
        terms = kinds.get("terms")
        if terms and councils[code].id not in packaged:
            packages.append(TermsPackage(
                council_id=councils[code].id, name=f"{councils[code].short_name} terms and conditions (illustrative)",
                effective_from=ILLUSTRATIVE_FROM, working_week_hours=str(terms["working_week_hours"]),
                annual_leave=_plain(terms["annual_leave"]), notice=_plain(terms["notice"]),
                standby=_plain(terms["standby"]), overtime=terms["overtime"],
                additional_hours=terms["additional_hours"], car_allowance=terms["car_allowance"], clauses=[],
                source="policies_illustrative.toml"))
    return packages


def _new_rule_settings(keys: set[str]) -> list[RuleSetting]:
    """The shipped rule settings whose key is not in `keys` (a dated key's every row is left alone
    once any row of it is there)."""
    settings = [RuleSetting(key=k, value=v, effective_from=ILLUSTRATIVE_FROM, description=d)
                for k, v, d in RULE_SETTINGS + date_window_settings() if k not in keys]
    settings += [RuleSetting(key=k, value=v, effective_from=on, description=d)
                 for k, on, v, d in DATED_RULE_SETTINGS if k not in keys]
    return settings


def _load_letters_and_jes() -> dict[str, int]:
    """The letter templates and their thresholds, the NJC JES factor plan and the local
    conventions: rows added per table."""
    from ..letters.letters import load_letter_templates
    from ..pay.jes import local_conventions, scheme

    added = dict(load_letter_templates())
    if scheme.load_reference() is not None:
        added["jes_scheme_versions"] = 1
    conventions_added = local_conventions.load_reference()
    if conventions_added:
        added["jes_conventions"] = conventions_added
    return added


# --- hrtool load-reference --update: the yearly round -------------------------------

UPDATE_REASON = "Reference data update (hrtool load-reference --update)"


@dataclass
class UpdateReport:
    """What an update added, brought up to date, and found different from the shipped files."""

    added: dict[str, int] = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)  # rows still as shipped, brought up to the file
    differs: list[str] = field(default_factory=list)  # rows an administrator entered: left alone
    spine_years: list[str] = field(default_factory=list)
    outstanding: list[str] = field(default_factory=list)  # deleted pay points still held: for HR to move

    def count(self, table: str, n: int = 1) -> None:
        self.added[table] = self.added.get(table, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.spine_years)


def _file_award_values(row: dict[str, str]) -> dict[str, Any]:
    return {"spine": "NJC", "pay_year_from": date.fromisoformat(row["pay_year_from"]),
            "scp_from": int(row["scp_from"]), "scp_to": int(row["scp_to"]), "kind": row["kind"],
            "amount": Decimal(row["amount"]).quantize(Decimal("0.0001")),
            "deleted_scps": ", ".join(str(p) for p in sorted(parse_scps(row["deleted_scps"]))),
            "status": row["status"], "note": row["note"],
            "agreed_on": date.fromisoformat(row["agreed_on"]) if row.get("agreed_on") else None}


def _entered_in_hrtool(entity_type: str, entity_id: int) -> bool:
    """Whether anyone created or changed this row through hrtool (audited) since the reference
    data loaded it (loading a file is not audited: the file is the record)."""
    return db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.entity_type == entity_type, AuditEvent.entity_id == str(entity_id),
        AuditEvent.action.in_(("create", "update")),
        AuditEvent.reason != UPDATE_REASON).limit(1)) is not None


def _update_awards(report: UpdateReport) -> None:
    from ..pay import pay_spines

    held = {a.pay_year_from: a for a in db.session.scalars(select(PayAward).where(PayAward.spine == "NJC"))}
    for row in _rows("njc_pay_awards.csv"):
        values = _file_award_values(row)
        label = pay_spines.pay_year_label(values["pay_year_from"])
        award = held.get(values["pay_year_from"])
        if award is None:
            pay_spines.save_award(None, values, UPDATE_REASON)
            report.count("pay_awards")
            continue
        was, now = audit.changed(audit.snapshot(award, pay_spines.AWARD_FIELDS),
                                 {k: audit._plain(v) for k, v in values.items()})
        if not now:
            continue
        fields = "; ".join(f"{k} {was[k]!r} -> {now[k]!r}" for k in now)
        if _entered_in_hrtool("pay_award", award.id):
            report.differs.append(f"pay award {label} differs from the file ({fields}); it was entered in "
                                  "hrtool, so it is left as it is")
        else:
            pay_spines.save_award(award, values, UPDATE_REASON)
            report.updated.append(f"pay award {label}: {fields}")


def make_spine_years(reason: str = UPDATE_REASON) -> list[str]:
    """Apply, through the pay spine service (audited; the protection schedules the new year
    reaches are recomputed), every award whose pay year has no spine yet and whose previous year
    has one, oldest first. A year already held is never replaced here. Returns the years made."""
    from ..pay import pay_spines

    made = []
    held = set(pay_spines.spine_years())
    for award in sorted(pay_spines.awards(), key=lambda a: a.pay_year_from):
        year = award.pay_year_from
        if year in held or pay_spines.previous_year(year) not in held:
            continue
        pay_spines.apply_award_to_spine(award, agreed_on=None, replace=False, reason=reason)
        held.add(year)
        made.append(pay_spines.pay_year_label(year) + (" (provisional)" if award.status == "provisional" else ""))
    return made


def _update_limits(report: UpdateReport) -> None:
    held = {(lim.name, lim.effective_from): lim for lim in db.session.scalars(select(StatutoryLimit))}
    for r in _rows("statutory_limits.csv"):
        name, on, value = r["limit"], date.fromisoformat(r["effective_from"]), Decimal(r["value_gbp"])
        limit = held.get((name, on))
        if limit is None:
            db.session.add(StatutoryLimit(name=name, effective_from=on, value=value, source=r["source"]))
            report.count("statutory_limits")
        elif limit.value != value:
            report.differs.append(f"statutory limit {name} from {on:%-d %B %Y}: held £{limit.value}, file £{value}; "
                                  "left as it is")


def _update_settings(report: UpdateReport) -> None:
    held = {(s.key, s.effective_from): s for s in db.session.scalars(select(RuleSetting))}
    for k, on, v, d in DATED_RULE_SETTINGS:
        setting = held.get((k, on))
        if setting is None:
            db.session.add(RuleSetting(key=k, value=v, effective_from=on, description=d))
            report.count("rule_settings")
        elif setting.value != v:
            report.differs.append(f"rule setting {k} from {on:%-d %B %Y}: held {setting.value!r}, file {v!r}; "
                                  "left as it is")


@transaction
def update_reference_data() -> UpdateReport:
    """The yearly round (README): load what is still empty, then add every dated row the shipped
    files hold and the database does not (pay awards, statutory limits, dated rule settings),
    make the spine years the awards give, and report rows that differ from the files. A row an
    administrator entered or changed in hrtool (audited) is reported, never changed; a pay award
    still as an earlier file loaded it (never edited) is brought up to the file, audited.
    Running it a second time changes nothing."""
    report = UpdateReport()
    for table, n in load_reference_data().items():
        report.count(table, n)
    _update_limits(report)
    _update_settings(report)
    db.session.flush()
    _update_awards(report)
    db.session.flush()
    report.spine_years = make_spine_years()
    from ..letters.letters import update_letter_templates  # shipped letter wording, where still as shipped

    updated, differs = update_letter_templates(UPDATE_REASON)
    report.updated += updated
    report.differs += differs
    report.outstanding = _outstanding_deletions()
    return report


def _outstanding_deletions() -> list[str]:
    """Deleted pay points people are still on, reported, never moved: HR decides when (the move
    is dated from the deletion and may owe arrears)."""
    from ..pay.deleted_points import outstanding

    lines = []
    for found in outstanding():
        if found.holders:
            lines.append(f"the {found.year_label} award deletes SCP {', '.join(map(str, found.deleted))} from "
                         f"{found.award.pay_year_from:%-d %B %Y}: {len(found.holders)} record(s) still on it "
                         f"(arrears £{found.arrears_total:,.2f} if moved today); move them with hrtool rules "
                         f"deleted-points --pay-year {found.award.pay_year_from.year} --apply --reason ...")
        if found.bands:
            lines.append(f"the {found.year_label} award: {len(found.bands)} grade band(s) start on a deleted point; "
                         "realign them under Pay and grading (hrtool rules deleted-points lists them)")
    return lines
