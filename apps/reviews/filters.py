import django_filters


class ReviewFilter(django_filters.FilterSet):
    cycle = django_filters.NumberFilter(field_name="cycle")
    pupil = django_filters.NumberFilter(field_name="cycle__plan__pupil")
