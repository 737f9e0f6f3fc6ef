from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.schools.tenancy import dangerously_all_schools


def count_sessions(apps, schema_editor):
    """Each provision's tally from the sessions already recorded (every school)."""
    Provision = apps.get_model("plans", "Provision")
    DeliveredSession = apps.get_model("plans", "DeliveredSession")

    def tally(status, total):
        return Coalesce(Subquery(
            DeliveredSession.objects.filter(provision=OuterRef("pk"), status=status)
            .order_by().values("provision").annotate(n=total).values("n")), 0)

    with dangerously_all_schools():
        Provision.objects.update(
            delivered_sessions=tally("delivered", Count("pk")),
            delivered_minutes=tally("delivered", Sum("minutes")),
            absent_sessions=tally("absent", Count("pk")),
            cancelled_sessions=tally("cancelled", Count("pk")),
        )


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0003_session_school_date'),
    ]

    operations = [
        migrations.AddField(
            model_name='provision',
            name='absent_sessions',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='provision',
            name='cancelled_sessions',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='provision',
            name='delivered_minutes',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='provision',
            name='delivered_sessions',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(count_sessions, migrations.RunPython.noop),
    ]
