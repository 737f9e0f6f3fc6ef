from django.db import migrations, models
from django.db.models import Max, Min, OuterRef, Subquery

from apps.schools.tenancy import dangerously_all_schools


def find_first_and_last(apps, schema_editor):
    """Each provision's first and last delivered session from those recorded (every
    school)."""
    Provision = apps.get_model("plans", "Provision")
    DeliveredSession = apps.get_model("plans", "DeliveredSession")

    def delivered(day):
        return Subquery(
            DeliveredSession.objects.filter(provision=OuterRef("pk"), status="delivered")
            .order_by().values("provision").annotate(day=day).values("day"))

    with dangerously_all_schools():
        Provision.objects.filter(delivered_sessions__gt=0).update(
            first_delivered_on=delivered(Min("date")), last_delivered_on=delivered(Max("date")))


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0006_cycle_delivered_minutes'),
    ]

    operations = [
        migrations.AddField(
            model_name='provision',
            name='first_delivered_on',
            field=models.DateField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='provision',
            name='last_delivered_on',
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(find_first_and_last, migrations.RunPython.noop),
    ]
