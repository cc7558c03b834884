"""`manage.py seed_demo`: the demo a newcomer sees, created idempotently and never in production."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from organisations.models import Council, Membership, Provider, User
from organisations.selectors import roles_of

pytestmark = pytest.mark.django_db
DEMO_EMAILS = [
    "commissioner@example.org",
    "approver@example.org",
    "monitoring@example.org",
    "provider@example.org",
    "family@example.org",
    "council.admin@example.org",
]


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="seed_demo only runs with DEBUG on"):
        call_command("seed_demo", stdout=StringIO())
    assert not User.objects.exists()


def test_it_creates_the_demo_sign_ins_twice_without_duplicates(settings, rf):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    counts = (
        User.objects.count(),
        Council.objects.count(),
        Provider.objects.count(),
        Membership.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        User.objects.count(),
        Council.objects.count(),
        Provider.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert Council.objects.filter(nhs_body__isnull=True).count() == 2  # and one NHS body (nhs demo)
    assert Provider.objects.count() >= 3
    for email in DEMO_EMAILS:
        user = authenticate(rf.post("/login/"), username=email, password="demo-pass-2026")
        assert user is not None, email
    assert roles_of(user=User.objects.get(email="commissioner@example.org")).has("commissioner")
    assert roles_of(user=User.objects.get(email="approver@example.org")).has("approver")
    assert roles_of(user=User.objects.get(email="monitoring@example.org")).has("monitoring_officer")
    assert roles_of(user=User.objects.get(email="provider@example.org")).has("provider_manager")
    council_admin = roles_of(user=User.objects.get(email="council.admin@example.org"))
    assert council_admin.councils_with("council_admin") == {Council.objects.get(gss_code="E06000059").pk}


def test_force_runs_it_with_debug_off(settings):
    settings.DEBUG = False
    call_command("seed_demo", "--force", stdout=StringIO())
    assert User.objects.filter(email="family@example.org").exists()


def test_each_demo_story_has_its_own_people(settings):
    """Demo modules written apart must not claim each other's people: the hub's two older people keep
    their own names and managed direct payments, and their families reach them (a clash of references
    once made June Hollow the representative of a block-contract person with no managed account)."""
    from budgets.models import Person
    from providers.ledger.models import HeldAccount, HeldKind

    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    for given, family in (("Iris", "Hollow"), ("Walter", "Penny")):
        person = Person.objects.get(given_name=given, family_name=family)
        account = HeldAccount.objects.get(person=person, kind=HeldKind.MANAGED_DP)
        assert account.provider.name == "Purbeck Community Hub"
    iris = Person.objects.get(given_name="Iris", family_name="Hollow")
    assert iris.representatives.filter(user__email="june.hollow@example.org").exists()
    refs = list(Person.objects.values_list("council_id", "person_ref"))
    assert len(refs) == len(set(refs))
