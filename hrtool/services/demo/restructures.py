"""The demo restructure: the shared senior structure of the 2022 business case (section 9), from
reference_data/senior_structure_2023.csv and senior_structure_costs_2023.csv, with the demo's
2 Chief Executives and 10 Heads of Service as the current postholders. The match grid is only
partly filled, so HR has something left to do."""
from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import cast

from sqlalchemy import select

from ...extensions import db
from ...models import Council, Post, Restructure, Service
from ..restructures.restructures import (
    add_post,
    by_name,
    create_restructure,
    run_engine,
    save_matches,
)
from ..rules.reference_data import SENIOR_SERVICE

NAME = "Senior structure 2023"
# The papers planned the new structure for July 2023; the demo runs it from the next pay year.
STARTS_ON = date(2027, 4, 1)
THOUSAND = Decimal(1000)
COST_GROUPS = {"chief executive": "Chief Executive", "deputy chief executive": "Deputy Chief Executives",
               "head of service": "Heads of Service"}
# Proposed post title -> the deputy it reports to (seed 003, section 9 chart).
REPORTS = {"Head of Economic Development and Planning": "Deputy Chief Executive - Place",
           "Head of Regulatory Services": "Deputy Chief Executive - Place",
           "Head of Operations": "Deputy Chief Executive - Place",
           "Head of Wellbeing": "Deputy Chief Executive - Place",
           "Head of Housing HRA and Corporate Assets": "Deputy Chief Executive - Place",
           "Head of Law and Governance and Monitoring Officer": "Deputy Chief Executive - Resources and s151 Officer",
           "Head of Transformation": "Deputy Chief Executive - Resources and s151 Officer"}
# (current post title starts with, council, proposed title): match %, note. Part of the grid only.
MATCHES = [
    ("Chief Executive", "CCDC", "Chief Executive (Head of Paid Service)", 80, "Head of Paid Service for both councils"),
    ("Chief Executive", "SBC", "Chief Executive (Head of Paid Service)", 80, "Head of Paid Service for both councils"),
    ("Head of Economic Prosperity", "CCDC", "Head of Economic Development and Planning", 75,
     "Economic development and planning policy; not development management"),
    ("Head of Development", "SBC", "Head of Economic Development and Planning", 60, "Development management and planning"),
    ("Head of Operations", "SBC", "Head of Operations", 85, "Streetscene, waste, bereavement and car parking"),
    ("Head of Environment and Healthy Lifestyles", "CCDC", "Head of Wellbeing", 60, "Leisure and health"),
    ("Head of Environment and Healthy Lifestyles", "CCDC", "Head of Regulatory Services", 50, "Environmental health"),
    ("Head of Environment and Healthy Lifestyles", "CCDC", "Head of Operations", 55, "Parks and open spaces"),
    ("Head of Communities", "SBC", "Head of Wellbeing", 65, "Housing strategy and vulnerable people"),
    ("Head of Housing and Partnerships", "CCDC", "Head of Housing HRA and Corporate Assets", 72, "Housing HRA"),
    ("Head of Governance and Corporate Services", "CCDC", "Head of Law and Governance and Monitoring Officer", 70,
     "Democratic and electoral services, governance"),
    ("Head of Law and Administration", "SBC", "Head of Law and Governance and Monitoring Officer", 78,
     "Legal, democratic services; Monitoring Officer"),
    ("Head of Finance", "CCDC", "Deputy Chief Executive - Resources and s151 Officer", 45, "Finance only"),
]


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("hrtool").joinpath("reference_data", name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_demo_restructures() -> int:
    """Create the demo senior restructure (once), run the engine on its partly-filled grid."""
    if by_name(NAME) is not None:
        return 0
    councils = {c.code: c for c in db.session.scalars(select(Council))}
    service = db.session.scalar(select(Service).where(Service.name == SENIOR_SERVICE))
    senior = list(db.session.scalars(select(Post).where(Post.service_id == service.id, Post.closed_on.is_(None))
                                     .order_by(Post.council_id, Post.tier, Post.post_number))) if service else []
    if not senior:
        return 0
    restructure = create_restructure(
        NAME, "The shared senior structure of the 2022 business case (section 9): 2 Chief Executives and 10 Heads of "
              "Service become 1 Chief Executive, 2 Deputy Chief Executives and 7 Heads of Service. The papers planned "
              "it for July 2023; in the demo it starts on 1 April 2027.", STARTS_ON)
    reference = _rows("senior_structure_2023.csv")
    by_id = {c.id: c for c in councils.values()}
    current_budget = {(r["tier"], code): Decimal(r[f"{code.lower()}_budget_gbp_000"]) * THOUSAND
                      for r in reference if r["structure"] == "current" for code in councils}
    _add_current_posts(restructure, senior, by_id, current_budget)
    made = _add_proposed_posts(restructure, [r for r in reference if r["structure"] == "proposed"])
    # Every current post has an employer.
    current = {(p.title, by_id[cast(int, p.employer_id)].code): p.id for p in restructure.posts if p.side == "current"}
    entries: dict[tuple[int, int], tuple[int | None, str]] = {}
    for starts, code, new_title, percent, note in MATCHES:
        cur = next((pid for (title, c), pid in current.items() if c == code and title.startswith(starts)), None)
        if cur is not None and new_title in made:
            entries[(cur, made[new_title])] = (percent, note)
    save_matches(restructure, entries, reason="Job matching by the joint HR team (demo)")
    run_engine(restructure, STARTS_ON)
    return 1


def _add_current_posts(restructure: Restructure, senior: list[Post], by_id: dict[int, Council],
                       current_budget: dict[tuple[str, str], Decimal]) -> None:
    """Current: each council's posts; the business case's budget for a tier shared evenly
    between that council's posts in it. Heads of Service report to their council's chief."""
    chiefs: dict[int, int] = {}
    for post in sorted(senior, key=lambda p: (p.tier != "chief executive", by_id[p.council_id].code, p.post_number)):
        code = by_id[post.council_id].code
        same = [p for p in senior if p.tier == post.tier and p.council_id == post.council_id]
        budget = current_budget.get((post.tier, code))
        added = add_post(restructure, {
            "side": "current", "title": post.title, "tier": post.tier, "band_min": post.band_min,
            "band_max": post.band_max, "fte": post.fte, "employer_id": post.council_id,
            "ccdc_share": Decimal(1) if code == "CCDC" else Decimal(0), "post_number": post.post_number,
            "budget": budget / len(same) if budget is not None else None,
            "reports_to_id": chiefs.get(post.council_id) if post.tier != "chief executive" else None})
        if post.tier == "chief executive":
            chiefs[post.council_id] = added.id


def _add_proposed_posts(restructure: Restructure, proposed: list[dict[str, str]]) -> dict[str, int]:
    """Proposed: from the reference rows; each group's budget shared evenly between its posts.
    Returns each post's id by title."""
    groups = {r["group"]: Decimal(r["total_budget_gbp_000"]) * THOUSAND
              for r in _rows("senior_structure_costs_2023.csv") if r["structure"] == "proposed"}
    made: dict[str, int] = {}
    for row in sorted(proposed, key=lambda r: ["chief executive", "deputy chief executive", "head of service"]
                      .index(r["tier"])):
        same = [r for r in proposed if r["tier"] == row["tier"]]
        boss = made.get(REPORTS.get(row["post"], "")) if row["tier"] == "head of service" else (
            made.get("Chief Executive (Head of Paid Service)") if row["tier"] != "chief executive" else None)
        added = add_post(restructure, {
            "side": "proposed", "title": row["post"], "tier": row["tier"],
            "band_min": _pounds_or_none(row["indicative_band_min_gbp"]),
            "band_max": _pounds_or_none(row["indicative_band_max_gbp"]),
            "fte": Decimal(row["fte"]), "functions": row["functions"].replace("; ", "\n"),
            "ccdc_share": Decimal("0.5"), "budget": groups[COST_GROUPS[row["tier"]]] / len(same),
            "reports_to_id": boss,
            # 9.8: Deputy Chief Executive Place is open to internal and external candidates.
            "recruitment": "external" if row["post"].endswith("Place") else "internal"})
        made[row["post"]] = added.id
    return made


def _pounds_or_none(text: str) -> Decimal | None:
    return Decimal(text) if text else None
