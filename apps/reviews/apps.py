from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    """Reviews of each cycle and their next steps (Code 6.52-6.56): built on apps.plans by
    the APDR work; it has no models yet."""

    name = "apps.reviews"
    label = "reviews"
    verbose_name = "Reviews"
