from django.apps import AppConfig


class MoneyConfig(AppConfig):
    """What support costs against element 2, the provision map, and element 3 top-up
    requests. Reads plans and reviews; they never read it."""

    name = "apps.money"
    label = "money"
    verbose_name = "Money"
