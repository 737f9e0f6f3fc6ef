from django import forms
from django.contrib.auth.forms import AuthenticationForm

from backend.govuk import GovukFormMixin


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
