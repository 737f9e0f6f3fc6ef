"""People who sign in: staff and parents. A person's roles live in schools.Membership."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.crypto import salted_hmac

from apps.schools.models import SchoolOwned
from apps.schools.roles import Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """Signs in with an e-mail address. Not owned by a school: one person may work in,
    or have children at, several schools."""

    username = None
    email = models.EmailField("e-mail address", unique=True)
    # Raised by "sign out everywhere": every session signed with the old value ends.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash, with the session epoch in it."""
        return salted_hmac("accounts.User.session", f"{self.password}:{self.session_epoch}",
                           secret=secret, algorithm="sha256").hexdigest()


class Invitation(SchoolOwned):
    """An e-mail invitation to join a school in a role. The link in it is signed, works
    once and expires (``accounts/invitations.py``); resending makes a new link and ends the
    old one. Someone who already has an account accepts a new membership with it."""

    email = models.EmailField("e-mail address")
    first_name = models.CharField("first name", max_length=150)
    last_name = models.CharField("last name", max_length=150)
    role = models.CharField(max_length=20, choices=Role.choices)
    classes = models.JSONField(default=list, blank=True)  # given to the membership
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="Empty when the service created the school and invited its first SENCO.")
    created_at = models.DateTimeField(auto_now_add=True)
    # The newest link's secret part and when it stops working: a resend replaces both.
    link_key = models.CharField(max_length=43, editable=False)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    # The link last e-mailed, so a retried send does not send the same link twice.
    emailed_key = models.CharField(max_length=43, blank=True, editable=False)
    # The link whose holder asked for a new one (expired or replaced), so the school is
    # asked once per link however often the button is pressed.
    renewal_asked_key = models.CharField(max_length=43, blank=True, editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            # One invitation waiting per person and school: a second is a resend.
            models.UniqueConstraint(
                fields=["school", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email"),
        ]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
