"""The graduated approach's rules (SEND Code of Practice 0-25, 6.44-6.56), in one place."""

from django.db import models


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
