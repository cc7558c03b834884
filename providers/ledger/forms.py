"""Forms for the ledger pages (rendered by the one GOV.UK renderer)."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.html import escape
from django.utils.safestring import mark_safe

from organisations.fields import DateField, MoneyField
from organisations.input_guard import UploadField

from .models import SPENDING_CATEGORIES, Category

SPENDING_CHOICES = [(c.value, c.label) for c in SPENDING_CATEGORIES]

# The markup of the ledger page's empty forms (issue 14: rendering their GOV.UK fields was a fifth of
# the page's time): the entry form by the date it offers, the filter form by its kinds of entry. Any
# form with data, errors or other initial values is rendered as usual.
_EMPTY_ENTRY: dict[object, str] = {}
_EMPTY_FILTERS: dict[tuple, str] = {}
_KEY_MARK = "form:idempotency-key-goes-here"


def _remembered(store: dict, key, render) -> str:
    html = store.get(key)
    if html is None:
        if len(store) >= 8:
            store.clear()
        html = store[key] = render()
    return html


class EntryForm(forms.Form):
    entry_date = DateField(label="Date the money was spent")
    category = forms.ChoiceField(label="What it was for", choices=SPENDING_CHOICES, widget=forms.RadioSelect)
    amount = MoneyField(
        label="Amount spent, in pounds", min_value=Decimal("0.01"), help_text="For example, £45.00"
    )
    description = forms.CharField(
        label="What the money was for",
        max_length=300,
        help_text="The person and their family read this. For example: Support from Ann to go swimming",
    )
    # Generated when the form is shown, so a double-click or a resubmitted page adds nothing twice.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"form:{uuid.uuid4()}")

    def render(self, template_name=None, context=None, renderer=None):
        """An empty form is the same markup for the same date but for its idempotency key: rendered once
        per process for the date (with a mark where the key goes), and each form's own key put in."""
        if (
            self.is_bound
            or template_name
            or context
            or renderer
            or set(self.initial) != {"entry_date", "idempotency_key"}
            or not str(self.initial["idempotency_key"]).startswith("form:")
        ):
            return super().render(template_name, context, renderer)

        def render_marked():
            key, self.initial["idempotency_key"] = self.initial["idempotency_key"], _KEY_MARK
            try:
                return super(EntryForm, self).render()
            finally:
                self.initial["idempotency_key"] = key

        html = _remembered(_EMPTY_ENTRY, self.initial["entry_date"], render_marked)
        return mark_safe(html.replace(_KEY_MARK, escape(self.initial["idempotency_key"])))  # noqa: S308

    # Django's forms bind these to their own render, not an override.
    __str__ = render
    __html__ = render


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why it is being corrected",
        max_length=200,
        help_text="The person and their family read this.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RefundForm(forms.Form):
    amount = MoneyField(label="Amount paid back to the council, in pounds", min_value=Decimal("0.01"))
    reason = forms.CharField(
        label="Reason",
        max_length=200,
        help_text="The person and their family read this. Say it plainly.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", f"refund:{uuid.uuid4()}")


class LedgerFilterForm(forms.Form):
    start = DateField(label="From", required=False)
    end = DateField(label="To", required=False)
    category = forms.ChoiceField(
        label="Kind of entry", required=False, choices=[("", "All kinds"), *Category.choices]
    )

    template_name = "ledger/filter_fields.html"  # the three fields side by side

    def __init__(self, *args, words=None, **kwargs):
        super().__init__(*args, **kwargs)
        if words is not None:  # the organisation's cost named as for this kind of account
            self.fields["category"].choices = [("", "All kinds"), *words.category_choices()]

    def render(self, template_name=None, context=None, renderer=None):
        """The empty form (a ledger opened without filters) is the same markup for the same kinds of
        entry: rendered once per process for them, any other form as usual."""
        if self.is_bound or self.initial or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        key = tuple((str(value), str(label)) for value, label in self.fields["category"].choices)
        return _remembered(_EMPTY_FILTERS, key, super().render)

    __str__ = render
    __html__ = render

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return data


class StatementPeriodForm(forms.Form):
    start = DateField(label="From")
    end = DateField(label="To")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return data


class UploadForm(forms.Form):
    provider = forms.ChoiceField(label="Organisation", widget=forms.Select)
    file = UploadField(
        label="CSV file from your accounting system",
        help_text="Columns: budget_ref,entry_date,category,amount,description,entry_ref",
    )

    def __init__(self, *args, providers=(), **kwargs):
        providers = list(providers)
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]
        self.only_provider = providers[0].pk if len(providers) == 1 else None
        if self.only_provider is not None:
            # One organisation: nothing to choose.
            self.fields["provider"].widget = forms.HiddenInput()
            self.fields["provider"].required = False
            self.initial["provider"] = self.only_provider

    def clean_provider(self):
        return self.cleaned_data.get("provider") or self.only_provider


class MoveForm(forms.Form):
    """Move a managed direct payment to another organisation, or change it into an ISF or a
    self-managed direct payment, from a date (today, a day before, or a date to come)."""

    to = forms.ChoiceField(
        label="Where does the direct payment go?",
        widget=forms.RadioSelect,
        choices=[
            ("organisation", "Another organisation manages it"),
            ("isf", "It becomes an Individual Service Fund with a provider the person chose"),
            ("self_managed", "The person (or their family) manages it themselves"),
        ],
    )
    on_date = DateField(
        label="From which date?",
        help_text="Today, a day before, or a date to come. For example, 27 3 2027",
    )
    provider = forms.ChoiceField(
        label="The new organisation (if another organisation manages it)", required=False
    )
    agreement = forms.ChoiceField(
        label="The person's agreement with the provider (if it becomes an ISF and they already have one)",
        required=False,
    )
    isf_provider = forms.ChoiceField(
        label="Or the provider the person chose (if it becomes an ISF and there is no agreement yet)",
        help_text="We record their choice and offer the provider a flexible agreement from the date. "
        "The money moves when the provider accepts it, on or after that date.",
        required=False,
    )
    chosen_by = forms.CharField(
        label="Who chose the provider?",
        help_text="For example, the person, or their daughter",
        required=False,
        max_length=200,
    )
    made = forms.ChoiceField(
        label="How did they tell you?",
        required=False,
        choices=[("meeting", "At a meeting"), ("phone", "By phone"), ("paper", "On paper")],
        initial="meeting",
    )

    outcomes = forms.CharField(
        label="The outcomes the provider agrees to work towards (if there is no agreement yet)",
        help_text="From the person's support plan: what they want from their support",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisations=(), agreements=(), isf_providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", "Choose an organisation")] + [
            (str(p.pk), p.name) for p in organisations
        ]
        self.fields["agreement"].choices = [("", "No agreement yet")] + [
            (str(a.pk), f"{a.provider.name}, from {a.start_date:%-d %B %Y}") for a in agreements
        ]
        self.fields["isf_provider"].choices = [("", "Choose a provider")] + [
            (str(p.pk), p.name) for p in isf_providers
        ]

    def clean(self):
        data = super().clean()
        if data.get("to") == "organisation" and not data.get("provider"):
            self.add_error("provider", "Choose the organisation that will manage the direct payment")
        if data.get("to") == "isf":
            if not data.get("agreement") and not data.get("isf_provider"):
                self.add_error(
                    "isf_provider",
                    "Choose the provider the person chose, or their agreement with a provider",
                )
            elif data.get("agreement") and data.get("isf_provider"):
                self.add_error(
                    "isf_provider", "Choose either an agreement the person has or a provider, not both"
                )
            elif data.get("isf_provider") and not (data.get("chosen_by") or "").strip():
                self.add_error("chosen_by", "Say who chose the provider, for example the person")
        return data
