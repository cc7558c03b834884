"""Forms for brokerage pages. They render GOV.UK markup through the project's form renderer."""

from django import forms
from django.utils import timezone

from organisations.fields import DateField
from organisations.models import Provider


class BrokerageFilterForm(forms.Form):
    council = forms.ChoiceField(label="Council area", required=False)
    language = forms.ChoiceField(label="Language spoken", required=False)
    council_funded = forms.BooleanField(
        label="The council pays for their help", required=False, help_text="So it costs you nothing."
    )

    def __init__(self, *args, councils=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [("", "Anywhere")] + [(c.gss_code, c.name) for c in councils]
        self.fields["language"].choices = [("", "Any language")] + [(lang, lang) for lang in languages]


class _InviteFields(forms.Form):
    brokerage = forms.ModelChoiceField(
        label="Who you would like to help", queryset=Provider.objects.none(), empty_label="Choose a broker"
    )
    purpose = forms.CharField(
        label="What you would like help with",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example: write my support plan with me, and help me choose who holds my money.",
    )
    until = DateField(
        label="Until (optional)",
        required=False,
        help_text="Leave blank to keep their help until you end it. You can end it at any time.",
    )

    def __init__(self, *args, brokerages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if brokerages is not None:
            self.fields["brokerage"].queryset = brokerages

    def clean_until(self):
        until = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError("The date the help ends must be today or later.")
        return until


class InviteForm(_InviteFields):
    person = forms.ModelChoiceField(label="Who the help is for", queryset=None, empty_label=None)
    field_order = ["person", "brokerage", "purpose", "until"]

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if people is not None and people.count() == 1:
            self.fields["person"].widget = forms.HiddenInput()
            self.fields["person"].initial = people.first().pk


class CommissionerInviteForm(_InviteFields):
    """The same invitation, made by the social worker: words for staff, and the family's agreement."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["brokerage"].label = "Which broker"
        self.fields["purpose"].label = "What the broker is asked to help with"
        self.fields[
            "purpose"
        ].help_text = "In the family's words, for example: help Jamie plan for leaving college."
        self.fields[
            "until"
        ].help_text = "Leave blank to keep it until the family ends it. The family can end it at any time."

    family_agreement = forms.CharField(
        label="How and when the person or their family agreed",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="For example: Pat agreed at the review meeting on 3 May.",
    )


class EndInvitationForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class BrokerAskForm(forms.Form):
    message = forms.CharField(
        label="What to ask, in the family's words",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="The family reads this and decides whether to send it.",
    )


class ShortlistForm(forms.Form):
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.all())


class EnquiryForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    contact = forms.CharField(
        label="How to contact you", max_length=200, help_text="A phone number or email address"
    )
    message = forms.CharField(
        label="What you would like help with", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    pays_own_way = forms.BooleanField(label="I pay for my own support, or expect to", required=False)
