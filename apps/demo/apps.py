from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data that spans every app: it depends on all of them and nothing depends on
    it, so it cannot bend the one-way flow between the domain apps."""

    name = "apps.demo"
    label = "demo"
    verbose_name = "Demo data"
