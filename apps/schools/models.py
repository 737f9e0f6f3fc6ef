"""Trusts, schools and memberships: who belongs where, in which role.

Every row that belongs to a school inherits ``SchoolOwned``. Its default manager is a
django-scopes ``ScopedManager``: a query made outside an active school scope raises
``ScopeError`` instead of quietly returning every school's rows (fail closed), and inside a
scope it returns only that school's rows. The scope is entered in exactly one place per
entry point (see ``apps/schools/tenancy.py``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django_scopes import ScopedManager

from .roles import Role
from .rules import EhcPlanMeetings, TermDateKind


class Trust(models.Model):
    """A multi-academy trust that runs several schools."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class School(models.Model):
    class Phase(models.TextChoices):
        NURSERY = "nursery", "Nursery"
        PRIMARY = "primary", "Primary"
        MIDDLE = "middle", "Middle"
        SECONDARY = "secondary", "Secondary"
        ALL_THROUGH = "all_through", "All-through"
        SPECIAL = "special", "Special"
        ALTERNATIVE_PROVISION = "ap", "Alternative provision"
        POST_16 = "16_plus", "16 plus"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True, help_text="Used in web addresses.")
    urn = models.CharField(
        "URN", max_length=6, unique=True, help_text="Unique Reference Number, 6 digits."
    )
    la_code = models.CharField("LA code", max_length=3, help_text="Local authority number.")
    # With the LA code, the DfE number that names the school in a Common Transfer File
    # (apps/privacy/ctf.py): 801/2001 is LA 801, establishment 2001.
    estab = models.CharField(
        "DfE establishment number", max_length=4, blank=True,
        validators=[RegexValidator(r"^[0-9]{4}$", "Enter the 4 digits after the LA code in "
                                                  "the school's DfE number")],
        help_text="The 4 digits after the LA code in the school's DfE number (for 801/2001, "
                  "2001). Common Transfer Files name the school by it.")
    la_name = models.CharField("local authority", max_length=120)
    phase = models.CharField(max_length=20, choices=Phase.choices)
    trust = models.ForeignKey(
        Trust, null=True, blank=True, on_delete=models.PROTECT, related_name="schools"
    )
    # Who parents contact at the school about SEN: shown in the documents sent to them
    # (Code 6.43 notice, shared plans) and on their pages.
    senco_name = models.CharField("SENCO's name", max_length=200, blank=True)
    senco_email = models.EmailField("SENCO's e-mail", blank=True)
    senco_phone = models.CharField("SENCO's telephone", max_length=40, blank=True)
    # The local authority's local offer (Code 4.1: what is available locally for children
    # with SEND), and how to complain (the SEN information report must say: SEND
    # Regulations 2014, Schedule 1).
    local_offer_url = models.URLField("local offer web address", blank=True)
    # The school's own SEN information report, published each year (SEND Regulations 2014,
    # reg 51 and Schedule 1): linked from the notice of SEN support.
    sen_information_report_url = models.URLField("SEN information report web address",
                                                 blank=True)
    ehc_plan_meetings = models.CharField(
        "meetings with the parents of pupils with an EHC plan", max_length=15,
        choices=EhcPlanMeetings.choices, default=EhcPlanMeetings.TERMLY)
    complaints = models.TextField(
        "how to complain", blank=True,
        help_text="Who parents contact first, and where the complaints policy is.")
    # Where parents get free, impartial advice: the LA's SEND Information, Advice and
    # Support Service (shown on every plan shared with parents).
    sendiass_name = models.CharField("SENDIASS name", max_length=200, blank=True)
    sendiass_phone = models.CharField("SENDIASS telephone", max_length=40, blank=True)
    sendiass_email = models.EmailField("SENDIASS e-mail", blank=True)
    sendiass_website = models.URLField("SENDIASS website", blank=True)
    # How long the school keeps a pupil's SEN records, counted from their date of birth
    # (privacy/retention.py). The IRMS Information Management Toolkit for Schools gives
    # date of birth + 31 years for SEN files; a school may set its own schedule, but not
    # below 25 (support under an EHC plan can continue to age 25).
    retention_years = models.PositiveSmallIntegerField(
        "keep records until this many years after a pupil's date of birth", default=31,
        validators=[MinValueValidator(25), MaxValueValidator(100)])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CurrentMemberships(models.Manager):
    """Memberships of people who still belong to the school. The default manager, and so
    also behind ``user.memberships``: someone who has left a school cannot reach it by any
    path that asks for their memberships."""

    def get_queryset(self):
        return super().get_queryset().filter(left_on__isnull=True)


class Membership(models.Model):
    """A person's role in one school. A trust SEND lead holds one per school of the trust;
    a parent holds one per school where they have a child.

    A leaver's membership is kept with the date they left (``left_on``): what they recorded
    stays attributed to them, and the people page lists them, but they can no longer sign
    in to the school. ``Membership.everyone`` reaches leavers too."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    left_on = models.DateField("left on", null=True, blank=True)
    # The classes (registration groups) a teacher or teaching assistant teaches: they see
    # those classes' pupils (roles.py), as well as the pupils they are linked to by hand.
    classes = models.JSONField(default=list, blank=True)

    everyone = models.Manager()
    objects = CurrentMemberships()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="one_role_per_school")
        ]
        ordering = ["school__name"]
        default_manager_name = "objects"
        base_manager_name = "everyone"

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.school}"


class SchoolOwned(models.Model):
    """Base for every row that belongs to a school. Queries are scoped to the active school
    and refused when no school is active."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")

    objects = ScopedManager(school="school")

    class Meta:
        abstract = True


class TermDate(SchoolOwned):
    """One of the school's term dates for a school year: a term, or days within a term
    when pupils are not taught (calendar.py counts the school days from them). A year's
    dates are saved together (term_dates.py), so they are checked together."""

    year_start = models.DateField(help_text="The school year's first day, 1 September.")
    kind = models.CharField(max_length=10, choices=TermDateKind.choices)
    name = models.CharField(max_length=80, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["year_start", "starts_on", "pk"]
        indexes = [models.Index(fields=["school", "year_start"])]
        constraints = [models.CheckConstraint(condition=models.Q(
            ends_on__gte=models.F("starts_on")), name="term_date_ends_after_start")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}: {self.starts_on} to {self.ends_on}"
