from django import forms

from backend.govuk import GovukFormMixin

from .models import School
from .rules import TERM_NAMES
from .services import SETTINGS_FIELDS
from .term_dates import half_term_field, term_field


class SchoolSettingsForm(GovukFormMixin, forms.ModelForm):
    """What parents are told about whom to contact. (The retention period is the head's
    decision, on its own page.)"""

    class Meta:
        model = School
        fields = SETTINGS_FIELDS
        help_texts = {
            "senco_email": "Shown to parents in plans and notices, for example "
                           "senco@school.example.",
            "sendiass_website": "For example https://www.example.gov.uk/sendiass",
            "local_offer_url": "The local authority's local offer for special educational "
                               "needs and disabilities.",
            "sen_information_report_url": "Where the school publishes its SEN information "
                                          "report, for example on its website.",
        }
        widgets = {"complaints": forms.Textarea(attrs={"rows": 4}),
                   "ehc_plan_meetings": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ehc_plan_meetings"].required = False  # not sent: as it is

    def clean_ehc_plan_meetings(self):
        return self.cleaned_data["ehc_plan_meetings"] or self.instance.ehc_plan_meetings


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")  # what a date input sends and shows


class TermDatesForm(GovukFormMixin, forms.Form):
    """A year's term dates: each term with its half term, then INSET days and other
    closures as lines. The service checks them together (term_dates.check_year)."""

    inset_days = forms.CharField(
        label="INSET days", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line, for example: 1 September 2026. A name may follow a comma.")
    closures = forms.CharField(
        label="Other days the school is closed", required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Bank holidays in term time and other closures, one a line, for example: "
                  "3 May 2027, Early May bank holiday. Several days: 1 June 2027 to 2 June "
                  "2027.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates = {}
        for name in TERM_NAMES:
            for end, what in (("start", "starts"), ("end", "ends")):
                dates[term_field(name, end)] = forms.DateField(
                    label=f"{name} term {what}", required=False, widget=DateInput())
            for end, what in (("start", "first day"), ("end", "last day")):
                dates[half_term_field(name, end)] = forms.DateField(
                    label=f"{name} half term: {what}", required=False, widget=DateInput())
        for field in dates.values():
            field.govuk_width = "govuk-input--width-10"
        self.fields = dates | self.fields

    def terms(self):
        """The date fields term by term, for the page's fieldsets."""
        return [{"name": name, "fields": [self[term_field(name, "start")],
                                          self[term_field(name, "end")],
                                          self[half_term_field(name, "start")],
                                          self[half_term_field(name, "end")]]}
                for name in TERM_NAMES]


class CalendarFileForm(GovukFormMixin, forms.Form):
    calendar_file = forms.FileField(
        label="A calendar file (.ics)",
        help_text="Your local authority's or trust's term dates, exported as an .ics file.")
