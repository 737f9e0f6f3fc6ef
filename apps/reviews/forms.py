from django import forms

from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from .rules import REASON_MAX, Impact, NextStep, Rating


class ReviewForm(GovukFormMixin, forms.Form):
    """The review meeting, a rating for each outcome, the impact of each provision, and
    the next step. Outcome and provision fields are built from the cycle."""

    held_on = forms.DateField(label="Date of the review meeting", widget=DateInput(),
                              error_messages={"required": "Enter the date of the meeting"})
    attendees = forms.CharField(label="Who came", widget=forms.Textarea(attrs={"rows": 2}),
                                error_messages={"required": "Enter who came"})
    parents_attended = forms.BooleanField(label="Parents or carers attended", required=False)
    pupil_views = forms.CharField(label="The pupil's views", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    parent_views = forms.CharField(label="The parents' views", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, outcomes, provisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes, self.provisions = list(outcomes), list(provisions)
        self.fields["held_on"].govuk_width = "govuk-input--width-10"
        for outcome in self.outcomes:
            self.fields[f"rating_{outcome.pk}"] = forms.ChoiceField(
                label=f"Outcome: {outcome.description}", choices=Rating.choices,
                required=False, widget=forms.RadioSelect,
                help_text=outcome.success_criteria or None)
            self.fields[f"evidence_{outcome.pk}"] = forms.CharField(
                label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2}))
        for provision in self.provisions:
            self.fields[f"impact_{provision.pk}"] = forms.ChoiceField(
                label=f"Impact of {provision}", choices=[("", "Not recorded")]
                + Impact.choices, required=False)
        self.fields["next_step"] = forms.ChoiceField(
            label="Next step", choices=NextStep.choices, required=False,
            widget=forms.RadioSelect)
        self.fields["next_step_reason"] = forms.CharField(
            label="Why this next step", required=False,
            widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["step_down_on"] = forms.DateField(
            label="Date SEN support ends", required=False, widget=DateInput(),
            help_text="Only when stepping down from SEN support.")
        self.fields["step_down_on"].govuk_width = "govuk-input--width-10"

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "held_on": data["held_on"], "attendees": data["attendees"],
            "parents_attended": data["parents_attended"],
            "pupil_views": data["pupil_views"], "parent_views": data["parent_views"],
            "next_step": data["next_step"], "next_step_reason": data["next_step_reason"],
            "step_down_on": data["step_down_on"],
            "ratings": [{"outcome": o, "rating": data[f"rating_{o.pk}"],
                         "evidence": data[f"evidence_{o.pk}"]}
                        for o in self.outcomes if data.get(f"rating_{o.pk}")],
            "impacts": [{"provision": p, "impact": data[f"impact_{p.pk}"]}
                        for p in self.provisions if data.get(f"impact_{p.pk}")],
        }


class ReopenForm(GovukFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why are you reopening this cycle?", max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: closed before the parents' views were added to the review.",
        error_messages={"required": "Say why the cycle is being reopened."})
