from django import forms

from apps.plans.forms import GovukModelForm
from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from .models import ParentMeeting


class MeetingForm(GovukModelForm):
    """A meeting held or planned. ``reviews``: the pupil's reviews this meeting may have
    been (built per request); ``suggested``: the one to offer first."""

    held = forms.TypedChoiceField(
        label="Has the meeting happened?", coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, record it"), ("no", "No, plan it and invite the parents")],
        widget=forms.RadioSelect, error_messages={"required": "Say whether it has happened"})
    unusual_time_confirmed = forms.BooleanField(
        label="The time is right, although it is early or late", required=False)
    # Declared here, its choices set per request: a model form's own field would query
    # every school's reviews when the class is made.
    review = forms.ModelChoiceField(
        queryset=None, required=False, label="Was this the review meeting of a support plan?",
        help_text="A review meeting the parents came to counts once towards the three "
                  "meetings a year, however it was recorded.")

    class Meta:
        model = ParentMeeting
        fields = ["date", "time", "minutes", "place", "kind", "attendees", "parent_views",
                  "agreed"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("attendees", "parent_views", "agreed")}
        labels = {"kind": "Kind of meeting", "time": "Start time (optional)",
                  "place": "Where (optional)"}
        help_texts = {"time": "For example, 15:30.",
                      "place": "For example, the SENCO's office, or by video call."}

    def __init__(self, *args, reviews, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["held", "date", "time", "unusual_time_confirmed", "minutes",
                           "place", "kind", "review", "attendees", "parent_views", "agreed"])
        self.fields["date"].widget = DateInput()
        self.fields["date"].govuk_width = "govuk-input--width-10"
        self.fields["time"].widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
        self.fields["time"].govuk_width = "govuk-input--width-5"
        self.fields["minutes"].govuk_width = "govuk-input--width-3"
        self.fields["minutes"].required = False
        self.fields["minutes"].label = "Length in minutes (optional)"
        self.fields["minutes"].help_text = "30 if you leave it empty."
        review = self.fields["review"]
        review.queryset = reviews
        review.empty_label = "No, not a review meeting"
        review.label_from_instance = (
            lambda r: f"Yes: the review of cycle {r.cycle.number} on {r.held_on:%-d %B %Y}")
        if suggested is not None and not self.is_bound:
            self.initial.setdefault("review", suggested.pk)


class ShareForm(GovukFormMixin, forms.Form):
    parent_help = forms.CharField(
        label="How the parents can help at home", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In plain words, for example: read together for ten minutes each evening.")
    pupil_views_missing_because = forms.CharField(
        label="Why the pupil's views are not recorded", required=False, max_length=300,
        help_text="Needed only while the pupil's views are not recorded at Assess: for "
                  "example, too young to give them, or gathered another way.")

    def __init__(self, *args, pupil_views_recorded: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if pupil_views_recorded:
            del self.fields["pupil_views_missing_because"]


class ViewsForm(GovukFormMixin, forms.Form):
    views = forms.CharField(
        label="Your views for the next review", widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What is going well, what worries you, and what you would like to change.",
        error_messages={"required": "Write your views before sending them"})
