import django_filters

from apps.schools.filters import IdFilter


class ReviewFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle")
    pupil = IdFilter(field_name="cycle__plan__pupil")
