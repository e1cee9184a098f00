"""Pay and grading work as jobs: applying an award to make the next pay year's spine,
and correcting a spine value, each with the recalculation of every pay protection schedule it
reaches; changing a council's grade bands (the posts regraded, their holders protected); and the
arrears run.

At 100,000 people these take longer than a web worker may hold a request (about 35 s for the
award), so the pages start a job and show its page instead."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ...errors import DomainError
from ...extensions import db
from ...formatting import money
from ...models import PayAward, PaySpinePoint
from ...services.pay import pay_award_run, pay_spines
from ...services.platform import derived, unit_of_work
from ...sqlite import reads_only
from ..registry import Outcome, Progress, kind


def _award(params: dict[str, Any]) -> PayAward:
    award = db.session.get(PayAward, params["award_id"])
    if award is None:
        raise DomainError("The pay award was deleted before this could run")
    return award


def apply_key(award_id: int) -> str:
    """One application of an award at a time."""
    return f"pay_award:{award_id}"


@kind("pay_award_apply", "Apply a pay award to the spine", permission="pay.view")
def apply_award(params: dict[str, Any], progress: Progress) -> Outcome:
    """`pay_spines.apply_award_to_spine` in the job's one unit of work: the new spine values,
    their audit events, and the protection schedules they reach recomputed (derived.settle),
    all kept together or not at all."""
    award = _award(params)
    agreed_on = date.fromisoformat(params["agreed_on"]) if params.get("agreed_on") else None
    progress(0, 2)
    done = pay_spines.apply_award_to_spine(award, agreed_on=agreed_on, replace=bool(params.get("replace")),
                                           reason=params["reason"])
    progress(1, 2)
    derived.settle()  # the protection schedules the new spine reaches (else settled at the commit)
    progress(2, 2)
    text = (f"The {pay_spines.pay_year_label(done.year)} spine is made: {done.created} values added, "
            f"{done.changed} changed, {done.removed} removed{' (provisional)' if done.provisional else ''}. "
            "Pay protection schedules running in or after that pay year are recalculated.")
    return Outcome(text, {"link": "pay.spine", "link_text": "Open the pay spine", "created": done.created,
                          "changed": done.changed, "removed": done.removed})


def correction_key(point_id: int) -> str:
    """One correction of a spine value at a time."""
    return f"pay_spine_point:{point_id}"


@kind("pay_spine_correction", "Correct a pay spine value", permission="pay.view")
def correct_value(params: dict[str, Any], progress: Progress) -> Outcome:
    """`pay_spines.set_spine_value` in the job's one unit of work: salaries on past dates follow
    the value, so every pay protection schedule running in or after its pay year is recomputed
    with it (derived.settle), as for an award."""
    point = db.session.get(PaySpinePoint, params["point_id"])
    if point is None:
        raise DomainError("That spine value no longer exists")
    was = point.annual_salary
    progress(0, 2)
    pay_spines.set_spine_value(point, Decimal(params["annual_salary"]), params["reason"])
    progress(1, 2)
    derived.settle()
    progress(2, 2)
    label = pay_spines.pay_year_label(point.pay_year_from)
    return Outcome(f"SCP {point.scp} for {label} saved: {money(point.annual_salary)} a year full time (was "
                   f"{money(was)}). Pay protection schedules running in or after that pay year are recalculated.",
                   {"link": "pay.spine", "link_text": "Open the pay spine"})


def arrears_key(award_id: int, first_paid_on: date) -> str:
    """One arrears run at a time for an award and first pay date; also how its page finds the
    latest run kept for them."""
    return f"pay_arrears:{award_id}:{first_paid_on.isoformat()}"


@kind("pay_arrears", "Work out pay award arrears", atomic=False, permission="pay.view")
def arrears(params: dict[str, Any], progress: Progress) -> Outcome:
    """The arrears run, worked out once and kept with the job (everyone's figures: the page pages
    through them and the downloads write them). It only reads, so on SQLite it reads without
    holding the write lock; the run is then audited in a short unit of work of its own."""
    first_paid_on = date.fromisoformat(params["first_paid_on"])

    @reads_only
    def work_out() -> dict[str, Any]:
        return pay_award_run.to_stored(pay_award_run.run(_award(params), first_paid_on))

    progress(0, 1)
    kept = work_out()
    unit_of_work.discard()  # end the read before writing
    with unit_of_work.unit_of_work():
        award = _award(params)
        pay_award_run.record_run(pay_award_run.from_stored(award, kept))
        label = pay_spines.pay_year_label(award.pay_year_from)
    progress(1, 1)
    people, missing = len(kept["people"]), len(kept["not_computed"])
    text = (f"Arrears for the {label} pay award, first paid on {first_paid_on:%-d %B %Y}: "
            f"{money(Decimal(kept['total']))} to "
            f"{people:,} {'person' if people == 1 else 'people'}")
    text += f"; {missing:,} could not be worked out (see the list)." if missing else "."
    return Outcome(text, {"link": "pay.arrears", "link_text": "See the arrears",
                          "link_args": {"award_id": award.id, "run": progress.job_id, "first_paid_on": [
                              first_paid_on.day, first_paid_on.month, first_paid_on.year]}, "run": kept})


def bands_key(council_id: int) -> str:
    """One change of a council's grade bands at a time."""
    return f"grade_bands:{council_id}"


@kind("grade_bands_change", "Change a council's grade bands", permission="pay.view")
def change_bands(params: dict[str, Any], progress: Progress) -> Outcome:
    """`conventions.change_bands` in the job's one unit of work: the new version of the bands, the
    posts' dated grades and what follows for their holders (points moved, pay protection), exactly
    the plan HR checked (`expected`, its fingerprint: refused if the plan has changed since)."""
    from ...domain.grading import GradeBand
    from ...services.pay import conventions

    effective_from = date.fromisoformat(params["effective_from"])
    progress(0, 2)
    changed = conventions.change_bands(params["council_id"], effective_from, params["name"], params["notes"],
                                       [GradeBand(*band) for band in params["bands"]], params["reason"],
                                       expected=params["expected"])
    progress(1, 2)
    derived.settle()  # the posts' grades from that date
    progress(2, 2)
    council = changed.convention.council.short_name
    posts, protected = len(changed.plan.posts), len(changed.protections)
    return Outcome(f"New bands for {council} from {effective_from:%-d %B %Y} saved: {posts:,} post grade "
                   f"change{'' if posts == 1 else 's'} from that date, {protected:,} "
                   f"{'person' if protected == 1 else 'people'} protected.",
                   {"link": "pay.convention", "link_args": {"convention_id": changed.convention.id},
                    "link_text": "See the new bands"})
