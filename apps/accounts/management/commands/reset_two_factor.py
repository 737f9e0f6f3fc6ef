"""For someone who has lost the phone with their authenticator app: remove their app and
end their sessions. They set up a new app the next time they sign in with their password.
Check who is asking before running it — this is the one way round the second step."""

from django.core.management.base import BaseCommand, CommandError

from apps.accounts import services
from apps.accounts.models import User


class Command(BaseCommand):
    help = "Remove a person's authenticator app (a lost phone) and sign them out everywhere."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        try:
            user = User.objects.get(email=email.strip().lower())
        except User.DoesNotExist:
            raise CommandError(f"No one signs in as {email}.") from None
        removed = services.reset_two_factor(user=user)
        self.stdout.write(f"Removed {removed} authenticator app(s) for {user.email} and "
                          "ended their sessions. They will set up a new app when they next "
                          "sign in.")
