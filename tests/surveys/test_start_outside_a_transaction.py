"""Starting a survey locks the respondent's unsent response, so the service opens its own transaction:
a page that calls it outside one (as every page does, ATOMIC_REQUESTS being off) must not fail. Runs
with real commits (transaction=True), where a missing transaction shows."""

import pytest

from organisations.models import Role
from surveys.definitions import PROVIDER_SELF_ASSESSMENT, ensure_shipped_surveys
from surveys.models import Survey
from surveys.services import start_or_continue_response
from tests.factories import ProviderFactory, staff


@pytest.mark.django_db(transaction=True)
def test_a_response_starts_and_continues_outside_a_transaction():
    ensure_shipped_surveys()
    provider = ProviderFactory(provider_ref="PRV-001", name="Harbour Lights Support")
    manager = staff(Role.PROVIDER_MANAGER, provider=provider, email="manager@harbour.example.org")
    survey = Survey.objects.get(slug=PROVIDER_SELF_ASSESSMENT)
    first = start_or_continue_response(survey=survey, provider=provider, actor=manager)
    again = start_or_continue_response(survey=survey, provider=provider, actor=manager)
    assert first.pk is not None and again.pk == first.pk
