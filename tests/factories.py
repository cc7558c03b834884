"""factory-boy factories for the foundation. Each app adds its own in tests/<app>/factories.py."""

import functools

import factory
from django.contrib.auth.hashers import make_password

from organisations.models import Council, Membership, Provider, Role, User

PASSWORD = "a-long-test-password-2026"


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hash the shared test password once, not for every user.
    return make_password(PASSWORD)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test User {n}")
    password = factory.LazyFunction(_password_hash)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        django_get_or_create = ("gss_code",)

    gss_code = factory.Sequence(lambda n: f"E{6000100 + n:08d}")
    name = factory.Sequence(lambda n: f"Testshire Council {n}")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        django_get_or_create = ("provider_ref",)

    provider_ref = factory.Sequence(lambda n: f"PRV-T{n:03d}")
    name = factory.Sequence(lambda n: f"Test Support Provider {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.COMMISSIONER
    council = factory.SubFactory(CouncilFactory)
    provider = None


def staff(role: str, *, council=None, provider=None, approval_limit=None, **user_fields) -> User:
    """A user holding one role in one organisation."""
    user = UserFactory(**user_fields)
    Membership.objects.create(
        user=user, role=role, council=council, provider=provider, approval_limit=approval_limit
    )
    return user
