"""Derived facts stay true as dated events happen in any order (issue 13).

A hypothesis state machine applies random dated events, in random orders, through the service
layer, each as the one unit of work a page or command would make of it: grade band changes
(back-dated and future), pay awards (provisional, then agreed),
increments, changes of post, hours and SCP, appointments to lower-graded posts with protection,
early endings of protection, transfers completed, elections onto the lead authority's terms and
leavers. After every step `hrtool check` must find nothing drifted on the dates examined, and
nobody on the NJC spine may be outside their post's grade on any of them.

Each example runs in its own savepoint, rolled back afterwards, over the session's demo data.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask import Flask
from flask_sqlalchemy.session import _app_ctx_id
from hypothesis import HealthCheck, assume, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import Assignment, Council, Employment, PayAward, Post, Protection, TermsRecord, Transfer
from hrtool.services.platform import check

TODAY = date.today()
LOG = os.environ.get("HRTOOL_STATEFUL_LOG")
# Dates events are dated on: back-dated into last pay year, this year, and ahead.
DAYS = st.sampled_from([-400, -250, -120, -30, 0, 1, 45, 120, 200, 400])


@contextmanager
def savepoint_session() -> Iterator[None]:
    """A fresh session over a savepoint of the test's connection, rolled back at the end."""
    connection = db.session.get_bind()
    nested = connection.begin_nested()
    original = db.session
    db.session = scoped_session(sessionmaker(bind=connection, class_=Session,
                                             join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id)
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        if nested.is_active:
            nested.rollback()


def _refused(fn: Any, *args: Any, **kwargs: Any) -> bool:
    """Apply an event; a refusal (DomainError) is a legitimate outcome and leaves nothing."""
    try:
        fn(*args, **kwargs)
    except DomainError:
        return True
    return False


class DatedEvents(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.examined: set[date] = {TODAY}
        self.events: list[str] = []

    def _log(self, what: str, when: date, refused: bool) -> None:
        self.events.append(f"{what} from {when}: {'refused' if refused else 'applied'}")
        self.examined.add(when)
        event(f"{what.split()[0]}: {'refused' if refused else 'applied'}")
        if LOG:  # HRTOOL_STATEFUL_LOG=path: every event tried, to see which rules the run reached
            with open(LOG, "a", encoding="utf-8") as log:
                log.write(self.events[-1] + "\n")

    # -- choosing people and posts ------------------------------------------------------------

    def _assignments(self, council_code: str | None = None, on: date = TODAY) -> list[Assignment]:
        query = (select(Assignment).join(Employment).join(Post, Post.id == Assignment.post_id)
                 .where(Assignment.effective_from <= on,
                        or_(Assignment.effective_to.is_(None), Assignment.effective_to >= on),
                        Assignment.scp.is_not(None), Employment.end_date.is_(None)))
        if council_code:
            query = query.join(Council, Council.id == Post.council_id).where(Council.code == council_code)
        return list(db.session.scalars(query.order_by(Assignment.id).limit(60)))

    def _latest(self, assignment: Assignment) -> Assignment:
        return db.session.scalars(select(Assignment).where(Assignment.employment_id == assignment.employment_id)
                                  .order_by(Assignment.effective_from.desc()).limit(1)).one()

    # -- events -------------------------------------------------------------------------------

    @rule(index=st.integers(0, 59), days=DAYS, change=st.sampled_from(["hours", "scp_up", "scp_down", "post"]))
    def change_assignment(self, index: int, days: int, change: str) -> None:
        from hrtool.services.people.employees import AssignmentChange, change_assignment

        people = self._assignments()
        assume(people)
        current = self._latest(people[index % len(people)])
        when = TODAY + timedelta(days=days)
        post_id, hours, scp = current.post_id, current.hours_per_week, current.scp
        if change == "hours":
            hours = Decimal("18.5") if hours != Decimal("18.5") else Decimal("37")
        elif change == "scp_up":
            scp = (scp or 0) + 1
        elif change == "scp_down":
            scp = max((scp or 2) - 1, 2)
        else:  # to another post whose grade then holds their point (a lateral move)
            from hrtool.services.pay.post_grades import band_of, row_on

            others = []
            for post in db.session.scalars(select(Post).where(Post.council_id == current.post.council_id,
                                                              Post.id != current.post_id, Post.band_min.is_(None),
                                                              Post.closed_on.is_(None)).order_by(Post.id)):
                row = row_on(post.id, when)
                band = band_of(row.convention_id, row.grade) if row is not None else None
                if band is not None and scp is not None and band.scp_min <= scp <= band.scp_max:
                    others.append(post.id)
            assume(others)
            post_id = others[index % len(others)]
        refused = _refused(change_assignment, current.id,
                           AssignmentChange(when, post_id, hours, scp, None, f"test: {change}"))
        self._log(change, when, refused)

    @rule(index=st.integers(0, 59), days=DAYS)
    def leaver(self, index: int, days: int) -> None:
        from hrtool.services.people.employees import record_leaver

        people = self._assignments()
        assume(people)
        when = TODAY + timedelta(days=days)
        refused = _refused(record_leaver, people[index % len(people)].employment_id, when, "test: left")
        self._log("leaver", when, refused)

    @rule(council=st.sampled_from(["CCDC", "SBC"]), year=st.sampled_from([2025, 2026]))
    def increments(self, council: str, year: int) -> None:
        from hrtool.services.pay.increments import apply

        council_id = db.session.scalar(select(Council.id).where(Council.code == council))
        run_on = date(year, 4, 1)
        refused = _refused(apply, council_id, run_on)
        self._log(f"increments {council}", run_on, refused)

    @rule(agreed=st.booleans())
    def pay_award_2025(self, agreed: bool) -> None:
        """The 2025/26 award: applied while provisional, or agreed (replacing a provisional spine)."""
        from hrtool.services.pay.pay_spines import apply_award_to_spine

        award = db.session.scalars(select(PayAward).where(PayAward.pay_year_from == date(2025, 4, 1))).one()
        refused = _refused(apply_award_to_spine, award, agreed_on=date(2025, 7, 23) if agreed else None,
                           replace=True, reason="test: 2025/26 award")
        self._log(f"award 2025/26 {'agreed' if agreed else 'provisional'}", date(2025, 4, 1), refused)
        self.examined.update({date(2025, 4, 1), date(2025, 10, 1)})

    @rule(index=st.integers(0, 59), days=DAYS, pick=st.integers(0, 30))
    def appointed_to_lower_pay(self, index: int, days: int, pick: int) -> None:
        """An appointment to a lower-graded post (a restructure), at the top of its grade, with pay
        protection from its date."""
        from hrtool.services.pay.post_grades import band_of, row_on
        from hrtool.services.people.employees import AssignmentChange, change_assignment
        from hrtool.services.people.records import spine_on
        from hrtool.services.platform.unit_of_work import transaction
        from hrtool.services.protection.protections import create_protection

        people = self._assignments()
        assume(people)
        current = self._latest(people[index % len(people)])
        when = TODAY + timedelta(days=days)
        assume(current.scp is not None and current.effective_from < when)
        lower = []
        for post in db.session.scalars(select(Post).where(Post.council_id == current.post.council_id,
                                                          Post.id != current.post_id, Post.band_min.is_(None),
                                                          Post.closed_on.is_(None)).order_by(Post.id)):
            row = row_on(post.id, when)
            band = band_of(row.convention_id, row.grade) if row is not None else None
            if band is not None and band.scp_max < current.scp:
                lower.append((post, band))
        assume(lower)
        post, band = lower[pick % len(lower)]
        _, spine = spine_on(when)
        assume(current.scp in spine and band.scp_max in spine)

        @transaction
        def appoint() -> None:
            change_assignment(current.id, AssignmentChange(when, post.id, current.hours_per_week, band.scp_max, None,
                                                           "test: appointed to a lower-graded post"))
            create_protection(employee_id=current.employment.employee_id, start_date=when, source="restructure",
                              source_ref="test", reason="test: appointed lower", old_salary=spine[current.scp],
                              new_salary=spine[band.scp_max], hours_per_week=current.hours_per_week,
                              old_post_id=current.post_id, new_post_id=post.id, old_scp=current.scp,
                              new_scp=band.scp_max)

        refused = _refused(appoint)
        self._log("appointed to a lower-graded post", when, refused)

    @rule(council=st.sampled_from(["CCDC", "SBC"]), days=DAYS, boundary=st.integers(0, 10),
          shift=st.sampled_from([-40, -15, 15, 40]))
    def change_grade_bands(self, council: str, days: int, boundary: int, shift: int) -> None:
        """A new version of a council's bands from a date (back-dated or ahead): one boundary
        between two grades moves, so posts near it change grade and their holders follow."""
        from hrtool.domain.grading import GradeBand
        from hrtool.services.pay.conventions import change_bands, latest

        council_id = db.session.scalar(select(Council.id).where(Council.code == council))
        version = latest(council_id)
        bands = [GradeBand(b.grade, b.points_min, b.points_max, b.scp_min, b.scp_max) for b in version.bands]
        i = boundary % (len(bands) - 1)
        low, high = bands[i], bands[i + 1]
        new_max = low.points_max + shift
        assume(low.points_min < new_max < high.points_max)
        bands[i] = GradeBand(low.grade, low.points_min, new_max, low.scp_min, low.scp_max)
        bands[i + 1] = GradeBand(high.grade, new_max + 1, high.points_max, high.scp_min, high.scp_max)
        when = TODAY + timedelta(days=days)
        refused = _refused(change_bands, council_id, when, f"test bands from {when}", "", bands,
                           "test: boundary moved")
        self._log(f"bands {council} {low.grade}/{high.grade} {shift:+}", when, refused)

    @rule(index=st.integers(0, 20), days=st.sampled_from([0, 30, 90]))
    def end_protection_early(self, index: int, days: int) -> None:
        from hrtool.services.protection.protections import LEAVING, early_kinds, end_early

        records = list(db.session.scalars(select(Protection).where(Protection.ended_early_on.is_(None))
                                          .order_by(Protection.id)))
        assume(records)
        record = records[index % len(records)]
        kinds = [k for k in early_kinds(record) if k != LEAVING] or [LEAVING]
        when = max(record.start_date, TODAY) + timedelta(days=days)
        refused = _refused(end_early, record, kinds[0], when, "test: ended early")
        self._log(f"protection {record.id} ended early", when, refused)

    @rule(index=st.integers(0, 40))
    def transfer_completed(self, index: int) -> None:
        """A planned TUPE transfer completed on its date: the cohort moves to the lead authority on
        their old pay and terms, which become protected terms."""
        from hrtool.services.platform.unit_of_work import transaction
        from hrtool.services.tupe.transfers import complete, confirm_cohort

        planned = list(db.session.scalars(select(Transfer).where(Transfer.status == "planned").order_by(Transfer.id)))
        assume(planned)
        transfer = planned[index % len(planned)]

        @transaction
        def finish() -> None:
            confirm_cohort(transfer)
            complete(transfer, transfer.transfer_date, reason="Completed by the state machine; steps not its concern")

        on = transfer.transfer_date
        self._log(f"transfer {transfer.reference} completed", on, _refused(finish))

    @rule(index=st.integers(0, 40), days=st.sampled_from([0, 30, 120]))
    def election_onto_lead_authority_terms(self, index: int, days: int) -> None:
        """Someone on protected terms elects to move onto the lead authority's own terms from a
        date, and HR countersigns."""
        from hrtool.services.tupe.protected_terms import countersign, record_election

        protected = list(db.session.scalars(select(TermsRecord.employment_id).where(
            TermsRecord.basis == "protected", TermsRecord.effective_to.is_(None)).order_by(TermsRecord.id)))
        assume(protected)
        employment = db.session.get(Employment, protected[index % len(protected)])
        when = TODAY + timedelta(days=days)

        def elect() -> None:
            election = record_election(employment.employee_id, when, True, TODAY)
            countersign(election.id)

        self._log("election onto the lead authority's terms", when, _refused(elect))

    # -- job evaluation (issue 18) ---------------------------------------------------------------

    def _held_posts(self) -> list[Post]:
        return list(db.session.scalars(
            select(Post).join(Assignment, Assignment.post_id == Post.id)
            .where(Assignment.effective_to.is_(None), Assignment.scp.is_not(None), Post.band_min.is_(None),
                   Post.closed_on.is_(None), Post.je_score.is_not(None))
            .distinct().order_by(Post.id).limit(40)))

    @rule(index=st.integers(0, 39), days=st.sampled_from([-400, -120, -30, 0]),
          shift=st.sampled_from([-60, -25, 0, 25, 60]), draft=st.booleans())
    def evaluated(self, index: int, days: int, shift: int, draft: bool) -> None:
        """A post evaluated factor by factor (agreed: it grades from its date; or a draft), its
        points near its score so that some cross a grade boundary."""
        from hrtool.domain.job_evaluation import profile_for
        from hrtool.services.pay import job_evaluations
        from hrtool.services.pay.jes import scheme

        posts = self._held_posts()
        assume(posts)
        post = posts[index % len(posts)]
        when = TODAY + timedelta(days=days)
        assume(when > post.established_on)
        _, plan = scheme.plan_on(when)
        levels = profile_for((post.je_score or 400) + shift, plan)
        refused = _refused(job_evaluations.record_evaluation, post.id, post.council_id, when, levels,
                           panel=job_evaluations.DEMO_PANEL, status="draft" if draft else "agreed", today=TODAY,
                           notes="test: evaluated")
        self._log(f"evaluation of {post.post_number} {'draft' if draft else 'agreed'} {shift:+}", when, refused)

    @rule(index=st.integers(0, 20), to=st.sampled_from(["agreed", "withdrawn"]))
    def evaluation_status(self, index: int, to: str) -> None:
        """A draft agreed, or an evaluation withdrawn (recorded in error)."""
        from hrtool.models import JobEvaluation
        from hrtool.services.pay import job_evaluations

        found = list(db.session.scalars(select(JobEvaluation).where(
            JobEvaluation.scheme_version_id.is_not(None),
            JobEvaluation.status.in_(["draft"] if to == "agreed" else ["draft", "agreed"])).order_by(JobEvaluation.id)))
        assume(found)
        evaluation = found[index % len(found)]
        refused = _refused(job_evaluations.set_status, evaluation.id, to, "test: status")
        self._log(f"evaluation {evaluation.id} {to}", evaluation.evaluated_on, refused)

    @rule(days=st.sampled_from([-200, -30, 0, 60]), factor=st.integers(1, 13), extra=st.sampled_from([5, 30]))
    def scheme_changes(self, days: int, factor: int, extra: int) -> None:
        """A new version of the factor plan from a date with one factor's top level worth more:
        evaluations from that date are re-scored, and their posts' grades follow."""
        from hrtool.services.pay.jes import scheme

        when = TODAY + timedelta(days=days)
        version = scheme.version_on(when)
        top = max(version.factors[factor - 1].levels, key=lambda lv: lv.level)
        refused = _refused(scheme.add_version, when, f"test version {when}", {(factor, top.level): top.points + extra},
                           "test: weights revised")
        self._log(f"scheme version factor {factor} +{extra}", when, refused)

    @rule(factor=st.integers(1, 13), level=st.integers(1, 3), change=st.sampled_from([-3, 3]))
    def scheme_points_edited(self, factor: int, level: int, change: int) -> None:
        """An administrator corrects a level's points in the version in force today."""
        from hrtool.services.pay.jes import scheme

        version = scheme.version_on(TODAY)
        row = version.factors[factor - 1].levels[level - 1]
        refused = _refused(scheme.edit_level, row.id, row.points + change, row.definition, "test: corrected")
        self._log(f"scheme points factor {factor} level {level} {change:+}", version.effective_from, refused)

    # -- what must always hold ------------------------------------------------------------------

    @invariant()
    def nothing_drifted(self) -> None:
        for on in sorted(self.examined):
            report = check.run(on)
            assert report.ok, (on, self.events, [d.as_json() for d in report.drift[:5]])


def test_derived_facts_hold_whatever_the_order_of_events(app: Flask) -> None:
    settings_ = settings(max_examples=int(os.environ.get("HRTOOL_STATEFUL_EXAMPLES", "12")),
                         stateful_step_count=6, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

    class Isolated(DatedEvents):
        def __init__(self) -> None:
            self._ctx = app.app_context()
            self._ctx.push()
            self._session = savepoint_session()
            self._session.__enter__()
            super().__init__()

        def teardown(self) -> None:
            try:
                self._session.__exit__(None, None, None)
            finally:
                self._ctx.pop()

    run_state_machine_as_test(Isolated, settings=settings_)
