"""Forms for the budgets pages. They parse; the rules live in services."""

from django import forms

from organisations.fields import DateField, MoneyField
from organisations.input_guard import UploadField
from organisations.models import Provider

from .models import (
    TYPES_HELD_BY_A_PROVIDER,
    AllocationQuestionnaire,
    BudgetStatus,
    ManagementType,
    Person,
    PrimarySupportReason,
    SupportPlan,
)
from .wording import FAMILY_WORDING

DATE_HINT = "For example, 1 4 2026"


def _date_field(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> DateField:
    return DateField(label=label, required=required, help_text=help_text)


def _money_field(label: str, *, required: bool = True, help_text: str = "") -> MoneyField:
    return MoneyField(label=label, required=required, help_text=help_text)


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(label="Search by name, reference or postcode", required=False, max_length=100)
    reason = forms.ChoiceField(
        label="Primary support reason",
        required=False,
        choices=[("", "Any reason"), *PrimarySupportReason.choices],
    )
    management_type = forms.ChoiceField(
        label="Holds a budget as", required=False, choices=[("", "Any way"), *ManagementType.choices]
    )
    status = forms.ChoiceField(
        label="Budget status",
        required=False,
        choices=[("", "Any status"), ("none", "No budget yet"), *BudgetStatus.choices],
    )

    def render(self, template_name=None, context=None, renderer=None):
        """The empty form (the caseload opened without a search: most visits) is the same markup for
        everyone: rendered once per process (issue 14: its fields and lists of options were over a
        fifth of the caseload's rendering), any other form as usual."""
        if self.is_bound or self.initial or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        html = _EMPTY_CASELOAD_FILTERS.get("html")
        if html is None:
            html = _EMPTY_CASELOAD_FILTERS["html"] = super().render()
        return html

    # Django's forms bind these to their own render, not an override.
    __str__ = render
    __html__ = render


# The empty caseload filter form's markup (CaseloadFilterForm.render).
_EMPTY_CASELOAD_FILTERS: dict[str, str] = {}


class PersonForm(forms.ModelForm):
    date_of_birth = _date_field("Date of birth", help_text="For example, 27 5 1980")

    class Meta:
        model = Person
        fields = [
            "person_ref",
            "given_name",
            "family_name",
            "date_of_birth",
            "primary_support_reason",
            "postcode",
        ]
        labels = {"person_ref": "Council reference", "given_name": "Given name", "family_name": "Family name"}
        help_texts = {"person_ref": "The reference in your case-management system, like DOR-10234"}

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        councils = list(councils or [])
        if len(councils) > 1:
            self.fields["council"] = forms.ModelChoiceField(
                queryset=type(councils[0]).objects.filter(pk__in=[c.pk for c in councils]), label="Council"
            )
        self.fields["primary_support_reason"].choices = [
            ("", "Choose a reason"),
            *PrimarySupportReason.choices,
        ]

    def validate_unique(self):
        # The council is not on the form; the service checks the reference is unique in it.
        pass


# The empty representative form's markup (RepresentativeForm.render).
_EMPTY_REPRESENTATIVE: dict[str, str] = {}


class RepresentativeForm(forms.Form):
    email = forms.EmailField(label="Their email address", max_length=254)
    full_name = forms.CharField(label="Their full name", max_length=200)
    relationship = forms.CharField(
        label="Relationship", max_length=100, required=False, help_text="For example: mother, brother, friend"
    )

    def render(self, template_name=None, context=None, renderer=None):
        """The empty form (on every person page a commissioner opens) is the same markup every time:
        rendered once per process (issue 14: its GOV.UK fields were a tenth of the page), any other form
        as usual."""
        if self.is_bound or self.initial or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        html = _EMPTY_REPRESENTATIVE.get("html")
        if html is None:
            html = _EMPTY_REPRESENTATIVE["html"] = super().render()
        return html

    # Django's forms bind these to their own render, not an override.
    __str__ = render
    __html__ = render


class AssessmentForm(forms.Form):
    """One radio question per needs question of the council's questionnaire, then adjustments and an
    optional different amount with a reason."""

    def __init__(self, *args, questionnaire: AllocationQuestionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        for question in questionnaire.questions.prefetch_related("options"):
            self.fields[f"q_{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                help_text=question.hint,
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(o.pk, f"{o.label} ({o.points} points)") for o in question.options.all()],
                error_messages={"required": f"Choose an answer for '{question.text}'."},
            )
        adjustments = list(questionnaire.adjustments.all())
        if adjustments:
            self.fields["adjustments"] = forms.TypedMultipleChoiceField(
                label="Adjustments that apply",
                required=False,
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (
                        a.pk,
                        f"{a.label} ({a.percent}%)" if a.percent is not None else f"{a.label} (£{a.amount})",
                    )
                    for a in adjustments
                ],
            )
        self.fields["agreed_amount"] = _money_field(
            "A different annual amount (optional)",
            required=False,
            help_text="Leave blank to use the indicative budget. A different amount needs a written reason.",
        )
        self.fields["departure_reason"] = forms.CharField(
            label="Why the amount is different",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="The person and their family will see this.",
        )

    def answers(self) -> dict[int, int]:
        return {
            int(name[2:]): value
            for name, value in self.cleaned_data.items()
            if name.startswith("q_") and value
        }


class SupportPlanForm(forms.ModelForm):
    class Meta:
        model = SupportPlan
        fields = ["what_matters", "outcomes", "how_money_used", "who_helps", "risks"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "what_matters": "In the person's own words, as far as possible",
            "outcomes": "What a good life looks like: the changes they want, not a list of tasks",
            "how_money_used": "Flexibly, for the outcomes above: not a schedule of hours",
            "who_helps": "Family, friends, community, the organisation they chose",
            "risks": "What could go wrong, and what everyone agrees to do about it",
        }


class BudgetProposalForm(forms.Form):
    start_date = _date_field("Start date", help_text="The date this budget (or this new version) starts")
    review_due = _date_field(
        "Review due (optional)", required=False, help_text="Leave blank for a year after the start date"
    )
    difference_reason = forms.CharField(
        label="Why the amount is different from the assessment (if it is)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when the parts add up to a different amount. The approver and the family see it.",
    )


class ArrangementForm(forms.Form):
    """One part of a budget. `number` is its place on the page, so every message names its part."""

    management_type = forms.ChoiceField(
        label="How this part is held", required=False, choices=[("", "Choose a way"), *ManagementType.choices]
    )
    annual_amount = _money_field("Amount a year", required=False, help_text="For example, £8,000")
    provider = forms.ModelChoiceField(
        label="Organisation holding it",
        queryset=Provider.objects.order_by("name"),
        required=False,
        empty_label="None",
        help_text="Needed for an Individual Service Fund or a managed direct payment",
    )
    budget_ref = forms.CharField(
        label="Budget reference (optional)",
        required=False,
        max_length=64,
        help_text="The reference in your case-management system. Leave blank and one is made for you.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    end_date = _date_field("End date (optional)", required=False, help_text="Leave blank if it carries on")
    management_cost_amount = _money_field(
        "Management cost a year (managed direct payment only)",
        required=False,
        help_text="Agreed with the organisation, added on top of the amount. Or give a percentage below.",
    )
    management_cost_percent = forms.DecimalField(
        label="Or management cost as a percentage of the amount",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text="For example, 8 for 8%",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "decimal"}),
    )

    def __init__(self, *args, number: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.number = number
        self.fields["annual_amount"].label = f"Amount a year for part {number}"
        self.fields["end_date"].label = f"End date for part {number} (optional)"

    def clean(self):
        data = super().clean()
        if (
            data.get("management_type")
            and data.get("annual_amount") is None
            and "annual_amount" not in self.errors
        ):
            self.add_error("annual_amount", f"Enter the amount a year for part {self.number}")
        if data.get("annual_amount") is not None and not data.get("management_type"):
            self.add_error("management_type", f"Choose how the money in part {self.number} is held")
        if data.get("management_type") in TYPES_HELD_BY_A_PROVIDER and not data.get("provider"):
            self.add_error("provider", f"Choose the organisation that holds the money for part {self.number}")
        amount, percent = data.get("management_cost_amount"), data.get("management_cost_percent")
        if amount is not None and percent is not None:
            self.add_error(
                "management_cost_percent",
                f"Give the management cost for part {self.number} as an amount or a percentage, not both",
            )
        elif (amount is not None or percent is not None) and data.get(
            "management_type"
        ) != ManagementType.DIRECT_PAYMENT_MANAGED:
            field = "management_cost_amount" if amount is not None else "management_cost_percent"
            self.add_error(field, f"Only a managed direct payment has a management cost (part {self.number})")
        return data

    @property
    def is_blank(self) -> bool:
        return not self.cleaned_data.get("management_type") and self.cleaned_data.get("annual_amount") is None


class BaseArrangementFormSet(forms.BaseFormSet):
    """The parts of a budget: as many as needed ("Add another part" posts the page back with one more
    empty part, so it works without JavaScript)."""

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": index + 1}


ArrangementFormSet = forms.formset_factory(
    ArrangementForm, formset=BaseArrangementFormSet, extra=0, max_num=200, absolute_max=200
)


class RejectBatchForm(forms.Form):
    reason = forms.CharField(
        label="Why are you rejecting this file?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person who uploaded it will see this.",
        error_messages={"required": "Say why you are rejecting the file."},
    )


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label="Why are you sending it back?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The commissioner will see this.",
        error_messages={"required": "Say why you are sending it back."},
    )


class HoldingChoiceForm(forms.Form):
    management_types = forms.MultipleChoiceField(
        label="Which would you like?",
        help_text="Choose one or more. You can mix them, and you can change your mind later.",
        widget=forms.CheckboxSelectMultiple,
        choices=[(code, FAMILY_WORDING[code]["title"]) for code in ManagementType.values],
        error_messages={"required": "Choose at least one way to hold your budget."},
    )
    note = forms.CharField(
        label="Anything else you want to tell us (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, an organisation you would like to hold the money",
    )


class ImportForm(forms.Form):
    file = UploadField(
        label="CSV file from your case-management system",
        help_text="UTF-8 CSV with the header person_ref,date_of_birth,primary_support_reason,budget_ref,"
        "management_type,annual_amount,start_date,end_date,provider_ref",
        error_messages={"required": "Choose a CSV file to upload."},
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        councils = list(councils or [])
        if len(councils) > 1:
            self.fields["council"] = forms.ModelChoiceField(
                queryset=type(councils[0]).objects.filter(pk__in=[c.pk for c in councils]), label="Council"
            )


class CarerAssessmentForm(forms.Form):
    """A carer's assessment, and the carer themselves when they are new to the council."""

    carer_ref = forms.CharField(
        label="Carer's council reference",
        max_length=64,
        help_text="A new reference adds the carer; an existing carer's reference adds another assessment",
    )
    given_name = forms.CharField(label="Carer's given name", max_length=100, required=False)
    family_name = forms.CharField(label="Carer's family name", max_length=100, required=False)
    date_of_birth = _date_field(
        "Carer's date of birth", required=False, help_text="Needed for a new carer. For example, 27 5 1970"
    )
    postcode = forms.CharField(label="Carer's postcode", max_length=10, required=False)
    relationship = forms.CharField(
        label="Relationship to the person", max_length=100, required=False, help_text="For example: daughter"
    )
    email = forms.EmailField(
        label="Carer's email address (optional)",
        max_length=254,
        required=False,
        help_text="Lets the carer sign in and see their own budget",
    )
    assessed_on = _date_field("Date of the carer's assessment")
    caring_role = forms.CharField(
        label="What caring involves for them", widget=forms.Textarea(attrs={"rows": 3})
    )
    what_would_help = forms.CharField(
        label="What would help them keep well and keep caring", widget=forms.Textarea(attrs={"rows": 3})
    )
    indicative_amount = _money_field(
        "Indicative carer's budget a year", help_text="In pounds, for example 1200"
    )
