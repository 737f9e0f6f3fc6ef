from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from apps.schools.models import School
from apps.schools.roles import STAFF_ROLE_CHOICES
from backend.govuk import GovukFormMixin

from .models import User


class SignInForm(GovukFormMixin, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct e-mail address and password. The password is case "
        "sensitive.",
        "inactive": "This account has been switched off. Ask your school's SENCO for help.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "E-mail address"
        # No autofocus: it skips screen-reader users past the page's heading and links.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["password"].widget.attrs.update(autocomplete="current-password")


class CodeForm(GovukFormMixin, forms.Form):
    """The six-digit code from an authenticator app."""

    code = forms.CharField(
        label="Code from your authenticator app", max_length=12,
        help_text="The 6-digit code your app shows for this service, for example 123456.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].govuk_width = "govuk-input--width-10"
        self.fields["code"].widget.attrs.update(
            autocomplete="one-time-code", inputmode="numeric", spellcheck="false")

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456")
        return code


class PersonNameMixin(forms.Form):
    first_name = forms.CharField(max_length=150, error_messages={
        "required": "Enter their first name"})
    last_name = forms.CharField(max_length=150, error_messages={
        "required": "Enter their last name"})


class ClassesField(forms.CharField):
    """Class names typed with commas between them, as a list."""

    def __init__(self, **kwargs):
        super().__init__(
            label="Classes they teach (optional)", required=False, max_length=500,
            help_text="Registration groups as your MIS names them, separated by commas, for "
            "example 3A, 3B. They will see the pupils of these classes.", **kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def clean(self, value):
        return class_list(super().clean(value))


def class_list(text: str) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in (text or "").split(",")
                              if name.strip()))


class InviteeForm(GovukFormMixin, PersonNameMixin):
    """Someone to invite: their name and e-mail address (``email_hint`` says what the
    address is for). Staff are invited below; parents from their child's page."""

    email_hint = ""
    email = forms.EmailField(label="E-mail address", max_length=254, error_messages={
        "required": "Enter their e-mail address",
        "invalid": "Enter an e-mail address in the correct format, like name@example.org"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = self.email_hint
        self.fields["email"].widget.attrs.update(autocomplete="off", spellcheck="false")


class InviteForm(InviteeForm):
    """Invite a member of staff."""

    email_hint = "Their school e-mail address. The invitation link is sent there."
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose their role"})
    classes = ClassesField()


class RoleForm(GovukFormMixin, forms.Form):
    role = forms.ChoiceField(label="Role", choices=STAFF_ROLE_CHOICES,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose their role"})
    classes = ClassesField()


class LeaverForm(GovukFormMixin, forms.Form):
    on = forms.DateField(
        label="Date they left", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="From now on they cannot sign in to this school. What they recorded stays "
        "with their name on it.",
        error_messages={"required": "Enter the date they left",
                        "invalid": "Enter the date they left as a real date"})
    on.govuk_width = "govuk-input--width-10"


class AcceptForm(GovukFormMixin, PersonNameMixin):
    """Someone new accepting an invitation: their name and a password."""

    password1 = forms.CharField(
        label="Create a password", strip=False, widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password"}),
        help_text="At least 8 characters. Three random words make a strong password.",
        error_messages={"required": "Create a password"})
    password2 = forms.CharField(
        label="Type the password again", strip=False, widget=forms.PasswordInput(
            attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password again"})

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The passwords do not match")
        elif first:
            user = User(email=self.email, first_name=data.get("first_name", ""),
                        last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class NewSchoolForm(GovukFormMixin, forms.Form):
    """For whoever runs the service: a school and its first SENCO."""

    name = forms.CharField(label="School name", max_length=200)
    urn = forms.CharField(label="URN", max_length=6,
                          help_text="Unique Reference Number, 6 digits, from Get Information "
                          "about Schools.")
    urn.govuk_width = "govuk-input--width-10"
    la_code = forms.CharField(label="LA code", max_length=3,
                              help_text="The local authority's number, 3 digits.")
    la_code.govuk_width = "govuk-input--width-4"
    la_name = forms.CharField(label="Local authority", max_length=120)
    phase = forms.ChoiceField(choices=School.Phase.choices, widget=forms.RadioSelect)
    trust = forms.CharField(label="Trust (optional)", max_length=200, required=False,
                            help_text="For an academy: the trust's name. A new name creates "
                            "the trust.")
    senco_first_name = forms.CharField(label="SENCO's first name", max_length=150)
    senco_last_name = forms.CharField(label="SENCO's last name", max_length=150)
    senco_email = forms.EmailField(label="SENCO's e-mail address", max_length=254,
                                   help_text="They are sent the invitation to set up the "
                                   "school.")


class StaffFileForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of staff",
        help_text="Headings: First name, Last name, E-mail, Role, and (for teachers and "
        "teaching assistants) Classes, such as \"3A; 3B\".",
        error_messages={"required": "Choose the CSV file to import",
                        "empty": "The file is empty"})
