"""Escalation rules (SEND Code of Practice 0-25: 6.63, 9.14; Children and Families Act
2014 s.36; SEND Regulations 2014 regs 5, 10 and 13).

The product advises and explains; it never blocks a request. The legal test is only that
the child has or may have SEN and may need provision through an EHC plan: "two cycles" and
"£6,000" are local expectations, not gates."""

import datetime

from django.db import models

# Signals ------------------------------------------------------------------------------


class SignalCode(models.TextChoices):
    """What in the records points towards an EHC needs assessment (Code 6.63, 9.14)."""

    CYCLES = "cycles", "Cycles with most outcomes not achieved"
    ADVICE = "advice", "Specialist advice on file"
    SPEND = "spend", "Cost above the element 2 threshold"
    DOSE = "dose", "Much additional provision for little progress"
    PARENTS = "parents", "The parents asked for an assessment"


# Completed cycles in which most outcomes were not achieved (rated not achieved or partly).
UNSUCCESSFUL_CYCLES = 2
# "Much additional provision for little progress": at least this many hours delivered
# across the pupil's history, with fewer than half of the rated outcomes achieved.
MUCH_PROVISION_HOURS = 40
LITTLE_PROGRESS_SHARE = 0.5
# A recommendation from the signals: strong when support has been tried and has not worked
# (the unsuccessful-cycles signal) and anything else points the same way, or when three or
# more signals agree; consider on any signal; none without one.
STRONG_FROM = 3


class Recommendation(models.TextChoices):
    NONE = "none", "No signals"
    CONSIDER = "consider", "Consider an EHC needs assessment"
    STRONG = "strong", "Strong case for an EHC needs assessment"
    REQUESTED = "requested", "An EHC needs assessment has been requested"
    HOLDS_PLAN = "holds_plan", "Holds an EHC plan"


def recommendation(codes: list[str], *, holds_plan: bool = False,
                   request_open: bool = False) -> str:
    # A pupil who holds an EHC plan is not a candidate for a needs assessment: the plan is
    # reviewed at least every 12 months instead (SEND Regulations 2014 regs 18-20, Code
    # 9.166). One whose request is open awaits the local authority's decision.
    if holds_plan:
        return Recommendation.HOLDS_PLAN
    if request_open:
        return Recommendation.REQUESTED
    if len(codes) >= STRONG_FROM or (SignalCode.CYCLES in codes and len(codes) >= 2):
        return Recommendation.STRONG
    return Recommendation.CONSIDER if codes else Recommendation.NONE


def cycle_unsuccessful(*, closed: bool, rated: int, unachieved: int) -> bool:
    """A completed cycle in which most rated outcomes were not achieved (Code 6.63: the
    school has taken relevant and purposeful action and the child has not made expected
    progress)."""
    return closed and rated > 0 and unachieved * 2 > rated


def much_provision_little_progress(*, minutes: int, rated: int, achieved: int) -> bool:
    """Progress made only through much additional intervention (Code 9.14)."""
    return (minutes / 60 >= MUCH_PROVISION_HOURS and rated > 0
            and achieved / rated < LITTLE_PROGRESS_SHARE)


class Decision(models.TextChoices):
    REQUEST = "request", "Request an EHC needs assessment"
    NOT_NOW = "not_now", "Do not request now"


# The statutory clock, from the date the LA receives the request --------------------------
DECIDE_WHETHER_TO_ASSESS = datetime.timedelta(weeks=6)   # reg 5(1)
NOTIFY_NOT_TO_ISSUE = datetime.timedelta(weeks=16)       # reg 10(1)
FINAL_PLAN = datetime.timedelta(weeks=20)                # reg 13(2)
# And from the steps within it: the school's advice, when the LA asks for it (reg 8), and
# the parents' (or young person's) time to comment on the draft plan (reg 13(1)).
GIVE_ADVICE = datetime.timedelta(weeks=6)                # reg 8(1)
COMMENT_ON_DRAFT = datetime.timedelta(days=15)           # reg 13(1)


class Deadline(models.TextChoices):
    """The dates of a request, in the order they fall."""

    DECIDE = "decide", "The local authority's decision whether to assess"
    ADVICE = "advice", "The school's advice to the local authority"
    WEEK_16 = "week_16", "A draft plan, or notice that no plan will be issued (week 16)"
    COMMENTS = "comments", "Comments on the draft plan"
    FINAL = "final", "The final EHC plan (week 20)"


# The Regulations let the local authority's own time limits go where it is impractical to
# meet them (regs 5(4), 10(4), 13(3)): a deadline with an exception recorded is annotated,
# and expected later by the exception's length, rather than flagged as missed.
EXCEPTION_REGULATIONS = {Deadline.DECIDE: "5(4)", Deadline.WEEK_16: "10(4)",
                         Deadline.FINAL: "13(3)"}
# Closures and absences count when they last at least four weeks.
EXCEPTION_AT_LEAST = datetime.timedelta(weeks=4)


class ExceptionReason(models.TextChoices):
    SCHOOL_CLOSED = "school_closed", "The school was closed for 4 weeks or more"
    PERSONAL = "personal", "Exceptional personal circumstances of the child or the parents"
    AWAY = "away", "The child or the parents were away from the area for 4 weeks or more"


LASTS_AT_LEAST_FOUR_WEEKS = frozenset({ExceptionReason.SCHOOL_CLOSED, ExceptionReason.AWAY})


class Requester(models.TextChoices):
    SCHOOL = "school", "The school"
    PARENT = "parent", "A parent"
    YOUNG_PERSON = "young_person", "The young person (16 to 25)"


class RequestStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ASSESSING = "assessing", "LA agreed to assess"
    REFUSED = "refused", "LA refused to assess"
    ISSUED = "issued", "EHC plan issued"
    NOT_ISSUED = "not_issued", "LA decided not to issue a plan"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN = frozenset({RequestStatus.REQUESTED, RequestStatus.ASSESSING})


# Annual reviews of EHC plans (SEND Regulations 2014 regs 18-22; Code 9.166-9.185) --------
# The plan is reviewed within 12 months of being issued, then within 12 months of each
# review (reg 18); for a child under 5, every 3 to 6 months is advised (Code 9.178): the
# longest of those is the due date here.
REVIEW_WITHIN_MONTHS = 12
UNDER_FIVE_WITHIN_MONTHS = 6
# The school invites everyone with at least 2 weeks' notice and sends the advice it has
# gathered at least 2 weeks before the meeting (reg 20); it sends its report to the local
# authority within 2 weeks of the meeting; the authority decides within 4 weeks of it.
INVITE_BEFORE = datetime.timedelta(weeks=2)
REPORT_WITHIN = datetime.timedelta(weeks=2)
LA_DECIDES_WITHIN = datetime.timedelta(weeks=4)


class ReviewDecision(models.TextChoices):
    """The local authority's decision after an annual review (reg 22)."""

    MAINTAIN = "maintain", "Keep the plan as it is"
    AMEND = "amend", "Amend the plan"
    CEASE = "cease", "Cease to maintain the plan"


class Transfer(models.TextChoices):
    """A move between phases of education after the review's school year (reg 18)."""

    PHASE = "phase", "To the next phase (for example, Year 6 to Year 7)"
    POST_16 = "post_16", "To post-16 education"


# At a transfer, the plan, amended, is due by 15 February of the year of the move; for a
# move to post-16 education, by 31 March (reg 18).
TRANSFER_DUE = {Transfer.PHASE: (2, 15), Transfer.POST_16: (3, 31)}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day where it has no such day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def annual_review_due(*, since: datetime.date, date_of_birth: datetime.date) -> datetime.date:
    """The latest date for the next review: ``since`` is the plan's issue or the last review
    meeting held."""
    under_five = add_months(date_of_birth, 60) > since
    return add_months(since, UNDER_FIVE_WITHIN_MONTHS if under_five else REVIEW_WITHIN_MONTHS)


def transfer_due(*, meeting_on: datetime.date, transfer: str) -> datetime.date | None:
    """When the amended plan is due, for a review before a move at the end of its school
    year (the move is in September; the date is in that calendar year)."""
    if transfer not in TRANSFER_DUE:
        return None
    month, day = TRANSFER_DUE[transfer]
    moves_in = meeting_on.year + (1 if meeting_on.month >= 9 else 0)
    return datetime.date(moves_in, month, day)
