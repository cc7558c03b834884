"""Reads about NHS bodies, partnerships and funding shares, always scoped to what the user may see."""

from django.db.models import Q, QuerySet

from budgets.models import PersonalBudget
from organisations.models import Council, Role
from organisations.selectors import roles_of

from .models import FundingShare, NhsBody, Partnership

STAFF_ROLES = (Role.COMMISSIONER, Role.APPROVER, Role.MONITORING_OFFICER)


def is_nhs(council: Council) -> bool:
    return NhsBody.objects.filter(council=council).exists()


def nhs_council_ids() -> QuerySet:
    return NhsBody.objects.values("council_id")


def partnerships_visible_to(*, user) -> QuerySet[Partnership]:
    """Partnerships the user works in: those with a member where they are a commissioner, approver or
    monitoring officer (all, for a platform administrator)."""
    roles = roles_of(user=user)
    if roles.platform_admin:
        return Partnership.objects.all()
    councils = roles.councils_with(*STAFF_ROLES)
    if not councils:
        return Partnership.objects.none()
    return Partnership.objects.filter(pk__in=Partnership.objects.filter(members__in=councils).values("pk"))


def possible_funders(*, council: Council) -> QuerySet[Council]:
    """Who may fund a share of this council's people's budgets: the council itself and the other members
    of the partnerships it belongs to."""
    partners = Council.objects.filter(partnerships__members=council).values("pk")
    return Council.objects.filter(Q(pk=council.pk) | Q(pk__in=partners)).select_related("nhs_body").distinct()


def shares_of(budget: PersonalBudget) -> list[FundingShare]:
    return list(budget.funding_shares.select_related("funder", "funder__nhs_body", "decided_by"))


def shares_visible_to(*, user) -> QuerySet[FundingShare]:
    """A funder's staff see their own body's shares; the person's own council's staff see every share of
    their people's budgets (they stated them). Nobody else sees a share."""
    roles = roles_of(user=user)
    qs = FundingShare.objects.select_related("budget__person", "funder", "funder__nhs_body")
    if roles.platform_admin:
        return qs
    councils = roles.councils_with(*STAFF_ROLES)
    if not councils:
        return qs.none()
    return qs.filter(Q(funder_id__in=councils) | Q(budget__person__council_id__in=councils))


def shares_to_approve(*, user) -> QuerySet[FundingShare]:
    """Shares waiting for a decision by a body where the user is an approver: only that body's own
    shares, never another funder's."""
    councils = roles_of(user=user).councils_with(Role.APPROVER)
    return (
        FundingShare.objects.filter(funder_id__in=councils, status="waiting", budget__status="proposed")
        .select_related("budget__person", "budget__proposed_by", "funder")
        .order_by("budget__proposed_at", "pk")
    )


def budgets_for_funding(*, user) -> QuerySet[PersonalBudget]:
    """Proposed budgets whose funding a commissioner may state: their own council's people's."""
    councils = roles_of(user=user).councils_with(Role.COMMISSIONER)
    return PersonalBudget.objects.filter(person__council_id__in=councils).select_related("person__council")


# ---- the discharge tracker ---------------------------------------------------------------------


def partnership_visible(*, user, code: str) -> Partnership:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(partnerships_visible_to(user=user), code=code)


def may_edit_tracker(*, user, partnership: Partnership) -> bool:
    """Commissioners of any member body keep the partnership's list."""
    councils = roles_of(user=user).councils_with(Role.COMMISSIONER)
    return partnership.members.filter(pk__in=councils).exists()


def _lines() -> QuerySet:
    from django.db.models import Prefetch

    from budgets.models import Arrangement

    from .models import DischargeLine

    return DischargeLine.objects.select_related(
        "person", "person__council", "provider", "partnership"
    ).prefetch_related(
        "shortlist",
        Prefetch(
            "person__budgets",
            queryset=PersonalBudget.objects.filter(status__in=["approved", "proposed"]).prefetch_related(
                Prefetch("arrangements", queryset=Arrangement.objects.all())
            ),
        ),
    )


def lines_of(*, partnership: Partnership) -> QuerySet:
    return _lines().filter(partnership=partnership)


def lines_for_provider(*, user) -> QuerySet:
    """A provider's staff see only the lines where it is chosen or shortlisted."""
    providers = roles_of(user=user).providers_with(Role.PROVIDER_MANAGER, Role.PROVIDER_FINANCE)
    if not providers:
        return _lines().none()
    return _lines().filter(Q(provider_id__in=providers) | Q(shortlist__in=providers)).distinct()


def lines_for_family(*, user) -> QuerySet:
    from budgets.selectors import people_represented_by

    return _lines().filter(person__in=people_represented_by(user=user))


def people_to_add(*, user, partnership: Partnership) -> QuerySet:
    """People the user may put on the list: their own councils' people (councils in this partnership
    where they are a commissioner), not on it already."""
    from budgets.models import Person

    councils = roles_of(user=user).councils_with(Role.COMMISSIONER)
    members = partnership.members.filter(pk__in=councils).values("pk")
    return Person.objects.filter(council_id__in=members).exclude(discharge_lines__partnership=partnership)
