"""The harmonisation summary for the trade unions: aggregate tables from a model's saved results,
with no names and no individual salaries, as a PDF.

Disclosure (hrtool.domain.disclosure): a figure about more than none and fewer than the rule
setting `aggregate_min_group_size` people shows as "fewer than N" (a count) or "withheld"
(money, or a pay gap with too few men or women), and so does any figure that would let one be
worked out by subtraction from the totals in the summary. An empty group is shown as 0: it
describes nobody, and hiding it would hide that, say, no one goes down.
"""
from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ...domain.disclosure import withheld, words
from ...formatting import uk_date
from ...models import HarmonisationModel
from ...reports.harmonisation_pdf import SummaryTable, UnionSummary, build_pdf
from ..platform import audit
from ..platform.dashboards import disclosure_threshold
from ..platform.unit_of_work import transaction
from .harmonisation import ENTITY
from .harmonisation_reports import percent, pounds, signed_money
from .harmonisation_results import Figures, GroupRow, Results

PDF_AUTHOR = "hrtool: shared HR service, Cannock Chase District Council and Stafford Borough Council"
MEASURES = ("up", "same", "down", "people")
BOTH = "both"
WITHHELD = "withheld"


@dataclass
class _Cells:
    """Every figure the summary publishes about people: how many people it is about, and the
    lines of figures that add up (parts and their total)."""

    sizes: dict[Hashable, int] = field(default_factory=dict)
    lines: list[Sequence[Hashable]] = field(default_factory=list)

    def counts(self, block: str, label: str, row: Figures | GroupRow) -> None:
        values = (row.up, row.same, row.down, row.people if isinstance(row, Figures) else row.total)
        for measure, value in zip(MEASURES, values, strict=True):
            self.sizes[(block, label, measure)] = value
        self.lines.append([(block, label, m) for m in MEASURES])  # up + same + down = people

    def columns(self, block: str, labels: Sequence[str]) -> None:
        """Each measure down a table adds up to the headline total for both councils."""
        for m in MEASURES:
            self.lines.append([*[(block, label, m) for label in labels], ("headline", BOTH, m)])


def _cells(results: Results) -> _Cells:
    cells = _Cells()
    councils = [f.label for f in results.councils]
    for f in [*results.councils, results.total]:
        label = f.label if f is not results.total else BOTH
        cells.counts("headline", label, f)
        cells.sizes[("change", label)] = f.up + f.down
        cells.sizes[("protection", label)] = results.protected_people.get(label, 0) if label != BOTH \
            else sum(results.protected_people.values())
    cells.columns("headline", councils)
    for g in results.grades:
        cells.counts("grade", g.grade, g.figures)
        cells.sizes[("change-grade", g.grade)] = g.figures.up + g.figures.down
    cells.columns("grade", [g.grade for g in results.grades])
    for block, groups in (("sex", results.by_sex), ("age", results.by_age_band)):
        for row in groups:
            cells.counts(block, row.label, row)
        cells.columns(block, [row.label for row in groups])
    cells.lines += [[("change", c) for c in councils] + [("change", BOTH)],
                    [("change-grade", g.grade) for g in results.grades] + [("change", BOTH)],
                    [("protection", c) for c in councils] + [("protection", BOTH)]]
    years = list(results.protection_by_year)
    for year in years:
        for c in councils:
            cells.sizes[("year", c, year)] = results.protected_people_by_year.get(c, {}).get(year, 0)
        cells.sizes[("year", BOTH, year)] = sum(cells.sizes[("year", c, year)] for c in councils)
        cells.lines.append([("year", c, year) for c in [*councils, BOTH]])
    for c in [*councils, BOTH]:
        cells.lines.append([*[("year", c, year) for year in years], ("protection", c)])
    return cells


class _Show:
    """Figures as text, withholding what the disclosure rule says to."""

    def __init__(self, results: Results, threshold: int):
        self.threshold = threshold
        cells = _cells(results)
        self.sizes, self.hidden = cells.sizes, withheld(cells.sizes, cells.lines, threshold)

    def count(self, key: Hashable) -> str:
        return words(self.sizes[key], key in self.hidden, self.threshold)

    def money(self, key: Hashable, amount: Decimal) -> str:
        return WITHHELD if key in self.hidden else signed_money(amount)

    def gap(self, value: Decimal | None, men: int, women: int) -> str:
        if value is None:
            return "no comparison"
        return WITHHELD if min(men, women) < self.threshold else f"{value}%"


def _headline(results: Results, show: _Show) -> SummaryTable:
    columns = [(f.label, f) for f in results.councils] + [(BOTH, results.total)]

    def counts(label: str, measure: str) -> list[str]:
        return [label, *[show.count(("headline", key, measure)) for key, _ in columns]]

    return SummaryTable(
        "Headline figures",
        ["", *[results.council_names.get(key, key) for key, _ in columns[:-1]], "Both councils"],
        [counts("People in the model", "people"), counts("Going up", "up"), counts("Staying the same", "same"),
         counts("Going down", "down"),
         ["Annual cost of the change, with on-costs",
          *[show.money(("change", key), f.change_with_on_costs) for key, f in columns]],
         ["Pay protection cost, with on-costs",
          *[show.money(("protection", key), f.protection_with_on_costs) for key, f in columns]]],
        numeric=list(range(1, len(columns) + 1)))


def _grades(results: Results, show: _Show) -> SummaryTable:
    rows = []
    for g in results.grades:
        salaries = f"{pounds(g.salary_min)} to {pounds(g.salary_max)}" if g.salary_min is not None else ""
        rows.append([g.grade, f"{g.points_min} to {g.points_max}", f"{g.scp_min} to {g.scp_max}", salaries,
                     *[show.count(("grade", g.grade, m)) for m in ("people", "up", "same", "down")],
                     show.money(("change-grade", g.grade), g.figures.change_with_on_costs)])
    return SummaryTable("People by grade under the model",
                        ["Grade", "JE points", "SCPs", "Full-time salary", "People", "Up", "Same", "Down",
                         "Annual cost, with on-costs"], rows, numeric=[4, 5, 6, 7, 8],
                        widths=[16, 17, 14, 31, 15, 15, 15, 15, 20])  # millimetres, as proportions


def _groups(caption: str, heading: str, block: str, groups: Sequence[GroupRow], show: _Show) -> SummaryTable:
    return SummaryTable(caption, [heading, "Up", "Same", "Down", "Total"],
                        [[g.label, *[show.count((block, g.label, m)) for m in MEASURES]] for g in groups],
                        numeric=[1, 2, 3, 4])


def _gaps(results: Results, show: _Show) -> SummaryTable:
    before, after = results.gap_before, results.gap_after
    return SummaryTable(
        "Hourly pay gap between men and women (per cent of men's pay)", ["", "Now", "Under the model"],
        [["Mean", show.gap(before.mean, before.men, before.women), show.gap(after.mean, after.men, after.women)],
         ["Median", show.gap(before.median, before.men, before.women),
          show.gap(after.median, after.men, after.women)]], numeric=[1, 2])


def _protection(results: Results, show: _Show) -> SummaryTable:
    codes = [f.label for f in results.councils]
    rows = [[year, *[show.money(("year", c, year), results.protection_by_council_year.get(c, {}).get(year, Decimal(0)))
                     for c in codes], show.money(("year", BOTH, year), cost)]
            for year, cost in results.protection_by_year.items()]
    return SummaryTable("Pay protection cost by financial year, with on-costs",
                        ["Financial year", *[results.council_names.get(c, c) for c in codes], "Both councils"],
                        rows or [["No one is protected", *["" for _ in codes], signed_money(Decimal(0))]],
                        numeric=list(range(1, len(codes) + 2)))


def _notes(results: Results, show: _Show) -> list[str]:
    n = show.threshold
    notes = [
        (f"Workforce as at {uk_date(results.as_of)}; salaries from the NJC pay spine for {results.pay_year_label}. "
        "Pay is annual and at each person's contractual hours."),
        ("Assimilation: each post's job evaluation score gives its grade under the model; a person keeps their "
        "spinal column point if the new grade's range holds it, otherwise moves to the nearest end of the range."),
        f"On-costs (employer's National Insurance and pension) are added at {percent(results.on_cost_rate)}.",
        ("Pay protection is costed under each employer's pay protection policy from the as-at date, assuming no "
        "further pay awards or increments."),
        (f"Hourly pay is annual pay divided by {results.weeks_per_year} weeks times contractual weekly hours, as the "
        "gender pay gap regulations (SI 2017/353, Schedule 1) work it out; a positive gap means men are paid more."),
        (f"No names or individual salaries are included. Counts of fewer than {n} people show as \u201cfewer than "
        f"{n}\u201d; money for such groups, pay gaps with fewer than {n} men or women, and any figure that would let "
        "a withheld one be worked out by subtraction show as \u201cwithheld\u201d."),
    ]
    if results.excluded_total:
        left_out = f"fewer than {n}" if results.excluded_total < n else f"{results.excluded_total:,}"
        notes.append(f"{left_out} people are outside the model (chief officers on local salaries under JNC terms, "
                     "or posts without a job evaluation score).")
    return notes


def union_summary(model: HarmonisationModel, results: Results, produced_on: date) -> UnionSummary:
    """The summary fit to share with the unions: aggregates only, small groups withheld."""
    show = _Show(results, disclosure_threshold(produced_on))
    tables: list[Any] = [_headline(results, show), _grades(results, show),
                         _groups("Outcome by sex", "Sex", "sex", results.by_sex, show),
                         _groups("Outcome by age band", "Age", "age", results.by_age_band, show),
                         _gaps(results, show), _protection(results, show)]
    return UnionSummary(
        title=f"Harmonisation model: {model.name}", subtitle="Summary for the recognised trade unions",
        councils=list(results.council_names.values()), as_of=uk_date(results.as_of),
        produced_on=uk_date(produced_on), description=model.description, author=PDF_AUTHOR, tables=tables,
        notes=_notes(results, show), dated=produced_on)


@transaction
def summary_pdf(model: HarmonisationModel, results: Results, produced_on: date) -> bytes:
    """The summary as a PDF, with the export audited."""
    pdf = build_pdf(union_summary(model, results, produced_on))
    audit.record("export", ENTITY, model.id, after={"format": "pdf", "what": "summary for the unions"})
    return pdf
