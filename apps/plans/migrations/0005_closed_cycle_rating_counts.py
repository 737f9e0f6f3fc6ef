from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce

from apps.schools.tenancy import dangerously_all_schools


def count_ratings(apps, schema_editor):
    """Each closed cycle's counts from its review's ratings (every school). The ratings
    counted as not achieved are those of reviews.rules.UNACHIEVED when this was written."""
    Cycle = apps.get_model("plans", "Cycle")
    OutcomeRating = apps.get_model("reviews", "OutcomeRating")

    def counted(**only):
        return Coalesce(Subquery(
            OutcomeRating.objects.filter(outcome__cycle=OuterRef("pk"), **only).order_by()
            .values("outcome__cycle").annotate(n=Count("pk")).values("n")), 0)

    with dangerously_all_schools():
        Cycle.objects.filter(stage="closed").update(
            rated_outcomes=counted(),
            unachieved_outcomes=counted(rating__in=["partly", "not_achieved"]))


class Migration(migrations.Migration):

    dependencies = [
        ('plans', '0004_provision_tally'),
        ('schools', '0003_school_retention_years'),
        ('reviews', '0002_review_school_held_on'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='cycle',
            name='rated_outcomes',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='cycle',
            name='unachieved_outcomes',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name='outcomes not achieved or partly achieved'),
        ),
        migrations.RunPython(count_ratings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='cycle',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('rated_outcomes__isnull', False), ('stage', 'closed'), ('unachieved_outcomes__isnull', False)), models.Q(models.Q(('stage', 'closed'), _negated=True), ('rated_outcomes__isnull', True), ('unachieved_outcomes__isnull', True)), _connector='OR'), name='closed_cycle_keeps_its_ratings'),
        ),
    ]
