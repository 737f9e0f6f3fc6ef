from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """A pupil's rights over their data (UK GDPR): the subject access export and the
    retention of records. It reads every app's part of a pupil's record, so it sits
    downstream of them all; nothing depends on it."""

    name = "apps.privacy"
    label = "privacy"
    verbose_name = "Data protection"
