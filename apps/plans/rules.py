"""The graduated approach's rules (SEND Code of Practice 0-25, 6.44-6.56), in one place."""

import datetime
import re
from dataclasses import dataclass

from django.db import models

from apps.schools.roles import Role


class Stage(models.TextChoices):
    """Assess, Plan, Do, Review (Code 6.45-6.56), then closed."""

    ASSESS = "assess", "Assess"
    PLAN = "plan", "Plan"
    DO = "do", "Do"
    REVIEW = "review", "Review"
    CLOSED = "closed", "Closed"


STAGE_ORDER = [Stage.ASSESS, Stage.PLAN, Stage.DO, Stage.REVIEW, Stage.CLOSED]


def next_stage(stage: str) -> str | None:
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


# No cycle length is statutory; commonly termly (6-12 weeks). Set per plan.
DEFAULT_CYCLE_WEEKS = 12
MIN_CYCLE_WEEKS, MAX_CYCLE_WEEKS = 2, 52


class StaffType(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    TEACHING_ASSISTANT = "ta", "Teaching assistant"
    SPECIALIST = "specialist", "Specialist"
    EXTERNAL = "external", "External provider"


class AdviceSource(models.TextChoices):
    """Specialists whose advice informs the Assess stage (Code 6.45, 6.47)."""

    EDUCATIONAL_PSYCHOLOGIST = "ep", "Educational psychologist"
    SPEECH_AND_LANGUAGE = "salt", "Speech and language therapist"
    SPECIALIST_TEACHER = "specialist_teacher", "Specialist teacher"
    HEALTH = "health", "Health professional"
    OTHER = "other", "Other professional"


class SessionStatus(models.TextChoices):
    DELIVERED = "delivered", "Delivered"
    ABSENT = "absent", "Pupil absent"
    CANCELLED = "cancelled", "Cancelled"


# Bounds for a provision's timetable: a session is 1 minute to a whole school day.
MIN_MINUTES, MAX_MINUTES = 1, 480
MAX_SESSIONS_PER_WEEK = 35
MAX_GROUP_SIZE = 40

def missing_to_enter(stage: str, *, needs: str, outcomes: int, provisions: int,
                     review_date: datetime.date | None) -> list[str]:
    """What must be done before a cycle may move on to ``stage``. Plan: the needs have been
    assessed (Code 6.45-6.47). Do: outcomes agreed, provision planned and a date for the
    review agreed with the parents (Code 6.48). Review and Closed need what the review
    records (reviews/rules.py)."""
    missing = []
    if stage == Stage.PLAN and not needs.strip():
        missing.append("Describe the pupil's needs at the Assess stage.")
    if stage == Stage.DO:
        if not outcomes:
            missing.append("Add at least one outcome.")
        if not provisions:
            missing.append("Add at least one provision.")
        if review_date is None:
            missing.append("Agree a review date with the parents.")
    return missing


# Plan quality (advice, never blocking). Generic wording hides weak practice: outcomes
# should be specific and measurable and linked to the provision meant to achieve them.
VAGUE_PHRASES = (
    "regular",
    "access to",
    "as appropriate",
    "support with",
    "when needed",
    "as needed",
    "where possible",
    "ongoing",
)

VAGUE = re.compile(r"\b(" + "|".join(re.escape(p) for p in VAGUE_PHRASES) + r")\b", re.I)


# Outcomes are specific and measurable (the Code's Plan step, 6.44-6.56): an outcome that
# only hopes for change names no result anyone could check at the review. Trying is never a
# result; the other wordings pass when the outcome carries a measure (a number, a score,
# a share of the time). Examples: tests/test_plan_quality.py.
ALWAYS_UNMEASURABLE = ("will try to", "try to", "tries to")
UNMEASURED_WITHOUT_A_NUMBER = ("improve", "improves", "improved", "improving", "better",
                               "more confident", "increase", "develop", "work on",
                               "work towards", "be happier", "be more")
_ALWAYS = re.compile(r"\b(" + "|".join(map(re.escape, ALWAYS_UNMEASURABLE)) + r")\b", re.I)
_HOPES = re.compile(r"\b(" + "|".join(map(re.escape, UNMEASURED_WITHOUT_A_NUMBER)) + r")\b",
                    re.I)
MEASURE = re.compile(r"\d|%|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                     r"twenty|half|out of|per cent|percent)\b", re.I)


def unmeasurable_words(text: str) -> list[str]:
    """The wordings that leave an outcome without a measure, or [] if it has one."""
    found = {m.group(1).lower() for m in _ALWAYS.finditer(text or "")}
    if not MEASURE.search(text or ""):
        found |= {m.group(1).lower() for m in _HOPES.finditer(text or "")}
    return sorted(found)


@dataclass(frozen=True)
class Advice:
    code: str
    message: str


def vague_words(text: str) -> list[str]:
    return sorted({m.group(1).lower() for m in VAGUE.finditer(text or "")})


def plan_quality(outcomes, provisions, links) -> list[Advice]:
    """Advice on a cycle's plan: each outcome says how success will be known, is linked to
    provision and is worded precisely; each provision is linked to an outcome and worded
    precisely. ``links`` is a set of (outcome id, provision id)."""
    advice = []
    linked_outcomes = {o for o, _ in links}
    linked_provisions = {p for _, p in links}
    for outcome in outcomes:
        name = f"“{str(outcome)[:60]}”"
        if not outcome.success_criteria.strip():
            advice.append(Advice("no_success_criteria",
                                 f"Outcome {name} has no success criteria: say how you will "
                                 "know it has been achieved."))
        if outcome.pk not in linked_outcomes:
            advice.append(Advice("outcome_without_provision",
                                 f"Outcome {name} is not linked to any provision."))
        words = vague_words(f"{outcome.description} {outcome.success_criteria}")
        if words:
            advice.append(Advice("vague_outcome",
                                 f"Outcome {name} uses vague wording ({', '.join(words)}): "
                                 "say exactly what, how often and how it will be measured."))
        hopes = unmeasurable_words(f"{outcome.description} {outcome.success_criteria}")
        if hopes:
            quoted = ", ".join(f"“{word}”" for word in hopes)
            advice.append(Advice("unmeasurable_outcome",
                                 f"Outcome {name} says {quoted} without a measure: say "
                                 "what the pupil will do, how well and by when (for example "
                                 "“reads 40 of the first 100 high-frequency words”)."))
    for provision in provisions:
        if provision.pk not in linked_provisions:
            advice.append(Advice("provision_without_outcome",
                                 f"Provision “{provision}” is not linked to any outcome."))
        words = vague_words(provision.details)
        if words:
            advice.append(Advice("vague_provision",
                                 f"Provision “{provision}” uses vague wording "
                                 f"({', '.join(words)}): say who, how often and for how long."))
    return advice


# Correcting the record of support delivered (Code 6.72: the school keeps an accurate
# record of the SEN support provided and its impact). The person who recorded a session,
# or the SENCO, may correct or remove it, saying why, while its cycle is open; a closed
# cycle's record has been reviewed with the parents and stays as it was.
SESSION_CORRECTORS = frozenset({Role.SENCO})


def may_correct_session(*, recorded_by_id: int | None, actor_id: int, actor_role: str) -> bool:
    return actor_role in SESSION_CORRECTORS or recorded_by_id == actor_id


def pupil_views_missing(*, pupil_views: str, missing_because: str) -> bool:
    """Is a plan without the pupil's voice? The pupil's views are part of the assessment
    (Code 6.45) and of every decision about them (Children and Families Act 2014 s.19:
    regard to the views, wishes and feelings of the child; Code 1.1-1.4). A plan is
    shared with the parents with the pupil's views, or with the reason they are not
    there (too young, gathered another way)."""
    return not pupil_views.strip() and not missing_because.strip()
