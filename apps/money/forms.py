from django import forms

from apps.plans.forms import GovukModelForm
from apps.pupils.rules import NeedArea, YearGroup
from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from .models import CostSettings, SenBudget, TopUpRequest


class CostSettingsForm(GovukModelForm):
    effective_from = forms.DateField(
        label="These settings take effect from", widget=DateInput(),
        help_text="Earlier dates keep the settings they had: a change never rewrites a "
                  "past budget year.")

    class Meta:
        model = CostSettings
        fields = ["teacher_rate", "ta_rate", "specialist_rate", "threshold",
                  "approaching_percent", "budget_year"]
        help_texts = {"ta_rate": "Per hour, including on-costs. Timetabled external "
                                 "provision is costed at the specialist rate."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["effective_from", *self.Meta.fields])
        self.fields["effective_from"].govuk_width = "govuk-input--width-10"
        for name in ("teacher_rate", "ta_rate", "specialist_rate", "threshold"):
            self.fields[name].govuk_width = "govuk-input--width-10"
        self.fields["approaching_percent"].govuk_width = "govuk-input--width-3"


class SenBudgetForm(GovukModelForm):
    class Meta:
        model = SenBudget
        fields = ["amount"]
        labels = {"amount": "Notional SEN budget for this year (£)"}


class TopUpDraftForm(GovukFormMixin, forms.Form):
    amount_requested = forms.DecimalField(
        label="Amount to ask for (£)", required=False, max_digits=11, decimal_places=2,
        help_text="Leave empty to ask for the projected cost above the threshold.")
    reason = forms.CharField(
        label="Reason", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed if you ask for a different amount, or for a pupil not yet over "
                  "the threshold.")


class TopUpChangeForm(GovukModelForm):
    class Meta:
        model = TopUpRequest
        fields = ["amount_requested", "reason"]


class SubmitForm(GovukFormMixin, forms.Form):
    on = forms.DateField(label="Date sent to the local authority", widget=DateInput())


class ApproveForm(GovukFormMixin, forms.Form):
    approved_amount = forms.DecimalField(label="Amount approved (£)", required=False,
                                         max_digits=11, decimal_places=2)
    period_start = forms.DateField(label="Funding starts", widget=DateInput(), required=False)
    period_end = forms.DateField(label="Funding ends", widget=DateInput(), required=False)
    on = forms.DateField(label="Date of the decision", widget=DateInput())


class DeclineForm(GovukFormMixin, forms.Form):
    decline_reason = forms.CharField(label="Reason the local authority gave", required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="Date of the decision", widget=DateInput())


class WithdrawForm(GovukFormMixin, forms.Form):
    on = forms.DateField(label="Date withdrawn", widget=DateInput())


class WhatWorksFilterForm(GovukFormMixin, forms.Form):
    """The filters of what works and what it costs (what_works.py). ``years``: the budget
    years offered, as (first day, words)."""

    year = forms.ChoiceField(label="Budget year", required=False)
    year_group = forms.TypedChoiceField(
        label="Year group", coerce=int, required=False, empty_value=None,
        choices=[("", "Every year group"), *YearGroup.choices])
    need_area = forms.ChoiceField(
        label="Area of need (the pupil's primary need)", required=False,
        choices=[("", "Every area"), *NeedArea.choices])

    def __init__(self, *args, years: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = years
