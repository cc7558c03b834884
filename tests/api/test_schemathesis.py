"""Schemathesis against /api/schema/, with a token for each role: every operation, with generated
parameters and bodies, gives no server error and answers what the schema says (nullable fields
included). Run in-process through the WSGI application (schemathesis' WSGI transport), on the
permission matrix's world so lists and details have data in them."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error, response_schema_conformance

from config.wsgi import application
from tests.matrix.test_permission_matrix import build_world

# Examples per operation and role: enough to try each parameter and body shape, small enough that the
# whole run stays around a minute on two cores.
EXAMPLES = 4


def _check(strategy, token: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case):
        response = case.call(headers={"Authorization": f"Token {token}"})
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    run()


@pytest.fixture
def keep_the_test_connection():
    """Calls go through the WSGI handler in this thread: like Django's test client, keep it from closing
    the test's database connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_the_api_keeps_to_its_schema_for_every_role(keep_the_test_connection):
    world = build_world()
    tokens = {
        role: Token.objects.get_or_create(user=user)[0].key for role, user in world.users.items() if user
    }
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()
        for role, token in tokens.items():
            try:
                _check(strategy, token)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, reported below
                failures.append(f"{role} {operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
