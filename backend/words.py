"""Dates in words on every page and PDF ("19 January 2027"), including dates kept as text
in a record's snapshot (a top-up request's evidence, a shared plan). settings.TEMPLATES
registers it as the library ``words``."""

import datetime

from django import template

register = template.Library()


@register.filter
def day(value, default=""):
    """A date, or an ISO date as text, as "19 January 2027"; ``default`` for none."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        return default
    return f"{value:%-d %B %Y}"



@register.filter
def clock(value, default=""):
    """A time as GOV.UK style writes it: "9am", "3:30pm", "midday", "midnight"."""
    if not isinstance(value, datetime.time):
        return default
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"
