"""Support plans and their Assess-Plan-Do cycles: evidence, outcomes, provision and the
sessions actually delivered. Reviews live in apps.reviews."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.pupils.models import Pupil
from apps.pupils.rules import NeedArea
from apps.schools.models import School, SchoolOwned

from .rules import (
    DEFAULT_CYCLE_WEEKS,
    MAX_CYCLE_WEEKS,
    MAX_GROUP_SIZE,
    MAX_MINUTES,
    MAX_SESSIONS_PER_WEEK,
    MIN_CYCLE_WEEKS,
    MIN_MINUTES,
    AdviceSource,
    SessionStatus,
    StaffType,
    Stage,
)


def between(low, high, what):
    message = f"{what} must be between {low} and {high}."
    return [MinValueValidator(low, message=message), MaxValueValidator(high, message=message)]


MINUTES = between(MIN_MINUTES, MAX_MINUTES, "Minutes")
GROUP_SIZE = between(1, MAX_GROUP_SIZE, "Group size")
SESSIONS_PER_WEEK = between(Decimal("0.1"), MAX_SESSIONS_PER_WEEK, "Sessions per week")


class ProvisionType(SchoolOwned):
    """The school's provision library: interventions it knows how to run."""

    name = models.CharField("intervention", max_length=120)
    description = models.TextField(blank=True)
    need_area = models.CharField(max_length=20, choices=NeedArea.choices)
    staff_type = models.CharField(max_length=12, choices=StaffType.choices)
    usual_group_size = models.PositiveSmallIntegerField(default=1, validators=GROUP_SIZE)
    usual_sessions_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, default=Decimal("1"), validators=SESSIONS_PER_WEEK
    )
    usual_minutes = models.PositiveSmallIntegerField(default=30, validators=MINUTES)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="provision_type_name_unique")
        ]

    def __str__(self):
        return self.name


class SupportPlan(SchoolOwned):
    """One per pupil: the thread that holds every cycle of their SEN support."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="plans")
    cycle_weeks = models.PositiveSmallIntegerField(
        "cycle length in weeks",
        default=DEFAULT_CYCLE_WEEKS,
        validators=between(MIN_CYCLE_WEEKS, MAX_CYCLE_WEEKS, "Cycle length in weeks"),
        help_text=f"How long a cycle usually runs before its review. Termly is about "
                  f"{DEFAULT_CYCLE_WEEKS} weeks.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "pupil"], name="one_plan_per_pupil")
        ]

    def __str__(self):
        return f"Support plan for {self.pupil}"


class Cycle(SchoolOwned):
    """One Assess-Plan-Do-Review cycle. The Assess stage's findings are kept on the cycle."""

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="cycles")
    number = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=10, choices=Stage.choices, default=Stage.ASSESS)
    opened_on = models.DateField()
    review_date = models.DateField(
        "agreed review date", null=True, blank=True,
        help_text="The date agreed with the parents for reviewing this cycle (Code 6.48).",
    )
    closed_on = models.DateField(null=True, blank=True)
    # Assess (Code 6.45-6.47)
    needs = models.TextField("needs", blank=True)
    strengths = models.TextField("strengths", blank=True)
    pupil_views = models.TextField("the pupil's views", blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    # Where the pupil's views are not recorded here, why (rules.pupil_views_missing).
    pupil_views_missing_because = models.CharField(
        "why the pupil's views are not recorded", max_length=300, blank=True,
        help_text="Only if they are not recorded above: for example, too young to give "
                  "them, or gathered another way (a drawing, a talking mat) and kept "
                  "elsewhere.")
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every change to the cycle's plan (its fields, outcomes, provision): an edit
    # made from an older version is refused instead of silently overwriting (services).
    version = models.PositiveIntegerField(default=1, editable=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   editable=False)
    # Kept when the cycle closes, from its review's ratings (reviews.services.cycle_close),
    # and only then: a closed cycle's record cannot change, so readiness (Code 6.63) reads
    # these instead of counting the ratings of every past cycle on every page.
    rated_outcomes = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    unachieved_outcomes = models.PositiveSmallIntegerField(
        "outcomes not achieved or partly achieved", null=True, blank=True, editable=False)
    # The minutes of support delivered in this cycle: its provisions' tallies added up,
    # kept with them by services.recount_sessions, so that readiness (the dose of support,
    # Code 6.63) reads one row per cycle.
    delivered_minutes = models.PositiveIntegerField(default=0, editable=False)
    # For a cycle opened by closing the one before: the end date each provision of that
    # cycle had before the closing ended it to carry it on here (provision id: ISO date, or
    # None for one that went on until changed), so that reopening the closed cycle
    # (reviews.services.cycle_reopen) puts them back exactly. None: opened otherwise.
    carried_over = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "plan", "number"], name="cycle_number_unique"
            ),
            models.UniqueConstraint(
                fields=["school", "plan"], condition=~Q(stage="closed"),
                name="one_open_cycle_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(review_date__isnull=True) | Q(review_date__gt=F("opened_on")),
                name="review_after_cycle_opens",
            ),
            models.CheckConstraint(
                condition=(Q(stage="closed", rated_outcomes__isnull=False,
                             unachieved_outcomes__isnull=False)
                           | (~Q(stage="closed") & Q(rated_outcomes__isnull=True,
                                                     unachieved_outcomes__isnull=True))),
                name="closed_cycle_keeps_its_ratings",
            ),
        ]
        indexes = [
            models.Index(fields=["school", "stage", "review_date"]),
            # Overdue reviews (selectors.overdue_cycles): the school's open cycles by review
            # date, with what the register joins on, read from the index alone; without it
            # every cycle of the school's history was read to find the few overdue.
            models.Index(fields=["school", "review_date", "plan", "id"],
                         condition=~Q(stage="closed"), name="cycle_open_by_review_date"),
        ]

    def __str__(self):
        return f"Cycle {self.number}"

    @property
    def is_closed(self) -> bool:
        return self.stage == Stage.CLOSED


class StageChange(SchoolOwned):
    """When each stage of a cycle began, and who moved it there."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="stage_changes")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    began_at = models.DateTimeField(auto_now_add=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why, where the move needs a reason: a closed cycle reopened.
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["began_at", "pk"]


class AssessmentResult(SchoolOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField()
    source = models.CharField(max_length=120, help_text="For example: class teacher, YARC.")
    measure = models.CharField(max_length=120, help_text="For example: reading accuracy.")
    score = models.CharField(max_length=60, help_text="For example: 84 (standardised).")

    class Meta:
        ordering = ["date", "pk"]


class SpecialistAdvice(SchoolOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="advice")
    source = models.CharField(max_length=20, choices=AdviceSource.choices)
    date = models.DateField()
    author = models.CharField(max_length=120)
    summary = models.TextField()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name_plural = "specialist advice"


def evidence_path(instance, filename):
    # Stored per school; served only through a view that checks access.
    return f"schools/{instance.school_id}/evidence/{instance.cycle_id}/{filename}"


class EvidenceFile(SchoolOwned):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="files")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to=evidence_path, max_length=300)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]


class Provision(SchoolOwned):
    """Provision for one pupil in one cycle: a timetabled intervention, or a fixed cost
    (a bought-in service, equipment)."""

    # Indexed by school and end date (Meta.indexes), which serves the school's scans too.
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+",
                               db_index=False)
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="provisions")
    provision_type = models.ForeignKey(
        ProvisionType, on_delete=models.PROTECT, related_name="+", verbose_name="intervention"
    )
    details = models.CharField(
        max_length=300, blank=True, help_text="What this pupil gets, if more than the name says."
    )
    staff_type = models.CharField(max_length=12, choices=StaffType.choices)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name="who delivers",
    )
    sessions_per_week = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True, validators=SESSIONS_PER_WEEK
    )
    minutes_per_session = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=MINUTES
    )
    group_size = models.PositiveSmallIntegerField(null=True, blank=True, validators=GROUP_SIZE)
    fixed_cost = models.DecimalField(
        "fixed cost (£)", max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), message="A fixed cost must be at least 1p.")
        ],
    )
    start_date = models.DateField()
    # None: it goes on until it is changed (support that continues from review to review);
    # costed to the end of the budget year (apps/money/costing.py).
    end_date = models.DateField(
        null=True, blank=True,
        help_text="Leave empty if it goes on until it is changed at a review.")
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The tally of its sessions ("dose delivered"), counted again from the sessions by
    # services.recount_sessions in the transaction that records them, so that a pupil's
    # history of support is read from their provisions (readiness, timelines, the plan
    # shared with parents) rather than by adding up every session.
    delivered_sessions = models.PositiveIntegerField(default=0, editable=False)
    delivered_minutes = models.PositiveIntegerField(default=0, editable=False)
    absent_sessions = models.PositiveIntegerField(default=0, editable=False)
    cancelled_sessions = models.PositiveIntegerField(default=0, editable=False)

    TALLY = ("delivered_sessions", "delivered_minutes", "absent_sessions", "cancelled_sessions")

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="provision_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(fixed_cost__isnull=False)
                | Q(sessions_per_week__isnull=False, minutes_per_session__isnull=False,
                    group_size__isnull=False),
                name="provision_is_timetabled_or_costed",
            ),
        ]
        indexes = [
            # The school's provisions running in a budget year (the provision map), by end
            # date; it serves queries by school alone too, so school has no other index.
            models.Index(fields=["school", "end_date"], name="provision_by_end_date"),
        ]

    def __str__(self):
        return str(self.provision_type)

    @property
    def is_timetabled(self) -> bool:
        return self.sessions_per_week is not None


class Outcome(SchoolOwned):
    """What the pupil will achieve, and how we will know (Code 6.48)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="outcomes")
    description = models.TextField("what the pupil will achieve")
    success_criteria = models.TextField("how we will know", blank=True)
    measure = models.CharField(
        max_length=120, blank=True, help_text="For small steps: what is counted, for example "
        "'words read correctly in a minute'."
    )
    baseline = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    provisions = models.ManyToManyField(Provision, through="OutcomeProvision",
                                        related_name="outcomes", blank=True)
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.description[:80]


class OutcomeProvision(SchoolOwned):
    """Which provision is meant to achieve which outcome (both in the same cycle)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="+")
    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "outcome", "provision"], name="outcome_provision_once"
            )
        ]


class GroupSession(SchoolOwned):
    """One entry for a session delivered to a group: each pupil's attendance is a
    DeliveredSession pointing here."""

    provision_type = models.ForeignKey(ProvisionType, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=MINUTES)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)


class DeliveredSession(SchoolOwned):
    """What actually happened, one session for one pupil ("dose delivered")."""

    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, related_name="sessions")
    group_session = models.ForeignKey(
        GroupSession, null=True, blank=True, on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField()
    minutes = models.PositiveSmallIntegerField(validators=MINUTES)
    status = models.CharField(max_length=10, choices=SessionStatus.choices,
                              default=SessionStatus.DELIVERED)
    reason = models.CharField(
        "why", max_length=300, blank=True, help_text="Why the session was cancelled."
    )
    note = models.CharField(max_length=300, blank=True)
    # A second (third...) session of the same provision on the same day, recorded as such:
    # otherwise one provision, pupil and day is one session, and a repeat is refused.
    additional = models.BooleanField(
        "an additional session that day", default=False,
        help_text="Tick only if the pupil had more than one session of this on the day.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        # By provision (a pupil's dose), and by date across the school (lists, the map).
        indexes = [models.Index(fields=["school", "provision", "date"]),
                   models.Index(fields=["school", "date", "id"], name="session_school_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(reason=""),
                name="cancelled_session_says_why",
            ),
            models.UniqueConstraint(
                fields=["school", "provision", "date"], condition=Q(additional=False),
                name="one_session_a_day_unless_additional",
            ),
        ]
