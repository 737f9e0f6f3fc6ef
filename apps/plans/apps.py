from django.apps import AppConfig


class PlansConfig(AppConfig):
    """Support plans and their Assess-Plan-Do cycles (Code 6.44-6.56): built on the
    register (apps.pupils) by the APDR work; it has no models yet."""

    name = "apps.plans"
    label = "plans"
    verbose_name = "Support plans"
