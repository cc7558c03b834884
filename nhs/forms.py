"""Forms for the NHS and partnership pages. They parse; the rules live in services."""

from django import forms

from budgets.models import Person
from organisations.fields import DateField, MoneyField
from organisations.models import Provider

from .models import Answer, DischargeLine, Partnership

DATE_HINT = "For example, 1 4 2027"


class FundingForm(forms.Form):
    """One amount a year for each body that may fund the person's budget."""

    def __init__(self, *args, funders, current: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.funders = list(funders)
        for funder in self.funders:
            kind = "NHS body" if hasattr(funder, "nhs_body") else "council"
            self.fields[f"funder_{funder.pk}"] = MoneyField(
                label=f"{funder.name} pays a year (optional)",
                required=False,
                help_text=f"The {kind}'s share, in pounds. Leave blank if it pays nothing.",
                initial=current.get(funder.pk),
            )

    def shares(self) -> dict:
        return {f: self.cleaned_data.get(f"funder_{f.pk}") for f in self.funders}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are you sending it back?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The commissioner and the other funders will see this.",
    )


# ---- the discharge tracker ---------------------------------------------------------------------

ANSWER_FIELDS = ("provider_has_met", "work_alongside", "clinical_support", "psychiatrist_support", "housing")


class LineForm(forms.ModelForm):
    planned_date = DateField(
        label="Planned date to come home (optional)", required=False, help_text=DATE_HINT
    )
    provider = forms.ModelChoiceField(
        label="Provider chosen (optional)",
        queryset=Provider.objects.none(),
        required=False,
        empty_label="Not chosen yet",
    )
    shortlist = forms.ModelMultipleChoiceField(
        label="Providers shortlisted (optional)",
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"small": True}),
    )

    class Meta:
        model = DischargeLine
        fields = [
            "setting",
            "setting_name",
            "planned_date",
            "provider",
            "shortlist",
            *ANSWER_FIELDS,
            "housing_note",
            "clinical_note",
            "in_the_way",
        ]
        widgets = {
            "setting": forms.RadioSelect(attrs={"small": True}),
            "in_the_way": forms.Textarea(attrs={"rows": 3}),
            **{name: forms.RadioSelect(attrs={"small": True}) for name in ANSWER_FIELDS},
        }
        help_texts = {"in_the_way": "Anything holding up the move home, in a sentence or two."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        providers = Provider.objects.order_by("name")
        self.fields["provider"].queryset = providers
        self.fields["shortlist"].queryset = providers
        for name in ANSWER_FIELDS:
            self.fields[name].choices = Answer.choices

    def line_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("shortlist", None)
        data.pop("person", None)
        return data


class AddLineForm(LineForm):
    person = forms.ModelChoiceField(
        label="Person", queryset=Person.objects.none(), empty_label="Choose a person"
    )

    class Meta(LineForm.Meta):
        fields = ["person", *LineForm.Meta.fields]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.order_fields(["person"])


class HomeForm(forms.Form):
    discharged_on = DateField(label="Date they came home", help_text=DATE_HINT)


# ---- capacity ----------------------------------------------------------------------------------


class CapacityForm(forms.Form):
    years_offering_isfs = forms.IntegerField(
        label="How many years have you offered Individual Service Funds?", min_value=0, max_value=100
    )
    people_supported_home = forms.IntegerField(
        label="How many people have you supported to come home from hospital before?", min_value=0
    )
    areas = forms.ModelMultipleChoiceField(
        label="Which partnerships' areas do you cover? (optional)",
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"small": True}),
    )

    def __init__(self, *args, years: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Partnership.objects.order_by("name")
        self.years = years
        for year, label in years:
            self.fields[f"capacity_{year}"] = forms.IntegerField(
                label=f"How many people could you realistically support to come home in {label}? (optional)",
                min_value=0,
                max_value=10000,
                required=False,
                widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
            )

    def capacity(self) -> dict[int, int | None]:
        return {year: self.cleaned_data.get(f"capacity_{year}") for year, _ in self.years}


class InviteForm(forms.Form):
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
