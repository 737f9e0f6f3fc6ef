"""A provision's timetable in words, the same on every page, PDF and export:
"3 times a week, 30 minutes, group of 4", never "3.0 × 30 min"."""

from decimal import Decimal


def times_a_week(sessions) -> str:
    """"Once a week", "Twice a week", "3 times a week", "2.5 times a week"."""
    number = f"{Decimal(sessions).normalize():f}"
    return {"1": "Once a week", "2": "Twice a week"}.get(number, f"{number} times a week")


def timetable_words(sessions_per_week, minutes_per_session, group_size, fixed_cost) -> str:
    """How often, how long, with whom; or the fixed cost."""
    if sessions_per_week is None:
        return f"Fixed cost £{fixed_cost:,.2f}"
    group = "one to one" if (group_size or 1) == 1 else f"in a group of {group_size}"
    return f"{times_a_week(sessions_per_week)}, {minutes_per_session} minutes, {group}"


def provision_timetable(provision) -> str:
    return timetable_words(provision.sessions_per_week, provision.minutes_per_session,
                           provision.group_size, provision.fixed_cost)
