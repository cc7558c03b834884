from django import forms
from django.utils import timezone

from .periods import PeriodError, check_started, parse_period


class RequestReturnForm(forms.Form):
    council = forms.ModelChoiceField(
        queryset=None,
        label="Council",
        empty_label=None,
        error_messages={"required": "Choose the council", "invalid_choice": "Choose one of your councils"},
    )
    period = forms.ChoiceField(
        label="Period",
        help_text="A financial year runs from 1 April to 31 March. Q1 is April to June.",
        error_messages={"required": "Choose the period", "invalid_choice": "Choose one of the periods shown"},
    )

    def __init__(self, *args, councils, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils
        self.fields["period"].choices = [(p.label, f"{p.label} ({p.name})") for p in periods]
        first_two = list(councils[:2])  # one query tells "none", "just one" (hidden) and "several"
        self.has_councils = bool(first_two)
        if len(first_two) == 1:
            self.fields["council"].widget = forms.HiddenInput()
            self.fields["council"].initial = first_two[0].pk

    def clean_period(self):
        try:
            period = parse_period(self.cleaned_data["period"])
            check_started(period, timezone.localdate())
            return period
        except PeriodError as exc:
            raise forms.ValidationError(str(exc)) from exc
