"""Independent support brokerage: what a brokerage offers, the invitations a person gives one, the asks a
broker drafts for the family to confirm, and enquiries from people with no council account.

A brokerage organisation is an `organisations.Provider` whose directory profile is of the
`support_brokerage` kind; its staff hold the `broker` role. A broker sees a person only while an
invitation from (or agreed by) that person is live, and never approves anything.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgets.models import Person
from organisations.models import Council, Provider
from providers.models import ProviderChoice

MONEY = {"max_digits": 12, "decimal_places": 2}


class BrokerageOffer(models.Model):
    """What one brokerage tells families beyond its directory profile: what it costs and who pays."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="brokerage_offer")
    cost = models.TextField(
        "what it costs", help_text="In plain words, for example: Free to you if Dorset Council pays for it."
    )
    hourly_rate = models.DecimalField(**MONEY, null=True, blank=True)
    funded_by = models.ManyToManyField(
        Council, blank=True, related_name="funded_brokerages", help_text="Councils that pay for its help."
    )
    helps_self_funders = models.BooleanField("helps people paying for their own support", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider__name"]
        constraints = [
            models.CheckConstraint(
                name="brokerage_rate_not_negative",
                condition=Q(hourly_rate__isnull=True) | Q(hourly_rate__gte=0),
            )
        ]

    def __str__(self) -> str:
        return f"Brokerage offer of {self.provider}"


class InvitedAs(models.TextChoices):
    FAMILY = "family", "The person or their family"
    COMMISSIONER = "commissioner", "The social worker, with the family's agreement"


class Invitation(models.Model):
    """A person's invitation to a brokerage to help them, for a stated purpose, until a date (or until
    the family ends it). Live while not ended and `until` (if any) is today or later."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="broker_invitations")
    brokerage = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="broker_invitations")
    purpose = models.TextField(help_text="What the broker is asked to help with.")
    until = models.DateField(null=True, blank=True, help_text="Blank: until the family ends it.")
    invited_as = models.CharField(max_length=16, choices=InvitedAs.choices)
    # When the commissioner invites: how and when the person or family agreed (never blank then).
    family_agreement = models.TextField(blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="invitation_commissioner_records_agreement",
                condition=~Q(invited_as="commissioner") | ~Q(family_agreement=""),
            ),
        ]
        indexes = [models.Index(fields=["brokerage", "ended_at"], name="invitation_brokerage_live")]

    def __str__(self) -> str:
        return f"{self.brokerage} invited to help {self.person}"

    def is_live_on(self, day) -> bool:
        return self.ended_at is None and (self.until is None or self.until >= day)


class AskStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for the family to confirm"
    CONFIRMED = "confirmed", "Confirmed by the family and sent"
    NOT_SENT = "not_sent", "The family chose not to send it"


class DraftAsk(models.Model):
    """An ask to a provider that a broker writes on the family's behalf. Nothing reaches the provider
    until the person or their representative confirms it; then it is an ordinary request
    (providers.ProviderChoice) from the family."""

    invitation = models.ForeignKey(Invitation, on_delete=models.PROTECT, related_name="asks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="broker_asks")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="broker_asks")
    message = models.TextField()
    status = models.CharField(max_length=16, choices=AskStatus.choices, default=AskStatus.WAITING)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    choice = models.ForeignKey(
        ProviderChoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="broker_asks"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "provider"], condition=Q(status="waiting"), name="one_waiting_ask"
            )
        ]

    def __str__(self) -> str:
        return f"Ask to {self.provider} for {self.person}"


class Enquiry(models.Model):
    """Someone asks a brokerage for help without a council account (a self-funder, or anyone not yet
    known to the council). Only the brokerage's brokers see it."""

    brokerage = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="broker_enquiries")
    name = models.CharField("your name", max_length=200)
    contact = models.CharField(
        "how to contact you", max_length=200, help_text="A phone number or email address"
    )
    message = models.TextField("what you would like help with")
    pays_own_way = models.BooleanField("I pay for my own support (or expect to)", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Enquiry to {self.brokerage}"
