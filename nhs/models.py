"""NHS commissioners, the partnerships that group them with councils, budgets funded jointly, and the
Transforming Care discharge tracker and provider capacity (issue 18).

An NHS commissioner (an integrated care board) is a `Council` row with an `NhsBody` beside it holding its
ODS code: its staff hold the same commissioner, approver and monitoring officer roles as a council's, and
its own people (personal health budgets) count in its own returns as any council's do.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from budgets.models import Person, PersonalBudget
from organisations.models import Council, Provider


class NhsBodyKind(models.TextChoices):
    ICB = "icb", "Integrated care board"


class NhsBody(models.Model):
    council = models.OneToOneField(Council, on_delete=models.CASCADE, related_name="nhs_body")
    ods_code = models.CharField("ODS code", max_length=5, unique=True)
    kind = models.CharField(max_length=8, choices=NhsBodyKind.choices, default=NhsBodyKind.ICB)

    class Meta:
        ordering = ["council__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ods_code__regex=r"^[A-Z0-9]{3,5}$"), name="nhs_ods_code_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.council.name} ({self.ods_code})"


class Partnership(models.Model):
    """Councils and NHS bodies that commission together, e.g. a Transforming Care Partnership. Staff of
    any member (commissioners, approvers, monitoring officers) see its discharge list and capacity."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(Council, related_name="partnerships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# ---- budgets funded by more than one body --------------------------------------------------------


class ShareStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for this funder's approval"
    APPROVED = "approved", "Approved by this funder"
    SENT_BACK = "sent_back", "Sent back by this funder"


class FundingShare(models.Model):
    """One funder's part of a budget version. A budget with no shares is funded wholly by the person's
    own council (or NHS body). With shares they add up to the whole budget, and the budget is approved
    only when every funder's approver has approved that funder's share."""

    budget = models.ForeignKey(PersonalBudget, on_delete=models.CASCADE, related_name="funding_shares")
    funder = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="funding_shares")
    annual_amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=ShareStatus.choices, default=ShareStatus.WAITING)
    stated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["budget_id", "funder__name"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "funder"], name="funding_share_once_per_funder"),
            models.CheckConstraint(condition=Q(annual_amount__gt=0), name="funding_share_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.funder} share of {self.budget}"


# ---- Transforming Care: named people coming home from hospital -----------------------------------


class Setting(models.TextChoices):
    ASSESSMENT_AND_TREATMENT = "assessment_and_treatment", "Assessment and treatment unit"
    SECURE_HOSPITAL = "secure_hospital", "Secure hospital"
    INDEPENDENT_HOSPITAL = "independent_hospital", "Independent (private) hospital"
    NHS_WARD = "nhs_ward", "NHS hospital ward"
    OTHER = "other", "Other in-patient setting"


class Answer(models.TextChoices):
    """The answers of Table 3 in seed 002 (the Transforming Care survey of providers)."""

    YES = "yes", "Yes"
    SOMEWHAT = "somewhat", "Somewhat"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known yet"


class DischargeLine(models.Model):
    """One named person in hospital or an in-patient setting whom a partnership plans to bring home.
    Whether the budget is known comes from the person's budgets; whether a provider is chosen from the
    line. The other four of Table 3's six questions are answered here."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="discharge_lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="discharge_lines")
    setting = models.CharField("Kind of place", max_length=32, choices=Setting.choices)
    setting_name = models.CharField("Where they are now", max_length=200)
    planned_date = models.DateField("Planned date to come home", null=True, blank=True)
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.PROTECT, related_name="discharge_lines"
    )
    shortlist = models.ManyToManyField(Provider, blank=True, related_name="discharge_shortlists")
    provider_has_met = models.CharField(
        "Has the provider met them?", max_length=16, choices=Answer.choices, default=Answer.NOT_KNOWN
    )
    work_alongside = models.CharField(
        "Can the provider work alongside them before they leave?",
        max_length=16,
        choices=Answer.choices,
        default=Answer.NOT_KNOWN,
    )
    clinical_support = models.CharField(
        "Are local clinical and learning disability teams supporting the move?",
        max_length=16,
        choices=Answer.choices,
        default=Answer.NOT_KNOWN,
    )
    psychiatrist_support = models.CharField(
        "Is the psychiatrist overseeing the placement supporting a return home?",
        max_length=16,
        choices=Answer.choices,
        default=Answer.NOT_KNOWN,
    )
    housing = models.CharField(
        "Is housing found, or being explored with good housing advice?",
        max_length=16,
        choices=Answer.choices,
        default=Answer.NOT_KNOWN,
    )
    housing_note = models.CharField("About housing", max_length=300, blank=True)
    clinical_note = models.CharField("About clinical support", max_length=300, blank=True)
    in_the_way = models.TextField("What is in the way", blank=True)
    discharged_on = models.DateField("Came home on", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "person"], name="discharge_line_once_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.partnership})"


# ---- what providers say they could do, and partnerships asking them early ------------------------


class ProviderExperience(models.Model):
    """A provider's experience of bringing people home, and the partnerships' areas it covers."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="tc_experience")
    years_offering_isfs = models.PositiveSmallIntegerField("Years offering Individual Service Funds")
    people_supported_home = models.PositiveIntegerField(
        "People you have supported to come home from hospital before"
    )
    areas = models.ManyToManyField(Partnership, blank=True, related_name="providers_covering")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Experience of {self.provider}"


class CapacityDeclaration(models.Model):
    """How many people a provider could realistically support to come home in one financial year
    (`year` 2026 is 2026-27), as Table 4 asks."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="tc_capacity")
    year = models.PositiveSmallIntegerField()
    people = models.PositiveIntegerField()
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declared_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "year"], name="capacity_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="capacity_year_range"),
        ]


class Invitation(models.Model):
    """A partnership asking a provider, early, to help bring people home."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="invitations")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="tc_invitations")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "provider"], name="invitation_once_per_provider")
        ]
