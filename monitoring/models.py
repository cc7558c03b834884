"""Population figures and monitoring returns: the jobs that make them and the snapshots they leave."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from organisations.models import Council


class AgeBand(models.TextChoices):
    """Bands a population file may use. 65+ may be given whole or as 65-74, 75-84 and 85+."""

    CHILDREN = "0-17", "0 to 17"
    WORKING_AGE = "18-64", "18 to 64"
    OLDER = "65+", "65 and over"
    OLDER_65_74 = "65-74", "65 to 74"
    OLDER_75_84 = "75-84", "75 to 84"
    OLDER_85 = "85+", "85 and over"


class PopulationFigure(models.Model):
    """The council's resident population in one age band for one year (mid-year estimate)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="population_figures")
    year = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=8, choices=AgeBand.choices)
    population = models.PositiveIntegerField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "year", "age_band"]
        constraints = [
            models.UniqueConstraint(fields=["council", "year", "age_band"], name="population_unique_band")
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.year} {self.age_band}: {self.population}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready"
    FAILED = "failed", "Could not be made"


ACTIVE_JOB_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class ReturnJob(models.Model):
    """A request to make one council's return for one period. At most one is waiting or running for
    each council and period, so asking twice gives the same job."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="return_jobs")
    period = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED)
    # None when the scheduler asked (no person did).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When its task was handed to the job service (Redis); empty while the job service is down, until
    # the beat task `send_queued_jobs` sends it.
    sent_at = models.DateTimeField(null=True, blank=True)
    # Written every few seconds by the worker making it: a running job whose heartbeat stops has lost
    # its worker (services.resume_abandoned_jobs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker has claimed it: more than one means a worker died or gave up on it.
    attempts = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Serves idempotent requests: a second request while one is waiting or running finds it.
            models.UniqueConstraint(
                fields=["council", "period"],
                condition=Q(status__in=["queued", "running"]),
                name="one_active_return_job_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.period} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def waiting_for_job_service(self) -> bool:
        """Asked for while the job service was down: it starts when the service is back."""
        return self.status == JobStatus.QUEUED and self.sent_at is None

    @property
    def progress_percent(self) -> int:
        return {"queued": 5, "running": 50, "done": 100, "failed": 100}.get(self.status, 0)


class MonitoringReturn(models.Model):
    """A finished return: a snapshot of the figures as they were when it was made. Never edited (only
    published); making the return again for the same period makes a new version."""

    council = models.ForeignKey(Council, on_delete=models.PROTECT, related_name="monitoring_returns")
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    period_end = models.DateField()
    version = models.PositiveIntegerField()
    figures = models.JSONField()
    # SHA-256 of the figures as canonical JSON (sorted keys, no spaces), so a copy can be checked.
    checksum = models.CharField(max_length=64)
    pdf = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # One job leaves at most one return, however many times its task is delivered.
    job = models.OneToOneField(
        ReturnJob, null=True, blank=True, on_delete=models.PROTECT, related_name="monitoring_return"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["council", "period", "version"], name="return_version_unique")
        ]
        indexes = [
            # Serves the comparison: other councils' latest published return for a period.
            models.Index(fields=["period", "council", "-version"], name="return_period_council"),
        ]

    def __str__(self) -> str:
        return f"{self.council} {self.period} version {self.version}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def status(self) -> str:
        """`provisional` when made on or before the period's last day, `final` after (the figures say
        so too; older snapshots without the key are judged by when they were made)."""
        from django.utils import timezone

        from .periods import FINAL, PROVISIONAL

        stored = (self.figures or {}).get("status")
        if stored in (FINAL, PROVISIONAL):
            return stored
        return FINAL if timezone.localdate(self.created_at) > self.period_end else PROVISIONAL
