"""One filter set for the register, serving both the page and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from apps.money.rules import SpendState
from apps.money.selectors import spend_by_pupil
from apps.plans.selectors import reviews_due, reviews_this_month
from apps.pupils.rules import NeedArea, SenStatus, YearGroup, need_types_in
from apps.pupils.selectors import search_pupils
from backend.govuk import GovukFormMixin

from .rules import WEEK_AHEAD
from .selectors import sees_money


class RegisterFilterForm(GovukFormMixin, forms.Form):
    pass


class RegisterFilter(django_filters.FilterSet):
    sen_status = django_filters.ChoiceFilter(
        label="SEN status", choices=SenStatus.choices, empty_label="Any status"
    )
    year_group = django_filters.ChoiceFilter(
        label="Year group", choices=YearGroup.choices, empty_label="Any year"
    )
    class_name = django_filters.CharFilter(label="Class", lookup_expr="iexact")
    need_area = django_filters.ChoiceFilter(
        label="Area of need",
        choices=NeedArea.choices,
        method="filter_need_area",
        empty_label="Any area",
    )
    q = django_filters.CharFilter(label="Name or UPN", method="filter_search")
    overdue = django_filters.ChoiceFilter(
        label="Review", choices=[("true", "Overdue"), ("false", "Not overdue")],
        empty_label="Any", method="filter_overdue")
    review = django_filters.ChoiceFilter(
        label="Review date", empty_label="Any",
        choices=[("due", "In the next 14 days"), ("month", "This month")],
        method="filter_review")
    roll = django_filters.ChoiceFilter(
        label="On roll", empty_label="On roll now",
        choices=[("left", "Left the school"), ("all", "Everyone")], method="filter_roll")
    spend = django_filters.ChoiceFilter(
        label="Cost this year", empty_label="Any",
        choices=[(SpendState.OVER.value, "Over the threshold"),
                 (SpendState.APPROACHING.value, "Approaching"),
                 (SpendState.UNDER.value, "Under")],
        method="filter_spend")

    class Meta:
        form = RegisterFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        membership = getattr(self.request, "membership", None)
        # Only those who see money can filter by it. (Without a membership the filter set
        # is being described for the OpenAPI schema, which documents every filter.)
        if membership is not None and not sees_money(membership):
            del self.filters["spend"]

    def in_words(self) -> str:
        """The filters chosen, in words, for a page or a file about the pupils they match
        (a print for a parents' evening): "Class 4B, Year 4, Review date: this month"."""
        asked = self.form.cleaned_data
        words = [f"Class {asked['class_name']}"] if asked.get("class_name") else []
        for name, chosen in self.filters.items():
            if not asked.get(name) or "choices" not in chosen.extra:
                continue
            label = {str(value): label for value, label in chosen.extra["choices"]}[
                str(asked[name])]
            words.append(label if name in ("sen_status", "year_group", "need_area")
                         else f"{chosen.label}: {label.lower()}")
        if asked.get("q"):
            words.append(f"matching “{asked['q']}”")
        return ", ".join(words) or "Everyone on the register"

    def filter_spend(self, queryset, name, value):
        ids = list(queryset.values_list("pk", flat=True))
        spend = spend_by_pupil(ids, self.request.membership.school)
        return queryset.filter(pk__in=[pk for pk in ids if spend[pk].state == value])

    def filter_queryset(self, queryset):
        # The working register is the pupils on roll; leavers are asked for (``roll``).
        if not self.form.cleaned_data.get("roll"):
            queryset = queryset.filter(left_on__isnull=True)
        return super().filter_queryset(queryset)

    def filter_roll(self, queryset, name, value):
        return queryset.filter(left_on__isnull=False) if value == "left" else queryset

    def filter_need_area(self, queryset, name, value):
        codes = need_types_in(value)
        return queryset.filter(Q(primary_need__in=codes) | Q(secondary_need__in=codes))

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(review_overdue=value == "true")

    def filter_review(self, queryset, name, value):
        today = timezone.localdate()
        due = reviews_this_month(today) if value == "month" else reviews_due(today, WEEK_AHEAD)
        return queryset.filter(pk__in=due.values("plan__pupil"))

    def filter_search(self, queryset, name, value):
        return search_pupils(queryset, value)
