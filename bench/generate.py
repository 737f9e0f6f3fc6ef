"""Benchmark data at trust scale: schools with their registers and years of graduated
approach history, deterministic from a seed (``manage.py generate_data`` under the
benchmark's settings, bench/settings.py).

Per school: a SENCO, a head, two teachers, two teaching assistants (the trust SEND lead
belongs to every school), a provision library, cost settings and a budget per year; the
pupils on SEN support (one in ten with an EHC plan) and as many again not on the
register. Each pupil on SEN support has a parent, a plan with three cycles a school year (autumn,
spring, summer) for the years asked, every past cycle reviewed and closed, the current one
in Do (one in ten past its review date); each cycle has three outcomes and two provisions
with their sessions, week by week; three meetings with parents a year; one pupil in
twenty asks for top-up funding each year. Names are not generated: pupils are "Pupil
12345", so no data here could be mistaken for a child's.
"""

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from apps.accounts.models import User
from apps.demo.registers import date_of_birth_for, make_upn, school_year_start
from apps.money.models import CostSettings, SenBudget, TopUpRequest
from apps.parents.models import ParentMeeting
from apps.plans.models import (
    Cycle,
    DeliveredSession,
    Outcome,
    OutcomeProvision,
    Provision,
    ProvisionType,
    StageChange,
    SupportPlan,
)
from apps.plans.rules import DEFAULT_CYCLE_WEEKS, STAGE_ORDER
from apps.pupils.models import ParentLink, Pupil, SenProvisionRecord, StaffAssignment
from apps.reviews.models import OutcomeRating, ProvisionImpact, Review
from apps.reviews.rules import UNACHIEVED
from apps.schools.models import Membership, School, Trust
from apps.schools.roles import Role

from .bulk import Table, Writer, reset_sequences

MODELS = [User, Trust, School, Membership, ProvisionType, CostSettings, SenBudget, Pupil,
          SenProvisionRecord, StaffAssignment, ParentLink, SupportPlan, Cycle, StageChange,
          Outcome, Provision, OutcomeProvision, DeliveredSession, Review, OutcomeRating,
          ProvisionImpact, ParentMeeting, TopUpRequest]

LIBRARY = [  # name, need area, staff, group size, sessions a week, minutes
    ("Talk Boost", "communication", "ta", 4, Decimal("3"), 30),
    ("Precision teaching", "cognition", "ta", 1, Decimal("5"), 10),
    ("Lego therapy", "semh", "ta", 3, Decimal("1"), 45),
    ("Speech and language therapy", "communication", "specialist", 1, Decimal("1"), 30),
    ("Reading intervention", "cognition", "teacher", 4, Decimal("2"), 30),
    ("Nurture group", "semh", "ta", 6, Decimal("2"), 60),
    ("Fine motor skills", "sensory_physical", "ta", 4, Decimal("2"), 20),
    ("Maths catch-up", "cognition", "teacher", 3, Decimal("2"), 30),
]
NEEDS = ["SLCN", "ASD", "SPLD", "MLD", "SEMH", "HI", "VI", "PD"]
TERM_STARTS = [(9, 8), (1, 8), (4, 20)]  # autumn, spring, summer: (month, day)
CYCLE_WEEKS = DEFAULT_CYCLE_WEEKS
WORKDAYS = 5
DAYS = [datetime.timedelta(days=n) for n in range(7)]
WEEK = datetime.timedelta(weeks=1)


@dataclass
class Counts:
    rows: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


class Generator:
    def __init__(self, *, seed: int, years: int, today: datetime.date, writer: Writer):
        self.seed, self.years, self.today, self.writer = seed, years, today, writer
        self.generated_at = timezone.now()
        self.t = {model: Table(model, writer) for model in MODELS}
        self.password = make_password(None)  # generated people cannot sign in
        self.noon = datetime.time(12, tzinfo=timezone.get_current_timezone())
        # A stage begins three days after the one before it.
        self.stage_offsets = [datetime.timedelta(days=3 * n) for n in range(len(STAGE_ORDER))]
        first_year = school_year_start(today) - years + 1
        self.cycle_dates = []  # (opened_on, review_date) for every term that has begun
        for year in range(first_year, first_year + years):
            for month, day in TERM_STARTS:
                opened = datetime.date(year + (month < 9), month, day)
                if opened <= today:
                    self.cycle_dates.append(
                        (opened, opened + datetime.timedelta(weeks=CYCLE_WEEKS)))
        self.first_year = first_year
        self.trust = self.t[Trust].add(name=f"Benchmark Trust {seed}")
        self.lead = self.person(f"trust.lead@bench-{seed}.example")
        self.upn_serial = 0  # across the run: parents' e-mail addresses

    def person(self, email: str) -> int:
        return self.t[User].add(email=email, password=self.password, first_name="Staff",
                                last_name=email.split("@")[0], is_active=True)

    def school(self, number: int, *, sen_pupils: int, other_pupils: int) -> None:
        rng = random.Random(f"{self.seed}-{number}")
        t = self.t
        slug = f"bench-{self.seed}-{number:03d}"
        school = t[School].add(name=f"Benchmark School {number:03d}", slug=slug,
                               urn=f"{(self.seed * 1000 + number) % 1000000:06d}",
                               la_code="801", la_name="Benchmark LA", phase="primary",
                               trust_id=self.trust)
        people = {}
        for key, role in [("senco", Role.SENCO), ("head", Role.HEAD), ("teacher1", Role.TEACHER),
                          ("teacher2", Role.TEACHER), ("ta1", Role.TEACHING_ASSISTANT),
                          ("ta2", Role.TEACHING_ASSISTANT)]:
            people[key] = self.person(f"{key}@{slug}.example")
            t[Membership].add(user_id=people[key], school_id=school, role=role)
        t[Membership].add(user_id=self.lead, school_id=school, role=Role.TRUST_LEAD)
        kinds = [t[ProvisionType].add(
            school_id=school, name=name, need_area=area, staff_type=staff,
            usual_group_size=size, usual_sessions_per_week=per_week, usual_minutes=minutes)
            for name, area, staff, size, per_week, minutes in LIBRARY]
        t[CostSettings].add(school_id=school, effective_from=datetime.date(self.first_year, 9, 1),
                            created_by_id=people["head"])
        for year in range(self.first_year, self.first_year + self.years):
            t[SenBudget].add(school_id=school, year_start=datetime.date(year, 9, 1),
                             amount=Decimal("120000.00"))
        estab = f"{2000 + number % 8000:04d}"
        for index in range(sen_pupils + other_pupils):
            self.pupil(rng, school, people, kinds, on_sen_support=index < sen_pupils,
                       upn=lambda born, i=index: make_upn("801", estab, born.year + 5 + i // 1000,
                                                          i % 1000))
        self.flush()  # the school's rows, before its transaction ends

    def flush(self) -> None:
        for table in self.t.values():
            table.flush()
        self.writer.wait()

    def pupil(self, rng, school, people, kinds, *, on_sen_support: bool, upn) -> None:
        t = self.t
        self.upn_serial += 1
        year_group = rng.randint(0, 6)
        born = date_of_birth_for(year_group, self.today, rng)
        need = rng.choice(NEEDS) if on_sen_support else ""
        pupil = t[Pupil].add(
            school_id=school, upn=upn(born), first_name="Pupil",
            last_name=str(self.upn_serial), date_of_birth=born, year_group=year_group,
            primary_need=need)
        if not on_sen_support:
            return
        # Some joined the register later than the first year generated.
        first = 0 if rng.random() < 0.7 else rng.randrange(len(self.cycle_dates))
        dates = self.cycle_dates[first:]
        status = "E" if rng.random() < 0.1 else "K"
        t[SenProvisionRecord].add(school_id=school, pupil_id=pupil, status=status,
                                  started_on=dates[0][0], start_reason="Identified by the school",
                                  recorded_by_id=people["senco"],
                                  notices_sent_at=self.generated_at)  # nothing owed
        parent = self.person(f"parent.{self.upn_serial}@{school}.bench.example")
        self.t[Membership].add(user_id=parent, school_id=school, role=Role.PARENT)
        t[ParentLink].add(school_id=school, pupil_id=pupil, parent_id=parent)
        teacher, ta = rng.choice(["teacher1", "teacher2"]), rng.choice(["ta1", "ta2"])
        t[StaffAssignment].add(school_id=school, pupil_id=pupil, user_id=people[teacher])
        t[StaffAssignment].add(school_id=school, pupil_id=pupil, user_id=people[ta])
        plan = t[SupportPlan].add(school_id=school, pupil_id=pupil, cycle_weeks=CYCLE_WEEKS)
        for number, (opened, review_date) in enumerate(dates, start=1):
            current = number == len(dates)
            at_review = False
            if current and rng.random() < 0.1:  # overdue: the review date has passed
                review_date = min(review_date, self.today - datetime.timedelta(days=3))
                review_date = max(review_date, opened + datetime.timedelta(days=1))
            elif current:  # some are at Review: the meeting held, not every outcome rated
                at_review = rng.random() < 0.15
            self.cycle(rng, school, people, kinds, plan, number, opened, review_date,
                       closed=not current, at_review=at_review, teacher=people[teacher],
                       ta=people[ta])
        for year in range(school_year_start(dates[0][0]), school_year_start(self.today) + 1):
            for month, kind in [(10, "parents_evening"), (2, "review"), (6, "informal")]:
                day = datetime.date(year + (month < 9), month, rng.randint(1, 28))
                if day <= self.today:
                    t[ParentMeeting].add(school_id=school, pupil_id=pupil, date=day, held=True,
                                         kind=kind, attendees="Parent, SENCO",
                                         recorded_by_id=people["senco"])
            if rng.random() < 0.05:
                t[TopUpRequest].add(
                    school_id=school, pupil_id=pupil, year_start=datetime.date(year, 9, 1),
                    status="submitted",
                    projected_cost=Decimal("7400.00"), threshold=Decimal("6000.00"),
                    amount_requested=Decimal("1400.00"), reason="Needs above the threshold",
                    evidence={"spend": {"projected": "7400.00", "threshold": "6000.00"}},
                    submitted_on=datetime.date(year, 11, 1), created_by_id=people["senco"])

    def cycle(self, rng, school, people, kinds, plan, number, opened, review_date, *, closed,
              at_review, teacher, ta) -> None:
        t = self.t
        stage = "closed" if closed else "review" if at_review else "do"
        # A closed cycle's three outcomes were rated at its review, and it keeps the counts;
        # one at Review has two rated so far.
        ratings = [rng.choice(["not_achieved", "partly", "achieved", "exceeded"])
                   for _ in range(3 if closed else 2 if at_review else 0)]
        unachieved = sum(rating in UNACHIEVED for rating in ratings)
        # Its provisions' sessions are drawn first: the cycle keeps their minutes.
        until = min(review_date, self.today)
        drawn = []  # (kind, its sessions, how many were delivered)
        for kind_index in rng.sample(range(len(kinds)), 2):
            sessions = self.sessions(rng, opened, until, int(LIBRARY[kind_index][4]))
            drawn.append((kind_index, sessions, sum(1 for _, missed in sessions if not missed)))
        cycle = t[Cycle].add(
            school_id=school, plan_id=plan, number=number, stage=stage, opened_on=opened,
            review_date=review_date, closed_on=review_date if closed else None,
            needs="Needs recorded at Assess.", strengths="Strengths recorded at Assess.",
            pupil_views="The pupil's views recorded at Assess.",
            changed_by_id=people["senco"], rated_outcomes=len(ratings) if closed else None,
            unachieved_outcomes=unachieved if closed else None,
            delivered_minutes=sum(delivered * LIBRARY[kind_index][5]
                                  for kind_index, _, delivered in drawn))
        stages = STAGE_ORDER[:STAGE_ORDER.index(stage) + 1]
        began = datetime.datetime.combine(opened, self.noon)
        for offset, name in zip(self.stage_offsets, stages, strict=False):
            t[StageChange].add(school_id=school, cycle_id=cycle, stage=name,
                               began_at=began + offset, moved_by_id=people["senco"])
        provisions = []
        for kind_index, sessions, delivered in drawn:
            _, _, staff, size, per_week, minutes = LIBRARY[kind_index]
            provision = t[Provision].add(
                school_id=school, cycle_id=cycle, provision_type_id=kinds[kind_index],
                staff_type=staff, delivered_by_id=ta if staff == "ta" else teacher,
                sessions_per_week=per_week, minutes_per_session=minutes, group_size=size,
                start_date=opened, end_date=review_date,
                delivered_sessions=delivered, delivered_minutes=delivered * minutes,
                absent_sessions=len(sessions) - delivered)
            provisions.append(provision)
            table = t[DeliveredSession]
            for day, missed in sessions:
                table.add(school_id=school, provision_id=provision, date=day, minutes=minutes,
                          status="absent" if missed else "delivered", recorded_by_id=ta)
        outcomes = []
        for index in range(3):
            outcome = t[Outcome].add(
                school_id=school, cycle_id=cycle, description=f"Outcome {index + 1}",
                success_criteria="Does it independently on three occasions",
                target_date=review_date)
            t[OutcomeProvision].add(school_id=school, outcome_id=outcome,
                                    provision_id=provisions[index % 2])
            outcomes.append(outcome)
        if closed or at_review:
            yesterday = self.today - datetime.timedelta(days=1)
            held_on = review_date if closed else max(opened, yesterday)
            review = t[Review].add(school_id=school, cycle_id=cycle, held_on=held_on,
                                   attendees="SENCO, class teacher, parent",
                                   parents_attended=True,
                                   next_step="continue" if closed else "")
            for outcome, rating in zip(outcomes, ratings, strict=False):  # rated so far
                t[OutcomeRating].add(school_id=school, review_id=review, outcome_id=outcome,
                                     rating=rating)
            for provision in provisions:
                t[ProvisionImpact].add(school_id=school, review_id=review,
                                       provision_id=provision,
                                       impact=rng.choice(["strong", "some", "little"]))

    @staticmethod
    def sessions(rng, start, until, per_week) -> list[tuple[datetime.date, bool]]:
        """Sessions on fixed weekdays, week by week: each day, and whether the pupil
        missed it (one in ten)."""
        weekdays = [DAYS[weekday] for weekday in
                    sorted(rng.sample(range(WORKDAYS), min(per_week, WORKDAYS)))]
        monday = start - DAYS[start.weekday()]
        days = []
        while monday <= until:
            for weekday in weekdays:
                day = monday + weekday
                if start <= day <= until:
                    days.append((day, rng.random() < 0.1))
            monday += WEEK
        return days

    def finish(self) -> Counts:
        self.flush()
        reset_sequences(MODELS)
        return Counts({model._meta.label: table.written for model, table in self.t.items()})
