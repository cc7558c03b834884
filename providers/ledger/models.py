"""Held accounts: money an organisation holds for one person (DESIGN.md, "Money held for a person:
the ISF ledger"): an Individual Service Fund or a managed direct payment, kept the same way.

- `HeldAccount` (formerly `IndividualServiceFund`, still importable by that name) is one account. It
  is also the row every writer locks (`select_for_update`) so that writers to one ledger are serialised.
- `LedgerEntry` is append-only. The code refuses to save an existing entry, delete one, or update or
  delete through a queryset; the database refuses UPDATE and DELETE with a trigger (migration 0002).
  A mistake is corrected by a reversing entry that points at the original (`reverses`, one per entry).
- The balance is the sum of the entries, kept on the account row by the database as each entry is
  written (migration 0005), so reading it never sums the entries.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from budgets.models import Arrangement, Person
from organisations.models import Council, Provider
from providers.models import FlexibleAgreement

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


class Category(models.TextChoices):
    COUNCIL_PAYMENT = "council_payment", "Money from the council"
    SUPPORT = "support", "Support"
    ACTIVITY = "activity", "Activities"
    EQUIPMENT = "equipment", "Equipment"
    MANAGEMENT_FEE = "management_fee", "Management fee"
    TRANSFER = "transfer", "Moved with you to another organisation"
    REFUND = "refund", "Paid back to the council"
    PAID_TO_PERSON = "paid_to_person", "Paid to you to manage yourself"
    CORRECTION = "correction", "Correction"


# What a provider spends the money on (the entry form, the import, the API).
SPENDING_CATEGORIES = (Category.SUPPORT, Category.ACTIVITY, Category.EQUIPMENT)
# Entries that must take money out (stored negative) and in (stored positive). Transfers and
# corrections may go either way.
OUT_CATEGORIES = (*SPENDING_CATEGORIES, Category.MANAGEMENT_FEE, Category.REFUND, Category.PAID_TO_PERSON)
IN_CATEGORIES = (Category.COUNCIL_PAYMENT,)
# The entries that close an account: the money moved on with the person, or was paid to them to
# manage themselves. Rare (one a closed account at most), and asked about on every provider page (a
# closed account with its final statement leaves the provider's view), so they have an index of their
# own (`ledger_closing`).
CLOSING = Q(category=Category.TRANSFER, amount__lt=0) | Q(category=Category.PAID_TO_PERSON)


class KeySource(models.TextChoices):
    """Whose idempotency key it is. The system's own keys (`council-payment:1-10`, `transfer-out:9`,
    `reversal:19`) and the keys people and providers' systems give (API `Idempotency-Key`, CSV
    `entry_ref`, form references) are kept apart, so a given key can never stand in for, or block,
    an entry the system makes."""

    SYSTEM = "system", "Made by the system"
    GIVEN = "given", "Given by whoever recorded it"


class HeldKind(models.TextChoices):
    """Why an organisation holds the money. The two differ in who contracts the support (the provider
    under a flexible agreement with the council; the person, through the organisation managing their
    direct payment) and in the words shown, not in how the money is kept."""

    ISF = "isf", "Individual Service Fund"
    MANAGED_DP = "direct_payment_managed", "Managed direct payment"


class HeldAccount(models.Model):
    """Money an organisation holds for one person: an Individual Service Fund (under one flexible
    agreement) or a managed direct payment (for one arrangement of the person's budget). A move opens
    a new account; the balance moves by a pair of transfer entries.

    `balance` and `last_entry_on` are kept by the database: a trigger (migration 0005) adds each new
    entry to its account's row in the same transaction, under that row's lock, and refuses any other
    change to them, so a page reads the balance without summing the entries and it is always equal to
    their sum."""

    kind = models.CharField(max_length=32, choices=HeldKind.choices, default=HeldKind.ISF)
    # An ISF's agreement; blank for a managed direct payment (no agreement: the person contracts).
    agreement = models.OneToOneField(
        FlexibleAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="isf"
    )
    # The part of the budget the account holds (for a managed direct payment, its terms: the amount,
    # the management cost, the dates). An ISF reads its terms from the agreement.
    arrangement = models.ForeignKey(
        Arrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="held_accounts"
    )
    # Copied from the agreement or arrangement so that scoping queries need no join through it.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="isfs")
    # The organisation that holds the money (a support provider, a community hub, a managed account
    # service).
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="isfs")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="isfs")
    # The council's budget_ref for the person's arrangement: how an organisation's accounting export
    # names the account. A move's new arrangement has its own reference, so the new account has too.
    budget_ref = models.CharField(max_length=64, blank=True)
    opened_on = models.DateField()
    # A managed direct payment's last day here (it moved, or ended); an ISF's is its agreement's end.
    closed_on = models.DateField(null=True, blank=True)
    # A managed direct payment's agreed limit of unspent money (an ISF's is in its agreement).
    managed_unspent_limit = models.DecimalField(**MONEY, null=True, blank=True)
    balance = models.DecimalField(**MONEY, default=ZERO, editable=False)
    last_entry_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "ledger_individualservicefund"
        ordering = ["person__family_name", "person__given_name", "pk"]
        verbose_name = "held account"
        # Serves the provider import, which looks a fund up by (provider, budget_ref).
        indexes = [models.Index(fields=["provider", "budget_ref"], name="isf_provider_budget_ref")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=HeldKind.ISF, agreement__isnull=False)
                | Q(kind=HeldKind.MANAGED_DP, agreement__isnull=True, arrangement__isnull=False),
                name="held_account_isf_has_agreement_managed_has_arrangement",
            ),
            models.UniqueConstraint(
                fields=["arrangement"],
                condition=Q(kind=HeldKind.MANAGED_DP),
                name="held_account_one_per_managed_arrangement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.person} with {self.provider}"

    def save(self, *args, **kwargs):
        """The balance is the database's to keep: a save never writes it (an old copy in memory would
        otherwise be written back, and the database refuses that)."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in ("balance", "last_entry_on")
            ]
        super().save(*args, **kwargs)

    @property
    def is_isf(self) -> bool:
        return self.kind == HeldKind.ISF

    @property
    def terms(self):
        """What the money is paid under: the flexible agreement (ISF) or the arrangement's terms."""
        from .terms import terms_of

        return terms_of(self)

    @property
    def words(self) -> "Words":
        return WORDS[self.kind]


class Words:
    """The words each kind of account is shown with."""

    def __init__(self, *, name: str, family_title: str, short: str, holder: str, fee: str):
        self.name = name  # "Individual Service Fund"
        self.family_title = family_title  # "Your Individual Service Fund"
        self.short = short  # "ISF"
        self.holder = holder  # who holds it, for the family
        self.fee = fee  # what the organisation's cost is called, as on the family's page

    def label(self, category: str) -> str:
        """An entry's kind in this account's words (statements, ledgers, the family's pages): the
        organisation's cost is named as on the family's page, never "Management fee"."""
        if category == Category.MANAGEMENT_FEE:
            return self.fee
        return Category(category).label

    def category_choices(self) -> list[tuple[str, str]]:
        return [(code, self.label(code)) for code in Category.values]


WORDS = {
    HeldKind.ISF: Words(
        name="Individual Service Fund",
        family_title="Your Individual Service Fund",
        short="ISF",
        holder="the provider that holds your money and arranges your support",
        fee="Fee for holding the money",
    ),
    HeldKind.MANAGED_DP: Words(
        name="Managed direct payment",
        family_title="Your managed direct payment",
        short="managed direct payment",
        holder="the organisation that looks after your direct payment and pays for the support you choose",
        fee="Management cost",
    ),
}

# The name every module used before the ledger held managed direct payments too.
IndividualServiceFund = HeldAccount


class AppendOnlyQuerySet(models.QuerySet):
    """Entries cannot be changed or removed in bulk either (the database refuses it too)."""

    def update(self, **kwargs):
        raise AppendOnlyError("Ledger entries are never changed: record a correcting entry instead.")

    def delete(self):
        raise AppendOnlyError("Ledger entries are never deleted: record a correcting entry instead.")

    # bulk_update goes through update(); bulk_create is allowed (it only inserts).


class AppendOnlyError(Exception):
    pass


class LedgerEntry(models.Model):
    """One line of a ledger. Written once by a service (providers/ledger/services/), never changed."""

    fund = models.ForeignKey(HeldAccount, on_delete=models.PROTECT, related_name="entries")
    entry_date = models.DateField()
    category = models.CharField(max_length=20, choices=Category.choices)
    # Signed: money in is positive, money out negative.
    amount = models.DecimalField(**MONEY)
    description = models.CharField(max_length=300, help_text="What the money was for, in plain words.")
    # Unique per ledger: a repeated import, retried request or re-run job adds nothing twice.
    idempotency_key = models.CharField(max_length=120)
    key_source = models.CharField(max_length=6, choices=KeySource.choices, default=KeySource.GIVEN)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    # A transfer out of one fund and the transfer in to the next point at each other.
    transfer_pair = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["entry_date", "recorded_at", "pk"]
        verbose_name_plural = "ledger entries"
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "key_source", "idempotency_key"], name="ledger_key_unique_per_fund_and_source"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="ledger_amount_not_zero"),
            models.CheckConstraint(
                condition=~Q(category__in=[c.value for c in OUT_CATEGORIES]) | Q(amount__lt=0),
                name="ledger_money_out_is_negative",
            ),
            models.CheckConstraint(
                condition=~Q(category__in=[c.value for c in IN_CATEGORIES]) | Q(amount__gt=0),
                name="ledger_money_in_is_positive",
            ),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True) | Q(category="correction"),
                name="ledger_reversal_is_a_correction",
            ),
            models.CheckConstraint(
                condition=Q(
                    transfer_pair__isnull=True, category__in=[c.value for c in Category if c != "transfer"]
                )
                | Q(transfer_pair__isnull=False, category="transfer"),
                name="ledger_transfer_has_its_pair",
            ),
        ]
        indexes = [
            # Serves the running balance and statements: a fund's entries in date order, by period.
            models.Index(fields=["fund", "entry_date", "recorded_at"], name="ledger_fund_date"),
            # "Has this account closed, and when": a few rows, not every entry of the fund.
            models.Index(fields=["fund", "entry_date"], condition=CLOSING, name="ledger_closing"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date:%d %b %Y} {self.get_category_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Ledger entries are never changed: record a correcting entry instead.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Ledger entries are never deleted: record a correcting entry instead.")

    @property
    def is_money_in(self) -> bool:
        return self.amount > 0

    @property
    def kind_label(self) -> str:
        """The kind in the words of the account it is in (see Words.label). A transfer reads as where
        the money went: in the new account it arrived, it did not leave."""
        if self.category == Category.TRANSFER and self.amount > 0:
            return "Moved here with you from the last organisation"
        return self.fund.words.label(self.category)


class Statement(models.Model):
    """A statement produced for one period (by the four-weekly job, or asked for). The figures shown are
    always worked out from the entries; the closing balance here is what it was when produced.
    The unique constraint is the job's claim: a retry or a second worker cannot produce it twice."""

    fund = models.ForeignKey(HeldAccount, on_delete=models.PROTECT, related_name="statements")
    period_start = models.DateField()
    period_end = models.DateField()
    closing_balance = models.DecimalField(**MONEY)
    produced_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled = models.BooleanField(default=False)

    class Meta:
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "period_start", "period_end"], name="statement_once_per_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="statement_end_not_before_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Statement {self.period_start:%d %b %Y} to {self.period_end:%d %b %Y} for {self.fund}"


class Notification(models.Model):
    """Tells a person or family member something about their money ("your statement is ready"),
    shown on their page until they have seen it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="isf_notices")
    fund = models.ForeignKey(HeldAccount, on_delete=models.CASCADE, related_name="notifications")
    statement = models.ForeignKey(Statement, null=True, blank=True, on_delete=models.CASCADE)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "statement"], name="notification_once_per_statement")
        ]
        indexes = [models.Index(fields=["user", "seen_at"], name="notification_unseen")]

    def __str__(self) -> str:
        return self.message


class MoveTo(models.TextChoices):
    ORGANISATION = "organisation", "Another organisation manages it"
    ISF = "isf", "It becomes an Individual Service Fund"
    SELF_MANAGED = "self_managed", "The person manages it themselves"


class MoveStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class ScheduledMove(models.Model):
    """A move of a managed direct payment from a date (managed.request_move). One due today, with
    nothing to wait for, is done at once; one from a later date, or into an ISF whose provider has not
    yet accepted the agreement, waits here until the daily payments job (or the provider accepting)
    completes it, and until then the commissioner may cancel it. The old arrangement ends the day
    before `on_date` as soon as the move is asked for (as notice on an agreement sets its end date), so
    no payment goes to the old account for days after it; cancelling puts the old end date back."""

    account = models.ForeignKey(HeldAccount, on_delete=models.PROTECT, related_name="scheduled_moves")
    to = models.CharField(max_length=16, choices=MoveTo.choices)
    on_date = models.DateField()
    # The new managing organisation (to an organisation) or ISF provider (into an ISF).
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The ISF agreement the money goes into; `made_agreement` when this move offered it (then it is
    # withdrawn if the move is cancelled while the provider has not answered).
    agreement = models.ForeignKey(
        FlexibleAgreement, null=True, blank=True, on_delete=models.PROTECT, related_name="managed_moves"
    )
    made_agreement = models.BooleanField(default=False)
    management_cost_amount = models.DecimalField(**MONEY, null=True, blank=True)
    management_cost_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    previous_end_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=MoveStatus.choices, default=MoveStatus.SCHEDULED)
    # Where the money is now, once done (None when it was paid to the person).
    target = models.ForeignKey(HeldAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(status="scheduled"), name="one_scheduled_move_per_account"
            ),
            models.CheckConstraint(
                condition=~Q(to="isf") | Q(agreement__isnull=False),
                name="scheduled_move_into_isf_has_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_to_display()} from {self.on_date:%d %b %Y} ({self.account})"

    @property
    def last_day(self):
        """The old organisation's last day."""
        import datetime as dt

        return self.on_date - dt.timedelta(days=1)

    @property
    def waiting_for_provider(self) -> bool:
        from providers.models import AgreementStatus

        return self.agreement_id is not None and self.agreement.status == AgreementStatus.OFFERED

    @property
    def declined(self) -> bool:
        from providers.models import AgreementStatus

        return self.agreement_id is not None and self.agreement.status in (
            AgreementStatus.DECLINED,
            AgreementStatus.WITHDRAWN,
        )
