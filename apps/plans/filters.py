"""Filters for plan resources, shared by pages and the API."""

import django_filters

from apps.schools.filters import IdFilter

from .rules import SessionStatus, Stage

# Filters are declared, never generated from models: generating them queries the model at
# import time, outside any school scope.


class PlanFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="pupil")


class CycleFilter(django_filters.FilterSet):
    pupil = IdFilter(field_name="plan__pupil")
    stage = django_filters.ChoiceFilter(choices=Stage.choices)
    overdue = django_filters.BooleanFilter(field_name="is_overdue",
                                           label="Past the review date with no review")


class CycleItemFilter(django_filters.FilterSet):
    """For outcomes, provisions and evidence: by cycle or by pupil."""

    cycle = IdFilter(field_name="cycle")
    pupil = IdFilter(field_name="cycle__plan__pupil")


class SessionFilter(django_filters.FilterSet):
    provision = IdFilter()
    pupil = IdFilter(field_name="provision__cycle__plan__pupil")
    cycle = IdFilter(field_name="provision__cycle")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")
    status = django_filters.ChoiceFilter(choices=SessionStatus.choices)
