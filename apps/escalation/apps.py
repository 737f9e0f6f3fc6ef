from django.apps import AppConfig


class EscalationConfig(AppConfig):
    """When to consider an EHC needs assessment, the request and its statutory clock, and
    the evidence bundle (Code 6.63, 9.14). Reads everything before it; nothing reads it."""

    name = "apps.escalation"
    label = "escalation"
    verbose_name = "Escalation"
