"""Records past each school's retention period: listed by default (the dry run), deleted
with --delete. The head does the same from the Retention page; this is for whoever runs
the service, for example from a scheduled job after the schools have agreed to it."""

from django.core.management.base import BaseCommand, CommandError

from apps.privacy import retention
from apps.schools.models import School
from apps.schools.tenancy import school_scope


class Command(BaseCommand):
    help = "List (or, with --delete, delete) pupils' records past the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="the school's slug (default: every school)")
        parser.add_argument("--delete", action="store_true",
                            help="delete what is listed (without it, nothing changes)")

    def handle(self, *args, school=None, delete=False, **options):
        schools = School.objects.order_by("slug")
        if school:
            schools = schools.filter(slug=school)
            if not schools:
                raise CommandError(f"No school has the slug {school}.")
        for each in schools:
            with school_scope(each):
                plan = (retention.delete_due(each, actor=None) if delete
                        else retention.review(each))
            verb = "deleted" if delete else "would be deleted (dry run)"
            self.stdout.write(
                f"{each.slug}: {len(plan.due)} pupil(s) born on or before "
                f"{plan.cutoff:%Y-%m-%d} {verb}; records: {plan.records or 'none'}")
