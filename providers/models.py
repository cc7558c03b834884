"""Directory profiles, people's choices of provider, and flexible agreements (Individual Service Funds).

For the ISF ledger (providers/ledger, label `ledger`): an ISF's terms live on `FlexibleAgreement`
(annual_budget, management_fee_percent / management_fee_fixed, payment_frequency_weeks,
payment_in_advance, unspent_limit, overdraft_limit, start_date, end_date, status, person, provider,
council, arrangement). `FlexibleAgreement.in_force_on(d)` and `selectors.agreements_in_force(on=d)` say
which agreements money may move under; `providers.hooks.register_on_move` tells the ledger when a person
moves from one agreement to the next.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from budgets.models import Arrangement, Person
from organisations.models import Council, Provider

from .elements import ClientGroup

MONEY = {"max_digits": 12, "decimal_places": 2}


class RegulatorRating(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    NOT_YET_RATED = "not_yet_rated", "Not yet rated"


class OrganisationKind(models.TextChoices):
    """What kind of organisation a profile describes (published in the Open Referral feed)."""

    SUPPORT_PROVIDER = "support_provider", "A support provider"
    COMMUNITY_HUB = "community_hub", "A community hub"
    MANAGED_ACCOUNT_SERVICE = "managed_account_service", "A managed account or payroll service"
    # Independent help to plan and choose (the brokerage app keeps its area, cost and funding).
    SUPPORT_BROKERAGE = "support_brokerage", "An independent support broker or planner"


class ProviderProfile(models.Model):
    """What one provider tells families about itself: one per organisation, edited by its managers."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="profile")
    # Stable public identifier for the Open Referral UK API (organisation id; services, locations and
    # contacts derive theirs from it).
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    summary = models.TextField("about us", blank=True)
    offers = models.TextField("what we offer", blank=True)
    council_areas = models.ManyToManyField(Council, blank=True, related_name="provider_profiles")
    postcode_districts = ArrayField(
        models.CharField(max_length=4), default=list, blank=True, help_text="For example: DT1, BH15"
    )
    client_groups = ArrayField(
        models.CharField(max_length=40, choices=ClientGroup.choices), default=list, blank=True
    )
    offers_isf = models.BooleanField("offers Individual Service Funds", default=False)
    organisation_kind = models.CharField(
        max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.SUPPORT_PROVIDER
    )
    manages_direct_payments = models.BooleanField("manages direct payments for people", default=False)
    management_fee_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    management_fee_fixed = models.DecimalField(**MONEY, null=True, blank=True)
    languages = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    staff_matching = models.BooleanField("can match staff to the person", default=False)
    supports_self_managed_staff = models.BooleanField(
        "can support people to manage their own staff", default=False
    )
    taking_new_people = models.BooleanField(default=True)
    regulator = models.CharField(max_length=100, blank=True, help_text="For example: Care Quality Commission")
    regulator_registration = models.CharField(max_length=50, blank=True)
    regulator_rating = models.CharField(max_length=32, choices=RegulatorRating.choices, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    # Where the office is on a map, if the provider chooses to publish it (WGS84 degrees): the Open
    # Referral feed answers "services near this point" from these.
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # code -> answer (elements.Answer); the ten elements plus funder_flexibility.
    element_answers = models.JSONField(default=dict, blank=True)
    # From the self-assessment: how long the provider has offered ISFs ("", "under_1", "1_to_3", ...).
    isf_years = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.CheckConstraint(
                name="profile_one_kind_of_fee",
                condition=Q(management_fee_percent__isnull=True) | Q(management_fee_fixed__isnull=True),
            ),
            models.CheckConstraint(
                name="profile_fee_percent_range",
                condition=Q(management_fee_percent__isnull=True)
                | Q(management_fee_percent__gte=0, management_fee_percent__lte=100),
            ),
            models.CheckConstraint(
                name="profile_fee_fixed_not_negative",
                condition=Q(management_fee_fixed__isnull=True) | Q(management_fee_fixed__gte=0),
            ),
            models.CheckConstraint(
                name="profile_coordinates_both_and_in_range",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
            ),
        ]
        # The directory filters on these arrays with @> (contains).
        indexes = [
            models.Index(fields=["offers_isf", "taking_new_people"], name="profile_isf_taking"),
            # The Open Referral feed's modified_after and Last-Modified.
            models.Index(fields=["updated_at"], name="profile_updated_at"),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.provider}"


class ChoiceStatus(models.TextChoices):
    SHORTLISTED = "shortlisted", "On your shortlist"
    REQUESTED = "requested", "Asked, waiting for an answer"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_CHOICE_STATUSES = (ChoiceStatus.SHORTLISTED, ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED)
# A provider's staff see a person once the person has asked them (not while only on a shortlist).
# A provider sees a request waiting for its answer and one it accepted; a declined one is gone from
# its view (the link is not live).
CHOICE_STATUSES_SEEN_BY_PROVIDER = (ChoiceStatus.REQUESTED, ChoiceStatus.ACCEPTED)


class ChoiceMade(models.TextChoices):
    """How the person made the choice: online themselves, or told the commissioner, who recorded it."""

    ONLINE = "online", "Online"
    PHONE = "phone", "By phone"
    PAPER = "paper", "On paper"
    MEETING = "meeting", "At a meeting"


class ProviderChoice(models.Model):
    """A person's shortlisting of, request to, and (on acceptance) choice of a provider."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="provider_choices")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="choices")
    status = models.CharField(max_length=16, choices=ChoiceStatus.choices, default=ChoiceStatus.SHORTLISTED)
    message = models.TextField(blank=True, help_text="What the person told the provider when asking.")
    decline_reason = models.TextField(blank=True)
    # A choice made by phone, on paper or at a meeting is recorded by the commissioner: who chose, how, when.
    made = models.CharField(max_length=16, choices=ChoiceMade.choices, default=ChoiceMade.ONLINE)
    chosen_by = models.CharField("who chose", max_length=200, blank=True)
    chosen_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "provider"],
                condition=Q(status__in=["shortlisted", "requested", "accepted"]),
                name="choice_one_open_per_person_and_provider",
            )
        ]
        # Serves the provider's request list and the commissioner's list of accepted choices.
        indexes = [models.Index(fields=["provider", "status"], name="choice_provider_status")]

    def __str__(self) -> str:
        return f"{self.person} → {self.provider} ({self.get_status_display()})"


class AgreementStatus(models.TextChoices):
    OFFERED = "offered", "Waiting for the provider to accept"
    ACTIVE = "active", "Agreed"
    ENDING = "ending", "Notice given"
    ENDED = "ended", "Ended"
    DECLINED = "declined", "Declined by the provider"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Agreements the provider accepted that have not ended yet.
IN_FORCE_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.ENDING)
# Agreements that were (or are) in force between their start_date and end_date: on a past day an
# ended agreement was in force, so date-based questions use this set.
AGREED_STATUSES = (AgreementStatus.ACTIVE, AgreementStatus.ENDING, AgreementStatus.ENDED)


class NoticeFrom(models.TextChoices):
    PERSON = "person", "The person or their representative"
    PROVIDER = "provider", "The provider"


DEFAULT_PAYMENT_FREQUENCY_WEEKS = 4
DEFAULT_UNSPENT_LIMIT_WEEKS = 4
DEFAULT_PERSON_NOTICE_DAYS = 28
DEFAULT_PROVIDER_NOTICE_DAYS = 56


class FlexibleAgreement(models.Model):
    """The flexible agreement for one person's Individual Service Fund, between the commissioner's council
    and the provider the person chose. Terms are current on this row; every version is kept in
    `AgreementVersion`, every change audited.

    Dates: `start_date` is the first day, `end_date` the last day (inclusive, as for arrangements).
    A replacement agreement (`replaces`) starts the day after the old one's end date; the move (the
    unspent balance following the person) happens at the start of that day.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flexible_agreements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="flexible_agreements")
    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="flexible_agreements")
    # The person's ISF arrangement this agreement governs. Blank only for a replacement agreement before
    # its move completes: the arrangement with the new provider is made on the move date.
    arrangement = models.ForeignKey(
        Arrangement, null=True, blank=True, on_delete=models.PROTECT, related_name="flexible_agreements"
    )
    choice = models.ForeignKey(
        ProviderChoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="agreements"
    )
    # The agreement this one takes over. One that was declined or withdrawn takes nothing over, so a
    # later one may replace the same agreement: at most one replacement that is not is kept (constraint).
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    status = models.CharField(max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.OFFERED)

    annual_budget = models.DecimalField(**MONEY)
    management_fee_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    management_fee_fixed = models.DecimalField(**MONEY, null=True, blank=True)
    outcomes = models.TextField(help_text="What the person wants from their support, from the support plan.")
    payment_frequency_weeks = models.PositiveSmallIntegerField(default=DEFAULT_PAYMENT_FREQUENCY_WEEKS)
    payment_in_advance = models.BooleanField(default=True)
    unspent_limit = models.DecimalField(**MONEY)
    overdraft_limit = models.DecimalField(**MONEY, default=Decimal("0.00"))
    person_notice_days = models.PositiveSmallIntegerField(default=DEFAULT_PERSON_NOTICE_DAYS)
    provider_notice_days = models.PositiveSmallIntegerField(default=DEFAULT_PROVIDER_NOTICE_DAYS)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    review_date = models.DateField()

    version = models.PositiveIntegerField(default=1)
    accepted_version = models.PositiveIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    notice_from = models.CharField(max_length=16, choices=NoticeFrom.choices, blank=True)
    notice_given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notice_given_at = models.DateTimeField(null=True, blank=True)
    notice_reason = models.TextField(blank=True)
    # Set on the new agreement when the person's move to it has completed (balance moved).
    move_completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="agreement_one_kind_of_fee",
                condition=Q(management_fee_percent__isnull=True) | Q(management_fee_fixed__isnull=True),
            ),
            models.CheckConstraint(
                name="agreement_fee_percent_range",
                condition=Q(management_fee_percent__isnull=True)
                | Q(management_fee_percent__gte=0, management_fee_percent__lte=100),
            ),
            models.CheckConstraint(
                name="agreement_money_not_negative",
                condition=Q(annual_budget__gte=0, unspent_limit__gte=0, overdraft_limit__gte=0)
                & (Q(management_fee_fixed__isnull=True) | Q(management_fee_fixed__gte=0)),
            ),
            models.CheckConstraint(
                name="agreement_end_not_before_start",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
            models.CheckConstraint(
                name="agreement_pays_at_least_weekly", condition=Q(payment_frequency_weeks__gte=1)
            ),
            models.UniqueConstraint(
                fields=["replaces"],
                condition=~Q(status__in=["declined", "withdrawn"]),
                name="agreement_one_replacement_taking_over",
            ),
        ]
        indexes = [
            # The daily job finds moves and ends that are due; the ledger finds agreements in force.
            models.Index(fields=["status", "start_date", "end_date"], name="agreement_status_dates"),
            models.Index(fields=["provider", "status"], name="agreement_provider_status"),
        ]

    def __str__(self) -> str:
        return f"Flexible agreement for {self.person} with {self.provider}"

    def in_force_on(self, day: date) -> bool:
        """Money may be held and paid under this agreement on `day`."""
        return (
            self.status in AGREED_STATUSES
            and self.start_date <= day
            and (self.end_date is None or self.end_date >= day)
        )

    @property
    def awaiting_provider(self) -> bool:
        """The provider has yet to accept the current version of the terms."""
        return self.status in (AgreementStatus.OFFERED, AgreementStatus.ACTIVE, AgreementStatus.ENDING) and (
            self.accepted_version != self.version
        )

    @property
    def move_date(self) -> date | None:
        """For a replacement agreement: the day the person (and their money) moves to it."""
        return self.start_date if self.replaces_id else None

    def earliest_person_end_date(self, today: date) -> date:
        return max(today + timedelta(days=self.person_notice_days), self.start_date)

    def earliest_provider_end_date(self, today: date) -> date:
        return max(today + timedelta(days=self.provider_notice_days), self.start_date)


# The terms copied into each version (and compared when terms change).
TERM_FIELDS = (
    "annual_budget",
    "management_fee_percent",
    "management_fee_fixed",
    "outcomes",
    "payment_frequency_weeks",
    "payment_in_advance",
    "unspent_limit",
    "overdraft_limit",
    "person_notice_days",
    "provider_notice_days",
    "start_date",
    "end_date",
    "review_date",
)


class AgreementVersion(models.Model):
    """One version of an agreement's terms, kept for good: written once by a service, never changed."""

    agreement = models.ForeignKey(FlexibleAgreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    terms = models.JSONField()
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.agreement}"
