from django import forms

from apps.accounts.forms import InviteeForm
from backend.govuk import GovukFormMixin

from .csv_columns import COLUMNS
from .rules import (
    PROFILE_SECTION_MAX,
    PROFILE_SECTIONS,
    NeedType,
    NoticeGiven,
    SenStatus,
    YearGroup,
)
from .selectors import school_teachers_and_tas
from .validators import validate_upn

NEED_CHOICES = [("", "None recorded")] + NeedType.choices


class PupilForm(GovukFormMixin, forms.Form):
    upn = forms.CharField(
        label="UPN",
        max_length=20,
        validators=[validate_upn],
        error_messages={"required": "Enter the UPN"},
        help_text="Unique Pupil Number: 13 characters starting with a letter, for example "
        "B801200005001.",
    )
    upn.govuk_width = "govuk-input--width-20"
    first_name = forms.CharField(max_length=100,
                                 error_messages={"required": "Enter a first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter a last name"})
    preferred_first_name = forms.CharField(
        max_length=100, required=False, label="Preferred first name (optional)",
        help_text="What they are known by at school, if different from their legal name.")
    preferred_last_name = forms.CharField(max_length=100, required=False,
                                          label="Preferred last name (optional)")
    date_of_birth = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For example, 27 March 2017.",
        error_messages={"invalid": "Enter the date of birth as a real date.",
                        "required": "Enter the date of birth"},
    )
    date_of_birth.govuk_width = "govuk-input--width-10"
    year_group = forms.TypedChoiceField(choices=YearGroup.choices, coerce=int)
    class_name = forms.CharField(label="Class", max_length=40, required=False)
    class_name.govuk_width = "govuk-input--width-10"
    primary_need = forms.ChoiceField(choices=NEED_CHOICES, required=False)
    secondary_need = forms.ChoiceField(choices=NEED_CHOICES, required=False)
    email = forms.EmailField(
        label="Pupil's e-mail address (optional)", required=False,
        help_text="From the end of Year 11 the pupil is a young person, and is sent the "
                  "notice of SEN support themself.")
    staff = forms.ModelMultipleChoiceField(
        label="Teachers and teaching assistants who work with this pupil",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, for this school only.
        self.fields["staff"].queryset = school_teachers_and_tas(school).distinct()


class NewPupilForm(PupilForm):
    sen_status = forms.ChoiceField(
        label="SEN status", choices=SenStatus.choices, initial=SenStatus.NO_SEN,
        widget=forms.RadioSelect,
    )
    sen_status_since = forms.DateField(
        label="SEN status since",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for today.",
    )
    sen_status_since.govuk_width = "govuk-input--width-10"


class SenStatusForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(label="New SEN status", choices=SenStatus.choices,
                               widget=forms.RadioSelect)
    on = forms.DateField(
        label="Date the change takes effect",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date the change takes effect.",
                        "invalid": "Enter the date as a real date."},
    )
    on.govuk_width = "govuk-input--width-10"
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: needs identified at the spring review; progress now in line "
        "with peers.",
        error_messages={"required": "Enter the reason for the change."},
    )


class ParentInviteForm(InviteeForm):
    email_hint = ("They are sent a link to see the plans you share with them and to tell "
                  "you their views.")
    relationship = forms.CharField(
        label="Relationship to the pupil", max_length=60,
        help_text="For example: Mother, Father, Grandparent, Foster carer.",
        error_messages={"required": "Enter their relationship to the pupil"})
    relationship.govuk_width = "govuk-input--width-20"


class ImportFileForm(GovukFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file exported from your MIS",
        help_text="One row per pupil, with a heading row. Up to 5 MB.",
        error_messages={"required": "Choose the CSV file to import",
                        "empty": "The file is empty"})


class ImportMappingForm(GovukFormMixin, forms.Form):
    """Which of our columns each heading of the file is."""

    def __init__(self, *args, mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Leave out")] + [(c.key, c.label) for c in COLUMNS]
        for number, (heading, key) in enumerate(mapping.items()):
            self.fields[f"h{number}"] = forms.ChoiceField(
                label=heading or f"Column {number + 1} (no heading)", choices=choices,
                required=False, initial=key)
        self.headings = list(mapping)

    def mapping(self) -> dict:
        return {heading: self.cleaned_data.get(f"h{number}", "")
                for number, heading in enumerate(self.headings)}


class ImportConfirmForm(GovukFormMixin, forms.Form):
    invite_parents = forms.BooleanField(
        label="E-mail the parents and carers in the file an invitation to sign in",
        required=False,
        help_text="Leave this unticked to link them to their children now and invite them "
        "later from each pupil's page.")


class SenStatusCorrectForm(GovukFormMixin, forms.Form):
    status = forms.ChoiceField(label="The status it should be", choices=SenStatus.choices,
                               widget=forms.RadioSelect)
    since = forms.DateField(
        label="The date it began",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="For an EHC plan, the date the plan was issued. It may be in the past.",
        error_messages={"required": "Enter the date the status began.",
                        "invalid": "Enter the date as a real date."})
    since.govuk_width = "govuk-input--width-10"
    reason = forms.CharField(
        label="Why the record is being corrected", max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: EHC plan issued on this date, before the school used this "
        "service.",
        error_messages={"required": "Enter why the record is being corrected."})


class LeaverForm(GovukFormMixin, forms.Form):
    on = forms.DateField(
        label="Date they left", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date they left.",
                        "invalid": "Enter the date as a real date."})
    on.govuk_width = "govuk-input--width-10"
    destination = forms.CharField(
        label="Destination school (optional)", max_length=200, required=False,
        help_text="Where they went, if known.")


class NoticeGivenForm(GovukFormMixin, forms.Form):
    """A notice of SEN support given by hand: to whom (those not yet given it), how, when."""

    reader = forms.ChoiceField(label="Who was given the notice", widget=forms.RadioSelect,
                               error_messages={"required": "Select who was given the notice."})
    given = forms.ChoiceField(
        label="How", widget=forms.RadioSelect,
        choices=[(NoticeGiven.PAPER, "On paper"), (NoticeGiven.MEETING, "At a meeting")],
        error_messages={"required": "Select how the notice was given."})
    on = forms.DateField(
        label="Date it was given", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the date it was given.",
                        "invalid": "Enter the date as a real date."})
    on.govuk_width = "govuk-input--width-10"

    def __init__(self, *args, readers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reader"].choices = [(reader.key, reader.name) for reader in readers]


class ProfileForm(GovukFormMixin, forms.Form):
    """The one-page profile's sections (rules.PROFILE_SECTIONS), in the pupil's voice."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, first_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading, hint in PROFILE_SECTIONS:
            self.fields[name] = forms.CharField(
                label=heading, required=False,
                help_text=f"{hint} Up to {PROFILE_SECTION_MAX} characters.",
                widget=forms.Textarea(attrs={"rows": 3}))
        self.fields["own_words"].label = f"In {first_name}'s own words"
        self.fields["written_with"] = forms.CharField(
            label="Written with", required=False,
            help_text="Who took part: for example, Maya, her mum and her class teacher.")
