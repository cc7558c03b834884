"""Forms for reviews that walk the outcomes (issue 17). They parse; review_services holds the rules."""

from django import forms

from organisations.fields import DateField, MoneyField

from .models import OutcomeStatus, Recommendation
from .review_services import WHAT_CHANGED, OutcomeFound

DATE_HINT = "For example, 1 4 2026"


class OutcomeReviewForm(forms.Form):
    """One radio group and one 'in their own words' box per outcome of the plan; what changed; the
    recommendation and its reason; and, for a change, the date and each part's new amount."""

    notes = forms.CharField(
        label="What the review found",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write what the review found."},
    )
    what_changed = forms.MultipleChoiceField(
        label="What has changed in their life?",
        required=False,
        choices=list(WHAT_CHANGED.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    what_changed_note = forms.CharField(
        label="Tell us more about what changed (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    recommendation = forms.ChoiceField(
        label="What do you recommend?",
        choices=Recommendation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you recommend: keep, increase, reduce or end."},
    )
    recommendation_reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person, their family and the approver will read this.",
        error_messages={"required": "Give the reason for what you recommend."},
    )
    change_from = DateField(
        label="Change from (for increase, reduce or end)", required=False, help_text=DATE_HINT
    )
    reviewed_on = DateField(label="Date of the review", required=False, help_text="Leave blank for today")
    next_review_due = DateField(
        label="Next review due", required=False, help_text="Leave blank for a year after this review"
    )

    def __init__(self, *args, outcomes: list[str], parts: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome_texts = outcomes
        self.parts = parts
        for i, text in enumerate(outcomes):
            self.fields[f"outcome_{i}_status"] = forms.ChoiceField(
                label=f"Outcome {i + 1}: {text}",
                choices=OutcomeStatus.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Say how outcome {i + 1} went."},
            )
            self.fields[f"outcome_{i}_words"] = forms.CharField(
                label=f"In their own words: outcome {i + 1}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="What the person said about it, as they said it",
            )
        for part in parts:
            self.fields[f"amount_{part.pk}"] = MoneyField(
                label=f"New amount a year: {part.get_management_type_display()}"
                + (f" with {part.provider}" if part.provider_id else ""),
                required=False,
                help_text=f"Now £{part.annual_amount:,.2f}. For increase or reduce.",
            )

    def outcome_fields(self):
        return [
            (self[f"outcome_{i}_status"], self[f"outcome_{i}_words"]) for i in range(len(self.outcome_texts))
        ]

    def amount_fields(self):
        return [self[f"amount_{p.pk}"] for p in self.parts]

    def outcomes_found(self) -> list[OutcomeFound]:
        return [
            OutcomeFound(
                text, self.cleaned_data[f"outcome_{i}_status"], self.cleaned_data[f"outcome_{i}_words"]
            )
            for i, text in enumerate(self.outcome_texts)
        ]

    def new_amounts(self) -> dict:
        return {
            p.pk: self.cleaned_data[f"amount_{p.pk}"]
            for p in self.parts
            if self.cleaned_data.get(f"amount_{p.pk}") is not None
        }


class ReviewResponseForm(forms.Form):
    agrees = forms.TypedChoiceField(
        label="Do you agree with the review?",
        choices=[("yes", "Yes, I agree"), ("no", "No, I do not agree")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you agree."},
    )
    comment = forms.CharField(
        label="What would you like to tell us?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="If you do not agree, tell us why. The approver reads this before deciding.",
    )

    def clean(self):
        data = super().clean()
        if data.get("agrees") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", "Tell us what you do not agree with.")
        return data
