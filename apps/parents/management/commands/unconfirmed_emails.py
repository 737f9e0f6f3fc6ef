"""E-mails whose worker died between sending them and marking them sent: each may or may
not have gone, and none is sent again (apps/parents/email.py). Check each with the mail
server's log; --confirm KEY marks one as sent, --release KEY lets its task send it again
the next time it runs."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.parents.email import unconfirmed
from apps.schools.models import School
from apps.schools.tenancy import school_scope


class Command(BaseCommand):
    help = "List e-mails claimed but never marked sent; confirm or release one."

    def add_arguments(self, parser):
        parser.add_argument("--school", help="the school's slug (default: every school)")
        parser.add_argument("--confirm", metavar="KEY", help="it was sent: mark it so")
        parser.add_argument("--release", metavar="KEY", help="it was not: let it be sent")

    def handle(self, *args, school=None, confirm=None, release=None, **options):
        schools = School.objects.order_by("slug")
        if school:
            schools = schools.filter(slug=school)
            if not schools:
                raise CommandError(f"No school has the slug {school}.")
        if (confirm or release) and not school:
            raise CommandError("Name the --school of the e-mail to confirm or release.")
        for each in schools:
            with school_scope(each):
                claims = unconfirmed()
                if confirm or release:
                    key = confirm or release
                    if key not in claims:
                        raise CommandError(f"{each.slug} has no unconfirmed e-mail {key}.")
                    claim = claims[key][0]
                    if confirm:
                        type(claim).objects.filter(pk=claim.pk).update(sent_at=timezone.now())
                    else:
                        type(claim).objects.filter(pk=claim.pk).delete()
                    done = "marked sent" if confirm else "released"
                    self.stdout.write(f"{each.slug}: {key} {done}")
                    continue
                for key, (claim, recipient) in claims.items():
                    self.stdout.write(f"{each.slug}\t{key}\t{recipient}\t"
                                      f"claimed {claim.claimed_at:%Y-%m-%d %H:%M}")
