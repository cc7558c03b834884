"""Forms for advice pages. They render GOV.UK markup through the project's form renderer."""

from django import forms

from organisations.fields import MoneyField

from .guidance import NO, NOT_SURE, YES
from .models import LocalContact

YES_NO = [(YES, "Yes"), (NO, "No")]


class WaysToHoldForm(forms.Form):
    employ = forms.ChoiceField(
        label="Do you want to employ your own staff (personal assistants)?",
        choices=[*YES_NO, (NOT_SURE, "Not sure")],
        widget=forms.RadioSelect,
        required=False,
    )
    paperwork = forms.ChoiceField(
        label="Does someone help you with paperwork and money?",
        help_text="For example, a family member who could keep records and pay wages",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    trusted_provider = forms.ChoiceField(
        label="Is there a support organisation you already know and trust?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        required=False,
    )
    amount = MoneyField(
        label="Your budget a year, if you know it (optional)",
        required=False,
        help_text="We use it only to show what each way means in money. For example, £18,000",
    )


class CouncilChoiceForm(forms.Form):
    council = forms.ChoiceField(label="Your council", required=False)

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [("", "Choose your council")] + [
            (c.gss_code, c.name) for c in councils
        ]


class LocalContactForm(forms.ModelForm):
    class Meta:
        model = LocalContact
        fields = ["topic", "name", "description", "phone", "email", "website"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"] = forms.URLField(label="Website", required=False, assume_scheme="https")
