import pytest

from config.celery import app as celery_app


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process (the suite has a real Redis but these tests start no worker)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
