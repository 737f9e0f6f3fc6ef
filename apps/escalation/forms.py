from django import forms

from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from . import rules


def dated(form, *names):
    for name in names:
        form.fields[name].govuk_width = "govuk-input--width-10"


class DecisionForm(GovukFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=rules.Decision.choices, widget=forms.RadioSelect,
                                 label="Decision")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label="Why",
                             error_messages={"required": "Give the reason for the decision"})


class RequestForm(GovukFormMixin, forms.Form):
    requester = forms.ChoiceField(choices=rules.Requester.choices, widget=forms.RadioSelect,
                                  label="Who made the request")
    received_on = forms.DateField(label="Date the local authority received it",
                                  widget=DateInput())
    parents_informed_on = forms.DateField(
        label="Date the parents were told", widget=DateInput(), required=False,
        help_text="Needed when the school makes the request.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "received_on", "parents_informed_on")


class OutcomeForm(GovukFormMixin, forms.Form):
    outcome = forms.ChoiceField(label="What the local authority decided",
                                widget=forms.RadioSelect, choices=[
                                    (s, rules.RequestStatus(s).label) for s in (
                                        "assessing", "refused", "issued", "not_issued",
                                        "withdrawn")])
    on = forms.DateField(label="Date of the decision", widget=DateInput())
    reason = forms.CharField(label="Notes", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "on")


class ParentAskForm(GovukFormMixin, forms.Form):
    asked_on = forms.DateField(label="Date the parents asked", widget=DateInput())
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "asked_on")


class StepsForm(GovukFormMixin, forms.Form):
    """The dates of the steps within an assessment (services.request_steps)."""

    advice_requested_on = forms.DateField(
        label="Date the local authority asked the school for advice", widget=DateInput(),
        required=False, help_text="The school's advice is due within 6 weeks.")
    advice_sent_on = forms.DateField(label="Date the school sent its advice",
                                     widget=DateInput(), required=False)
    draft_plan_on = forms.DateField(
        label="Date the draft plan was sent to the family", widget=DateInput(), required=False,
        help_text="The family has at least 15 days to comment on it.")
    comments_sent_on = forms.DateField(label="Date comments on the draft plan were sent",
                                       widget=DateInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, *self.fields)


class ExceptionForm(GovukFormMixin, forms.Form):
    """Why one of the local authority's time limits does not apply."""

    deadline = forms.ChoiceField(
        label="Which deadline", widget=forms.RadioSelect,
        choices=[(d, rules.Deadline(d).label) for d in rules.EXCEPTION_REGULATIONS])
    reason = forms.ChoiceField(label="The reason the Regulations allow",
                               widget=forms.RadioSelect, choices=rules.ExceptionReason.choices)
    details = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "Say what happened: the reason in "
                                                          "your own words."})
    starts_on = forms.DateField(label="From", widget=DateInput())
    ends_on = forms.DateField(label="To", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "starts_on", "ends_on")


class AnnualReviewForm(GovukFormMixin, forms.Form):
    """An annual review of an EHC plan, planned or held, with up to OUTCOME_ROWS of the
    plan's outcomes and the progress against each."""

    OUTCOME_ROWS = 6

    held = forms.TypedChoiceField(
        label="Has the review meeting happened?", coerce=lambda v: v == "yes",
        choices=[("yes", "Yes, record it"), ("no", "No, plan it")], widget=forms.RadioSelect,
        error_messages={"required": "Say whether the meeting has happened"})
    meeting_on = forms.DateField(label="Date of the review meeting", widget=DateInput())
    invitations_sent_on = forms.DateField(
        label="Date the invitations and advice were sent", widget=DateInput(), required=False,
        help_text="At least 2 weeks before the meeting.")
    parent_views = forms.CharField(label="The parents' views", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    pupil_views = forms.CharField(label="The pupil's views", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    proposed_amendments = forms.CharField(label="Amendments proposed", required=False,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    transfer = forms.ChoiceField(
        label="Is the pupil moving to a new phase after this school year?", required=False,
        widget=forms.RadioSelect, choices=[("", "No")] + rules.Transfer.choices)
    report_sent_on = forms.DateField(
        label="Date the report was sent to the local authority", widget=DateInput(),
        required=False, help_text="Within 2 weeks of the meeting.")
    decision = forms.ChoiceField(label="The local authority's decision", required=False,
                                 widget=forms.RadioSelect,
                                 choices=[("", "Not decided yet")] + rules.ReviewDecision.choices)
    decision_on = forms.DateField(label="Date of the decision", widget=DateInput(),
                                  required=False, help_text="Within 4 weeks of the meeting.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dated(self, "meeting_on", "invitations_sent_on", "report_sent_on", "decision_on")
        for n in range(1, self.OUTCOME_ROWS + 1):
            self.fields[f"outcome_{n}"] = forms.CharField(
                label=f"Outcome {n} of the plan", required=False)
            self.fields[f"progress_{n}"] = forms.CharField(
                label=f"Progress against outcome {n}", required=False,
                widget=forms.Textarea(attrs={"rows": 2}))

    @classmethod
    def initial_outcomes(cls, outcomes) -> dict:
        initial = {}
        for n, row in enumerate(outcomes[:cls.OUTCOME_ROWS], start=1):
            initial[f"outcome_{n}"], initial[f"progress_{n}"] = row["outcome"], row["progress"]
        return initial

    @classmethod
    def service_data(cls, cleaned_data) -> dict:
        """The cleaned data as the service takes it: the outcomes as one list."""
        data = dict(cleaned_data)
        data["outcomes"] = [{"outcome": data.pop(f"outcome_{n}"),
                             "progress": data.pop(f"progress_{n}")}
                            for n in range(1, cls.OUTCOME_ROWS + 1)]
        return data
