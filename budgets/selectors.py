"""Reads about people and budgets, always scoped to what the user may see."""

from collections.abc import Callable

from django.db.models import Q, QuerySet

from organisations.models import Role
from organisations.selectors import roles_of

from .models import Arrangement, BudgetStatus, Person, PersonalBudget

# Rules that higher apps add (in their AppConfig.ready) to widen what provider staff may see, e.g. the
# providers app adds "people who chose this provider". Each takes (user, roles) and returns a Q over
# Person, or None.
_EXTRA_VISIBILITY_RULES: list[Callable] = []


def register_visibility_rule(rule: Callable) -> None:
    if rule not in _EXTRA_VISIBILITY_RULES:
        _EXTRA_VISIBILITY_RULES.append(rule)


def people_visible_to(*, user) -> QuerySet[Person]:
    """A commissioner, approver or monitoring officer sees their council's people; a provider sees the
    people whose arrangements it holds (the providers app adds those who chose it); a person or
    representative sees only themselves."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    roles = roles_of(user=user)
    if roles.platform_admin:
        return Person.objects.all()
    q = Q(user=user) | Q(representatives__user=user)
    councils = roles.councils_with(Role.COMMISSIONER, Role.APPROVER, Role.MONITORING_OFFICER)
    if councils:
        q |= Q(council_id__in=councils)
    providers = roles.providers_with(Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
    if providers:
        q |= Q(budgets__arrangements__provider_id__in=providers)
    for rule in _EXTRA_VISIBILITY_RULES:
        extra = rule(user, roles)
        if extra is not None:
            q |= extra
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def people_represented_by(*, user) -> QuerySet[Person]:
    """The people this user is, or acts for: the family's own view."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(Q(user=user) | Q(representatives__user=user)).distinct()


def is_family_member(*, user) -> bool:
    return people_represented_by(user=user).exists()


def budgets_visible_to(*, user) -> QuerySet[PersonalBudget]:
    return PersonalBudget.objects.filter(person__in=people_visible_to(user=user))


def counted_arrangements(*, council_ids=None) -> QuerySet[Arrangement]:
    """Arrangements that count in monitoring: those of approved budget versions. (An approved version
    later replaced keeps its end-dated arrangements, so the past still counts as it was.)"""
    qs = Arrangement.objects.filter(budget__status=BudgetStatus.APPROVED)
    if council_ids is not None:
        qs = qs.filter(council_id__in=council_ids)
    return qs
