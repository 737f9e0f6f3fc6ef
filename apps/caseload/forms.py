"""The forms of the bulk actions on the register (bulk.py)."""

from django import forms
from django.core.validators import MaxLengthValidator

from apps.parents.rules import MEETING_MINUTES
from apps.schools.forms import DateInput
from backend.govuk import GovukFormMixin

from .models import PrintWhat
from .rules import REPORT_WORDS_MAX


class ReviewDateForm(GovukFormMixin, forms.Form):
    review_date = forms.DateField(
        label="Review date", widget=DateInput(),
        help_text="The date agreed with the parents for reviewing each pupil's current cycle.",
        error_messages={"required": "Enter the review date"})


class MeetingsForm(GovukFormMixin, forms.Form):
    date = forms.DateField(label="Date of the parents' evening", widget=DateInput(),
                           error_messages={"required": "Enter the date"})
    first_at = forms.TimeField(
        label="First meeting starts at", help_text="For example, 15:30",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Enter the time the first meeting starts"})
    minutes = forms.IntegerField(
        label="Length of each meeting in minutes", initial=15,
        min_value=MEETING_MINUTES[0], max_value=MEETING_MINUTES[1])
    place = forms.CharField(label="Where (optional)", max_length=200, required=False)
    unusual_time_confirmed = forms.BooleanField(
        label="The times are right, although some are early or late", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("date", "first_at"):
            self.fields[name].govuk_width = "govuk-input--width-10"
        self.fields["minutes"].govuk_width = "govuk-input--width-3"


class ShareForm(GovukFormMixin, forms.Form):
    """Nothing to fill in: the page lists whose plans will be shared."""


class PrintForm(GovukFormMixin, forms.Form):
    """What to print for the chosen pupils (printing.py)."""

    what = forms.ChoiceField(
        label="What to print", choices=PrintWhat.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose what to print"})


class ReportWordsForm(GovukFormMixin, forms.Form):
    """The school's words under each heading of the SEN information report."""

    def __init__(self, *args, headings, **kwargs):
        super().__init__(*args, **kwargs)
        for heading in headings:
            self.fields[heading.key] = forms.CharField(
                label=f"{heading.paragraph}. {heading.title}", required=False,
                initial=heading.words, widget=forms.Textarea(attrs={"rows": 5}),
                help_text=("Figures from the records are shown beside these words: "
                           + " ".join(heading.figures)) if heading.figures else "",
                # A validator, not max_length: a browser would cut a pasted text short
                # without a word, where this says so (GOV.UK: no maxlength on fields).
                validators=[MaxLengthValidator(REPORT_WORDS_MAX, f"Keep this to "
                                               f"{REPORT_WORDS_MAX:,} characters or fewer")])
