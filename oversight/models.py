"""Proportionate oversight of direct payments and money held for people (issue 19)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgets.models import Arrangement
from organisations.models import Council

ZERO = Decimal("0.00")


class OversightSettings(models.Model):
    """The risk-based checks a council chooses. Nothing here ever takes money back: a check only
    starts a conversation."""

    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="oversight_settings")
    large_balance_enabled = models.BooleanField("Check large unspent balances", default=True)
    large_balance_weeks = models.PositiveSmallIntegerField(
        "Weeks of budget left unspent before a check", default=12
    )
    no_spending_enabled = models.BooleanField("Check when nothing has been spent for a while", default=True)
    no_spending_days = models.PositiveSmallIntegerField("Days with no spending before a check", default=91)
    concern_enabled = models.BooleanField("Staff may raise a concern", default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(large_balance_weeks__gte=1), name="oversight_weeks_positive"),
            models.CheckConstraint(condition=Q(no_spending_days__gte=28), name="oversight_days_at_least_28"),
        ]

    def __str__(self) -> str:
        return f"Oversight settings for {self.council}"


class AnnualStatement(models.Model):
    """What the money paid for this year, in the person's own words, with totals: read by the
    commissioner instead of a shoebox of receipts."""

    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="annual_statements")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="annual_statements")
    year_end = models.DateField()
    paid_for = models.TextField("What the money paid for")
    money_received = models.DecimalField(max_digits=12, decimal_places=2)
    money_spent = models.DecimalField(max_digits=12, decimal_places=2)
    money_left = models.DecimalField(max_digits=12, decimal_places=2)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-year_end", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "year_end"], name="one_statement_per_year"),
            models.CheckConstraint(
                condition=Q(money_received__gte=0, money_spent__gte=0), name="statement_totals_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Annual statement to {self.year_end:%d %B %Y} for {self.arrangement.budget.person}"


class CheckKind(models.TextChoices):
    LARGE_BALANCE = "large_balance", "A large unspent balance"
    NO_SPENDING = "no_spending", "No spending for a while"
    CONCERN = "concern", "A concern raised"


class CheckStatus(models.TextChoices):
    TALK_FIRST = "talk_first", "Waiting for a conversation"
    TALKED = "talked", "Talked with the family"
    DECIDED = "decided", "Decided"
    ASKED_AGAIN = "asked_again", "Asked to look again"


class Outcome(models.TextChoices):
    NO_CHANGE = "no_change", "Nothing needs to change"
    KEPT = "kept", "Money kept for an agreed purpose"
    PLAN_REVIEW = "plan_review", "Plan or budget to be reviewed"
    RECOVERED = "recovered", "Some money returned to the council"


class Check(models.Model):
    """One proportionate check of a budget held as a direct payment (or money held for the person):
    why it was started, the conversation, and what was decided."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="oversight_checks")
    arrangement = models.ForeignKey(Arrangement, on_delete=models.PROTECT, related_name="oversight_checks")
    kind = models.CharField(max_length=16, choices=CheckKind.choices)
    # The facts that started it, in plain English (shown to the family as "why we are asking").
    reason = models.TextField()
    balance = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Blank when the council's configured rule started it.
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=CheckStatus.choices, default=CheckStatus.TALK_FIRST)
    conversation_note = models.TextField(blank=True)
    conversation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conversation_on = models.DateField(null=True, blank=True)
    family_reply = models.TextField(blank=True)
    family_reply_at = models.DateTimeField(null=True, blank=True)
    ask_again_reason = models.TextField(blank=True)
    asked_again_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["council", "status"], name="check_council_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.arrangement.budget.person}"

    @property
    def decision(self):
        return self.decisions.order_by("-decided_at", "-pk").first()


class Decision(models.Model):
    """What a named person decided, with a written reason the family sees. A recovery can only exist
    here, with its decider and reason (the database refuses one without); asking again adds a new
    decision by someone else, and the latest counts."""

    check_obj = models.ForeignKey(Check, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)
    amount_kept = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    kept_for = models.TextField(blank=True)
    amount_recovered = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    on_asking_again = models.BooleanField(default=False)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="decision_has_reason"),
            models.CheckConstraint(
                condition=Q(amount_kept__gte=0, amount_recovered__gte=0), name="decision_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(amount_recovered=0) | Q(outcome="recovered"), name="recovery_only_as_outcome"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="recovered") | Q(amount_recovered__gt=0), name="recovered_has_amount"
            ),
            models.CheckConstraint(
                condition=Q(amount_kept=0) | ~Q(kept_for=""), name="kept_money_has_purpose"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} by {self.decided_by}"
