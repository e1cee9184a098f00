"""Grades from points under each council's boundaries (the illustrative bands, read by hand)."""
import pytest

from hrtool.domain.grading import GradeBand, GradeNotFound, band_problems, grade_for_points

SBC = [GradeBand("Grade 6", 360, 399, 18, 22), GradeBand("Grade 7", 400, 439, 23, 25),
       GradeBand("Grade 8", 440, 479, 26, 28)]
CCDC = [GradeBand("E", 330, 369, 15, 19), GradeBand("F", 370, 414, 20, 23), GradeBand("G", 415, 454, 24, 26)]


@pytest.mark.parametrize("points, sbc, ccdc", [
    (400, "Grade 7", "F"),  # the same job, graded differently by each council
    (414, "Grade 7", "F"),
    (415, "Grade 7", "G"),
    (439, "Grade 7", "G"),
    (440, "Grade 8", "G"),
    (370, "Grade 6", "F"),
])
def test_same_points_different_grades(points, sbc, ccdc):
    assert grade_for_points(points, SBC).grade == sbc
    assert grade_for_points(points, CCDC).grade == ccdc


def test_points_above_the_top_grade_have_no_grade():
    with pytest.raises(GradeNotFound):
        grade_for_points(700, SBC)


def test_sound_bands_have_no_problems():
    assert band_problems(SBC, list(range(1, 44))) == []


def test_gaps_overlaps_and_spine_are_reported():
    bands = [GradeBand("A", 0, 209, 2, 4), GradeBand("B", 200, 249, 5, 6), GradeBand("C", 260, 289, 7, 60)]
    problems = band_problems(bands, list(range(1, 44)))
    assert "A and B overlap at 200 points" in problems
    assert "gap between B and C: 250 to 259 points" in problems
    assert "C: SCP 60 is not on the pay spine" in problems
