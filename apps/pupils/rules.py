"""The register's rules from the SEND Code of Practice 0-25 (2015) and the school census."""

import datetime
from dataclasses import dataclass

from django.db import models


class SenStatus(models.TextChoices):
    """SEN provision as reported in the school census."""

    NO_SEN = "N", "No special educational needs"
    SEN_SUPPORT = "K", "SEN support"
    EHC_PLAN = "E", "Education, health and care plan"


class NeedArea(models.TextChoices):
    """The four broad areas of need (Code 6.28-6.35), plus the census's 'other'."""

    COMMUNICATION = "communication", "Communication and interaction"
    COGNITION = "cognition", "Cognition and learning"
    SEMH = "semh", "Social, emotional and mental health"
    SENSORY_PHYSICAL = "sensory_physical", "Sensory and/or physical"
    OTHER = "other", "Other"


class NeedType(models.TextChoices):
    """Census need types: every code the census has ever had, so that a record keeps the
    code it was given. Which codes may be given on a date: ``CENSUS_NEED_TYPES``."""

    SLCN = "SLCN", "Speech, language and communication needs"
    ASD = "ASD", "Autistic spectrum disorder"
    SPLD = "SPLD", "Specific learning difficulty"
    MLD = "MLD", "Moderate learning difficulty"
    SLD = "SLD", "Severe learning difficulty"
    PMLD = "PMLD", "Profound and multiple learning difficulty"
    SEMH = "SEMH", "Social, emotional and mental health"
    HI = "HI", "Hearing impairment"
    VI = "VI", "Visual impairment"
    MSI = "MSI", "Multi-sensory impairment"
    PD = "PD", "Physical disability"
    OTH = "OTH", "Other difficulty or disability"
    NSA = "NSA", "SEN support but no specialist assessment of type of need"
    DS = "DS", "Down syndrome"


NEED_AREA_OF: dict[str, str] = {
    NeedType.SLCN: NeedArea.COMMUNICATION,
    NeedType.ASD: NeedArea.COMMUNICATION,
    NeedType.SPLD: NeedArea.COGNITION,
    NeedType.MLD: NeedArea.COGNITION,
    NeedType.SLD: NeedArea.COGNITION,
    NeedType.PMLD: NeedArea.COGNITION,
    NeedType.SEMH: NeedArea.SEMH,
    NeedType.HI: NeedArea.SENSORY_PHYSICAL,
    NeedType.VI: NeedArea.SENSORY_PHYSICAL,
    NeedType.MSI: NeedArea.SENSORY_PHYSICAL,
    NeedType.PD: NeedArea.SENSORY_PHYSICAL,
    NeedType.OTH: NeedArea.OTHER,
    NeedType.NSA: NeedArea.OTHER,
    # The census reports it apart; among the Code's four areas, a learning need first.
    NeedType.DS: NeedArea.COGNITION,
}


@dataclass(frozen=True)
class CodeSetVersion:
    valid_from: datetime.date
    codes: frozenset[str]
    source: str


_BEFORE_2025 = frozenset({
    NeedType.SLCN, NeedType.ASD, NeedType.SPLD, NeedType.MLD, NeedType.SLD, NeedType.PMLD,
    NeedType.SEMH, NeedType.HI, NeedType.VI, NeedType.MSI, NeedType.PD, NeedType.OTH,
    NeedType.NSA})

# The census's code set for the type of SEN, version by version, oldest first. A change adds
# a version: a record keeps the code valid when it was given.
CENSUS_NEED_TYPES = (
    CodeSetVersion(datetime.date(2014, 9, 1), _BEFORE_2025,
                   "School census from 2014 to 2015 (the SEND reforms)"),
    CodeSetVersion(datetime.date(2025, 1, 16), _BEFORE_2025 | {NeedType.DS},
                   "Spring school census 2025: Down syndrome added"),
)


def need_types_valid_on(day: datetime.date) -> frozenset[str]:
    """The need types a pupil may be given on ``day``."""
    valid = frozenset()
    for version in CENSUS_NEED_TYPES:
        if version.valid_from <= day:
            valid = version.codes
    return valid


# NSA ("SEN support but no specialist assessment of type of need") goes with SEN support
# only: a pupil with an EHC plan has had their needs assessed (census validation).
STATUSES_REFUSING_NO_SPECIALIST_ASSESSMENT = frozenset({SenStatus.EHC_PLAN})


def need_problems(*, primary: str, secondary: str, status: str,
                  on: datetime.date) -> dict[str, str]:
    """What is wrong with a pupil's need types for a status on a date, by field."""
    valid, problems = need_types_valid_on(on), {}
    for field, code in (("primary_need", primary), ("secondary_need", secondary)):
        if code and code not in valid:
            problems[field] = (f"“{NeedType(code).label}” is not a census need type on "
                               f"{on.day} {on:%B %Y}.")
    if status in STATUSES_REFUSING_NO_SPECIALIST_ASSESSMENT and NeedType.NSA in (primary,
                                                                                secondary):
        problems["primary_need" if primary == NeedType.NSA else "secondary_need"] = (
            "“No specialist assessment” is for SEN support only: a pupil with an EHC plan "
            "has had their needs assessed. Select the need the plan names.")
    return problems


def need_types_in(area: str) -> list[str]:
    return [code for code, need_area in NEED_AREA_OF.items() if need_area == area]


# A pupil on SEN support or with an EHC plan has a recorded primary need (census: need type
# is collected for K and E pupils; NSA covers "no specialist assessment yet").
STATUSES_NEEDING_A_PRIMARY_NEED = frozenset({SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN})

# Where it is decided to provide SEN support, the parents must be formally notified
# (Code 6.43), or the young person themself once over compulsory school age (Children and
# Families Act 2014 s.68, "the child's parent or the young person").
STATUSES_NOTIFIED_TO_PARENTS = frozenset({SenStatus.SEN_SUPPORT})


def end_of_compulsory_school_age(date_of_birth: datetime.date) -> datetime.date:
    """The last Friday in June of the school year in which the pupil turns 16 (Education
    Act 1996 s.8): the day after it, they are a young person (Children and Families Act
    2014 s.83(2), "over compulsory school age")."""
    year = date_of_birth.year + 16 + (1 if date_of_birth.month >= 9 else 0)
    last_of_june = datetime.date(year, 6, 30)
    return last_of_june - datetime.timedelta(days=(last_of_june.weekday() - 4) % 7)


def is_young_person(date_of_birth: datetime.date, on: datetime.date) -> bool:
    return on > end_of_compulsory_school_age(date_of_birth)


class NoticeGiven(models.TextChoices):
    """How the notice of SEN support reached its reader."""

    EMAIL = "email", "E-mailed"
    PAPER = "paper", "Given on paper"
    MEETING = "meeting", "Given at a meeting"


class YearGroup(models.IntegerChoices):
    NURSERY = -1, "Nursery"
    RECEPTION = 0, "Reception"
    YEAR_1 = 1, "Year 1"
    YEAR_2 = 2, "Year 2"
    YEAR_3 = 3, "Year 3"
    YEAR_4 = 4, "Year 4"
    YEAR_5 = 5, "Year 5"
    YEAR_6 = 6, "Year 6"
    YEAR_7 = 7, "Year 7"
    YEAR_8 = 8, "Year 8"
    YEAR_9 = 9, "Year 9"
    YEAR_10 = 10, "Year 10"
    YEAR_11 = 11, "Year 11"
    YEAR_12 = 12, "Year 12"
    YEAR_13 = 13, "Year 13"


def read_only_because(pupil) -> str:
    """Why a pupil's record can no longer be changed, or "" if it can: a pupil who has left
    keeps their record as it was, for the school's records and the next school."""
    if pupil.left_on:
        return (f"{pupil.full_name} left the school on {pupil.left_on.day} "
                f"{pupil.left_on:%B %Y}: their record can be read but not changed.")
    return ""


# The one-page profile (pupil passport; models.Profile, profile.py): what everyone who
# works with the pupil must know to teach them well, the strategies above all (Code 6.49),
# written with the pupil and their parents (Code 6.45, 6.64). Each section in a few
# sentences: together they print on one A4 page, which is what makes it read.
PROFILE_SECTIONS = [
    ("about_me", "About me", "Who I am, what I like, what matters to me."),
    ("good_at", "What I am good at", "Strengths, interests, what I am proud of."),
    ("find_hard", "What I find hard", "In class, at break, with work or with people."),
    ("what_helps", "What helps me",
     "Strategies and reasonable adjustments in the classroom: where I sit, how work is "
     "set, breaks, equipment."),
    ("communication", "How to communicate with me",
     "How to explain things, check I understand, and what to do when I am upset."),
    ("who_to_talk_to", "Who to talk to", "The adults I trust and go to, at school and at home."),
    ("own_words", "In my own words",
     "What the pupil said or wrote, kept exactly as they said it: it is theirs, not "
     "a summary."),
]
PROFILE_SECTION_MAX = 600
