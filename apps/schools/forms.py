from django import forms

from backend.govuk import GovukFormMixin

from .models import School
from .services import SETTINGS_FIELDS


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
        }
        widgets = {"complaints": forms.Textarea(attrs={"rows": 4})}
