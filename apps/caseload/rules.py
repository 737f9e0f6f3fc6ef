"""What the SENCO's overview calls this week's work, how bulk actions and printing are
bounded, and when a support plan summary is due for review."""

import calendar
import datetime

# Reviews agreed for the next fortnight are shown with this week's work: time enough to
# invite the parents and gather the evidence before the meeting (Code 6.65: reviews are
# held with parents; 6.55: the impact and quality of the support are evaluated with the
# pupil and parents). EHC request dates falling due within it are shown too.
WEEK_AHEAD = datetime.timedelta(days=14)

# How many items of a list the overview shows before linking to the whole list.
OVERVIEW_ITEMS = 8

# The most pupils one bulk action on the register may change at once: a class or a year
# group of a large school, checked over on one page before it is done.
BULK_MAX = 100

# Printing for a parents' evening (printing.py). The most pupils one print run may hold:
# a whole large secondary school's SEN register, so that "everyone with a review this
# month" is never refused at a school that could use it.
PRINT_MAX = 1000
# Pupils laid out at a time: the run's progress moves after each group, and a group's
# layout (a few dozen pages) is what one step of the worker holds in memory at once.
PRINT_GROUP = 25
# A print is for one evening: its PDF (and the run) are deleted after a week, so copies
# of plans do not pile up beside the records they were taken from.
PRINT_KEPT = datetime.timedelta(days=7)
# A run that has not moved for this long lost its worker: beat's sweep sends it again,
# up to PRINT_ATTEMPTS times in all, then it is marked as failed and the page says so.
PRINT_STALLED = datetime.timedelta(minutes=10)
PRINT_ATTEMPTS = 3

# The Individual Support Plan the Schools White Paper (February 2026) proposes is reviewed
# at least every 12 months: the support plan summary says whether the agreed review date
# is within that of the plan's start (support_plan_summary.py).
ISP_REVIEW_WITHIN_MONTHS = 12


def review_within_months(start: datetime.date, months: int) -> datetime.date:
    """The last day a review ``months`` after ``start`` may fall on (29 February's plan
    is reviewed by 28 February in a year without one)."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    last_day = calendar.monthrange(year, month)[1]
    return start.replace(year=year, month=month, day=min(start.day, last_day))
