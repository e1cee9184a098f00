"""The same job under both councils' grade boundaries ("same job, different pay", DOMAIN.md 3.2):
for each post with a job evaluation score, its grade and full-time salary range under each
council's bands in force on a date, and the difference."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, BinaryIO

from sqlalchemy import or_, select

from ...domain.grading import GradeBand, GradeNotFound, grade_for_points
from ...extensions import db
from ...models import Council, Post, Service
from ..people.posts import bands_on
from ..people.records import spine_on
from ..platform import audit
from ..platform.tabular import write_table
from ..platform.unit_of_work import transaction


@dataclass(frozen=True)
class GradeRange:
    grade: str
    scp_min: int
    scp_max: int
    salary_min: Decimal | None
    salary_max: Decimal | None


@dataclass(frozen=True)
class PostComparison:
    post_id: int
    post_number: str
    title: str
    council: str  # the post's own council
    service: str
    fte: Decimal
    score: int
    ranges: dict[str, GradeRange | None]  # by council code; None above the top band
    difference: Decimal | None  # SBC top of grade minus CCDC top of grade, full-time


def grade_range(score: int, bands: list[GradeBand], spine: dict[int, Decimal]) -> GradeRange | None:
    try:
        band = grade_for_points(score, bands)
    except GradeNotFound:
        return None
    return GradeRange(band.grade, band.scp_min, band.scp_max, spine.get(band.scp_min), spine.get(band.scp_max))


def compare_score(score: int, on: date) -> tuple[date | None, dict[str, GradeRange | None]]:
    """One score under every council's bands on a date, with the pay year of the spine used."""
    year, spine = spine_on(on)
    councils = db.session.execute(select(Council.id, Council.code).order_by(Council.code)).all()
    return year, {code: grade_range(score, bands_on(cid, on), spine) for cid, code in councils}


def compare_posts(on: date, pairs: tuple[str, str] = ("SBC", "CCDC")) -> Iterator[PostComparison]:
    """Every open post with a score, compared; bands and spine are loaded once."""
    _, spine = spine_on(on)
    councils = dict(db.session.execute(select(Council.id, Council.code)).all())
    bands = {code: bands_on(cid, on) for cid, code in councils.items()}
    rows = db.session.execute(
        select(Post.id, Post.post_number, Post.title, Post.council_id, Service.name, Post.fte, Post.je_score)
        .join(Service, Service.id == Post.service_id)
        .where(Post.je_score.is_not(None), Post.established_on <= on,
               or_(Post.closed_on.is_(None), Post.closed_on >= on))
        .order_by(Service.name, Post.title, Post.post_number)).yield_per(2000)
    for pid, number, title, council_id, service, fte, score in rows:
        assert score is not None, "only posts with a score are selected"
        ranges = {code: grade_range(score, b, spine) for code, b in bands.items()}
        high, low = ranges.get(pairs[0]), ranges.get(pairs[1])
        difference = (high.salary_max - low.salary_max
                      if high and low and high.salary_max is not None and low.salary_max is not None else None)
        yield PostComparison(pid, number, title, councils[council_id], service, fte, score, ranges, difference)


@dataclass(frozen=True)
class Totals:
    posts: int
    fte: Decimal
    fte_weighted_difference: Decimal  # sum of difference x FTE: what the gap is worth a year at top of grade
    sbc_higher: int
    ccdc_higher: int
    same: int


def totals(comparisons: list[PostComparison], key: str) -> dict[str, Totals]:
    """Totals grouped by 'service' or 'council'."""
    grouped: dict[str, list[PostComparison]] = {}
    for c in comparisons:
        grouped.setdefault(getattr(c, key), []).append(c)
    result = {}
    for name, items in sorted(grouped.items()):
        diffs = [(c.difference, c.fte) for c in items if c.difference is not None]
        result[name] = Totals(
            posts=len(items), fte=sum((c.fte for c in items), Decimal(0)),
            fte_weighted_difference=sum((d * f for d, f in diffs), Decimal(0)).quantize(Decimal("0.01")),
            sbc_higher=sum(1 for d, _ in diffs if d > 0),
            ccdc_higher=sum(1 for d, _ in diffs if d < 0),
            same=sum(1 for d, _ in diffs if d == 0))
    return result


EXPORT_COLUMNS = [("post_number", "text"), ("title", "text"), ("council", "text"), ("service", "text"),
                  ("fte", "number"), ("je_score", "number"),
                  ("ccdc_grade", "text"), ("ccdc_salary_min", "money"), ("ccdc_salary_max", "money"),
                  ("sbc_grade", "text"), ("sbc_salary_min", "money"), ("sbc_salary_max", "money"),
                  ("difference_top_of_grade_sbc_minus_ccdc", "money")]


def _export_lines(on: date) -> Iterator[list[Any]]:
    for c in compare_posts(on):
        cc, sb = c.ranges.get("CCDC"), c.ranges.get("SBC")
        yield [c.post_number, c.title, c.council, c.service, c.fte, c.score,
               cc.grade if cc else "above the top grade", cc.salary_min if cc else None, cc.salary_max if cc else None,
               sb.grade if sb else "above the top grade", sb.salary_min if sb else None, sb.salary_max if sb else None,
               c.difference]


@transaction
def export_comparison(out: BinaryIO, fmt: str, on: date) -> int:
    """Every post's comparison on `on` written to `out` as a table (CSV, XLSX, ODS), audited as an
    export; one unit of work. Returns the number of rows."""
    count = write_table(out, fmt, EXPORT_COLUMNS, _export_lines(on))
    audit.record("export", "grading_comparison", after={"format": fmt, "count": count})
    return count
