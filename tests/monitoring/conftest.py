import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process (the suite has a real Redis but these tests start no worker)."""
    before = celery_app.conf.task_always_eager
    set_celery_conf(task_always_eager=True)
    yield
    set_celery_conf(task_always_eager=before)


def set_celery_conf(**values):
    """Celery 5.6 reads a CELERY_-prefixed Django setting before the plain key, so set both."""
    for key, value in values.items():
        celery_app.conf[key] = value
        celery_app.conf[f"CELERY_{key.upper()}"] = value
