"""Create a school and invite its first SENCO: for whoever runs the service."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.accounts.invitation_email import invitation_url
from apps.accounts.onboarding import school_create
from apps.schools.models import School


class Command(BaseCommand):
    help = ("Create a school (and its trust, if new) and e-mail its first SENCO an "
            "invitation. Prints the invitation's link too.")

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The school's name.")
        parser.add_argument("--urn", required=True, help="Unique Reference Number, 6 digits.")
        parser.add_argument("--la-code", required=True, help="Local authority number, 3 digits.")
        parser.add_argument("--la-name", required=True, help="Local authority's name.")
        parser.add_argument("--phase", required=True, choices=School.Phase.values)
        parser.add_argument("--trust", default="", help="The trust's name, if an academy.")
        parser.add_argument("--senco-email", required=True)
        parser.add_argument("--senco-first-name", required=True)
        parser.add_argument("--senco-last-name", required=True)

    def handle(self, *args, **options):
        fields = ("name", "urn", "la_code", "la_name", "phase", "trust", "senco_email",
                  "senco_first_name", "senco_last_name")
        try:
            school, invitation = school_create(**{f: options[f] for f in fields})
        except ValidationError as error:
            raise CommandError("; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in
                error.message_dict.items())) from None
        until = timezone.localtime(invitation.expires_at)
        self.stdout.write(
            f"Created {school.name} (/s/{school.slug}/). An invitation has been e-mailed to "
            f"{invitation.email}; it works once, until {until.day} {until:%B %Y}:\n"
            f"{invitation_url(invitation)}")
