from django.apps import AppConfig


class PupilsConfig(AppConfig):
    name = "apps.pupils"
    label = "pupils"
    verbose_name = "The SEN register"
