"""Template tags for the project's form widgets (templates/django/forms/widgets/;
settings.TEMPLATES registers this as the library ``form_tags``)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def select_options(optgroups) -> str:
    """A select's ``<option>``s (and any ``<optgroup>``s) from Django's
    ``widget.optgroups``: value, label and whether it is selected, which is all a select's
    option carries here. Written in Python, since the register's filters are five selects
    of 33 options in all, and each option through the template language cost as much as a
    row of the register."""
    parts = []
    for group_name, options, _index in optgroups:
        html = format_html_join("", '\n  <option value="{}"{}>{}</option>', (
            (str(option["value"]), mark_safe(" selected") if option["selected"] else "",
             option["label"]) for option in options))
        parts.append(format_html('\n  <optgroup label="{}">{}\n  </optgroup>', group_name, html)
                     if group_name else html)
    return mark_safe("".join(parts))
