from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "apps.schools"
    label = "schools"
    verbose_name = "Schools and tenancy"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the tenancy system check)
        from .rls import install_row_level_security

        post_migrate.connect(install_row_level_security, dispatch_uid="schools.rls")
