"""The SEN information report (SEND Regulations 2014, regulation 51 and Schedule 1): every
school must publish one each year. The report is drafted here under each heading of the
Schedule (rules.SCHEDULE_1): the school's own words, saved per school year
(``InformationReport``), and beside them the figures its records give for that year,
drawn from the data on the day asked (``on``, today unless a past day is chosen) so that
a report can be produced again as it stood.

No pupil may be identifiable: every count of pupils, or of what is recorded about them,
under ``REPORT_FEWEST`` is "fewer than 5", and no share is given of, or out of, so few
(``count``, ``share``). A school year with nothing recorded says so.

What a past date can and cannot reproduce: counts are taken from dated records (SEN
provision periods, reviews, meetings, advice, requests) up to that day, so a report for a
past day gives what the records then held, as long as nothing dated before it has since
been corrected or deleted. A pupil's area of need is the one recorded now.
"""

import dataclasses
import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.escalation.models import EhcRequest
from apps.money.selectors import year_rules
from apps.money.what_works import what_works
from apps.parents.models import ParentMeeting
from apps.plans.models import Provision, ProvisionType, SpecialistAdvice
from apps.pupils.models import SenProvisionRecord
from apps.pupils.rules import NEED_AREA_OF, NeedArea, SenStatus
from apps.reviews.models import OutcomeRating, Review
from apps.reviews.rules import UNACHIEVED, Rating
from apps.schools.calendar import Period, school_year
from apps.schools.models import School
from backend.charts import BarChart, bar_chart

from .models import InformationReport
from .rules import REPORT_FEWEST, REPORT_WORDS_MAX, SCHEDULE_1


def count(n: int, one: str, many: str | None = None) -> str:
    """``n`` things about pupils in words, never fewer than 5 as a number."""
    many = many or f"{one}s"
    if n == 0:
        return f"no {many}"
    if n < REPORT_FEWEST:
        return f"fewer than {REPORT_FEWEST} {many}"
    return f"{n} {one if n == 1 else many}"


def share(part: int, whole: int) -> str | None:
    """``part`` of ``whole`` as a percentage, or None where either is too few to show
    without telling how many."""
    if whole < REPORT_FEWEST or 0 < part < REPORT_FEWEST or 0 < whole - part < REPORT_FEWEST:
        return None
    return f"{round(100 * part / whole)}%"


def year_words(year: Period) -> str:
    return f"{year.start.year} to {year.end.year}"


@dataclass
class Heading:
    key: str
    paragraph: str  # of Schedule 1
    title: str
    figures: list[str] = field(default_factory=list)  # sentences drawn from the data
    words: str = ""  # the school's own

    @property
    def paragraphs(self) -> list[str]:
        return [part.strip() for part in self.words.split("\n\n") if part.strip()]


@dataclass
class Report:
    school: School
    year: Period
    until: datetime.date  # the figures count what was recorded up to this day
    drawn_on: datetime.date  # the day the figures were drawn from the data
    headings: list[Heading]
    has_data: bool
    saved: InformationReport | None
    need_chart: BarChart | None = None  # pupils on the register by area of main need

    @property
    def year_words(self) -> str:
        return year_words(self.year)


def year_asked(asked: str | None, today: datetime.date) -> Period:
    """The school year asked for (``?year=2026`` for 2026 to 2027), else this one; None
    for a value that is not a year this service could hold."""
    if not asked:
        return school_year(today)
    if not asked.isdigit() or not 2000 <= int(asked) <= today.year:
        return None
    return school_year(datetime.date(int(asked), 9, 1))


def on_register(on: datetime.date):
    """Each pupil on SEN support or with an EHC plan on ``on``, and not yet left:
    (pupil, status, primary need) rows, in the school in scope."""
    return (SenProvisionRecord.objects
            .filter(started_on__lte=on, status__in=[SenStatus.SEN_SUPPORT, SenStatus.EHC_PLAN])
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))
            .filter(Q(pupil__left_on__isnull=True) | Q(pupil__left_on__gt=on))
            .values_list("pupil_id", "status", "pupil__primary_need"))


def _need_chart(register) -> BarChart | None:
    """Pupils on the register by the area of their main need: an area with fewer than
    ``REPORT_FEWEST`` draws no bar (its length would tell the number) and says so."""
    if not register:
        return None
    areas = Counter(NEED_AREA_OF.get(need, "") for _, _, need in register)
    rows = [(NeedArea(area).label if area else "Not yet recorded",
             areas[area] if areas[area] >= REPORT_FEWEST else 0, count(areas[area], "pupil"))
            for area in [*NeedArea.values, ""] if areas[area]]
    return bar_chart("report-needs", "Pupils on the SEN register by area of main need", rows)


def _by_area(names) -> list[str]:
    """(area, name) pairs as one line per area of need, in the Code's order."""
    by_area: dict[str, set[str]] = {}
    for area, name in names:
        by_area.setdefault(area, set()).add(name)
    return [f"{NeedArea(area).label}: {', '.join(sorted(by_area[area], key=str.casefold))}."
            for area in NeedArea.values if area in by_area]


def _kinds_of_need(register) -> list[str]:
    support = sum(1 for _, status, _ in register if status == SenStatus.SEN_SUPPORT)
    plans = len(register) - support
    areas = Counter(NEED_AREA_OF.get(need, "") for _, _, need in register)
    lines = [f"On the SEN register: {count(support, 'pupil')} on SEN support and "
             f"{count(plans, 'pupil')} with an education, health and care plan."]
    lines += [f"{NeedArea(area).label}: {count(areas[area], 'pupil')} whose main need it is."
              for area in NeedArea.values if areas[area]]
    if areas[""]:
        lines.append(f"Main need not yet recorded: {count(areas[''], 'pupil')}.")
    return lines


def _progress(reviews: list[tuple], ratings: Counter) -> list[str]:
    on_time = sum(1 for held_on, due, *_ in reviews if due is None or held_on <= due)
    lines = [f"Reviews of a pupil's support held this year: {count(len(reviews), 'review')}"
             + (f", {share(on_time, len(reviews))} of them by the date agreed."
                if share(on_time, len(reviews)) else ".")]
    rated = sum(ratings.values())
    achieved = sum(n for rating, n in ratings.items() if rating not in UNACHIEVED)
    if rated:
        lines.append(f"Outcomes reviewed: {count(rated, 'outcome')}"
                     + (f"; {share(achieved, rated)} achieved or exceeded."
                        if share(achieved, rated) else "."))
        lines += [f"{Rating(rating).label}: {count(ratings[rating], 'outcome')}."
                  for rating in Rating.values if ratings[rating]]
    return lines


def report(school: School, year: Period, *, on: datetime.date | None = None) -> Report:
    """The report of ``school`` for the school ``year``, its figures as the records stood
    on ``on`` (today unless given). Inside the school's scope; a fixed number of queries."""
    drawn_on = timezone.localdate()
    on = min(on or drawn_on, drawn_on)
    until = min(on, year.end)
    counted = Period(year.start, until) if until >= year.start else None
    saved = InformationReport.objects.filter(year=year.start.year).first()
    words = saved.words if saved else {}
    headings = {key: Heading(key, paragraph, title, words=words.get(key, ""))
                for key, paragraph, title in SCHEDULE_1}
    register = list(on_register(until)) if counted else []

    def within(name):
        return {f"{name}__range": (counted.start, counted.end)} if counted else {"pk__in": []}

    reviews = list(Review.objects.filter(**within("held_on")).values_list(
        "held_on", "cycle__review_date", "parents_attended", "pupil_views"))
    ratings = Counter(dict(OutcomeRating.objects.filter(**within("review__held_on"))
                           .order_by().values_list("rating").annotate(n=Count("pk"))))
    meetings = list(ParentMeeting.objects.filter(held=True, **within("date"))
                    .values_list("pupil_id", flat=True))
    placed = (SenProvisionRecord.objects.filter(status=SenStatus.SEN_SUPPORT, **within(
        "started_on")).values("pupil").distinct().count())
    advice = SpecialistAdvice.objects.filter(**within("date")).count()
    requests = EhcRequest.objects.filter(**within("received_on")).count()
    # Support that ran on some day of the year to ``until``: begun by then, and neither
    # ended nor its cycle closed before the year began.
    in_use = sorted(set(Provision.objects.filter(start_date__lte=until)
                        .exclude(end_date__lt=year.start).exclude(cycle__closed_on__lt=year.start)
                        .values_list("provision_type__need_area", "provision_type__name")))
    works = what_works(dataclasses.replace(year_rules(school, year.start), period=year),
                       until).total if counted else None

    headings["kinds_of_need"].figures = _kinds_of_need(register)
    headings["identification"].figures = [
        f"Pupils placed on SEN support this year: {count(placed, 'pupil')}."]
    if works and works.pupil_count:
        lines = [f"Interventions ran for {count(works.pupil_count, 'pupil')}."]
        if works.delivered_percent is not None and works.pupil_count >= REPORT_FEWEST:
            lines.append(f"{works.delivered_percent}% of the sessions planned were delivered.")
        if share(works.achieved, works.rated):
            lines.append(f"Of the outcomes the interventions were meant to achieve and that "
                         f"were reviewed, {share(works.achieved, works.rated)} were achieved "
                         "or exceeded.")
        headings["effectiveness"].figures = lines
    headings["progress"].figures = _progress(reviews, ratings)
    library = ProvisionType.objects.order_by().values_list("need_area", "name")
    headings["adaptations"].figures = [
        f"Support the school offers beside quality first teaching, by area of need "
        f"(its provision library) – {line}" for line in _by_area(library)]
    headings["additional_support"].figures = [
        f"Run this year – {line}" for line in _by_area(in_use)]
    semh = sum(1 for *_, need in register if NEED_AREA_OF.get(need) == NeedArea.SEMH)
    headings["wellbeing"].figures = [
        f"Pupils whose main need is social, emotional and mental health: "
        f"{count(semh, 'pupil')}."]
    senco = ", ".join(part for part in (school.senco_name, school.senco_email,
                                        school.senco_phone) if part)
    headings["senco"].figures = [f"Our SENCO: {senco}."] if senco else []
    met = Counter(meetings)
    on_list = {pupil for pupil, *_ in register}
    three = sum(1 for pupil in on_list if met[pupil] >= 3)
    attended = sum(1 for *_, came, _ in reviews if came)
    lines = [f"Meetings held with parents this year: {count(len(meetings), 'meeting')}."]
    if share(attended, len(reviews)):
        lines.append(f"Parents took part in {share(attended, len(reviews))} of reviews.")
    if share(three, len(on_list)):
        lines.append(f"Parents of {share(three, len(on_list))} of pupils on the SEN register "
                     "met us three times or more (the Code of Practice expects at least "
                     "three meetings a year, 6.65).")
    headings["parents"].figures = lines
    heard = sum(1 for *_, views in reviews if views.strip())
    headings["pupils"].figures = (
        [f"Pupils' own views were recorded at {share(heard, len(reviews))} of reviews."]
        if share(heard, len(reviews)) else [])
    headings["complaints"].figures = [school.complaints] if school.complaints else []
    headings["other_bodies"].figures = [
        f"Specialists' advice recorded this year: {count(advice, 'report')}.",
        f"Requests for an EHC needs assessment made this year: "
        f"{count(requests, 'request')}."]
    sendiass = ", ".join(part for part in (school.sendiass_name, school.sendiass_phone,
                                           school.sendiass_email, school.sendiass_website)
                         if part)
    headings["support_services"].figures = (
        [f"Free, impartial advice for parents (SENDIASS): {sendiass}."] if sendiass else [])
    headings["local_offer"].figures = (
        [f"The local authority's local offer: {school.local_offer_url}"]
        if school.local_offer_url else [])
    has_data = bool(register or reviews or meetings or placed or in_use)
    return Report(school=school, year=year, until=until, drawn_on=drawn_on,
                  headings=list(headings.values()), has_data=has_data, saved=saved,
                  need_chart=_need_chart(register))


@transaction.atomic
def report_words_save(*, school: School, year: int, words: dict[str, str],
                      actor) -> InformationReport:
    """Save the school's words for the report of the school year beginning in ``year``:
    every heading at once, each at most ``REPORT_WORDS_MAX`` characters."""
    keys = [key for key, _, _ in SCHEDULE_1]
    errors = {key: [f"Keep this to {REPORT_WORDS_MAX:,} characters or fewer"]
              for key in keys if len(words.get(key, "")) > REPORT_WORDS_MAX}
    if errors:
        raise ValidationError(errors)
    saved, _ = InformationReport.objects.select_for_update().get_or_create(
        school=school, year=year)
    saved.words = {key: words.get(key, "").strip() for key in keys if words.get(key, "").strip()}
    saved.updated_by = actor
    saved.save()
    return saved
