"""Load the reference data shipped in hrtool/reference_data/ (copied from the councils' papers and
the illustrative policies). Loading is idempotent: rows already present are left alone, so an
administrator's later edits are never overwritten."""
from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import (
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
]


def date_window_settings() -> list[tuple[str, str, str]]:
    """The plausible window of each kind of date people enter (issue 13; domain/date_windows.py):
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
        for row in _rows("councils.csv"):
            councils[row["code"]] = Council(code=row["code"], name=row["name"], short_name=row["short_name"],
                                            notes=row["notes"])
        add("councils", list(councils.values()))
        db.session.flush()

    if db.session.scalar(select(Service.id).limit(1)) is None:
        services: list[Service] = []
        for row in _rows("shared_services.csv"):
            service = Service(name=row["service"], kind=row["kind"], in_scope_for_sharing=True, notes=row["note"])
            service.leads.append(ServiceLead(
                lead_council_id=councils[row["lead_authority"]].id,
                effective_from=date.fromisoformat(row["shared_from"]), status="agreed",
                phase=row["phase"], source=row["note"]))
            services.append(service)
        for row in _rows("phase2_services_illustrative.csv"):
            in_scope = row["in_scope"] == "yes"
            service = Service(name=row["service"], area=row["head_of_service_area"], in_scope_for_sharing=in_scope,
                              notes=row["note"])
            if in_scope and row["proposed_lead_authority"]:
                service.leads.append(ServiceLead(
                    lead_council_id=councils[row["proposed_lead_authority"]].id,
                    effective_from=date.fromisoformat(row["proposed_transfer_date"]), status="proposed",
                    phase="2024", source=row["lead_source"]))
            services.append(service)
        services.append(Service(name=SENIOR_SERVICE, area="Senior leadership", in_scope_for_sharing=True,
                                notes="Chief Executives and Heads of Service; replaced by the shared senior structure"))
        add("services", services)

    if db.session.scalar(select(TradeUnion.id).limit(1)) is None:
        unions = [TradeUnion(code=code, name=name) for code, name in UNIONS]
        for union in unions:
            for council in councils.values():
                union.recognitions.append(UnionRecognition(council_id=council.id, recognised_from=ILLUSTRATIVE_FROM))
        add("trade_unions", unions)

    if db.session.scalar(select(PaySpinePoint.id).limit(1)) is None:
        points = []
        for row in _rows("njc_pay_spine.csv"):
            for year, salary in row.items():
                if year != "scp" and salary:
                    points.append(PaySpinePoint(spine="NJC", pay_year_from=date.fromisoformat(year),
                                                scp=int(row["scp"]), annual_salary=Decimal(salary)))
        add("pay_spine_points", points)

    if db.session.scalar(select(PayAward.id).limit(1)) is None:
        add("pay_awards", [
            PayAward(spine="NJC", pay_year_from=date.fromisoformat(r["pay_year_from"]), scp_from=int(r["scp_from"]),
                     scp_to=int(r["scp_to"]), kind=r["kind"], amount=Decimal(r["amount"]),
                     deleted_scps=r["deleted_scps"], status=r["status"], note=r["note"],
                     agreed_on=date.fromisoformat(r["agreed_on"]) if r.get("agreed_on") else None)
            for r in _rows("njc_pay_awards.csv")
        ])

    if db.session.scalar(select(GradeConvention.id).limit(1)) is None:
        conventions: dict[str, GradeConvention] = {}
        for r in _rows("grade_conventions_illustrative.csv"):
            convention = conventions.get(r["council"])
            if convention is None:
                convention = conventions[r["council"]] = GradeConvention(
                    council_id=councils[r["council"]].id, name=r["convention"], effective_from=ILLUSTRATIVE_FROM,
                    notes="Illustrative grade boundaries; replace with the council's own.")
            convention.bands.append(GradeBand(grade=r["grade"], points_min=int(r["je_points_min"]),
                                              points_max=int(r["je_points_max"]), scp_min=int(r["scp_min"]),
                                              scp_max=int(r["scp_max"])))
        add("grade_conventions", list(conventions.values()))

    if db.session.scalar(select(StatutoryLimit.id).limit(1)) is None:
        add("statutory_limits", [
            StatutoryLimit(name=r["limit"], effective_from=date.fromisoformat(r["effective_from"]),
                           value=Decimal(r["value_gbp"]), source=r["source"])
            for r in _rows("statutory_limits.csv")
        ])

    # Policies and rule settings load one by one, so a policy kind added in a later release
    # reaches existing databases without touching the ones an admin has edited.
    text = resources.files("hrtool").joinpath("reference_data", "policies_illustrative.toml").read_text("utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    have = {(p.kind, p.council_id) for p in db.session.scalars(select(Policy))}
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
    if policies:
        add("policies", policies)

    packaged = set(db.session.scalars(select(TermsPackage.council_id)))
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
    if packages:
        add("terms_packages", packages)

    keys = set(db.session.scalars(select(RuleSetting.key)))
    settings = [RuleSetting(key=k, value=v, effective_from=ILLUSTRATIVE_FROM, description=d)
                for k, v, d in RULE_SETTINGS + date_window_settings() if k not in keys]
    if settings:
        add("rule_settings", settings)
    db.session.flush()
    from .letters import load_letter_templates  # letter templates and their thresholds (issue 8)

    for table, n in load_letter_templates().items():
        added[table] = added.get(table, 0) + n
    return added
