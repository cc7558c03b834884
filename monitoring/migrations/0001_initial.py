import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("organisations", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PopulationFigure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("year", models.PositiveSmallIntegerField()),
                (
                    "age_band",
                    models.CharField(
                        choices=[
                            ("0-17", "0 to 17"),
                            ("18-64", "18 to 64"),
                            ("65+", "65 and over"),
                            ("65-74", "65 to 74"),
                            ("75-84", "75 to 84"),
                            ("85+", "85 and over"),
                        ],
                        max_length=8,
                    ),
                ),
                ("population", models.PositiveIntegerField()),
                ("imported_at", models.DateTimeField(auto_now_add=True)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="population_figures",
                        to="organisations.council",
                    ),
                ),
            ],
            options={
                "ordering": ["council", "year", "age_band"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("council", "year", "age_band"), name="population_unique_band"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="ReturnJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting to start"),
                            ("running", "Being made"),
                            ("done", "Ready"),
                            ("failed", "Could not be made"),
                        ],
                        default="queued",
                        max_length=8,
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("step", models.CharField(blank=True, max_length=100)),
                ("error", models.TextField(blank=True)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="return_jobs",
                        to="organisations.council",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"])),
                        fields=("council", "period"),
                        name="one_active_return_job_per_period",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="MonitoringReturn",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=10)),
                ("period_start", models.DateField()),
                ("period_end", models.DateField()),
                ("version", models.PositiveIntegerField()),
                ("figures", models.JSONField()),
                ("checksum", models.CharField(max_length=64)),
                ("pdf", models.BinaryField(blank=True, default=b"")),
                ("created_at", models.DateTimeField()),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                (
                    "council",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="monitoring_returns",
                        to="organisations.council",
                    ),
                ),
                (
                    "job",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="monitoring_return",
                        to="monitoring.returnjob",
                    ),
                ),
                (
                    "published_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-period_end", "-version"],
                "indexes": [
                    models.Index(fields=["period", "council", "-version"], name="return_period_council")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("council", "period", "version"), name="return_version_unique"
                    )
                ],
            },
        ),
    ]
