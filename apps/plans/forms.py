"""Forms for the plan pages. Choices are built per request from the school and cycle."""

from django import forms

from apps.accounts.selectors import school_members
from apps.pupils.selectors import school_teachers_and_tas
from apps.schools.forms import DateInput
from apps.schools.roles import STAFF
from backend.govuk import GovukFormMixin

from .models import (
    AssessmentResult,
    Cycle,
    Outcome,
    Provision,
    ProvisionType,
    SpecialistAdvice,
    SupportPlan,
)
from .rules import SessionStatus


def dated(form, *names):
    for name in names:
        form.fields[name].widget = DateInput()
        form.fields[name].govuk_width = "govuk-input--width-10"


class GovukModelForm(GovukFormMixin, forms.ModelForm):
    """A ModelForm used only to parse and show fields: saving goes through a service, so
    the model's own validation is left to the service (which reports it field by field)."""

    def _post_clean(self):
        pass


class StartPlanForm(GovukModelForm):
    opened_on = forms.DateField(label="Cycle 1 starts on", widget=DateInput(),
                                help_text="Usually today.")

    class Meta:
        model = SupportPlan
        fields = ["cycle_weeks"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle_weeks"].govuk_width = "govuk-input--width-3"
        self.fields["opened_on"].govuk_width = "govuk-input--width-10"


class AssessForm(GovukModelForm):
    class Meta:
        model = Cycle
        fields = ["needs", "strengths", "pupil_views", "parent_views",
                  "pupil_views_missing_because"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields[:4]}
        help_texts = {
            "needs": "What the pupil finds hard, from teacher assessment, attainment and "
                     "progress data, and specialist advice.",
            "strengths": "What the pupil is good at and enjoys. Parents read this first.",
        }


class ReviewDateForm(GovukModelForm):
    class Meta:
        model = Cycle
        fields = ["review_date"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "review_date")
        self.fields["review_date"].required = True
        self.fields["review_date"].error_messages["required"] = "Enter the agreed review date"


class AssessmentResultForm(GovukModelForm):
    class Meta:
        model = AssessmentResult
        fields = ["date", "source", "measure", "score"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "date")


class SpecialistAdviceForm(GovukModelForm):
    class Meta:
        model = SpecialistAdvice
        fields = ["source", "date", "author", "summary"]
        labels = {"source": "Who gave the advice"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "date")


class EvidenceFileForm(GovukFormMixin, forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    upload = forms.FileField(label="File", help_text="PDF, Word (.docx), PNG, JPEG or text; "
                             "up to 10 MB.", error_messages={"required": "Choose a file"})


class ProvisionForm(GovukModelForm):
    # Related choices are declared with no queryset and filled per request: a ModelForm
    # would otherwise build them at import time, outside any school scope.
    provision_type = forms.ModelChoiceField(label="Intervention", queryset=None,
                                            error_messages={"required": "Choose the "
                                                            "intervention"})
    delivered_by = forms.ModelChoiceField(label="Who delivers", queryset=None, required=False)

    class Meta:
        model = Provision
        fields = ["provision_type", "details", "staff_type", "delivered_by",
                  "sessions_per_week", "minutes_per_session", "group_size", "fixed_cost",
                  "start_date", "end_date"]
        help_texts = {
            "sessions_per_week": "Leave the timetable empty to use the library's usual one.",
            "fixed_cost": "Only for a bought-in service or equipment, instead of a timetable.",
        }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "start_date", "end_date")
        self.fields["provision_type"].queryset = ProvisionType.objects.all()
        self.fields["delivered_by"].queryset = school_teachers_and_tas(school).distinct()
        self.fields["staff_type"].required = False
        for name in ("sessions_per_week", "minutes_per_session", "group_size", "fixed_cost"):
            self.fields[name].govuk_width = "govuk-input--width-5"


class OutcomeForm(GovukModelForm):
    owner = forms.ModelChoiceField(label="Who leads on it", queryset=None, required=False)
    provisions = forms.ModelMultipleChoiceField(label="Provision meant to achieve it",
                                                queryset=None, required=False,
                                                widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Outcome
        fields = ["description", "success_criteria", "measure", "baseline", "target",
                  "target_date", "owner", "provisions"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}),
                   "success_criteria": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": "Specific and measurable: what the pupil will be able "
                                     "to do, for example 'reads 40 words a minute'.",
                      "success_criteria": "How we will know: what will be seen, how often, "
                                          "and by whom."}

    def __init__(self, *args, school, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "target_date")
        self.fields["owner"].queryset = school_members(school, STAFF).distinct()
        self.fields["provisions"].queryset = Provision.objects.filter(
            cycle=cycle).select_related("provision_type")
        for name in ("baseline", "target"):
            self.fields[name].govuk_width = "govuk-input--width-5"


class SessionForm(GovukFormMixin, forms.Form):
    provision = forms.ModelChoiceField(queryset=None, error_messages={
        "required": "Choose the provision"})
    date = forms.DateField(widget=DateInput(), error_messages={"required": "Enter the date"})
    minutes = forms.IntegerField(required=False, help_text="Leave empty for the usual length.")
    status = forms.ChoiceField(label="What happened", choices=SessionStatus.choices,
                               initial=SessionStatus.DELIVERED, widget=forms.RadioSelect)
    reason = forms.CharField(label="Why it was cancelled", required=False, max_length=300)
    note = forms.CharField(label="Note", required=False, max_length=300,
                           help_text="Optional: one line on how it went.")
    additional = forms.BooleanField(
        label="An additional session that day", required=False,
        help_text="Only if the pupil had more than one session of this on the day.")

    def __init__(self, *args, provisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].queryset = provisions
        self.fields["date"].govuk_width = "govuk-input--width-10"
        self.fields["minutes"].govuk_width = "govuk-input--width-3"


class SessionCorrectionForm(GovukFormMixin, forms.Form):
    """What a session recorded by mistake should have said, and why it is corrected."""

    date = forms.DateField(widget=DateInput(), error_messages={"required": "Enter the date"})
    minutes = forms.IntegerField(error_messages={"required": "Enter how many minutes"})
    status = forms.ChoiceField(label="What happened", choices=SessionStatus.choices,
                               widget=forms.RadioSelect)
    reason = forms.CharField(label="Why it was cancelled", required=False, max_length=300)
    note = forms.CharField(label="Note", required=False, max_length=300)
    additional = SessionForm.base_fields["additional"]
    correction_reason = forms.CharField(
        label="Why you are correcting it", max_length=300,
        help_text="For example: recorded against the wrong day. Kept in the audit trail.",
        error_messages={"required": "Say why the session is being corrected"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].govuk_width = "govuk-input--width-10"
        self.fields["minutes"].govuk_width = "govuk-input--width-3"


class SessionRemovalForm(GovukFormMixin, forms.Form):
    correction_reason = forms.CharField(
        label="Why you are removing it", max_length=300,
        help_text="For example: the session did not happen, or was recorded twice. Kept in "
                  "the audit trail.",
        error_messages={"required": "Say why the session is being removed"})


ATTENDANCE = [("delivered", "There"), ("absent", "Absent"), ("", "Not in this session")]


class GroupSessionForm(GovukFormMixin, forms.Form):
    """One entry for a group: the date and length once, then each pupil there or absent."""

    date = forms.DateField(widget=DateInput(), error_messages={"required": "Enter the date"})
    minutes = forms.IntegerField(error_messages={"required": "Enter how many minutes"})
    note = forms.CharField(required=False, max_length=300,
                           help_text="Optional: what the group did.")
    additional = forms.BooleanField(
        label="An additional session that day", required=False,
        help_text="Only if the group had already met for this on the day.")

    def __init__(self, *args, pupils, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils = list(pupils)
        self.fields["date"].govuk_width = "govuk-input--width-10"
        self.fields["minutes"].govuk_width = "govuk-input--width-3"
        for pupil in self.pupils:
            self.fields[f"pupil_{pupil.pk}"] = forms.ChoiceField(
                label=pupil.full_name, choices=ATTENDANCE, required=False,
                initial="delivered", widget=forms.RadioSelect)

    def attendance(self) -> dict:
        return {pupil: self.cleaned_data.get(f"pupil_{pupil.pk}") for pupil in self.pupils
                if self.cleaned_data.get(f"pupil_{pupil.pk}")}


class ProvisionTypeForm(GovukModelForm):
    class Meta:
        model = ProvisionType
        fields = ["name", "description", "need_area", "staff_type", "usual_group_size",
                  "usual_sessions_per_week", "usual_minutes"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("usual_group_size", "usual_sessions_per_week", "usual_minutes"):
            self.fields[name].govuk_width = "govuk-input--width-3"
