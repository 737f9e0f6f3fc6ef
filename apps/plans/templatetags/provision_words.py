"""A provision's timetable in words on pages (apps/plans/timetable.py)."""

from django import template

from apps.plans.timetable import provision_timetable, timetable_words

register = template.Library()


@register.filter
def timetable(provision):
    """"3 times a week, 30 minutes, in a group of 4"."""
    return provision_timetable(provision)


@register.filter
def usual_timetable(kind):
    """An intervention's usual timetable, as a provision's is shown."""
    return timetable_words(kind.usual_sessions_per_week, kind.usual_minutes,
                           kind.usual_group_size, None)
