"""People with personal budgets, their representatives, and the budgets and arrangements they hold."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone

from organisations.models import Council, Provider
from organisations.validators import validate_reference


class PrimarySupportReason(models.TextChoices):
    """The SALT groups."""

    PHYSICAL_SUPPORT = "physical_support", "Physical support"
    SENSORY_SUPPORT = "sensory_support", "Sensory support"
    MEMORY_AND_COGNITION = "memory_and_cognition", "Support with memory and cognition"
    LEARNING_DISABILITY = "learning_disability", "Learning disability support"
    MENTAL_HEALTH = "mental_health", "Mental health support"
    SOCIAL_SUPPORT = "social_support", "Social support"


class ManagementType(models.TextChoices):
    DIRECT_PAYMENT = "direct_payment", "Direct payment, self-managed"
    DIRECT_PAYMENT_MANAGED = "direct_payment_managed", "Direct payment, managed by a third party"
    ISF = "isf", "Individual Service Fund"
    COMMISSIONER_CONTROLLED = "commissioner_controlled", "Council- or NHS-managed budget"


# Managed third-party budgets: held by an organisation on the person's behalf (open letter, rec. 3).
MANAGED_THIRD_PARTY_TYPES = (ManagementType.ISF, ManagementType.DIRECT_PAYMENT_MANAGED)
DIRECT_PAYMENT_TYPES = (ManagementType.DIRECT_PAYMENT, ManagementType.DIRECT_PAYMENT_MANAGED)
TYPES_HELD_BY_A_PROVIDER = MANAGED_THIRD_PARTY_TYPES


# What the caseload search looks in (budgets.selectors.caseload), each with a trigram index.
SEARCHED_COLUMNS = ("given_name", "family_name", "person_ref", "postcode")


class Person(models.Model):
    """Someone who has (or is being assessed for) a personal budget from one council."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="people")
    person_ref = models.CharField("council reference", max_length=64, validators=[validate_reference])
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    # Blank only for a carer (a carer's own budget is not sorted by a primary support reason).
    primary_support_reason = models.CharField(max_length=32, choices=PrimarySupportReason.choices, blank=True)
    # A carer in their own right (issue 19): their own assessment, linked to the person they care for,
    # and their own budget, counted only in the carers' section of a monitoring return.
    is_carer = models.BooleanField("carer", default=False)
    postcode = models.CharField(max_length=10, blank=True)
    # The person's own sign-in, when they have one.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "person_ref"]
        constraints = [
            models.UniqueConstraint(fields=["council", "person_ref"], name="person_ref_unique_in_council"),
        ]
        indexes = [
            models.Index(fields=["council", "date_of_birth"], name="person_council_dob"),
            # The caseload, a page at a time in name order (issue 14).
            models.Index(
                fields=["council", "family_name", "given_name", "person_ref"], name="person_council_name"
            ),
            # The caseload search: a word anywhere in a name, reference or postcode (`icontains`, which
            # PostgreSQL otherwise answers by reading every person of the council, twice a search:
            # the count and the page). Trigram indexes on exactly what Django compares, UPPER(column).
            *(
                GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=f"person_{column}_trgm")
                for column in SEARCHED_COLUMNS
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.person_ref

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class Representative(models.Model):
    """A family member or other person who may act for someone with a budget."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="representatives")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="represents")
    relationship = models.CharField(
        max_length=100, blank=True, help_text="For example: mother, brother, friend"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "user"], name="representative_unique")]

    def __str__(self) -> str:
        return f"{self.user} for {self.person}"


class CarerAssessment(models.Model):
    """A carer's assessment: what caring for one person involves for the carer, and what would help.
    Its indicative amount is the starting point for the carer's own budget (a PersonalBudget of the
    carer, held any of the ways a budget can be held)."""

    carer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carer_assessments")
    cared_for = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="carers_assessed")
    relationship = models.CharField(max_length=100, blank=True, help_text="For example: daughter, husband")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    caring_role = models.TextField("What caring involves")
    what_would_help = models.TextField("What would help")
    indicative_amount = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(carer=models.F("cared_for")), name="carer_not_cared_for"),
            models.CheckConstraint(
                condition=Q(indicative_amount__gte=0), name="carer_assessment_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Carer's assessment of {self.carer} (caring for {self.cared_for})"


class BudgetStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PROPOSED = "proposed", "Waiting for approval"
    SENT_BACK = "sent_back", "Sent back"
    APPROVED = "approved", "Approved"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PersonalBudget(models.Model):
    """One version of a person's agreed annual budget, from a start date.

    A later change is a new version (`replaces` points at the one before); when it is approved the
    earlier version's arrangements are end-dated the day before, so history and counts stay true.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="budgets")
    start_date = models.DateField()
    status = models.CharField(max_length=16, choices=BudgetStatus.choices, default=BudgetStatus.DRAFT)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    review_due = models.DateField(null=True, blank=True)
    # Added by the budgets app (issue 3): what the budget was based on, and whether it came from a
    # council's case-management export (imported versions are approved on arrival).
    assessment = models.ForeignKey(
        "Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="budgets"
    )
    support_plan = models.ForeignKey(
        "SupportPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="budgets"
    )
    imported = models.BooleanField(default=False)
    # Why the proposed amount differs from the assessment's amount; the approver and the family see it.
    difference_reason = models.TextField(blank=True)
    # The review whose recommendation this version carries out (issue 17), if any.
    from_review = models.ForeignKey(
        "BudgetReview", null=True, blank=True, on_delete=models.PROTECT, related_name="proposed_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["status", "review_due"], name="budget_status_review")]

    def __str__(self) -> str:
        return f"Budget for {self.person} from {self.start_date:%d %B %Y}"

    def total_on(self, day: dt.date) -> Decimal:
        """The annual amount on `day`: the sum, as stored, of the arrangements active that day (with a
        managed direct payment's management cost on top of its amount for support). An
        arrangement ended by a move or a new version no longer counts, its successor does."""
        return sum((a.total_amount for a in self.arrangements.all() if a.is_active_on(day)), Decimal("0.00"))

    def day_shown(self, today: dt.date | None = None) -> dt.date:
        """The day a total is given for: today; the start day of a version that has not started; the
        last day of a version whose parts have all ended."""
        day = max(today or timezone.localdate(), self.start_date)
        ends = [a.end_date for a in self.arrangements.all()]
        if ends and None not in ends and max(ends) < day:
            day = max(ends)
        return day

    @property
    def total(self) -> Decimal:
        """The annual amount on the day shown (see `day_shown`)."""
        return self.total_on(self.day_shown())

    @property
    def highest_total(self) -> Decimal:
        """The most the budget comes to on any day one of its parts starts: what an approver's limit is
        checked against, so a part starting later cannot slip past it."""
        days = {a.start_date for a in self.arrangements.all()} or {self.start_date}
        return max(self.total_on(day) for day in days)


class Arrangement(models.Model):
    """One part of a budget, held one way (a management type), with its own annual amount and dates."""

    budget = models.ForeignKey(PersonalBudget, on_delete=models.CASCADE, related_name="arrangements")
    management_type = models.CharField(max_length=32, choices=ManagementType.choices)
    annual_amount = models.DecimalField(max_digits=12, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="arrangements"
    )
    # The council's own reference from its case-management system (import key); unique per council.
    budget_ref = models.CharField(max_length=64, blank=True, validators=[validate_reference])
    # A managed direct payment's management cost, agreed with the organisation that manages it: a
    # yearly amount, or a percentage of the amount for support. Added on top of `annual_amount` (the
    # amount for support), so the person does not lose support to pay for management.
    management_cost_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    management_cost_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Denormalised from budget.person.council so budget_ref can be unique per council in the database.
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="arrangements")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(annual_amount__gte=0), name="arrangement_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="arrangement_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=~Q(management_type__in=[t.value for t in TYPES_HELD_BY_A_PROVIDER])
                | Q(provider__isnull=False),
                name="arrangement_provider_when_held_by_one",
            ),
            models.UniqueConstraint(
                fields=["council", "budget_ref"],
                condition=~Q(budget_ref=""),
                name="budget_ref_unique_in_council",
            ),
            models.CheckConstraint(
                condition=Q(management_cost_amount__isnull=True) | Q(management_cost_percent__isnull=True),
                name="arrangement_management_cost_amount_or_percent",
            ),
            models.CheckConstraint(
                condition=(Q(management_cost_amount__isnull=True) | Q(management_cost_amount__gte=0))
                & (
                    Q(management_cost_percent__isnull=True)
                    | Q(management_cost_percent__gte=0, management_cost_percent__lte=100)
                ),
                name="arrangement_management_cost_in_range",
            ),
            models.CheckConstraint(
                condition=Q(management_type=ManagementType.DIRECT_PAYMENT_MANAGED)
                | Q(management_cost_amount__isnull=True, management_cost_percent__isnull=True),
                name="arrangement_management_cost_only_when_managed_dp",
            ),
        ]
        # Serves the monitoring return's "active on day d" and "in the period" counts.
        indexes = [models.Index(fields=["council", "start_date", "end_date"], name="arrangement_dates")]

    def __str__(self) -> str:
        return f"{self.get_management_type_display()} for {self.budget.person}"

    def save(self, *args, **kwargs):
        """Arrangement.council is always the budget's person's council: filled in when left out, and a
        mismatch is refused (it would put the arrangement in another council's counts)."""
        person_council = (
            PersonalBudget.objects.filter(pk=self.budget_id)
            .values_list("person__council_id", flat=True)
            .first()
        )
        if self.council_id is None:
            self.council_id = person_council
        elif person_council is not None and self.council_id != person_council:
            raise ValueError("An arrangement's council must be the council of the budget's person.")
        super().save(*args, **kwargs)

    @property
    def management_cost(self) -> Decimal:
        """The yearly management cost (a managed direct payment's), to the penny, half up."""
        if self.management_cost_amount is not None:
            return self.management_cost_amount
        if self.management_cost_percent is not None:
            return (self.annual_amount * self.management_cost_percent / 100).quantize(
                Decimal("0.01"), rounding="ROUND_HALF_UP"
            )
        return Decimal("0.00")

    @property
    def total_amount(self) -> Decimal:
        """The amount for support plus the management cost on top: what the council pays a year."""
        return self.annual_amount + self.management_cost

    def is_active_on(self, day: dt.date) -> bool:
        """DESIGN.md: active on day d when start_date <= d and (no end_date or end_date >= d)."""
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)


# ---- resource allocation: each council's questionnaire, points and price per point ----------------


class AllocationQuestionnaire(models.Model):
    """A council's resource allocation system: questions worth points, a price per point, adjustments.

    Configured by the council (in the admin, or by `services.ensure_default_questionnaire`). Each
    assessment keeps a copy of what it used, so a later change of price or points never rewrites an
    indicative budget someone was already shown.
    """

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="allocation")
    price_per_point = models.DecimalField(max_digits=10, decimal_places=2)
    introduction = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(price_per_point__gte=0), name="allocation_price_not_negative")
        ]

    def __str__(self) -> str:
        return f"Resource allocation for {self.council}"


class AllocationQuestion(models.Model):
    questionnaire = models.ForeignKey(
        AllocationQuestionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class AllocationOption(models.Model):
    question = models.ForeignKey(AllocationQuestion, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=300)
    points = models.PositiveIntegerField()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.label} ({self.points} points)"


class AllocationAdjustment(models.Model):
    """An optional adjustment applied after points × price: a percentage or a fixed annual amount,
    either of which may be negative (for example −10% where a carer gives regular support)."""

    questionnaire = models.ForeignKey(
        AllocationQuestionnaire, on_delete=models.CASCADE, related_name="adjustments"
    )
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=200, help_text="For staff: 'A carer gives regular support'")
    family_wording = models.CharField(
        max_length=300, help_text="For the person: 'someone in your family gives you regular support'"
    )
    percent = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=False, amount__isnull=True)
                | Q(percent__isnull=True, amount__isnull=False),
                name="adjustment_percent_or_amount",
            )
        ]

    def __str__(self) -> str:
        return self.label


class Assessment(models.Model):
    """A needs assessment and the indicative annual budget it gives.

    `breakdown` is a copy of the questions, answers, points, price and adjustments used, so the plain
    English explanation can always be shown exactly as worked out. `agreed_amount` differs from
    `indicative_amount` only with a written `departure_reason`.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField()
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    breakdown = models.JSONField(default=dict)
    total_points = models.PositiveIntegerField()
    price_per_point = models.DecimalField(max_digits=10, decimal_places=2)
    indicative_amount = models.DecimalField(max_digits=12, decimal_places=2)
    agreed_amount = models.DecimalField(max_digits=12, decimal_places=2)
    departure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreed_amount=models.F("indicative_amount")) | ~Q(departure_reason=""),
                name="assessment_departure_needs_reason",
            )
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.person} on {self.assessed_on:%d %B %Y}"

    @property
    def departs(self) -> bool:
        return self.agreed_amount != self.indicative_amount


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"


class SupportPlan(models.Model):
    """Written with the person, organised around outcomes, not hours. Drafted by the family, a
    provider or the commissioner; agreed by the commissioner. Changing an agreed plan starts a new
    draft, so the agreed one stays as it was."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="support_plans")
    status = models.CharField(max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    what_matters = models.TextField("What matters to me")
    outcomes = models.TextField("The outcomes I want")
    how_money_used = models.TextField("How the money will be used")
    who_helps = models.TextField("Who helps me")
    risks = models.TextField("Risks and how they are handled")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Who wrote the text as it stands: the last person to change it (each change is in the audit trail
    # with its author), so a page never credits the first drafter with someone else's words.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Support plan for {self.person}"


class HoldingPreference(models.Model):
    """What the person or family said about how they want to hold their budget (latest counts)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="holding_preferences")
    management_types = models.JSONField(default=list)
    note = models.TextField(blank=True)
    said_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def labels(self) -> list[str]:
        return [ManagementType(t).label for t in self.management_types if t in ManagementType.values]

    def family_labels(self) -> list[str]:
        """The same choices in the words family pages use."""
        from .wording import family_title

        return [family_title(t) for t in self.management_types if t in ManagementType.values]


class Recommendation(models.TextChoices):
    KEEP = "keep", "Keep the budget as it is"
    INCREASE = "increase", "Increase the budget"
    REDUCE = "reduce", "Reduce the budget"
    END = "end", "End the budget"


class BudgetReview(models.Model):
    """A review of a budget that took place; it sets when the next one is due."""

    budget = models.ForeignKey(PersonalBudget, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField()
    next_review_due = models.DateField()
    # Issue 17: what changed in the person's life and what the reviewer recommends (the outcomes walked
    # one by one are ReviewOutcome rows). Blank on reviews recorded before.
    what_changed = models.JSONField(default=list, blank=True)
    what_changed_note = models.TextField(blank=True)
    recommendation = models.CharField(max_length=16, choices=Recommendation.choices, blank=True)
    recommendation_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]

    @property
    def outcomes_met(self) -> bool:
        """At least one outcome met: a reduction after it is tapering, not a cut."""
        return any(o.status == "met" for o in self.outcomes.all())


# ---- uploads that wait for a second person: separation of duties -----------------------------------


class BatchStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an approver"
    CONFIRMED = "confirmed", "Confirmed and imported"
    REJECTED = "rejected", "Rejected"


class ImportBatch(models.Model):
    """A file uploaded through the browser. Nothing in it counts until someone else with the approver
    role confirms it, within their approval limit (budgets.batches). The file is kept as uploaded and
    applied on confirmation by the importer named in `kind`, so batches work for any parser."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(max_length=32, default="budgets")
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.WAITING)
    rows = models.PositiveIntegerField()
    people = models.PositiveIntegerField()
    annual_total = models.DecimalField(max_digits=14, decimal_places=2)
    # The largest single person's annual total in the file: what the approver's limit is checked against,
    # as for a budget typed in.
    largest_total = models.DecimalField(max_digits=14, decimal_places=2)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    result = models.TextField(blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["council", "status"], name="batch_council_status")]

    def __str__(self) -> str:
        return f"{self.file_name} for {self.council}"


# Issue 17's models live in their own module; imported here so they are budgets models like the rest.
from . import review_models  # noqa: E402

OutcomeStatus = review_models.OutcomeStatus
ReviewOutcome = review_models.ReviewOutcome
ReviewResponse = review_models.ReviewResponse
BlockStatus = review_models.BlockStatus
BlockContract = review_models.BlockContract
BlockPlace = review_models.BlockPlace
