from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who read or changed which child's record, when, in which school and from where
    (django-auditlog). Append-only. It imports no other app of ours (it names the models it
    records by label), so every app may record through it: the base views and viewsets
    record each access. A pupil's trail is read on a page of apps.privacy."""

    name = "apps.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from django.db.models.signals import post_migrate, pre_save

        from . import trail
        from .middleware import name_the_actor
        from .models import Entry

        trail.register_models()
        trail.guard_append_only()
        post_migrate.connect(trail.install_append_only_trigger, dispatch_uid="audit.trigger")
        pre_save.connect(name_the_actor, sender=Entry, dispatch_uid="audit.actor")
