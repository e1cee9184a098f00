"""The letter template language and the letters' date rules (hrtool/letters), by hand."""
from __future__ import annotations

from datetime import date

import pytest

from hrtool.letters.rules import (
    ConsultationBand,
    collective_consultation_days,
    latest_consultation_start,
    trial_period_end,
)
from hrtool.letters.template import (
    Bullets,
    Heading,
    Paragraph,
    Table,
    TemplateError,
    check,
    render,
)

ALLOWED = {"employee.name": "name", "transfer.date": "date", "table.grades": "grades"}
VALUES = {"employee": {"name": "Ann Lee"}, "transfer": {"date": "1 February 2027"},
          "table": {"grades": {"head": ["Grade", "People"], "rows": [["C", "6"]], "numeric": [1]}}}


def test_fields_headings_bullets_paragraphs_and_tables():
    subject, blocks = render("For {{ employee.name }}", "Dear {{employee.name}},\n\n# When\nOn {{ transfer.date }}.\n"
                             "- one\n- two\n\n{{ table.grades }}\nLast line\nwraps here.", VALUES, ALLOWED)
    assert subject == "For Ann Lee"
    assert blocks == [Paragraph("Dear Ann Lee,"), Heading("When"), Paragraph("On 1 February 2027."),
                      Bullets(["one", "two"]), Table(["Grade", "People"], [["C", "6"]], [1], ""),
                      Paragraph("Last line wraps here.")]


@pytest.mark.parametrize(("body", "message"), [
    ("{{ employee.salary }}", "this letter type has no field {{ employee.salary }}"),
    ("{{ employee.__class__ }}", "is not a field name"),
    ("{{ employee.name.__globals__ }}", "is not a field name"),
    ("{{ employee.name.first }}", "no field"),
    ("{{ 7 * 7 }}", "is not a field name"),
    ("{% for x in y %}", None),
    ("Hello {{ employee.name }", "both pairs of braces"),
    ("Grades: {{ table.grades }}", "must be alone on its line"),
])
def test_templates_cannot_do_anything_but_name_a_whitelisted_field(body, message):
    problems = check("Subject", body, ALLOWED)
    if message is None:  # no template code at all: it is just text
        assert problems == []
        assert render("S", body, VALUES, ALLOWED)[1] == [Paragraph("{% for x in y %}")]
    else:
        assert any(message in str(p) for p in problems), problems


def test_a_missing_value_is_an_error_never_a_blank():
    with pytest.raises(TemplateError) as error:
        render("S", "Dear {{ employee.name }} on {{ transfer.date }}", {"employee": {"name": "  "}}, ALLOWED)
    assert [str(p) for p in error.value.problems] == [
        "Line 1: no value for {{ employee.name }} (name) in the chosen record",
        "Line 1: no value for {{ transfer.date }} (date) in the chosen record"]


def test_trial_period_of_four_weeks_beginning_with_the_first_day():
    # ERA 1996 s.138(3): 4 weeks beginning with 1 July 2027 is 1 to 28 July 2027.
    assert trial_period_end(date(2027, 7, 1), 4) == date(2027, 7, 28)
    assert trial_period_end(date(2024, 2, 12), 4) == date(2024, 3, 10)  # leap year: 12 Feb + 27 days


BANDS = [ConsultationBand(20, 30), ConsultationBand(100, 45)]


@pytest.mark.parametrize(("proposed", "days"), [(19, None), (20, 30), (99, 30), (100, 45), (250, 45)])
def test_collective_consultation_periods(proposed, days):
    assert collective_consultation_days(proposed, BANDS) == days


def test_consultation_begins_at_least_the_period_before_the_first_dismissal():
    assert latest_consultation_start(date(2027, 7, 1), 30) == date(2027, 6, 1)
    assert latest_consultation_start(date(2027, 7, 1), 45) == date(2027, 5, 17)
