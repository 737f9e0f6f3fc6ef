"""Plausible register details for generated pupils: school years, birthdays within a
year group's cohort, and UPNs with a valid check letter (never a real child's)."""

import datetime
import random

from stdnum.gb import upn as stdnum_upn

from apps.schools.calendar import school_year


def school_year_start(today: datetime.date) -> int:
    """The calendar year in which ``today``'s school year began."""
    return school_year(today).start.year


def date_of_birth_for(year_group: int, today: datetime.date, rng: random.Random):
    """A birthday inside the school-year cohort (1 September to 31 August)."""
    born_from = datetime.date(school_year_start(today) - year_group - 5, 9, 1)
    return born_from + datetime.timedelta(days=rng.randrange(365))


def make_upn(la_code: str, estab: str, issued: int, serial: int) -> str:
    body = f"{la_code}{estab}{issued % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body
