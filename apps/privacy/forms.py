from django import forms

from apps.schools.forms import DateInput
from apps.schools.models import School
from backend.govuk import GovukFormMixin


class RetentionPeriodForm(GovukFormMixin, forms.ModelForm):
    class Meta:
        model = School
        fields = ["retention_years"]
        labels = {"retention_years": "Keep a pupil's records until this many years after "
                  "their date of birth"}
        help_texts = {"retention_years": "Use your school's retention schedule. The IRMS "
                      "toolkit for schools suggests 31 years for SEN files. The least "
                      "allowed is 25."}
        error_messages = {"retention_years": {
            "min_value": "The retention period must be 25 years or more",
            "max_value": "The retention period must be 100 years or fewer",
            "invalid": "Enter the retention period as a whole number of years",
            "required": "Enter the retention period in years"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["retention_years"].govuk_width = "govuk-input--width-3"


class DeleteDueForm(GovukFormMixin, forms.Form):
    """Confirms the list the person was shown: the pupils' ids travel with the form."""

    pupils = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm = forms.BooleanField(
        label="I have checked this list and these records can be deleted permanently",
        error_messages={"required": "Confirm that you have checked the list"})

    def clean_pupils(self):
        value = self.cleaned_data["pupils"]
        try:
            return {int(part) for part in value.split(",") if part}
        except ValueError:
            raise forms.ValidationError("Check the list again.") from None


class ReceivedRecordForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="The SEN record file (.json)",
        help_text="Exported by the other school from its pupil page (\"Download the SEN "
                  "record for another school\"). You will see it before it is added.",
        error_messages={"required": "Choose the SEN record file",
                        "empty": "The file is empty"})


class TransferForm(GovukFormMixin, forms.Form):
    """The school is offered from the trust's others; the id that comes back goes through
    the access door (access_destination), so one outside the trust is a 404."""

    to_school = forms.IntegerField(
        label="Which school is the pupil moving to?", widget=forms.RadioSelect,
        error_messages={"required": "Choose the school the pupil is moving to",
                        "invalid": "Choose the school the pupil is moving to"})
    leaving_on = forms.DateField(
        label="Date they leave this school", widget=DateInput(),
        error_messages={"required": "Enter the date they leave this school",
                        "invalid": "Enter the date they leave as a real date"})

    def __init__(self, *args, schools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_school"].widget.choices = [(school.pk, school.name)
                                                   for school in schools]


class CtfImportForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="The Common Transfer File (.xml)",
        help_text="Sent by the last school through the DfE's School to School service, or "
                  "by your MIS after it imported it.",
        error_messages={"required": "Choose the Common Transfer File",
                        "empty": "The file is empty"})


class CtfExportForm(GovukFormMixin, forms.Form):
    """A CTF names the pupil's sex as the census records it; this service does not keep
    it, so it is asked here and not stored."""

    sex = forms.ChoiceField(
        label="Sex, as recorded in the school census", widget=forms.RadioSelect,
        choices=[("F", "Female"), ("M", "Male")],
        error_messages={"required": "Choose the pupil's sex as recorded in the school census"})
    destination = forms.RegexField(
        label="DfE number of the next school (optional)", required=False,
        regex=r"^\s*[0-9]{3}\s*/?\s*[0-9]{4}\s*$",
        help_text="7 digits, for example 801/4002. Leave it empty if the next school is not "
                  "known yet.",
        error_messages={"invalid": "Enter the DfE number as 7 digits, for example 801/4002"})

    def clean_destination(self):
        digits = "".join(ch for ch in self.cleaned_data["destination"] if ch.isdigit())
        return (digits[:3], digits[3:]) if digits else None
