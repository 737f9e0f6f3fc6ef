"""Decisions about requesting an EHC needs assessment, parents' own asks, and requests
with their statutory dates."""

import datetime

from django.conf import settings
from django.db import models

from apps.pupils.models import Pupil
from apps.schools.models import SchoolOwned

from .rules import (
    DECIDE_WHETHER_TO_ASSESS,
    EXCEPTION_REGULATIONS,
    FINAL_PLAN,
    NOTIFY_NOT_TO_ISSUE,
    Deadline,
    Decision,
    ExceptionReason,
    Requester,
    RequestStatus,
    ReviewDecision,
    Transfer,
)


class EscalationDecision(SchoolOwned):
    """The SENCO's decision and why; a decision not to request is kept too."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    decided_on = models.DateField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField()
    signals = models.JSONField(default=list, help_text="The signals shown when deciding.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-decided_on", "-pk"]


class ParentAsk(SchoolOwned):
    """Parents asked the school for an EHC needs assessment."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    asked_on = models.DateField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-asked_on"]


class EhcRequest(SchoolOwned):
    """A request to the local authority for an EHC needs assessment."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    requester = models.CharField(max_length=14, choices=Requester.choices)
    parents_informed_on = models.DateField(
        "date parents were told", null=True, blank=True,
        help_text="The school must tell the parents when it requests an assessment.")
    received_on = models.DateField("date the LA received the request")
    status = models.CharField(max_length=12, choices=RequestStatus.choices,
                              default=RequestStatus.REQUESTED)
    assessment_decided_on = models.DateField(null=True, blank=True)
    plan_decided_on = models.DateField(null=True, blank=True)
    # The steps within the assessment that have dates of their own (rules.Deadline).
    advice_requested_on = models.DateField(
        "date the local authority asked the school for advice", null=True, blank=True)
    advice_sent_on = models.DateField("date the school sent its advice", null=True, blank=True)
    draft_plan_on = models.DateField("date the draft plan was sent to the family", null=True,
                                     blank=True)
    comments_sent_on = models.DateField("date comments on the draft plan were sent",
                                        null=True, blank=True)
    closed_reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    @property
    def decide_by(self):
        return self.received_on + DECIDE_WHETHER_TO_ASSESS

    @property
    def not_issue_notice_by(self):
        return self.received_on + NOTIFY_NOT_TO_ISSUE

    @property
    def final_plan_by(self):
        return self.received_on + FINAL_PLAN


class ClockException(SchoolOwned):
    """A reason one of the local authority's time limits does not apply (regs 5(4), 10(4),
    13(3)), with its dates: the deadline is annotated and expected later, not missed."""

    request = models.ForeignKey(EhcRequest, on_delete=models.CASCADE,
                                related_name="exceptions")
    deadline = models.CharField(max_length=10, choices=Deadline.choices)
    reason = models.CharField(max_length=20, choices=ExceptionReason.choices)
    details = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                   name="clock_exception_ends_after_it_starts"),
            models.UniqueConstraint(fields=["school", "request", "deadline"],
                                    name="one_exception_a_deadline"),
        ]

    @property
    def length(self):
        return self.ends_on - self.starts_on + datetime.timedelta(days=1)

    @property
    def regulation(self) -> str:
        return EXCEPTION_REGULATIONS.get(self.deadline, "")


class AnnualReview(SchoolOwned):
    """A review of a pupil's EHC plan (SEND Regulations 2014 regs 18-22), planned or held:
    its meeting, the steps before and after it with their dates, the plan's outcomes with
    progress against each, the amendments proposed, and the local authority's decision."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="+")
    meeting_on = models.DateField("date of the review meeting")
    held = models.BooleanField(default=False)
    invitations_sent_on = models.DateField(
        "date the invitations and advice were sent", null=True, blank=True)
    parent_views = models.TextField("the parents' views", blank=True)
    pupil_views = models.TextField("the pupil's views", blank=True)
    # The plan's outcomes, each with the progress made: [{"outcome": ..., "progress": ...}].
    outcomes = models.JSONField(default=list, blank=True)
    proposed_amendments = models.TextField("amendments proposed", blank=True)
    transfer = models.CharField("a move after this school year", max_length=10, blank=True,
                                choices=Transfer.choices)
    report_sent_on = models.DateField("date the report was sent to the local authority",
                                      null=True, blank=True)
    decision = models.CharField("the local authority's decision", max_length=10, blank=True,
                                choices=ReviewDecision.choices)
    decision_on = models.DateField("date of the local authority's decision", null=True,
                                   blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-meeting_on", "-pk"]
        indexes = [models.Index(fields=["school", "pupil", "meeting_on"])]
