"""Forms for block contracts (issue 17). They parse; the rules live in budgets.blocks and
providers.block_conversion."""

from django import forms

from budgets.models import Person
from organisations.fields import DateField, MoneyField
from organisations.models import Provider

DATE_HINT = "For example, 1 4 2026"


class BlockForm(forms.Form):
    name = forms.CharField(label="Name of the block contract", max_length=200)
    provider = forms.ModelChoiceField(
        label="Provider", queryset=Provider.objects.order_by("name"), empty_label="Choose a provider"
    )
    annual_value = MoneyField(label="Annual value")
    start_date = DateField(label="Start date", help_text=DATE_HINT)
    end_date = DateField(label="End date (optional)", required=False, help_text="Leave blank if it has none")
    people = forms.CharField(
        label="People it covers",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Their council references, one a line",
        error_messages={"required": "Name at least one person the block covers."},
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.council = council

    def clean_people(self) -> list[Person]:
        refs = [line.strip() for line in self.cleaned_data["people"].splitlines() if line.strip()]
        found = {p.person_ref: p for p in Person.objects.filter(council=self.council, person_ref__in=refs)}
        unknown = [r for r in refs if r not in found]
        if unknown:
            raise forms.ValidationError(
                f"No one in {self.council} has the reference {', '.join(unknown[:5])}."
            )
        if len(set(refs)) != len(refs):
            raise forms.ValidationError("Name each person once.")
        return [found[r] for r in refs]


class ConvertForm(forms.Form):
    isf_start = DateField(
        label="Individual Service Funds start on",
        help_text="The block ends the day before. " + DATE_HINT,
    )
    split = forms.ChoiceField(
        label="How is the money split?",
        choices=[
            ("even", "An even split of the block's value, as a starting point"),
            ("own", "The council's own split: the amounts below"),
        ],
        widget=forms.RadioSelect,
        initial="even",
    )

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = places
        for place in places:
            self.fields[f"amount_{place.person_id}"] = MoneyField(
                label=f"{place.person} ({place.person.person_ref}): amount a year",
                required=False,
                help_text=f"Even share: £{place.share:,.2f}",
            )

    def amount_fields(self):
        return [self[f"amount_{p.person_id}"] for p in self.places]

    def clean(self):
        data = super().clean()
        if data.get("split") == "own":
            for place in self.places:
                if data.get(f"amount_{place.person_id}") is None:
                    self.add_error(
                        f"amount_{place.person_id}", f"Enter the amount a year for {place.person}."
                    )
        return data

    def amounts(self):
        if self.cleaned_data["split"] != "own":
            return None
        return {p.person_id: self.cleaned_data[f"amount_{p.person_id}"] for p in self.places}
