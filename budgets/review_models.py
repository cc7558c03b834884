"""Issue 17: reviews that walk the support plan's outcomes, the family's answer to a review, and block
contracts (one provider, many named people) on their way to becoming Individual Service Funds.

Imported by budgets.models, so these are budgets models like the rest."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Council, Provider


class OutcomeStatus(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
    NO_LONGER_WANTED = "no_longer_wanted", "No longer wanted"


class ReviewOutcome(models.Model):
    """One outcome of the support plan, as the review found it, with the person's own words."""

    review = models.ForeignKey("budgets.BudgetReview", on_delete=models.CASCADE, related_name="outcomes")
    order = models.PositiveSmallIntegerField(default=0)
    outcome = models.TextField()
    status = models.CharField(max_length=20, choices=OutcomeStatus.choices)
    own_words = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_status_display()}"


class ReviewResponse(models.Model):
    """The person's or family's answer to a review before its recommendation is agreed: they agree,
    or they disagree and say why in writing. The latest answer counts; earlier ones are kept."""

    review = models.ForeignKey("budgets.BudgetReview", on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField()
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agrees=True) | ~Q(comment=""), name="review_disagreement_in_writing"
            )
        ]


class BlockStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for an approver"
    ACTIVE = "active", "In force"
    CONVERTING = "converting", "Conversion waiting for an approver"
    CONVERTED = "converted", "Converted to Individual Service Funds"
    REJECTED = "rejected", "Rejected"


class BlockContract(models.Model):
    """A block contract with one provider covering named people. Recorded by a commissioner and
    confirmed by an approver (a batch, budgets.batches); while in force each person's share counts
    as a council-managed budget (`commissioner_controlled`). Converting it proposes, as one batch, an
    Individual Service Fund for each person; once approved the block ends the day before they start."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="block_contracts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="block_contracts")
    name = models.CharField(max_length=200)
    annual_value = models.DecimalField(max_digits=14, decimal_places=2)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=BlockStatus.choices, default=BlockStatus.WAITING)
    isf_start_date = models.DateField(null=True, blank=True)
    record_batch = models.ForeignKey(
        "budgets.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conversion_batch = models.ForeignKey(
        "budgets.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(annual_value__gte=0), name="block_value_not_negative"),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="block_end_not_before_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BlockPlace(models.Model):
    """One named person in a block: their share while the block runs (a council-managed part of their
    budget) and, after conversion, their Individual Service Fund."""

    block = models.ForeignKey(BlockContract, on_delete=models.CASCADE, related_name="places")
    person = models.ForeignKey("budgets.Person", on_delete=models.PROTECT, related_name="block_places")
    share = models.DecimalField(max_digits=12, decimal_places=2)
    arrangement = models.ForeignKey(
        "budgets.Arrangement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    isf_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    isf_arrangement = models.ForeignKey(
        "budgets.Arrangement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["person__family_name", "person__given_name", "pk"]
        constraints = [models.UniqueConstraint(fields=["block", "person"], name="block_place_unique")]
