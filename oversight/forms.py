"""Forms for oversight pages. They parse; the rules live in services."""

from django import forms

from organisations.fields import DateField, MoneyField

from .models import Outcome, OversightSettings


class ConcernForm(forms.Form):
    concern = forms.CharField(
        label="What is the concern?",
        help_text="The family will read this, so write it plainly and kindly",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConversationForm(forms.Form):
    note = forms.CharField(
        label="What you talked about",
        help_text="Is the plan still right? Is the money building up for something agreed? "
        "The family reads this.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What have you decided?", choices=Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="Your reason", help_text="The family will read this", widget=forms.Textarea(attrs={"rows": 4})
    )
    amount_kept = MoneyField(label="Amount kept for an agreed purpose, in pounds", required=False)
    kept_for = forms.CharField(label="What the kept money is for", required=False, max_length=500)
    amount_recovered = MoneyField(
        label="Amount going back to the council, in pounds",
        required=False,
        help_text="Only if that is the decision",
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Anything you would like us to know", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class AskAgainForm(forms.Form):
    reason = forms.CharField(
        label="Why would you like us to look again?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )


class StatementForm(forms.Form):
    year_end = DateField(label="The last day of the year this covers", help_text="For example, 31 3 2027")
    paid_for = forms.CharField(
        label="What did the money pay for?",
        help_text="In your own words. For example: my personal assistant 10 hours a week, swimming, "
        "a new wheelchair cushion",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    money_received = MoneyField(label="Money paid to you this year", help_text="In pounds")
    money_spent = MoneyField(label="Money you spent this year", help_text="In pounds")


class ReadForm(forms.Form):
    note = forms.CharField(
        label="A note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = OversightSettings
        fields = [
            "large_balance_enabled",
            "large_balance_weeks",
            "no_spending_enabled",
            "no_spending_days",
            "concern_enabled",
        ]
        help_texts = {
            "large_balance_weeks": "A check starts when more than this many weeks of the budget is unspent",
            "no_spending_days": "At least 28",
        }
