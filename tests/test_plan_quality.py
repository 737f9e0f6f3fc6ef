"""Outcomes that are not specific and measurable are flagged (apps/plans/rules.py): the
examples a SENCO would recognise, both ways."""

import pytest

from apps.plans import selectors, services
from apps.plans.rules import Stage, unmeasurable_words
from apps.schools.tenancy import school_scope

from .plans_helpers import planned_cycle


@pytest.mark.parametrize("outcome, flagged", [
    ("will try to improve his reading", ["improve", "will try to"]),
    ("Improve reading", ["improve"]),
    ("To be better at maths", ["better"]),
    ("More confident speaking in class", ["more confident"]),
    ("Will work on his handwriting", ["work on"]),
    ("Will try to read 10 words", ["will try to"]),  # trying is never a result
])
def test_hopes_without_a_measure_are_flagged(outcome, flagged):
    assert unmeasurable_words(outcome) == flagged


@pytest.mark.parametrize("outcome", [
    "Reads 40 of the first 100 high-frequency words by sight",
    "Improve reading age from 6 years 2 months to 6 years 8 months",
    "Answers a question in front of the class in three of five lessons a week",
    "Improves spelling to 8 out of 10 on the weekly test",
    "Uses a visual timetable to move between lessons without an adult",
    "",
])
def test_specific_and_measurable_outcomes_pass(outcome):
    assert unmeasurable_words(outcome) == []


@pytest.mark.django_db
def test_the_cycle_page_advice_names_the_unmeasurable_outcome(school_a):
    cycle, _ = planned_cycle(school_a, stage=Stage.PLAN)
    with school_scope(school_a.school):
        services.outcome_save(cycle=cycle, actor=school_a.senco,
                              description="Will try to improve his reading")
        advice = [a for a in selectors.cycle_quality(cycle) if a.code == "unmeasurable_outcome"]
    assert len(advice) == 1 and "“will try to”" in advice[0].message
