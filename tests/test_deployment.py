"""docker-compose.yml runs the real deployment shape: web, worker, beat, PostgreSQL and Redis."""

import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_it_has_the_five_services_each_with_a_health_check():
    services = _compose()["services"]
    assert set(services) == {"web", "worker", "worker-imports", "beat", "db", "redis"}
    for name, service in services.items():
        assert "healthcheck" in service, name
        assert service["healthcheck"]["test"], name
        assert "image" in service or "build" in service, name


def test_the_app_services_run_gunicorn_and_celery_from_one_image():
    services = _compose()["services"]
    assert "gunicorn config.wsgi:application" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A config worker")
    assert services["beat"]["command"].startswith("celery -A config beat")
    assert "DatabaseScheduler" in services["beat"]["command"]
    for name in ("web", "worker", "worker-imports", "beat"):
        assert services[name]["build"] == "."
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert env["DEBUG"] == "0"
        assert services[name]["depends_on"]["db"]["condition"] == "service_healthy"
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")


def test_secrets_come_from_the_environment_not_the_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${SECRET_KEY:?" in text
    assert "${SITE_URL:?" in text
    assert "${EMAIL_URL:?" in text


def test_docker_compose_accepts_the_file_where_it_is_installed():
    if shutil.which("docker-compose") is None:
        # Debian's docker-compose is optional on a developer machine; the parse above still runs.
        return
    result = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env={
            **os.environ,
            "SECRET_KEY": "x",
            "ALLOWED_HOSTS": "example.org",
            "SITE_URL": "https://example.org",
            "EMAIL_URL": "smtp://mail.example.org:25",
            "POSTGRES_PASSWORD": "a",
            "DB_OWNER_PASSWORD": "b",
            "DB_APP_PASSWORD": "c",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_app_runs_as_a_role_that_owns_nothing_and_migrations_as_the_owner():
    services = _compose()["services"]
    for name in ("web", "worker", "worker-imports", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://support_app:"), name
    web = services["web"]
    assert web["environment"]["MIGRATE_DATABASE_URL"].startswith("postgres://support_owner:")
    assert web["environment"]["DATABASE_RUNTIME_ROLE"] == "support_app"
    assert web["command"].startswith('sh -c "DATABASE_URL=$$MIGRATE_DATABASE_URL python manage.py migrate')
    db = services["db"]
    assert "./scripts/db/create_roles.sh:/docker-entrypoint-initdb.d/10-create-roles.sh:ro" in db["volumes"]
    assert (db["environment"]["DB_OWNER_USER"], db["environment"]["DB_APP_USER"]) == (
        "support_owner",
        "support_app",
    )
    script = (ROOT / "scripts" / "db" / "create_roles.sh").read_text()
    assert script.count("NOSUPERUSER") == 2
    assert 'CREATE DATABASE "$DB_NAME" OWNER "$DB_OWNER_USER"' in script
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in ("POSTGRES_PASSWORD", "DB_OWNER_PASSWORD", "DB_APP_PASSWORD"):
        assert "${" + secret + ":?" in text


def test_returns_and_imports_have_their_own_workers_and_queues():
    from django.conf import settings

    services = _compose()["services"]
    assert "-Q returns,celery" in services["worker"]["command"]
    assert "-Q imports" in services["worker-imports"]["command"]
    routes = settings.CELERY_TASK_ROUTES
    assert routes["monitoring.tasks.produce_return"] == {"queue": "returns"}
    assert routes["*.import_*"] == {"queue": "imports"}


def test_the_planner_prices_random_reads_for_data_in_memory(django_db_blocker):
    """The app's connections tell PostgreSQL that reading out of order is cheap (issue 14): with the
    spinning-disk default a provider's ledger list read every person of the council to join names."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)
