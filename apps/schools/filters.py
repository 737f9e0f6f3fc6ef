"""Filter types shared by every app's filter sets."""

import django_filters

BIGGEST_ID = 2**63 - 1  # a bigint, on PostgreSQL and SQLite alike


class IdFilter(django_filters.NumberFilter):
    """A filter by a row's id: a whole number within what the database can compare, so
    ``?pupil=1e30`` is a 400 with a message, not an overflow deep in the driver."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", BIGGEST_ID)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)
