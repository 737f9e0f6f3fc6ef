"""A realistic graduated-approach history for demo pupils: 1-4 reviewed cycles, then a
current one. Built with the real services (so every rule holds), except delivered
sessions, which are bulk-inserted, and the dates of stage moves, which are set to when
they would have happened."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from apps.escalation import services as ehc
from apps.money import services as money
from apps.money.rules import BudgetYear
from apps.money.selectors import year_rules
from apps.parents import services as parents
from apps.plans import services as plans
from apps.plans.models import Cycle, DeliveredSession, ProvisionType, StageChange
from apps.plans.rules import DEFAULT_CYCLE_WEEKS, SessionStatus, StaffType, Stage
from apps.pupils import profile
from apps.pupils.rules import NEED_AREA_OF, NeedArea, SenStatus
from apps.reviews import services as reviews
from apps.reviews.models import Review
from apps.schools.calendar import Period, school_year
from apps.schools.term_dates import school_calendar

CYCLE = datetime.timedelta(weeks=DEFAULT_CYCLE_WEEKS)

LIBRARY = [
    # name, area, staff, group, sessions a week, minutes, description
    ("Talk Boost", NeedArea.COMMUNICATION, StaffType.TEACHING_ASSISTANT, 4, "3", 30,
     "Targeted language group for children with delayed language."),
    ("Lego therapy", NeedArea.COMMUNICATION, StaffType.TEACHING_ASSISTANT, 3, "1", 45,
     "Building together in roles to practise turn-taking and shared talk."),
    ("Precision teaching", NeedArea.COGNITION, StaffType.TEACHING_ASSISTANT, 1, "5", 10,
     "Daily one-minute timed practice of a small set of words or facts."),
    ("Toe by Toe reading", NeedArea.COGNITION, StaffType.TEACHING_ASSISTANT, 1, "3", 20,
     "Structured phonics-based reading programme, one to one."),
    ("Maths catch-up", NeedArea.COGNITION, StaffType.TEACHER, 4, "2", 30,
     "Small-group number sense with the class teacher."),
    ("Zones of Regulation", NeedArea.SEMH, StaffType.TEACHING_ASSISTANT, 4, "1", 40,
     "Recognising feelings and choosing strategies to manage them."),
    ("Mentoring", NeedArea.SEMH, StaffType.TEACHER, 1, "1", 30,
     "Weekly check-in with a trusted adult."),
    ("Fine motor skills group", NeedArea.SENSORY_PHYSICAL, StaffType.TEACHING_ASSISTANT, 4,
     "2", 20, "Hand strength and pencil control activities."),
    ("Speech and language therapy", NeedArea.COMMUNICATION, StaffType.EXTERNAL, 1, "1", 45,
     "Therapist sessions bought in from the local service."),
    ("One-to-one teaching assistant support", NeedArea.OTHER, StaffType.TEACHING_ASSISTANT,
     1, "25", 60, "A teaching assistant with the pupil for most of each school day."),
    ("Afternoon one-to-one support", NeedArea.OTHER, StaffType.TEACHING_ASSISTANT, 1, "11",
     60, "A teaching assistant with the pupil for the afternoon sessions."),
]

OUTCOMES = {
    NeedArea.COMMUNICATION: [
        ("Follows a two-step instruction given to the class", "4 out of 5 times in a week, "
         "noted by the class teacher", "instructions followed out of 5", 1, 4),
        ("Takes turns in a small-group game with adults nearby", "Waits for their turn in 3 "
         "games running, observed by the TA", "games with turn-taking out of 3", 0, 3),
    ],
    NeedArea.COGNITION: [
        ("Reads 40 high-frequency words on sight", "Reads them correctly in a timed "
         "check", "words read correctly", 18, 40),
        ("Recalls number bonds to 10 within 3 seconds", "8 out of 10 in a quick-fire "
         "check", "bonds recalled out of 10", 4, 8),
    ],
    NeedArea.SEMH: [
        ("Names how they feel and chooses a calming strategy", "Does so without a prompt "
         "on 3 occasions a week", "unprompted uses a week", 0, 3),
        ("Stays in lessons after break time", "Back in class within 5 minutes on 4 of 5 "
         "days", "days back on time out of 5", 2, 4),
    ],
    NeedArea.SENSORY_PHYSICAL: [
        ("Writes their name legibly with a tripod grip", "Name readable by an adult on 4 of 5 "
         "tries", "legible tries out of 5", 1, 4),
    ],
    NeedArea.OTHER: [
        ("Joins in a group task for 10 minutes", "Stays with the task, observed twice a "
         "week", "minutes on task", 3, 10),
    ],
}

NEEDS_TEXT = {
    NeedArea.COMMUNICATION: "Finds it hard to follow spoken instructions and to take turns "
                            "in conversation.",
    NeedArea.COGNITION: "Reading and number facts are well below those of peers and "
                        "progress has been slow.",
    NeedArea.SEMH: "Struggles to manage strong feelings, especially after unstructured "
                   "times.",
    NeedArea.SENSORY_PHYSICAL: "Finds fine motor tasks tiring; handwriting is hard to "
                               "read.",
    NeedArea.OTHER: "Needs help to stay with a task and join in with others.",
}


def provision_library(school) -> dict[str, ProvisionType]:
    kinds = {}
    for name, area, staff, group, per_week, minutes, description in LIBRARY:
        kind = ProvisionType.objects.filter(name=name).first() or plans.provision_type_save(
            school=school, actor=None, name=name, need_area=area, staff_type=staff,
            usual_group_size=group, usual_sessions_per_week=Decimal(per_week),
            usual_minutes=minutes, description=description)
        kinds[name] = kind
    return kinds


def kinds_for(area, kinds, rng) -> list[ProvisionType]:
    matching = [k for k in kinds.values()
                if k.need_area == area and k.usual_sessions_per_week < 10] or [
        k for k in kinds.values() if k.usual_sessions_per_week < 10]
    return rng.sample(matching, k=min(len(matching), rng.choice([1, 1, 2])))


# One-page profiles, by broad area of need: what helps, as a class teacher needs to know it.
PROFILE_TEXT = {
    NeedArea.COMMUNICATION: ("Say my name first, then give one instruction at a time. Show "
                             "me a picture of what to do.", "I need time to answer: "
                             "please count to ten in your head before asking again."),
    NeedArea.COGNITION: ("Coloured overlay for reading; a number line on my desk; tasks "
                         "broken into small steps I can tick off.",
                         "Check I have understood by asking me to tell you the task back."),
    NeedArea.SEMH: ("A calm card I can show to go to the quiet corner for five minutes; a "
                    "warning before changes to the day.",
                    "Talk to me quietly, away from others. Tell me what I did well first."),
    NeedArea.SENSORY_PHYSICAL: ("Sit me near the front on the left; a pencil grip and "
                                "wider-lined paper; extra time to write.",
                                "Face me when you speak and check the room is not too loud."),
    NeedArea.OTHER: ("A job to do at the start of lessons; short tasks with a break "
                     "between.", "Use my name and keep it short."),
}


def one_page_profile(*, pupil, senco) -> None:
    """The pupil's one-page profile, as written with them and their parents."""
    area = NEED_AREA_OF.get(pupil.primary_need, NeedArea.OTHER)
    helps, communication = PROFILE_TEXT[area]
    profile.profile_save(
        pupil=pupil, actor=senco, about_me=f"I am {pupil.first_name}. I like drawing, "
        "football and my dog.", good_at="Helping others, remembering facts about animals.",
        find_hard=NEEDS_TEXT[area], what_helps=helps, communication=communication,
        who_to_talk_to="My class teacher and Mr Hussain at school; my mum at home.",
        own_words="i like it when people wait for me and dont rush me",
        written_with=f"{pupil.first_name}, their parents and the SENCO")


def build_history(*, pupil, senco, staff, kinds, rng: random.Random, past_cycles: int,
                  group_kind=None, overdue=False, always=()) -> Cycle:
    """Give the pupil ``past_cycles`` reviewed cycles and a current cycle at Do (its review
    date already passed if ``overdue``)."""
    today = timezone.localdate()
    area = NEED_AREA_OF.get(pupil.primary_need, NeedArea.OTHER)
    opened = today - CYCLE * past_cycles - datetime.timedelta(days=rng.randrange(14, 50))
    plan = plans.plan_start(pupil=pupil, actor=senco, opened_on=opened)
    cycle = plan.cycles.get()
    plans.cycle_update(cycle=cycle, actor=senco, needs=NEEDS_TEXT[area],
                       strengths=rng.choice(["Kind and helpful; loves art.",
                                             "Enjoys football and building things.",
                                             "Curious about animals; good memory for facts."]),
                       pupil_views="I like it when someone helps me get started.",
                       parent_views="We want them to feel confident in class.")
    plans.assessment_save(cycle=cycle, actor=senco, date=opened, source="Class teacher",
                          measure="Teacher assessment", score="Working towards")
    if rng.random() < 0.4:
        plans.advice_save(cycle=cycle, actor=senco, source=rng.choice(["ep", "salt"]),
                          date=opened, author=rng.choice(["Dr A. Clarke", "J. Rahman"]),
                          summary="Use visual supports and short, chunked instructions; "
                                  "check understanding by asking the pupil to repeat back.")
    for number in range(past_cycles + 1):
        current = number == past_cycles
        review_date = (_current_review(today, rng, overdue) if current
                       else cycle.opened_on + CYCLE)
        # A current cycle's provision runs on past an overdue review until it is held.
        runs_to = max(review_date, today + CYCLE / 2) if current else review_date
        _plan_cycle(cycle, senco=senco, staff=staff, kinds=kinds, area=area, rng=rng,
                    review_date=review_date, runs_to=runs_to,
                    required=[*always, *([group_kind] if current and group_kind else [])],
                    ongoing=always if current else ())
        for stage in (Stage.PLAN, Stage.DO):
            plans.cycle_move(cycle=cycle, actor=senco, to=stage)
        # The review day itself belongs to the next cycle's provision; today's sessions
        # are for the demo's users to record.
        _deliver(cycle, staff=staff, rng=rng,
                 until=(today if current else cycle.review_date) - datetime.timedelta(days=1))
        _date_stages(cycle)
        if current:
            return cycle
        plans.cycle_move(cycle=cycle, actor=senco, to=Stage.REVIEW)
        cycle = _review(cycle, senco=senco, rng=rng, last=number == past_cycles - 1)
    return cycle


# What pupils say at Assess, for cycles after the first (chosen by the cycle's number, so
# the demo's random draws stay as they were).
PUPIL_VIEWS = ["The group is fun and I can do more now.",
               "I still find the reading hard but I try.",
               "I like working with Mr Hussain. I want to do it on my own."]


def _current_review(today, rng, overdue):
    if overdue:
        return today - datetime.timedelta(days=rng.randrange(2, 10))
    return today + datetime.timedelta(days=rng.randrange(10, 60))


def _plan_cycle(cycle, *, senco, staff, kinds, area, rng, review_date, runs_to, required,
                ongoing=()):
    """The cycle's outcomes and provision; ``ongoing`` kinds go on until they are changed
    (an EHC plan's one-to-one support), the others run to ``runs_to``."""
    views = cycle.pupil_views or PUPIL_VIEWS[cycle.number % len(PUPIL_VIEWS)]
    plans.cycle_update(cycle=cycle, actor=senco, review_date=review_date, pupil_views=views)
    provisions = list(cycle.provisions.all())
    chosen = [] if provisions else kinds_for(area, kinds, rng)
    have = {p.provision_type_id for p in provisions} | {k.pk for k in chosen}
    chosen += [kind for kind in required if kind.pk not in have]
    for kind in chosen:
        provisions.append(plans.provision_save(
            cycle=cycle, actor=senco, provision_type=kind,
            delivered_by=staff if kind.staff_type != StaffType.EXTERNAL else None,
            start_date=cycle.opened_on, end_date=None if kind in ongoing else runs_to))
    for provision in provisions:  # carried forward with an end date: it goes on now
        if provision.provision_type in ongoing and provision.end_date is not None:
            plans.provision_save(cycle=cycle, actor=senco, instance=provision, end_date=None)
    if not cycle.outcomes.exists():
        for description, criteria, measure, baseline, target in rng.sample(
            OUTCOMES[area], k=min(len(OUTCOMES[area]), rng.choice([1, 2]))
        ):
            plans.outcome_save(cycle=cycle, actor=senco, description=description,
                               success_criteria=criteria, measure=measure,
                               baseline=Decimal(baseline), target=Decimal(target),
                               target_date=review_date, owner=staff,
                               provisions=provisions[:1])


WEEKDAYS = [0, 2, 4, 1, 3]  # Monday, Wednesday, Friday, then Tuesday and Thursday


def _deliver(cycle, *, staff, rng, until):
    """Sessions on the provision's weekdays in term, most delivered, some missed."""
    calendar = school_calendar(cycle.school)
    rows = []
    for provision in cycle.provisions.all():
        if not provision.is_timetabled:
            continue
        days = set(WEEKDAYS[:max(1, min(5, int(provision.sessions_per_week)))])
        day, last = provision.start_date, min(provision.end_date or until, until)
        while day <= last:
            if day.weekday() in days and calendar.school_days(Period(day, day)):
                roll = rng.random()
                status = (SessionStatus.DELIVERED if roll < 0.82 else
                          SessionStatus.ABSENT if roll < 0.93 else SessionStatus.CANCELLED)
                rows.append(DeliveredSession(
                    school=cycle.school, provision=provision, date=day,
                    minutes=provision.minutes_per_session, status=status,
                    reason="Staff absent" if status == SessionStatus.CANCELLED else "",
                    recorded_by=staff))
            day += datetime.timedelta(days=1)
    DeliveredSession.objects.bulk_create(rows)
    plans.recount_sessions(cycle.provisions.all())


def _date_stages(cycle):
    """Stage moves happened as the cycle went, not when the demo was loaded."""
    when = {Stage.ASSESS: cycle.opened_on,
            Stage.PLAN: cycle.opened_on + datetime.timedelta(days=7),
            Stage.DO: cycle.opened_on + datetime.timedelta(days=10),
            Stage.REVIEW: cycle.review_date, Stage.CLOSED: cycle.review_date}
    for change in StageChange.objects.filter(cycle=cycle):
        moment = datetime.datetime.combine(min(when[change.stage], timezone.localdate()),
                                           datetime.time(9, 0))
        StageChange.objects.filter(pk=change.pk).update(
            began_at=timezone.make_aware(moment))


def _review(cycle, *, senco, rng, last) -> Cycle:
    outcomes = list(cycle.outcomes.all())
    ratings = [{"outcome": o, "rating": rng.choice(["not_achieved", "partly", "partly",
                                                    "achieved", "exceeded"]),
                "evidence": "Checked against the success criteria at the review."}
               for o in outcomes]
    next_step = "continue" if last or rng.random() < 0.6 else "new_cycle"
    reviews.review_save(
        cycle=cycle, actor=senco, held_on=cycle.review_date,
        attendees="SENCO, class teacher, parent", parents_attended=rng.random() < 0.85,
        pupil_views="The group helps me.", parent_views="Pleased with the small steps.",
        next_step=next_step, next_step_reason="Progress made but not yet secure.",
        ratings=ratings,
        impacts=[{"provision": p, "impact": rng.choice(["strong", "some", "little"])}
                 for p in cycle.provisions.all()])
    following = reviews.cycle_close(cycle=cycle, actor=senco)
    Cycle.objects.filter(pk=cycle.pk).update(closed_on=cycle.review_date)
    _date_stages(Cycle.objects.get(pk=cycle.pk))
    if not following.needs:
        plans.cycle_update(cycle=following, actor=senco, needs=cycle.needs)
    return following


def money_settings(school, head):
    """Cost settings from the start of this budget year, and the notional SEN budget."""
    year = year_rules(school).period
    if not school.slug.startswith("oakfield"):
        money.cost_settings_save(school=school, actor=head, effective_from=year.start,
                                 ta_rate=Decimal("14.20"), teacher_rate=Decimal("41.00"),
                                 budget_year=BudgetYear.ACADEMIC)
    money.sen_budget_save(school=school, actor=head, year_start=year.start,
                          amount=Decimal("120000.00") if school.slug.startswith("oakfield")
                          else Decimal("165000.00"))


def parent_contact(*, pupil, senco, rng, at_risk: bool):
    """Meetings with parents this school year, and the current plan shared with them.

    Most pupils had the autumn parents' evening. A few (``at_risk``) had no meeting with
    their parents this year and the next one planned is July's: the three meetings a year
    can no longer fit (Code 6.65)."""
    today = timezone.localdate()
    year = school_year(today)
    if at_risk:
        Review.objects.filter(cycle__plan__pupil=pupil,
                              held_on__gte=year.start).update(parents_attended=False)
        july = datetime.date(year.end.year, 7, 9)
        if july >= today:
            parents.meeting_save(pupil=pupil, actor=senco, date=july, held=False,
                                 kind="parents_evening", attendees="Class teacher, parents")
    else:
        autumn = min(today, datetime.date(year.start.year, 10, 15))
        if autumn >= year.start:
            parents.meeting_save(pupil=pupil, actor=senco, date=autumn, held=True,
                                 kind="parents_evening", attendees="Class teacher, parents",
                                 parent_views="Pleased with the small-group work.",
                                 agreed="Keep reading together at home each evening.")
    if pupil.parent_links.exists():
        cycle = Cycle.objects.filter(plan__pupil=pupil).order_by("-number").first()
        parents.plan_share(cycle=cycle, actor=senco,
                           parent_help="Read together for ten minutes each evening and "
                                       "ask one question about the story.")
        parents.meeting_save(pupil=pupil, actor=senco,
                             date=today + datetime.timedelta(days=rng.randrange(14, 40)),
                             held=False, kind="review", attendees="SENCO, parents")


def escalation(*, pupil, senco, index: int):
    """A request in progress whose six-week decision is late, and parents who asked."""
    today = timezone.localdate()
    if pupil.sen_status != SenStatus.SEN_SUPPORT:
        return
    if index % 5 == 0:
        ehc.request_record(pupil=pupil, actor=senco, requester="school",
                           received_on=today - datetime.timedelta(days=50),
                           parents_informed_on=today - datetime.timedelta(days=53))
    elif index % 8 == 2:
        ehc.parent_ask_record(pupil=pupil, actor=senco,
                              asked_on=today - datetime.timedelta(days=12),
                              note="Asked at the autumn parents' evening.")
