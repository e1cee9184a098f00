"""A post's dated grades (issue 13), worked by hand from the rule in hrtool/domain/grading.py:
the grade on a date D is the band, in the version of the bands in force on D, holding the score
on D; the score on D is the latest evaluation dated on or before D, before any the score recorded
on the post. Rows run back to back over the post's life and split only where the score, the
version or the grade changes."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.domain.grading import (
    BandVersion,
    DatedGrade,
    GradeBand,
    GradeChange,
    ScoreStep,
    fit_scp,
    grade_changes,
    grade_in_force,
    grade_timeline,
)

G = GradeBand("G", 415, 454, 24, 26)
H = GradeBand("H", 455, 494, 27, 29)
# The 2027 version widens G to 474 points, so a 468-point job falls from H to G.
G27 = GradeBand("G", 415, 474, 24, 26)
H27 = GradeBand("H", 475, 494, 27, 29)
V1 = BandVersion(1, date(2000, 4, 1), date(2027, 3, 31), (G, H))
V2 = BandVersion(2, date(2027, 4, 1), None, (G27, H27))
ONLY_V1 = BandVersion(1, date(2000, 4, 1), None, (G, H))
OPEN = None
D = date


def row(start, end, score, grade, version):
    return DatedGrade(start, end, score, grade, version)


@pytest.mark.parametrize("established, closed, recorded, evaluations, versions, expected", [
    # 468 points is H (455-494) under the first version and G (415-474) under the second: the
    # grade changes on the day the second version starts, and not a day before.
    (D(2010, 4, 1), OPEN, 468, [], [V1, V2],
     [row(D(2010, 4, 1), D(2027, 3, 31), 468, "H", 1), row(D(2027, 4, 1), OPEN, 468, "G", 2)]),
    # Established before any bands: no grade until the first version starts on 1 April 2000.
    (D(1995, 1, 1), OPEN, 468, [], [V1, V2],
     [row(D(1995, 1, 1), D(2000, 3, 31), 468, None, None), row(D(2000, 4, 1), D(2027, 3, 31), 468, "H", 1),
      row(D(2027, 4, 1), OPEN, 468, "G", 2)]),
    # Re-evaluated from 440 (G) to 480 (H) on 1 June 2020; 480 is still H under the second version
    # (475-494), but the version changes, so a new row starts on 1 April 2027.
    (D(2010, 4, 1), OPEN, 480, [ScoreStep(D(2010, 4, 1), 440), ScoreStep(D(2020, 6, 1), 480)], [V1, V2],
     [row(D(2010, 4, 1), D(2020, 5, 31), 440, "G", 1), row(D(2020, 6, 1), D(2027, 3, 31), 480, "H", 1),
      row(D(2027, 4, 1), OPEN, 480, "H", 2)]),
    # Before its first evaluation (1 June 2020) the post's recorded score (468) applies.
    (D(2010, 4, 1), OPEN, 468, [ScoreStep(D(2020, 6, 1), 440)], [ONLY_V1],
     [row(D(2010, 4, 1), D(2020, 5, 31), 468, "H", 1), row(D(2020, 6, 1), OPEN, 440, "G", 1)]),
    # Closed before the second version starts: one row, ending on the closing day.
    (D(2010, 4, 1), D(2026, 12, 31), 468, [], [V1, V2], [row(D(2010, 4, 1), D(2026, 12, 31), 468, "H", 1)]),
    # Closed on the day before the second version: still one row.
    (D(2010, 4, 1), D(2027, 3, 31), 468, [], [V1, V2], [row(D(2010, 4, 1), D(2027, 3, 31), 468, "H", 1)]),
    # Above the top grade (494): no grade, but the version is recorded.
    (D(2010, 4, 1), OPEN, 700, [], [V1, V2],
     [row(D(2010, 4, 1), D(2027, 3, 31), 700, None, 1), row(D(2027, 4, 1), OPEN, 700, None, 2)]),
    # Not evaluated: no score, no grade.
    (D(2010, 4, 1), OPEN, None, [], [ONLY_V1], [row(D(2010, 4, 1), OPEN, None, None, 1)]),
    # Two evaluations on one day: the one recorded last (460, H) wins; before them the recorded
    # score (430, G).
    (D(2010, 4, 1), OPEN, 430, [ScoreStep(D(2015, 1, 1), 440), ScoreStep(D(2015, 1, 1), 460)], [ONLY_V1],
     [row(D(2010, 4, 1), D(2014, 12, 31), 430, "G", 1), row(D(2015, 1, 1), OPEN, 460, "H", 1)]),
    # An evaluation that confirms the score splits nothing.
    (D(2010, 4, 1), OPEN, 468, [ScoreStep(D(2010, 4, 1), 468), ScoreStep(D(2015, 1, 1), 468)], [ONLY_V1],
     [row(D(2010, 4, 1), OPEN, 468, "H", 1)]),
    # A gap between versions (none in force from 1 January to 31 March 2021): no grade then.
    (D(2010, 4, 1), OPEN, 468, [],
     [BandVersion(1, D(2000, 4, 1), D(2020, 12, 31), (G, H)), BandVersion(2, D(2021, 4, 1), OPEN, (G27, H27))],
     [row(D(2010, 4, 1), D(2020, 12, 31), 468, "H", 1), row(D(2021, 1, 1), D(2021, 3, 31), 468, None, None),
      row(D(2021, 4, 1), OPEN, 468, "G", 2)]),
    # Evaluations dated before the post existed give its score from its first day.
    (D(2010, 4, 1), OPEN, 440, [ScoreStep(D(2009, 1, 1), 440)], [ONLY_V1], [row(D(2010, 4, 1), OPEN, 440, "G", 1)]),
])
def test_grade_timeline(established, closed, recorded, evaluations, versions, expected):
    assert grade_timeline(established, closed, recorded, evaluations, versions) == expected


def test_a_post_closed_before_it_opens_has_no_grades():
    assert grade_timeline(D(2010, 4, 1), D(2010, 3, 31), 468, [], [ONLY_V1]) == []


def test_a_band_edge_is_inclusive():
    # 454 is the top of G and 455 the bottom of H.
    assert [r.grade for r in grade_timeline(D(2010, 4, 1), OPEN, 454, [], [ONLY_V1])] == ["G"]
    assert [r.grade for r in grade_timeline(D(2010, 4, 1), OPEN, 455, [], [ONLY_V1])] == ["H"]


TIMELINE = [row(D(2010, 4, 1), D(2027, 3, 31), 468, "H", 1), row(D(2027, 4, 1), OPEN, 468, "G", 2)]


@pytest.mark.parametrize("on, grade", [
    (D(2010, 3, 31), None), (D(2010, 4, 1), "H"), (D(2027, 3, 31), "H"), (D(2027, 4, 1), "G"), (D(2040, 1, 1), "G"),
])
def test_grade_in_force(on, grade):
    found = grade_in_force(TIMELINE, on)
    assert (found.grade if found else None) == grade


@pytest.mark.parametrize("since, expected", [
    # Before the new version: the only difference starts on 1 April 2027.
    (D(2026, 12, 3), [GradeChange(D(2027, 4, 1), "H", "G", 2)]),
    # From a date inside the difference: it is reported from that date.
    (D(2028, 1, 1), [GradeChange(D(2028, 1, 1), "H", "G", 2)]),
])
def test_grade_changes_between_two_timelines(since, expected):
    before = [row(D(2010, 4, 1), OPEN, 468, "H", 1)]
    assert grade_changes(before, TIMELINE, since) == expected


def test_identical_timelines_have_no_changes():
    assert grade_changes(TIMELINE, TIMELINE, D(2000, 1, 1)) == []


def test_a_change_that_rises_and_then_falls_is_reported_at_each_date():
    # Re-evaluated to 480 from 1 June 2026: H under both versions (475-494 from 2027), where the
    # old score (468) was H then G. The difference is only from 1 April 2027: G was due, H now.
    old = TIMELINE
    new = [row(D(2010, 4, 1), D(2026, 5, 31), 468, "H", 1), row(D(2026, 6, 1), D(2027, 3, 31), 480, "H", 1),
           row(D(2027, 4, 1), OPEN, 480, "H", 2)]
    assert grade_changes(old, new, D(2026, 6, 1)) == [GradeChange(D(2027, 4, 1), "G", "H", 2)]


@pytest.mark.parametrize("scp, band, moved_to", [
    (29, G, 26),  # above G's top (26): down to it
    (27, G, 26),
    (26, G, 26),  # the top itself stays
    (24, G, 24),  # the bottom stays
    (25, G, 25),
    (20, G, 24),  # below G's lowest point (24): up to it
    (24, H, 27),
])
def test_fit_scp(scp, band, moved_to):
    assert fit_scp(scp, band) == moved_to
