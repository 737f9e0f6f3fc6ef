"""The coloured tags that show a state on a page (GOV.UK Design System "Tag"): one table,
so a state reads the same, in the same colour, on every page. It reads the states of
every app, so it lives with the project, not in an app (settings.TEMPLATES registers it
as the library ``status_tags``)."""

from django import template
from django.utils.safestring import mark_safe

from apps.escalation.rules import Recommendation
from apps.money.rules import SpendState
from apps.parents.rules import MeetingState
from apps.plans.rules import Stage
from apps.pupils.rules import SenStatus

register = template.Library()


def _tag(label: str, colour: str) -> str:
    return mark_safe(f'<strong class="govuk-tag govuk-tag--{colour}">{label}</strong>')


# kind: ({value: tag}, the tag for any other value)
TAGS = {
    "sen_status": ({SenStatus.SEN_SUPPORT: _tag("SEN support", "blue"),
                    SenStatus.EHC_PLAN: _tag("EHC plan", "purple")},
                   _tag("No SEN", "grey")),
    "stage": ({Stage.CLOSED: _tag("Closed", "grey"), Stage.REVIEW: _tag("Review", "purple"),
               Stage.DO: _tag("Do", "green"), Stage.PLAN: _tag("Plan", "blue")},
              _tag("Assess", "yellow")),
    "spend": ({SpendState.OVER: _tag("Over", "red"),
               SpendState.APPROACHING: _tag("Approaching", "orange"),
               SpendState.UNDER: _tag("Under", "green")}, ""),
    "meeting": ({MeetingState.MISSED: _tag("Missed", "red"),
                 MeetingState.AT_RISK: _tag("At risk", "orange")},
                _tag("On track", "green")),
    "recommendation": ({Recommendation.STRONG: _tag("Strong", "red"),
                        Recommendation.CONSIDER: _tag("Consider", "yellow"),
                        Recommendation.REQUESTED: _tag("Requested", "blue"),
                        Recommendation.HOLDS_PLAN: _tag("EHC plan", "purple")},
                       _tag("None", "grey")),
}


@register.simple_tag
def status_tag(kind: str, value) -> str:
    """``{% status_tag "stage" cycle.stage %}``."""
    tags, otherwise = TAGS[kind]
    return tags.get(value, otherwise)
