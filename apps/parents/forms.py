from django import forms

from apps.plans.forms import GovukModelForm
from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from .models import ParentMeeting


class MeetingForm(GovukModelForm):
    held = forms.TypedChoiceField(
        label="Has the meeting happened?", coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, record it"), ("no", "No, plan it and invite the parents")],
        widget=forms.RadioSelect, error_messages={"required": "Say whether it has happened"})

    class Meta:
        model = ParentMeeting
        fields = ["date", "kind", "attendees", "parent_views", "agreed"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("attendees", "parent_views", "agreed")}
        labels = {"kind": "Kind of meeting"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["held", "date", "kind", "attendees", "parent_views", "agreed"])
        self.fields["date"].widget = DateInput()
        self.fields["date"].govuk_width = "govuk-input--width-10"


class ShareForm(GovukFormMixin, forms.Form):
    parent_help = forms.CharField(
        label="How the parents can help at home", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In plain words, for example: read together for ten minutes each evening.")


class ViewsForm(GovukFormMixin, forms.Form):
    views = forms.CharField(
        label="Your views for the next review", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is going well, what worries you, and what you would like to change.",
        error_messages={"required": "Write your views before sending them"})
