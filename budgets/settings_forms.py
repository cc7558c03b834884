"""Forms for the council's resource allocation settings pages. They parse; the rules live in
budgets/allocation_settings.py."""

from django import forms

from organisations.fields import MoneyField


class PriceForm(forms.Form):
    price_per_point = MoneyField(
        label="Price per point",
        help_text="What one point is worth a year, in pounds. Points times this price give the budget.",
    )
    introduction = forms.CharField(
        label="What to tell people before the questions (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    text = forms.CharField(label="Question", max_length=300)
    hint = forms.CharField(label="Hint (optional)", max_length=300, required=False)
    order = forms.IntegerField(
        label="Position in the list",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Lower numbers come first.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )


class OptionForm(forms.Form):
    label = forms.CharField(label="Answer", max_length=300, required=False)
    points = forms.IntegerField(
        label="Points",
        min_value=0,
        max_value=1000,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("label", "").strip() and data.get("points") is None and "points" not in self.errors:
            self.add_error("points", "Enter the points this answer is worth, from 0 to 1000.")
        if not data.get("label", "").strip() and data.get("points") is not None:
            self.add_error("label", "Enter the answer these points are for, or leave both empty.")
        return data


class BaseOptionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f.cleaned_data for f in self.forms if f.cleaned_data.get("label", "").strip()]
        if len(filled) < 2:
            raise forms.ValidationError("Give the question at least 2 answers, each with its points.")


# Three empty rows below the answers there are: room to add answers without JavaScript.
OptionFormSet = forms.formset_factory(OptionForm, formset=BaseOptionFormSet, extra=3, max_num=20)


class AdjustmentForm(forms.Form):
    label = forms.CharField(
        label="What it is for (staff words)",
        max_length=200,
        help_text="For example: a family carer gives regular unpaid support",
    )
    family_wording = forms.CharField(
        label="What it means for the person (their words)",
        max_length=300,
        help_text=(
            "Completes 'Because ...'. For example: someone close to you gives you regular unpaid support"
        ),
    )
    percent = forms.DecimalField(
        label="Percentage change (optional)",
        required=False,
        min_value=-100,
        max_value=100,
        max_digits=6,
        decimal_places=2,
        help_text="For example, -10 takes off 10%. Leave empty for a fixed amount.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
    )
    amount = MoneyField(
        label="Fixed amount a year (optional)",
        required=False,
        min_value=None,
        help_text="For example, 600 adds £600.00; -600 takes it off. Leave empty for a percentage.",
    )
    order = forms.IntegerField(
        label="Position in the list",
        min_value=0,
        max_value=999,
        initial=0,
        help_text="Adjustments apply in this order. Lower numbers come first.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )

    def clean(self):
        data = super().clean()
        if "percent" in self.errors or "amount" in self.errors:
            return data
        if (data.get("percent") is None) == (data.get("amount") is None):
            self.add_error("percent", "Enter either a percentage or an amount of money, not both.")
        return data
