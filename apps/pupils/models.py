"""The SEN register: pupils, their SEN provision history, needs, staff and parents."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from apps.schools.models import SchoolOwned

from .rules import NEED_AREA_OF, NeedType, NoticeGiven, SenStatus, YearGroup
from .validators import validate_upn


class Pupil(SchoolOwned):
    upn = models.CharField(
        "UPN",
        max_length=13,
        validators=[validate_upn],
        help_text="Unique Pupil Number: 13 characters, starting with a check letter.",
    )
    # Legal names, as on the MIS and in the census; the preferred names are what the pupil
    # is known by at school, where different.
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_first_name = models.CharField(max_length=100, blank=True)
    preferred_last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    year_group = models.SmallIntegerField(choices=YearGroup.choices)
    class_name = models.CharField("class", max_length=40, blank=True)
    primary_need = models.CharField(max_length=4, choices=NeedType.choices, blank=True)
    secondary_need = models.CharField(max_length=4, choices=NeedType.choices, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="StaffAssignment", related_name="+"
    )
    parents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ParentLink", related_name="+"
    )
    # A pupil who has left the school: off the working register, their record kept and
    # read-only until the school's retention period removes it (privacy/retention.py).
    left_on = models.DateField("left the school on", null=True, blank=True)
    destination = models.CharField("destination school", max_length=200, blank=True)
    # The pupil's own address, for what is sent to them once they are a young person
    # (rules.is_young_person): the notice of SEN support.
    email = models.EmailField("pupil's e-mail address", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="upn_unique_in_school"),
            models.CheckConstraint(
                condition=Q(secondary_need="") | ~Q(secondary_need=F("primary_need")),
                name="secondary_need_differs_from_primary",
            ),
            models.CheckConstraint(
                condition=Q(secondary_need="") | ~Q(primary_need=""),
                name="secondary_need_needs_primary",
            ),
        ]
        indexes = [models.Index(fields=["school", "last_name", "first_name"])]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def need_areas(self) -> list[str]:
        return [NEED_AREA_OF[n] for n in (self.primary_need, self.secondary_need) if n]


class SenProvisionRecord(SchoolOwned):
    """One period of a pupil's SEN provision (N, K or E). One is open at a time; the closed
    ones are the history: when the pupil entered and left each status, and why."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="sen_records")
    status = models.CharField(max_length=1, choices=SenStatus.choices)
    started_on = models.DateField()
    start_reason = models.CharField(max_length=500)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    # When the parents' notices (Code 6.43) were sent: empty while they are owed
    # (apps/pupils/notices.py).
    notices_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil"],
                condition=Q(ended_on__isnull=True),
                name="one_open_sen_record_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="sen_record_ends_after_it_starts",
            ),
        ]
        indexes = [models.Index(fields=["school", "pupil", "ended_on"])]

    def __str__(self):
        return f"{self.pupil}: {self.get_status_display()} from {self.started_on}"


class StaffAssignment(SchoolOwned):
    """A teacher or teaching assistant who works with the pupil. Teachers assigned here are
    the pupil's responsible teachers (Code 6.52)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "user"], name="staff_assigned_once"
            )
        ]
        indexes = [models.Index(fields=["school", "user"])]


class ParentLink(SchoolOwned):
    """A parent or carer of the pupil, who may sign in to see what is shared with them."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    relationship = models.CharField(max_length=60, default="Parent")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "pupil", "parent"], name="parent_linked_once"
            )
        ]
        indexes = [models.Index(fields=["school", "parent"])]


class SenSupportNotice(SchoolOwned):
    """The formal notice that a pupil is receiving SEN support (Code 6.43): to each parent,
    or to the young person themself once over compulsory school age (rules.py). One per
    reader per period of SEN support. E-mailed ones are claimed before they are sent and
    marked sent after (notices.py): a claim never marked is one whose worker died while
    sending it, not sent again. One given on paper or at a meeting is recorded as given."""

    record = models.ForeignKey(SenProvisionRecord, on_delete=models.CASCADE, related_name="+")
    parent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="+")
    to_young_person = models.BooleanField(default=False)
    given = models.CharField(max_length=10, choices=NoticeGiven.choices,
                             default=NoticeGiven.EMAIL)
    given_on = models.DateField(null=True, blank=True)  # by hand: the day it was given
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["school", "record", "parent"], name="sen_support_notice_once"
            ),
            models.UniqueConstraint(
                fields=["school", "record"], condition=Q(to_young_person=True),
                name="sen_support_notice_to_the_young_person_once"),
            models.CheckConstraint(
                condition=Q(to_young_person=True, parent__isnull=True)
                | Q(to_young_person=False, parent__isnull=False),
                name="sen_support_notice_to_a_parent_or_the_young_person"),
        ]


class Profile(SchoolOwned):
    """One version of the pupil's one-page profile (pupil passport), written with the
    pupil and their parents (rules.PROFILE_SECTIONS). Each change adds a version and none
    is altered, so who changed what, and when, stays (profile.py)."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="profiles")
    version = models.PositiveIntegerField()
    about_me = models.TextField("about me", blank=True)
    good_at = models.TextField("what I am good at", blank=True)
    find_hard = models.TextField("what I find hard", blank=True)
    what_helps = models.TextField("what helps me", blank=True)
    communication = models.TextField("how to communicate with me", blank=True)
    who_to_talk_to = models.TextField("who to talk to", blank=True)
    own_words = models.TextField("in my own words", blank=True)
    written_with = models.CharField(
        "written with", max_length=200, blank=True,
        help_text="Who took part: for example, Maya, her mum and her class teacher.")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    written_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["school", "pupil", "version"],
                                               name="profile_version_once")]

    def __str__(self):
        return f"One-page profile of {self.pupil}, version {self.version}"


class PupilImport(SchoolOwned):
    """A CSV file of pupils from the school's MIS: previewed row by row, then applied at
    once, all or nothing (``pupils/mis_import.py``). The file's text is kept only until the
    import is applied or abandoned."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for you to check"
        QUEUED = "queued", "Waiting to start"
        APPLYING = "applying", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    file_name = models.CharField(max_length=200)
    text = models.TextField(blank=True)
    # the file's headings -> our fields ("" for a heading that is left out)
    mapping = models.JSONField(default=dict)
    plan = models.JSONField(default=list)  # one entry per row: what will happen and why
    invite_parents = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    message = models.TextField(blank=True)
    task_id = models.CharField(max_length=50, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.file_name}"
