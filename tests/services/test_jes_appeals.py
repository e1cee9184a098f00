"""Job evaluation appeals (issue 18): an employee appeals their post's evaluation on named
factors; the appeal panel's outcome makes a new dated evaluation (grade and pay follow from its
date) or confirms the old one; the letter to the employee is issued with the decision.

Hand-worked from the factor plan (hrtool/reference_data/njc_jes_factors.csv) and the illustrative
CCDC bands (grade_conventions_illustrative.csv: F is 370-414 points on SCP 20-23, G is 415-454 on
SCP 24-26):

    factor  1 Knowledge                level 4  80   (CCDC convention: NVQ level 3 = level 4)
    factor  2 Mental skills            level 4  52
    factor  3 Interpersonal            level 4  52
    factor  4 Physical skills          level 2  26
    factor  5 Initiative               level 4  52
    factor  6 Physical demands         level 2  20
    factor  7 Mental demands           level 2  20
    factor  8 Emotional demands        level 2  20
    factor  9 Responsibility people    level 1  13
    factor 10 Supervision              level 3  39   (CCDC convention: line manages 5 to 9 = level 3)
    factor 11 Financial resources      level 1  13
    factor 12 Physical resources       level 1  13
    factor 13 Working conditions       level 1  10
                                              ---
                                              410 points: CCDC grade F

The appeal raises factor 10 from level 3 (39) to level 4 (52): 13 points more, 423, grade G. A
holder on SCP 21 (within F) is below G's lowest point, 24, so moves up to it from the date the new
evaluation takes effect. On the NJC spine from 1 April 2024 (njc_pay_spine.csv) SCP 21 is
£32,115 and SCP 24 £34,314: an increase of £2,199.00 a year full-time."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from hrtool.errors import DomainError
from hrtool.extensions import db
from hrtool.models import AuditEvent, EvaluationAppeal, JobEvaluation, Letter, Protection, RuleSetting
from hrtool.services.letters import letters
from hrtool.services.pay import job_evaluations, post_grades
from hrtool.services.pay.jes import appeals, local_conventions
from hrtool.services.pay.jes.appeals import Ground
from hrtool.services.pay.job_evaluations import Choice, Member
from hrtool.services.people.records import picture_on

from ..factories import assign, council, employ, make_employee, make_post, own_terms

pytestmark = pytest.mark.usefixtures("ctx")

TODAY = date.today()
EVALUATED = date(2024, 6, 3)
LODGED = date(2024, 7, 1)
DECIDED = date(2024, 8, 20)
EFFECTIVE = date(2024, 9, 2)
LEVELS = [4, 4, 4, 2, 4, 2, 2, 2, 1, 3, 1, 1, 1]  # 410 points (worked above)
PANEL = [Member("Jordan Reeves", "management", "Assistant Director"), Member("Priya Shah", "union", "UNISON")]


def _convention(factor: int, text: str) -> int:
    ccdc = local_conventions.council_set(council("CCDC").id)
    return next(c.id for c in local_conventions.conventions(ccdc.id)
                if c.situation.factor_number == factor and c.situation.text.startswith(text))


def _case(scp: int = 21, start: date = date(2020, 4, 6)):
    """A CCDC post scoring 410 (F) before and after the evaluation, held by one person on `scp`."""
    post = make_post("CCDC", je_score=410)
    person = make_employee(last_name="Appellant")
    employment = employ(person, "CCDC", start)
    assign(employment, post, start, scp=scp)
    own_terms(employment, start)
    choices: list[int | Choice] = list(LEVELS)
    choices[0] = Choice(4, _convention(1, "Post requires an NVQ level 3"))
    choices[9] = Choice(3, _convention(10, "Line manages a team of 5 to 9"))
    evaluation = job_evaluations.record_evaluation(post.id, council("CCDC").id, EVALUATED, choices,
                                                   panel=job_evaluations.DEMO_PANEL, today=TODAY)
    return post, person, evaluation


def _scp(person, on: date) -> int | None:
    picture = picture_on(person.id, on)
    return picture.assignment.scp if picture and picture.assignment else None


def _lodge(evaluation, person, grounds=None, on: date = LODGED):
    if grounds is None:
        grounds = [Ground(10, "I supervise the team leaders' staff as well.", 4)]
    return appeals.lodge(evaluation.id, person.id, grounds, on, today=TODAY)


def test_the_evaluation_scores_410_and_grades_f():
    post, person, evaluation = _case()
    assert evaluation.score == 410
    assert post_grades.grade_on(post.id, EVALUATED) == "F"
    assert appeals.appealable(person.id, LODGED) == [evaluation]


def test_an_upheld_appeal_makes_a_new_evaluation_and_the_grade_and_pay_follow_from_its_date():
    post, person, evaluation = _case()
    appeal = _lodge(evaluation, person)
    assert evaluation.status == "under appeal"
    assert appeal.id in [a.id for a in appeals.open_appeals()]
    decided = appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=DECIDED, effective_from=EFFECTIVE,
                             appeal_panel=PANEL, notes="The post supervises the team leaders' staff.", today=TODAY)
    new = db.session.get(JobEvaluation, decided.new_evaluation_id)
    assert new.score == 423  # 410 + 13 (factor 10: level 3, 39 -> level 4, 52)
    assert {f.factor_number: (f.level, f.points) for f in new.factors}[10] == (4, 52)
    assert new.replaces_id == evaluation.id and new.evaluated_on == EFFECTIVE and new.status == "agreed"
    assert {(m.name, m.side) for m in new.panel_members} == {(m.name, m.side) for m in PANEL}
    # The old citations are kept, except on the factor the panel changed.
    old_cites = {f.factor_number: f.convention_id for f in evaluation.factors}
    new_cites = {f.factor_number: f.convention_id for f in new.factors}
    assert new_cites[1] == old_cites[1] is not None and old_cites[10] is not None and new_cites[10] is None
    assert evaluation.status == "agreed" and decided.status == "decided" and decided.outcome == "upheld"
    # The grade from the effective date, not before; the holder moves up to G's lowest point then.
    eve = EFFECTIVE - timedelta(days=1)
    assert (post_grades.grade_on(post.id, eve), post_grades.grade_on(post.id, EFFECTIVE)) == ("F", "G")
    assert (_scp(person, eve), _scp(person, EFFECTIVE)) == (21, 24)
    assert post.je_score == 423
    # Audited.
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity_type == "job_evaluation_appeal", AuditEvent.entity_id == str(appeal.id))).all()
    assert events == ["create", "update"]
    # The letter is in the register, to the employee, with the facts.
    letter = db.session.scalars(select(Letter).where(Letter.letter_type == "jes_appeal_outcome",
                                                     Letter.source_id == appeal.id)).one()
    assert letter.employee_id == person.id and appeals.letter_of(appeal.id) == letter
    fields = letter.fields
    assert fields["appeal"]["outcome"] == "upheld"
    assert fields["grade"]["change"] == "Your post's grade changes from grade F to grade G from 2 September 2024."
    assert fields["evaluation"]["points_change"] == "The evaluation's total changes from 410 to 423 points."
    assert fields["pay"]["change"] == ("From 2 September 2024 you move from SCP 21 to SCP 24: your full-time salary "
                                       "changes from £32,115.00 to £34,314.00 a year, an increase of £2,199.00 a "
                                       "year full-time.")
    [row] = fields["table"]["factors"]["rows"]
    assert row[0].startswith("10. Responsibility for supervision") and row[1:] == ["3", "4", "4", "39", "52"]
    assert "Jordan Reeves (management side, Assistant Director)" in fields["appeal"]["panel"]


def _downgraded():
    """A CCDC post of 430 points (G, SCP 24-26) held on SCP 25, re-evaluated at 410 (F, SCP 20-23)
    on 3 June 2024, which moves the holder down to SCP 23 from that date with pay protection."""
    post = make_post("CCDC", je_score=430)
    person = make_employee(last_name="Downgraded")
    employment = employ(person, "CCDC", date(2020, 4, 6))
    assign(employment, post, date(2020, 4, 6), scp=25)
    own_terms(employment, date(2020, 4, 6))
    evaluation = job_evaluations.record_evaluation(post.id, council("CCDC").id, EVALUATED, LEVELS,
                                                   panel=job_evaluations.DEMO_PANEL, today=TODAY)
    return post, person, evaluation


def test_an_appeal_against_a_downgrade_upheld_from_its_date_puts_back_the_point_it_took_away():
    """A CCDC post of 430 points (G, SCP 24-26) held on SCP 25 is re-evaluated at 410 (F, SCP 20-23)
    on 3 June 2024: the holder moves to SCP 23 from that date, with pay protection. The appeal
    raises factor 10 to level 4 (423 points: G) from the same date, so the downgrade never took
    effect: the holder is back on SCP 25 from 3 June 2024 (not G's lowest point, 24, which would
    leave them a point below where they were before the evaluation they won their appeal
    against). The letter compares SCP 23 (under the evaluation appealed, that day) with SCP 25:
    2024/25 spine £33,366 to £35,235, an increase of £1,869. The protection the downgrade started
    has nothing left to protect (new pay = old pay from its first day) and ends where it starts,
    with nothing paid."""
    post, person, evaluation = _downgraded()
    assert post_grades.grade_on(post.id, EVALUATED) == "F" and _scp(person, EVALUATED) == 23
    protection = db.session.scalars(select(Protection).where(Protection.employee_id == person.id)).one()
    assert (protection.start_date, protection.old_scp, protection.new_scp) == (EVALUATED, 25, 23)
    assert protection.ends_on > EVALUATED
    appeal = _lodge(evaluation, person)
    appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=DECIDED, effective_from=EVALUATED, appeal_panel=PANEL,
                   notes="The post supervises the team leaders' staff.", today=TODAY)
    assert post_grades.grade_on(post.id, EVALUATED) == "G" and _scp(person, EVALUATED) == 25
    assert _scp(person, EVALUATED - timedelta(days=1)) == 25
    db.session.refresh(protection)
    assert protection.ends_on == EVALUATED and all(m.payment == 0 for m in protection.months)
    letter = appeals.letter_of(appeal.id)
    assert letter.fields["pay"]["change"] == (
        "From 3 June 2024 you move from SCP 23 to SCP 25: your full-time salary changes from £33,366.00 to "
        "£35,235.00 a year, an increase of £1,869.00 a year full-time.")


def test_an_appeal_upheld_from_a_later_date_moves_the_holder_up_by_the_usual_rule():
    """The same downgrade, the appeal upheld from 2 September 2024 only: the downgrade stood from
    3 June to 1 September (the protection pays for those months), and from 2 September the holder
    moves up to G's lowest point, 24, as anyone below a new grade does; SCP 25 is not put back."""
    _, person, evaluation = _downgraded()
    appeal = _lodge(evaluation, person)
    appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=DECIDED, effective_from=EFFECTIVE, appeal_panel=PANEL,
                   notes="The post supervises the team leaders' staff.", today=TODAY)
    assert _scp(person, EVALUATED) == 23 and _scp(person, EFFECTIVE) == 24


def test_not_upheld_confirms_the_evaluation_and_changes_nothing():
    post, person, evaluation = _case()
    appeal = _lodge(evaluation, person)
    before = post_grades.held_timelines([post.id])[post.id]
    decided = appeals.decide(appeal.id, "not upheld", {}, decided_on=DECIDED, effective_from=EFFECTIVE,
                             appeal_panel=PANEL, notes="Level 3 fits: the team leaders supervise their staff.",
                             today=TODAY)
    assert evaluation.status == "confirmed" and decided.new_evaluation_id is None and decided.effective_from is None
    assert post_grades.held_timelines([post.id])[post.id] == before
    assert (_scp(person, EFFECTIVE), _scp(person, TODAY)) == (21, 21)
    assert db.session.scalar(select(func.count()).select_from(JobEvaluation)
                             .where(JobEvaluation.replaces_id == evaluation.id)) == 0
    fields = appeals.letter_of(appeal.id).fields
    assert fields["grade"]["change"] == "Your post's grade stays grade F."
    assert fields["pay"]["change"] == "Your pay does not change."
    # Decided: it cannot be appealed again.
    with pytest.raises(DomainError, match="cannot be appealed again"):
        _lodge(evaluation, person, on=LODGED + timedelta(days=60))


def test_partly_upheld_changes_only_some_of_the_factors_appealed():
    _post, person, evaluation = _case()
    appeal = _lodge(evaluation, person, [Ground(10, "I supervise more staff.", 4),
                                         Ground(13, "I work outdoors in all weathers.", 3)])
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=DECIDED, effective_from=EFFECTIVE,
                       appeal_panel=PANEL, notes="Supervision only.", today=TODAY)
    assert "outcome" in refused.value.problems
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.decide(appeal.id, "partly upheld", {10: 4, 2: 5}, decided_on=DECIDED, effective_from=EFFECTIVE,
                       appeal_panel=PANEL, notes="Supervision only.", today=TODAY)
    assert "level_2" in refused.value.problems  # factor 2 was not appealed
    decided = appeals.decide(appeal.id, "partly upheld", {10: 4}, decided_on=DECIDED, effective_from=EFFECTIVE,
                             appeal_panel=PANEL, notes="Supervision only.", today=TODAY)
    new = db.session.get(JobEvaluation, decided.new_evaluation_id)
    assert [f.level for f in new.factors] == LEVELS[:9] + [4] + LEVELS[10:]


def test_refusals():
    post, person, evaluation = _case()
    _other_post, _other_person, other_evaluation = _case()
    # Someone else's post.
    with pytest.raises(DomainError, match="post you hold"):
        appeals.lodge(other_evaluation.id, person.id, [Ground(10, "Reasons.", 4)], LODGED, today=TODAY)
    # No factor; no reasons; a factor twice; a level outside the factor's range (factor 10: 1 to 6).
    cases = [([], "grounds"), ([Ground(10, "  ", 4)], "factor_10"),
             ([Ground(10, "One.", 4), Ground(10, "Two.", 5)], "factor_10"),
             ([Ground(10, "Reasons.", 7)], "factor_10"), ([Ground(10, "Reasons.", 3)], "factor_10")]
    for grounds, field in cases:
        with pytest.raises(appeals.AppealRefused) as refused:
            _lodge(evaluation, person, grounds)
        assert field in refused.value.problems, grounds
    with pytest.raises(appeals.AppealRefused, match="outside its range 1 to 6"):
        _lodge(evaluation, person, [Ground(10, "Reasons.", 7)])
    # Out of the window: 91 days from 3 June 2024 is 2 September 2024, the last day.
    assert appeals.appealable(person.id, date(2024, 9, 2)) == [evaluation]
    with pytest.raises(DomainError, match="The time to appeal ended on 2 September 2024"):
        _lodge(evaluation, person, on=date(2024, 9, 3))
    # A draft evaluation grades nothing and cannot be appealed (the agreed one stays the latest).
    draft = job_evaluations.record_evaluation(post.id, council("CCDC").id, date(2024, 6, 10), LEVELS,
                                              panel=job_evaluations.DEMO_PANEL, status="draft", today=TODAY)
    with pytest.raises(DomainError, match="post you hold"):
        appeals.lodge(draft.id, person.id, [Ground(10, "Reasons.", 4)], LODGED, today=TODAY)
    # Nothing was lodged by any of these.
    assert appeals.appeals_of(person.id) == [] and evaluation.status == "agreed"
    # One open appeal per evaluation per employee.
    _lodge(evaluation, person)
    with pytest.raises(DomainError, match="under way"):
        _lodge(evaluation, person)


def test_the_window_is_a_rule_setting_and_runs_from_taking_up_the_post():
    # Took up the post on 1 August 2024, after the evaluation: told then, so 91 days from then.
    _post, person, evaluation = _case(start=date(2024, 8, 1))
    assert appeals.appealable(person.id, date(2024, 10, 31)) == [evaluation]  # 1 August + 91 days
    assert appeals.appealable(person.id, date(2024, 11, 1)) == []
    db.session.add(RuleSetting(key=appeals.WINDOW_SETTING, value="30", effective_from=date(2024, 10, 1),
                               description="Shorter window"))
    db.session.flush()
    assert appeals.appealable(person.id, date(2024, 10, 1)) == []  # 1 August + 30 days = 31 August


def test_withdrawing_puts_the_evaluation_back():
    _post, person, evaluation = _case()
    appeal = _lodge(evaluation, person)
    with pytest.raises(DomainError, match="Say why"):
        appeals.withdraw(appeal.id, " ")
    with pytest.raises(DomainError, match="changed this appeal"):
        appeals.withdraw(appeal.id, "Changed my mind", seen_version=appeal.version + 5)
    appeals.withdraw(appeal.id, "I have spoken to my manager", seen_version=appeal.version)
    assert appeal.status == "withdrawn" and evaluation.status == "agreed"
    with pytest.raises(DomainError, match="withdrawn"):
        appeals.decide(appeal.id, "not upheld", {}, decided_on=DECIDED, effective_from=EFFECTIVE,
                       appeal_panel=PANEL, notes="n", today=TODAY)


def test_a_decision_needs_a_joint_panel_reasons_and_sound_dates():
    _post, person, evaluation = _case()
    appeal = _lodge(evaluation, person)
    with pytest.raises(appeals.AppealRefused) as refused:
        appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=LODGED - timedelta(days=1),
                       effective_from=EVALUATED - timedelta(days=1), appeal_panel=PANEL[:1], notes="",
                       today=TODAY)
    assert set(refused.value.problems) == {"decided_on", "effective_from", "panel", "notes"}
    assert appeal.status == "lodged" and db.session.scalar(select(func.count()).select_from(Letter).where(
        Letter.letter_type == "jes_appeal_outcome", Letter.source_id == appeal.id)) == 0


def test_load_reference_update_adds_the_template_and_the_setting_to_an_existing_database():
    from hrtool.models import LetterTemplate, LetterTemplateVersion
    from hrtool.services.rules.reference_data import update_reference_data

    # As a database made before issue 18 holds them: neither the template nor the setting.
    template_id = letters.template_by_key(appeals.LETTER).id
    if db.session.scalar(select(Letter.id).where(Letter.letter_type == appeals.LETTER).limit(1)) is None:
        db.session.execute(LetterTemplateVersion.__table__.delete().where(LetterTemplateVersion.template_id == template_id))
        db.session.execute(LetterTemplate.__table__.delete().where(LetterTemplate.id == template_id))
    else:  # the demo's decided appeal has its letter (letters are immutable): the template put out of sight
        db.session.execute(LetterTemplate.__table__.update().where(LetterTemplate.id == template_id)
                           .values(key="before_issue_18"))
    db.session.execute(RuleSetting.__table__.delete().where(RuleSetting.key == appeals.WINDOW_SETTING))
    db.session.flush()
    report = update_reference_data()
    assert report.added.get("letter_templates") == 1 and report.added.get("rule_settings", 0) >= 1
    assert db.session.scalar(select(LetterTemplate.name).where(LetterTemplate.key == appeals.LETTER)) == \
        "Job evaluation appeal outcome"
    assert appeals.window_days(TODAY) == 91


def test_the_letter_reads_carefully():
    _post, person, evaluation = _case()
    appeal = _lodge(evaluation, person)
    appeals.decide(appeal.id, "upheld", {10: 4}, decided_on=DECIDED, effective_from=EFFECTIVE,
                   appeal_panel=PANEL, notes="the post supervises the team leaders' staff", today=TODAY)
    letter = appeals.letter_of(appeal.id)
    text = " ".join(" ".join(str(v) for v in b.__dict__.values()) for b in letters.prepare(
        letters.Target("jes_appeal_outcome", appeal.id), letter.template_version, TODAY, letter.reference,
        ("HR", "Human Resources")).blocks)
    assert "Thank you for your appeal of 1 July 2024" in text and "made on 3 June 2024" in text
    assert "The panel upheld your appeal" in text and "takes effect from 2 September 2024" in text
    assert "The post supervises the team leaders' staff." in text  # the reasons as a sentence of their own
    assert "{{" not in text and "£-" not in text


def test_demo_appeals_one_under_way_one_decided_and_idempotent():
    from hrtool.services.pay.jes import demo_appeals

    db.session.execute(EvaluationAppeal.__table__.delete())
    _case(start=date(2019, 4, 1))
    _case(start=date(2019, 4, 1))
    made = demo_appeals.add_demo_appeals(TODAY)
    assert made == 2
    statuses = sorted(a.status for a in db.session.scalars(select(EvaluationAppeal)))
    assert statuses == ["decided", "lodged"]
    decided = db.session.scalars(select(EvaluationAppeal).where(EvaluationAppeal.status == "decided")).one()
    assert decided.outcome == "upheld" and appeals.letter_of(decided.id) is not None
    assert demo_appeals.add_demo_appeals(TODAY) == 0
