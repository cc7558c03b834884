"""Only what is public: a walk of every endpoint of the feed over the demo data finds no person's name or
reference, no budget reference, and nothing from an agreement or a ledger, and every answer is valid
HSDS 3.0."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from budgets.models import Arrangement, Person, PersonalBudget
from organisations.models import User
from providers.ledger.models import LedgerEntry
from providers.models import FlexibleAgreement
from tests.api.hsds_schemas import errors, response_ref

from .conftest import FEED

pytestmark = pytest.mark.django_db


def private_strings() -> set[str]:
    """Everything the demo holds about people, budgets, agreements and ledgers that could leak."""
    found: set[str] = set()
    for person in Person.objects.all():
        found |= {person.person_ref, f"{person.given_name} {person.family_name}".strip()}
    found |= set(Arrangement.objects.exclude(budget_ref="").values_list("budget_ref", flat=True))
    found |= set(PersonalBudget.objects.exclude(decision_reason="").values_list("decision_reason", flat=True))
    for user in User.objects.exclude(email__endswith=".invalid"):
        found |= {user.email, re.sub(r"\s*\(.*\)$", "", user.full_name)}
    for agreement in FlexibleAgreement.objects.all():
        found |= {line for line in agreement.outcomes.splitlines() if line.strip()}
        found |= {agreement.notice_reason, agreement.decline_reason}
    found |= set(LedgerEntry.objects.values_list("description", flat=True))
    return {s.strip() for s in found if s and s.strip()}


def every_answer(feed):
    """(HSDS path, URL, JSON) for every endpoint of the feed: every page of every list, full and not, all
    of it as ndjson, and every object's own URL."""
    yield "/", f"{FEED}/", feed.get(f"{FEED}/").json()
    lists = [
        ("/services", "services"),
        ("/organizations", "organizations"),
        ("/service_at_locations", "service_at_locations"),
        ("/taxonomies", "taxonomies"),
        ("/taxonomy_terms", "taxonomy_terms"),
        (None, "locations"),
        (None, "contacts"),
    ]
    for hsds_path, kind in lists:
        for extra in ("", "&full=true", "&full_service=true", "&format=ndjson"):
            page = 1
            while True:
                url = f"{FEED}/{kind}/?per_page=3&page={page}{extra}"
                response = feed.get(url)
                if extra == "&format=ndjson":
                    for line in response.content.decode().splitlines():
                        yield None, url, json.loads(line)
                    break
                data = response.json()
                yield hsds_path, url, data
                for item in data["contents"] if hsds_path and not extra else []:
                    detail = f"{FEED}/{kind}/{item['id']}/"
                    yield f"{hsds_path}/{{id}}", detail, feed.get(detail).json()
                    if kind == "organizations":
                        yield f"{hsds_path}/{{id}}", detail, feed.get(f"{detail}?full_service=true").json()
                if data["last_page"]:
                    break
                page += 1


def test_the_feed_carries_nothing_about_people_budgets_agreements_or_ledgers(feed):
    call_command("seed_demo", "--force", stdout=StringIO())
    secrets = private_strings()
    assert len(secrets) > 30  # the demo really has people, agreements and ledger entries to look for
    answers = list(every_answer(feed))
    assert len(answers) > 50
    leaks, invalid = [], []
    for hsds_path, url, data in answers:
        text = json.dumps(data, ensure_ascii=False).lower()
        leaks += [(url, s) for s in secrets if s.lower() in text]
        if hsds_path and hsds_path != "/service_at_locations/{id}":
            invalid += [(url, e) for e in errors(data, response_ref(hsds_path))]
    assert leaks == []
    assert invalid == []
