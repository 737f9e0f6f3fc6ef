"""The views parents send for a review are the review's: copied to reviews.ParentViews
(as not yet read, the staff
not e-mailed about them now), then the old table goes."""

from django.db import migrations


def keeping_dates(model):
    # The historical model is this migration's own copy: without auto_now_add the rows
    # keep the date the parent sent them.
    model._meta.get_field("created_at").auto_now_add = False
    return model


def copy_views(apps, schema_editor):
    old = apps.get_model("parents", "ParentContribution")
    new = keeping_dates(apps.get_model("reviews", "ParentViews"))
    new.objects.bulk_create(
        new(school_id=row.school_id, pupil_id=row.pupil_id, cycle_id=row.cycle_id,
            parent_id=row.parent_id, views=row.views, created_at=row.created_at,
            staff_told_at=row.created_at)  # nobody is e-mailed about views sent before
        for row in old.objects.all().iterator())


def copy_back(apps, schema_editor):
    old = keeping_dates(apps.get_model("parents", "ParentContribution"))
    new = apps.get_model("reviews", "ParentViews")
    old.objects.bulk_create(
        old(school_id=row.school_id, pupil_id=row.pupil_id, cycle_id=row.cycle_id,
            parent_id=row.parent_id, views=row.views, created_at=row.created_at)
        for row in new.objects.all().iterator())


class Migration(migrations.Migration):

    dependencies = [
        ("parents", "0006_ehc_plan_meetings"),
        ("reviews", "0003_parent_views"),
    ]

    operations = [
        migrations.RunPython(copy_views, copy_back),
        migrations.DeleteModel(name="ParentContribution"),
    ]
