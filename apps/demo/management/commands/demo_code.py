"""The code the demo authenticator app shows now (for the demo SENCO, head and trust lead).
It knows only the demo's published key, so it signs no one else in."""

from django.core.management.base import BaseCommand

from apps.demo.authenticator import current_code, setup_key


class Command(BaseCommand):
    help = "Print the current two-step verification code for the demo accounts."

    def handle(self, *args, **options):
        self.stdout.write(current_code())
        self.stderr.write(f"(valid for up to 30 seconds; demo setup key {setup_key()})")
