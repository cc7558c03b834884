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
    assert set(services) == {"web", "worker", "beat", "db", "redis"}
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
    for name in ("web", "worker", "beat"):
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
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
