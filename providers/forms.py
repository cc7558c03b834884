"""Forms for the directory filters, provider profiles, choosing and agreements. They render GOV.UK
markup through the project's form renderer."""

from datetime import date

from django import forms

from organisations.fields import DateField, MoneyField
from organisations.models import Council, Provider

from .elements import ELEMENTS, Answer, ClientGroup
from .models import ChoiceMade, OrganisationKind, RegulatorRating
from .selectors import DirectoryFilters


def _lines(value: str) -> list[str]:
    """Split a comma- or line-separated list typed into a box."""
    parts = []
    for line in (value or "").replace(";", ",").splitlines():
        parts.extend(p.strip() for p in line.split(","))
    return [p for p in parts if p]


# The empty directory filter form's markup, by its councils and languages (DirectoryFilterForm.render).
_EMPTY_FILTERS: dict[tuple, str] = {}


class DirectoryFilterForm(forms.Form):
    text = forms.CharField(label="Name or what you are looking for", required=False, max_length=100)
    council = forms.ChoiceField(label="Council area", required=False)
    postcode = forms.CharField(
        label="Postcode", required=False, max_length=10, help_text="For example, DT1 1AA or DT1"
    )
    client_group = forms.ChoiceField(
        label="Who the support is for", required=False, choices=[("", "Anyone")] + ClientGroup.choices
    )
    language = forms.ChoiceField(label="Language spoken", required=False)
    offers_isf = forms.BooleanField(
        label="Can hold my budget for me (Individual Service Fund)",
        required=False,
        help_text="You do not have to become an employer.",
    )
    taking_new_people = forms.BooleanField(label="Taking on new people now", required=False)
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=[("", "Any kind"), *OrganisationKind.choices],
    )
    manages_direct_payments = forms.BooleanField(
        label="Can manage my direct payment for me",
        required=False,
        help_text="They keep the money and pay for the support you choose, so you do not have to.",
    )

    def __init__(self, *args, councils=(), languages=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [("", "Any area")] + [(c.gss_code, c.name) for c in councils]
        self.fields["language"].choices = [("", "Any language")] + [(lang, lang) for lang in languages]

    def render(self, template_name=None, context=None, renderer=None):
        """The empty form (most visits: the directory with no filters) is the same markup every time for
        the same councils and languages: rendered once per process for them (its GOV.UK fields and
        long lists of options were a fifth of the directory's time), any other form as usual."""
        if self.is_bound or self.initial or template_name or context or renderer:
            return super().render(template_name, context, renderer)
        key = (tuple(self.fields["council"].choices), tuple(self.fields["language"].choices))
        html = _EMPTY_FILTERS.get(key)
        if html is None:
            if len(_EMPTY_FILTERS) >= 8:
                _EMPTY_FILTERS.clear()
            html = _EMPTY_FILTERS[key] = super().render()
        return html

    # Django's forms bind these to their own render, not an override.
    __str__ = render
    __html__ = render

    def filters(self) -> DirectoryFilters:
        if not self.is_valid():
            return DirectoryFilters()
        d = self.cleaned_data
        return DirectoryFilters(
            text=d["text"].strip(),
            council=d["council"],
            postcode=d["postcode"].strip(),
            client_group=d["client_group"],
            offers_isf=d["offers_isf"],
            language=d["language"],
            taking_new_people=d["taking_new_people"],
            organisation_kind=d["organisation_kind"],
            manages_direct_payments=d["manages_direct_payments"],
        )


FEE_KINDS = [
    ("percent", "A percentage of the budget"),
    ("fixed", "A fixed amount a year"),
    ("none", "Not stated"),
]


class ProfileForm(forms.Form):
    summary = forms.CharField(
        label="About your organisation", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    offers = forms.CharField(
        label="What you offer",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="In plain words: the kinds of support, and how you work with people.",
    )
    council_areas = forms.ModelMultipleChoiceField(
        label="Council areas you work in",
        queryset=Council.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    postcode_districts = forms.CharField(
        label="Postcode districts",
        required=False,
        help_text="Separate with commas, for example: DT1, DT2, BH15",
    )
    client_groups = forms.MultipleChoiceField(
        label="Who you support",
        choices=ClientGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisation_kind = forms.ChoiceField(
        label="What kind of organisation are you?",
        choices=OrganisationKind.choices,
        widget=forms.RadioSelect,
        initial=OrganisationKind.SUPPORT_PROVIDER,
        required=False,
    )
    offers_isf = forms.BooleanField(label="We offer Individual Service Funds", required=False)
    manages_direct_payments = forms.BooleanField(
        label="We manage direct payments for people (a managed account)", required=False
    )
    fee_kind = forms.ChoiceField(
        label="How is your management fee stated?",
        choices=FEE_KINDS,
        widget=forms.RadioSelect,
        initial="none",
    )
    management_fee_percent = forms.DecimalField(
        label="Management fee, percentage", required=False, min_value=0, max_value=100, decimal_places=2
    )
    management_fee_fixed = MoneyField(label="Management fee, fixed amount a year in pounds", required=False)
    languages = forms.CharField(
        label="Languages your staff speak",
        required=False,
        help_text="Separate with commas, for example: English, Polish",
    )
    staff_matching = forms.BooleanField(label="We can match staff to the person", required=False)
    supports_self_managed_staff = forms.BooleanField(
        label="We can support people to manage their own staff", required=False
    )
    taking_new_people = forms.BooleanField(label="We are taking on new people", required=False)
    regulator = forms.CharField(
        label="Regulator", required=False, max_length=100, help_text="For example: Care Quality Commission"
    )
    regulator_registration = forms.CharField(label="Registration number", required=False, max_length=50)
    regulator_rating = forms.ChoiceField(
        label="Latest rating",
        required=False,
        choices=[("", "None or not applicable")] + RegulatorRating.choices,
    )
    email = forms.EmailField(label="Email address", required=False, max_length=254)
    phone = forms.CharField(label="Phone number", required=False, max_length=40)
    website = forms.URLField(label="Website", required=False, assume_scheme="https", max_length=200)
    address = forms.CharField(label="Address", required=False, max_length=200)
    town = forms.CharField(label="Town or city", required=False, max_length=100)
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    latitude = forms.DecimalField(
        label="Latitude of your office (optional)",
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        help_text="For example 50.608100. Councils' directories use it to show you on a map. "
        "Leave both blank if you do not want to publish where you are.",
    )
    longitude = forms.DecimalField(
        label="Longitude of your office (optional)",
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        help_text="For example -2.454800",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Not answered")] + Answer.choices
        for code, (title, _) in ELEMENTS.items():
            self.fields[f"element_{code}"] = forms.ChoiceField(label=title, choices=choices, required=False)

    @classmethod
    def initial_from(cls, profile) -> dict:
        initial = {
            name: getattr(profile, name)
            for name in [
                "summary",
                "offers",
                "offers_isf",
                "organisation_kind",
                "manages_direct_payments",
                "management_fee_percent",
                "management_fee_fixed",
                "staff_matching",
                "supports_self_managed_staff",
                "taking_new_people",
                "regulator",
                "regulator_registration",
                "regulator_rating",
                "email",
                "phone",
                "website",
                "address",
                "town",
                "postcode",
                "latitude",
                "longitude",
                "client_groups",
            ]
        }
        initial["council_areas"] = list(profile.council_areas.all()) if profile.pk else []
        initial["postcode_districts"] = ", ".join(profile.postcode_districts)
        initial["languages"] = ", ".join(profile.languages)
        initial["fee_kind"] = (
            "percent"
            if profile.management_fee_percent is not None
            else "fixed"
            if profile.management_fee_fixed is not None
            else "none"
        )
        for code, answer in (profile.element_answers or {}).items():
            initial[f"element_{code}"] = answer
        return initial

    def clean(self):
        data = super().clean()
        kind = data.get("fee_kind")
        if kind == "percent" and data.get("management_fee_percent") is None:
            self.add_error("management_fee_percent", "Enter the management fee as a percentage, like 8.5")
        if kind == "fixed" and data.get("management_fee_fixed") is None:
            self.add_error(
                "management_fee_fixed", "Enter the management fee as an amount a year, like 1200.00"
            )
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            missing = "longitude" if data.get("longitude") is None else "latitude"
            if not self.has_error(missing):
                self.add_error(missing, f"Enter the {missing} too, or leave both blank")
        return data

    def values(self) -> dict:
        d = self.cleaned_data
        kind = d["fee_kind"]
        values = {
            name: d[name]
            for name in [
                "summary",
                "offers",
                "offers_isf",
                "manages_direct_payments",
                "staff_matching",
                "supports_self_managed_staff",
                "taking_new_people",
                "regulator",
                "regulator_registration",
                "regulator_rating",
                "email",
                "phone",
                "website",
                "address",
                "town",
                "postcode",
                "latitude",
                "longitude",
            ]
        }
        values["organisation_kind"] = d["organisation_kind"] or OrganisationKind.SUPPORT_PROVIDER
        values["client_groups"] = list(d["client_groups"])
        values["postcode_districts"] = _lines(d["postcode_districts"])
        values["languages"] = _lines(d["languages"])
        values["management_fee_percent"] = d["management_fee_percent"] if kind == "percent" else None
        values["management_fee_fixed"] = d["management_fee_fixed"] if kind == "fixed" else None
        values["element_answers"] = {
            code: d[f"element_{code}"] for code in ELEMENTS if d.get(f"element_{code}")
        }
        return values


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name or obj.person_ref


class AskProviderForm(forms.Form):
    person = PersonChoiceField(
        label="Who is the support for?", queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    message = forms.CharField(
        label="Tell them a little about yourself (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, what matters to you and what you would like help with.",
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if people.count() == 1:
            self.fields["person"].initial = people.first()


class ShortlistForm(forms.Form):
    person = PersonChoiceField(queryset=None, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class DecideRequestForm(forms.Form):
    decision = forms.ChoiceField(
        label="Can you support this person?",
        choices=[("accept", "Yes, we can support them"), ("decline", "No, we cannot support them")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="If not, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person will see this, so they can choose again.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why you cannot support this person")
        return data


class AgreementTermsForm(forms.Form):
    arrangement = forms.ModelChoiceField(
        label="Individual Service Fund in the person's approved budget",
        queryset=None,
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
    )
    # No annual budget field: the amount is the approved Individual Service Fund's, never typed here.
    fee_kind = forms.ChoiceField(
        label="Management fee, as agreed up front",
        choices=FEE_KINDS[:2],
        widget=forms.RadioSelect,
    )
    management_fee_percent = forms.DecimalField(
        label="Percentage of the budget", required=False, min_value=0, max_value=100, decimal_places=2
    )
    management_fee_fixed = MoneyField(label="Fixed amount a year in pounds", required=False)
    outcomes = forms.CharField(
        label="Outcomes from the support plan",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the person wants from their support, in their words. Not a schedule of hours.",
    )
    payment_frequency_weeks = forms.IntegerField(
        label="Pay the provider every so many weeks, in advance", min_value=1, max_value=52, initial=4
    )
    unspent_limit = MoneyField(
        label="Unspent money that may build up before a review, in pounds",
        required=False,
        help_text="Leave blank for four weeks of budget.",
    )
    overdraft_limit = MoneyField(label="Overdraft the provider may run, in pounds", initial=0)
    person_notice_days = forms.IntegerField(
        label="Notice the person gives to end it, in days", min_value=0, max_value=365, initial=28,
        help_text="The person may end the agreement at any time, for any reason.",
    )  # fmt: skip
    provider_notice_days = forms.IntegerField(
        label="Notice the provider gives to end it, in days", min_value=0, max_value=365, initial=56
    )
    start_date = DateField(label="Start date", required=False, help_text="For example, 1 4 2027")
    review_date = DateField(
        label="Review date", required=False, help_text="Leave blank for a year after the start."
    )
    reason = forms.CharField(
        label="Why the terms are changing", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, arrangements=None, replacing=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if arrangements is None or editing or (replacing is not None and not arrangements.exists()):
            # A move makes the arrangement with the new provider on the move date.
            del self.fields["arrangement"]
        else:
            self.fields["arrangement"].queryset = arrangements
            self.fields["arrangement"].label_from_instance = lambda a: (
                f"£{a.annual_amount:,.2f} a year from {a.start_date:%-d %B %Y}"
                + (f" (reference {a.budget_ref})" if a.budget_ref else "")
            )
            self.fields["arrangement"].required = replacing is None
            if arrangements.count() == 1:
                self.fields["arrangement"].initial = arrangements.first()
        if replacing is not None or editing:
            del self.fields["start_date"]
        if not editing:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        kind = data.get("fee_kind")
        if kind == "percent" and data.get("management_fee_percent") is None:
            self.add_error("management_fee_percent", "Enter the management fee as a percentage, like 8.5")
        if kind == "fixed" and data.get("management_fee_fixed") is None:
            self.add_error(
                "management_fee_fixed", "Enter the management fee as an amount a year, like 1200.00"
            )
        return data

    def terms(self) -> dict:
        d = self.cleaned_data
        terms = {
            name: d[name]
            for name in [
                "outcomes",
                "payment_frequency_weeks",
                "overdraft_limit",
                "person_notice_days",
                "provider_notice_days",
            ]
        }
        terms["management_fee_percent"] = d["management_fee_percent"] if d["fee_kind"] == "percent" else None
        terms["management_fee_fixed"] = d["management_fee_fixed"] if d["fee_kind"] == "fixed" else None
        if d.get("unspent_limit") is not None:
            terms["unspent_limit"] = d["unspent_limit"]
        if d.get("start_date"):
            terms["start_date"] = d["start_date"]
        if d.get("review_date"):
            terms["review_date"] = d["review_date"]
        return terms


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class NoticeForm(forms.Form):
    end_date = DateField(
        label="Last day of the agreement", required=False, help_text="Leave blank for the earliest date."
    )
    reason = forms.CharField(
        label="Why are you ending it?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, earliest: date, reason_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end_date"].help_text = (
            f"The earliest is {earliest:%-d %B %Y}. Enter a date like {earliest:%-d %-m %Y}, "
            "or leave blank for the earliest."
        )
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = "The person and the council will see this."
        else:
            self.fields["reason"].label = "Why are you ending it? (optional)"
            self.fields["reason"].help_text = "You do not have to give a reason."


class RecordChoiceForm(forms.Form):
    """A choice the person made by phone, on paper or at a meeting, recorded by the commissioner."""

    provider = forms.ModelChoiceField(
        label="The organisation they chose",
        queryset=Provider.objects.none(),
        empty_label="Choose an organisation",
        error_messages={"required": "Choose the organisation they chose"},
    )
    chosen_by = forms.CharField(
        label="Who made the choice",
        max_length=200,
        help_text="For example: Ava, with her mother Pat",
        error_messages={"required": "Say who made the choice"},
    )
    made = forms.ChoiceField(
        label="How they told you",
        choices=[(c.value, c.label) for c in ChoiceMade if c != ChoiceMade.ONLINE],
        widget=forms.RadioSelect,
        error_messages={"required": "Say how they told you"},
    )
    chosen_on = DateField(label="When they chose", help_text="For example, 27 11 2026")
    message = forms.CharField(
        label="Anything the organisation should know (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
