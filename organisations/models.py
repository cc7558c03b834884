"""Users, the organisations they work for and the roles they hold there."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .validators import validate_gss_code, validate_reference


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in: staff of a council or provider, a person with a budget, or a relative."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="May use the Django admin.")
    date_joined = models.DateTimeField(default=timezone.now)
    # Raised by database triggers when the user's memberships, devices or family links change
    # (migrations organisations 0006, budgets 0012, ledger 0009); never lowered. organisations.access trusts a
    # session's remembered roles for the version they were read at only.
    access_version = models.BigIntegerField(
        default=0,
        editable=False,
        help_text="Goes up (database triggers) when the user's memberships, devices or family "
        "links change: a session's remembered access is good for one version only.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class Council(models.Model):
    """A council or NHS commissioning body, identified by its ONS/GSS code."""

    gss_code = models.CharField("council code", max_length=9, unique=True, validators=[validate_gss_code])
    name = models.CharField(max_length=200)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(gss_code__regex=r"^[A-Z][0-9]{8}$"), name="council_gss_code_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Provider(models.Model):
    """A support organisation that may hold Individual Service Funds or manage direct payments."""

    provider_ref = models.CharField(
        "provider reference", max_length=64, unique=True, validators=[validate_reference]
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider_ref__regex=r"^[A-Za-z0-9._/-]{1,64}$"), name="provider_ref_format"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    COMMISSIONER = "commissioner", "Commissioner"
    APPROVER = "approver", "Approver"
    MONITORING_OFFICER = "monitoring_officer", "Monitoring officer"
    # Sets up the council: resource allocation, price per point, approval limits, staff and roles.
    COUNCIL_ADMIN = "council_admin", "Council administrator"
    PROVIDER_MANAGER = "provider_manager", "Provider manager"
    PROVIDER_FINANCE = "provider_finance", "Provider finance staff"
    PLATFORM_ADMIN = "platform_admin", "Platform administrator"
    # Staff of an independent support brokerage (an organisation whose directory profile is of the
    # support_brokerage kind): they see a person only while that person's invitation is live.
    BROKER = "broker", "Support broker"


COUNCIL_ROLES = frozenset({Role.COMMISSIONER, Role.APPROVER, Role.MONITORING_OFFICER, Role.COUNCIL_ADMIN})
PROVIDER_ROLES = frozenset({Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE})
# A broker's membership names their brokerage organisation in `provider`, but a broker is no provider
# staff: they never see a provider's requests, agreements or ledgers.
BROKER_ROLES = frozenset({Role.BROKER})


class Membership(models.Model):
    """A user's role in one council or one provider (or on the platform as a whole)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    provider = models.ForeignKey(
        Provider, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    # Only for approvers: the largest annual budget they may approve.
    approval_limit = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A council role belongs to a council, a provider role to a provider, a platform role to neither.
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(
                        role__in=sorted(r.value for r in COUNCIL_ROLES),
                        council__isnull=False,
                        provider__isnull=True,
                    )
                    | Q(
                        role__in=sorted(r.value for r in PROVIDER_ROLES),
                        council__isnull=True,
                        provider__isnull=False,
                    )
                    | Q(role=Role.PLATFORM_ADMIN, council__isnull=True, provider__isnull=True)
                    | Q(
                        role__in=sorted(r.value for r in BROKER_ROLES),
                        council__isnull=True,
                        provider__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "council", "provider"], name="membership_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        where = self.council or self.provider or "platform"
        return f"{self.user} – {self.get_role_display()} at {where}"


# ---- uploads as background jobs (issue 14) ----------------------------------------------------------


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Checking the file"
    DONE = "done", "Finished"
    FAILED = "failed", "Not imported: the file has problems"


class ImportJob(models.Model):
    """An uploaded file, kept until a worker has imported it (organisations/jobs.py). The file is stored
    in the database, not on a disk, so any worker container can read it. `target` says what the file is
    for (`council:7`, `provider:3`, `survey:slug`, `platform`)."""

    kind = models.CharField(max_length=32)
    target = models.CharField(max_length=64, blank=True)
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="import_jobs")
    status = models.CharField(max_length=8, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.TextField(blank=True)
    result_url = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Asking twice for the same file gives the same job (unless it failed: then the person
            # may fix something in the service and ask again).
            models.UniqueConstraint(
                fields=["kind", "target", "sha256", "requested_by"],
                condition=~Q(status="failed"),
                name="import_job_once_per_file",
            )
        ]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)
