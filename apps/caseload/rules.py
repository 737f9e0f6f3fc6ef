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

# The SEN information report (information_report.py): what the SEND Regulations 2014,
# Schedule 1 (regulation 51), require it to hold, in the Schedule's order: (key, the
# Schedule's paragraph, the heading in plain words).
SCHEDULE_1 = [
    ("kinds_of_need", "1", "The kinds of special educational needs we provide for"),
    ("identification", "2", "How we identify and assess special educational needs"),
    ("effectiveness", "3(a)", "How we evaluate whether our support works"),
    ("progress", "3(b)", "How we assess and review pupils' progress"),
    ("teaching", "3(c)", "Our approach to teaching pupils with special educational needs"),
    ("adaptations", "3(d)", "How we adapt the curriculum and learning environment"),
    ("additional_support", "3(e)", "Additional support for learning"),
    ("activities", "3(f)", "Taking part in everything the school does"),
    ("wellbeing", "3(g)", "Support for emotional, mental and social development"),
    ("senco", "4", "Our special educational needs co-ordinator (SENCO)"),
    ("expertise", "5", "Staff expertise and training, and specialist help"),
    ("equipment", "6", "Equipment and facilities"),
    ("parents", "7", "Consulting and involving parents"),
    ("pupils", "8", "Consulting and involving pupils"),
    ("complaints", "9", "Complaints"),
    ("other_bodies", "10", "Working with health, social care and other services"),
    ("support_services", "11", "Support for parents"),
    ("transitions", "12", "Moving on: between phases, and preparing for adulthood"),
    ("local_offer", "13", "The local authority's local offer"),
]
# The school's own words under each heading: enough for a few paragraphs each.
REPORT_WORDS_MAX = 4000
# No pupil may be identifiable in a published report: a count of 1 to 4 pupils is shown
# as "fewer than 5", and no share is worked out of fewer than 5 (the DfE's own
# statistics suppress small numbers the same way; UK GDPR Article 5(1)(c)).
REPORT_FEWEST = 5
