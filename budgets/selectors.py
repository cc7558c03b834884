"""Reads about people and budgets, always scoped to what the user may see."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from organisations.kept_queries import fetch_kept
from organisations.models import Membership, Provider, Role
from organisations.selectors import roles_of

from .models import Arrangement, Assessment, BudgetStatus, Person, PersonalBudget, Representative

# Rules that higher apps add (in their AppConfig.ready) to widen what provider staff may see, e.g. the
# providers app adds "people who chose this provider". Each takes (user, roles) and returns a Q over
# Person, or None.
_EXTRA_VISIBILITY_RULES: list[Callable] = []


def register_visibility_rule(rule: Callable) -> None:
    if rule not in _EXTRA_VISIBILITY_RULES:
        _EXTRA_VISIBILITY_RULES.append(rule)


# Rules that higher apps add to say who else may draft and change a person's support plan (the
# brokerage app adds "a broker the person invited, while the invitation is live"). Each takes
# (user, person) and returns True or False.
_PLAN_HELPER_RULES: list[Callable] = []


def register_plan_helper_rule(rule: Callable) -> None:
    if rule not in _PLAN_HELPER_RULES:
        _PLAN_HELPER_RULES.append(rule)


def helps_with_plan(*, user, person: Person) -> bool:
    """Someone the person asked to help plan (not the family, a provider or the council)."""
    return any(rule(user, person) for rule in _PLAN_HELPER_RULES)


def person_visible_to(*, user, pk) -> Person | None:
    """The person `pk` (with their council) when people_visible_to lets the user see them, else None.
    For council staff and platform administrators, the person's row settles it (their council is one of
    the user's): the whole rule, an OR of subqueries, is compiled only when it does not (issue 14: it was
    a tenth of a person page's work)."""
    if getattr(user, "is_authenticated", False):
        roles = roles_of(user=user)
        councils = roles.councils_with(Role.COMMISSIONER, Role.APPROVER, Role.MONITORING_OFFICER)
        if roles.platform_admin or councils:
            pk = int(pk)
            # Unordered (one row at most), its SQL compiled once per process (issue 14).
            found = fetch_kept(_person_by_id_query, pk=pk)
            if not found:
                return None
            person = found[0]
            if roles.platform_admin or person.council_id in councils:
                return person
    return people_visible_to(user=user).select_related("council").filter(pk=pk).first()


def _person_by_id_query(*, pk: int) -> QuerySet[Person]:
    return Person.objects.select_related("council").filter(pk=pk).order_by()[:1]


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
        # Only while the link is live: an arrangement the provider holds in an approved budget, not yet
        # ended. A proposal naming the provider, or an ended arrangement, gives no access.
        q |= Q(
            pk__in=counted_arrangements()
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=_today()), provider_id__in=providers)
            .values("budget__person_id")
        )
    for rule in _EXTRA_VISIBILITY_RULES:
        extra = rule(user, roles)
        if extra is not None:
            q |= extra
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def people_represented_by(*, user) -> QuerySet[Person]:
    """The people this user is, or acts for: the family's own view."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return people_represented_by_user_id(user.pk)


def people_represented_by_user_id(user_id: int) -> QuerySet[Person]:
    """people_represented_by for a signed-in user's id."""
    # The ids from two index lookups (UNION), not an OR across a join with DISTINCT, which reads every
    # person of a 20,000-person council on every family page.
    own = Person.objects.filter(user_id=user_id).order_by().values("pk")
    represented = Representative.objects.filter(user_id=user_id).order_by().values("person_id")
    return Person.objects.filter(pk__in=own.union(represented))


def ids_of_people_represented_by(*, user) -> list[int]:
    """The ids of people_represented_by, unordered, with its SQL kept per process (issue 14): the
    family's pages ask for them on every visit."""
    if not getattr(user, "is_authenticated", False):
        return []
    return fetch_kept(_ids_represented_query, user_id=user.pk)


def _ids_represented_query(*, user_id: int) -> QuerySet:
    return people_represented_by_user_id(user_id).order_by().values_list("pk", flat=True)


def is_family_member(*, user) -> bool:
    """One query of two indexed lookups (the navigation asks on every page): the OR across the join in
    people_represented_by reads every person of a large council."""
    if not getattr(user, "is_authenticated", False):
        return False
    # Asked more than once a page (navigation, landing): remembered on this request's user object.
    cached = getattr(user, "_is_family_member", None)
    if cached is not None:
        return cached
    is_person = Exists(Person.objects.filter(user=OuterRef("pk")))
    represents = Exists(Representative.objects.filter(user=OuterRef("pk")))
    from django.contrib.auth import get_user_model

    answer = get_user_model().objects.filter(Q(is_person) | Q(represents), pk=user.pk).exists()
    user._is_family_member = answer
    return answer


def budgets_visible_to(*, user) -> QuerySet[PersonalBudget]:
    return PersonalBudget.objects.filter(person__in=people_visible_to(user=user))


def counted_arrangements(*, council_ids=None) -> QuerySet[Arrangement]:
    """Arrangements that count in monitoring: those of approved budget versions. (An approved version
    later replaced keeps its end-dated arrangements, so the past still counts as it was.)"""
    qs = Arrangement.objects.filter(budget__status=BudgetStatus.APPROVED)
    if council_ids is not None:
        qs = qs.filter(council_id__in=council_ids)
    return qs


# ---- added by the budgets app (issue 3) -----------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


# The roles that do casework: they open the staff pages about a council's people.
CASEWORK_ROLES = (Role.COMMISSIONER, Role.APPROVER)


def providers_to_choose(*, user) -> QuerySet[Provider]:
    """The providers a user may name as holding a budget's part: any provider may hold one, but only
    council staff who write budgets pick one (everyone else, none)."""
    if roles_of(user=user).councils_with(*CASEWORK_ROLES):
        return Provider.objects.all()
    return Provider.objects.none()


def case_councils_of(*, user) -> set[int]:
    """Councils whose casework pages the user may open: as commissioner or approver."""
    return roles_of(user=user).councils_with(*CASEWORK_ROLES)


def can_view_casework(*, user, person: Person) -> bool:
    """May open the staff pages about this person (commissioners and approvers of the council;
    platform admins read everything)."""
    roles = roles_of(user=user)
    return roles.platform_admin or person.council_id in case_councils_of(user=user)


def can_act_for(*, user, person: Person) -> bool:
    """Is, or represents, the person."""
    return people_represented_by(user=user).filter(pk=person.pk).exists()


def people_for_casework(*, user) -> QuerySet[Person]:
    """The people whose pages (and API records) a user may open: their councils' people for
    commissioners and approvers, themselves for a person or family, everyone for a platform admin."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    if roles_of(user=user).platform_admin:
        return Person.objects.all()
    q = Q(council_id__in=case_councils_of(user=user)) | Q(user=user) | Q(representatives__user=user)
    return Person.objects.filter(pk__in=Person.objects.filter(q).values("pk"))


def current_budget_for(*, person: Person, on: dt.date | None = None) -> PersonalBudget | None:
    """The approved version in effect on `on` (default today): the approved version with the latest
    start date on or before that day. None when no approved version has started."""
    on = on or _today()
    return (
        PersonalBudget.objects.filter(person=person, status=BudgetStatus.APPROVED, start_date__lte=on)
        .order_by("-start_date", "-pk")
        .prefetch_related("arrangements__provider")
        .first()
    )


def upcoming_budget_for(*, person: Person, on: dt.date | None = None) -> PersonalBudget | None:
    """An approved version that starts after `on` (the next one to take effect), if any."""
    on = on or _today()
    return (
        PersonalBudget.objects.filter(person=person, status=BudgetStatus.APPROVED, start_date__gt=on)
        .order_by("start_date", "pk")
        .first()
    )


def casework_budgets(person: Person) -> list[PersonalBudget]:
    """Every version of the person's budget for the staff's person page, with what its versions table
    and chart read (budget_by_version's related rows), in one query and its prefetches."""

    # Newest first (PersonalBudget's ordering: start date, then id, neither empty), sorted here; its
    # SQL (five tables' columns) is compiled once per process (issue 14).
    budgets = fetch_kept(_casework_budgets_query, person_id=person.pk)
    for budget in budgets:
        budget.person = person
    return sorted(budgets, key=lambda b: (b.start_date, b.pk), reverse=True)


def _casework_budgets_query(*, person_id: int) -> QuerySet[PersonalBudget]:
    from .review_selectors import VERSION_RELATED

    # The parts with their providers joined (one query, not a second one for the providers).
    parts = Prefetch("arrangements", queryset=Arrangement.objects.select_related("provider"))
    return (
        PersonalBudget.objects.filter(person_id=person_id)
        .prefetch_related(parts, "from_review__outcomes")
        .select_related("proposed_by", "decided_by", *VERSION_RELATED)
        .order_by()
    )


def casework_lists(person: Person) -> dict[str, list]:
    """What the staff's person page lists besides the budget (each query's SQL compiled once per
    process, issue 14): the representatives, the latest holding preference and the reviews; for a carer,
    up to ten of their carer's assessments; for anyone else, the last five assessments and up to ten
    carers assessed for caring for them (the page shows only these)."""
    if person.is_carer:
        asked = {"carer_assessments": _carer_assessments_query}
    else:
        asked = {"assessments": _assessments_query, "carers_assessed": _carers_assessed_query}
    asked |= {
        "representatives": _representatives_query,
        "preferences": _preference_query,
        "reviews": _reviews_query,
    }
    lists = {"assessments": [], "carer_assessments": [], "carers_assessed": []}
    return lists | {name: fetch_kept(build, person_id=person.pk) for name, build in asked.items()}


def _assessments_query(*, person_id: int):
    return Assessment.objects.filter(person_id=person_id).select_related("assessed_by")[:5]


def _representatives_query(*, person_id: int):
    return Representative.objects.filter(person_id=person_id).select_related("user")


def _preference_query(*, person_id: int):
    from .models import HoldingPreference

    return HoldingPreference.objects.filter(person_id=person_id)[:1]


def _carer_assessments_query(*, person_id: int):
    from .models import CarerAssessment

    return CarerAssessment.objects.filter(carer_id=person_id).select_related("cared_for")[:10]


def _carers_assessed_query(*, person_id: int):
    from .models import CarerAssessment

    return CarerAssessment.objects.filter(cared_for_id=person_id).select_related("carer")[:10]


def _reviews_query(*, person_id: int):
    from .models import BudgetReview

    return BudgetReview.objects.filter(budget__person_id=person_id).order_by("-reviewed_on", "-pk")


def family_budgets(person: Person) -> list[PersonalBudget]:
    """Every version of the person's budget for the family's page, with its parts, their providers'
    profiles and who proposed it (its SQL compiled once per process, issue 14)."""
    budgets = fetch_kept(_family_budgets_query, person_id=person.pk)
    for budget in budgets:
        budget.person = person
    return budgets


def _family_budgets_query(*, person_id: int) -> QuerySet[PersonalBudget]:
    parts = Arrangement.objects.select_related("provider", "provider__profile")
    return (
        PersonalBudget.objects.filter(person_id=person_id)
        .select_related("proposed_by")
        .prefetch_related(Prefetch("arrangements", queryset=parts))
    )


def family_people(*, user) -> list[Person]:
    """people_represented_by with their councils, for the family's page (its SQL kept, issue 14)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return fetch_kept(_family_people_query, user_id=user.pk)


def _family_people_query(*, user_id: int) -> QuerySet[Person]:
    return people_represented_by_user_id(user_id).select_related("council")


def family_lists(person: Person) -> dict[str, list]:
    """What the family's page shows besides the budget, each query's SQL kept (issue 14): the latest
    assessments, the latest holding preference and, for a carer, their latest carer's assessments."""
    asked = {"assessments": _assessments_query, "preferences": _preference_query}
    if person.is_carer:
        asked["carer_assessments"] = _carer_assessments_query
    lists = {"carer_assessments": []}
    return lists | {name: fetch_kept(build, person_id=person.pk) for name, build in asked.items()}


def current_among(budgets, *, on: dt.date | None = None) -> PersonalBudget | None:
    """current_budget_for, read from the person's budgets already loaded (no query)."""
    on = on or _today()
    started = [b for b in budgets if b.status == BudgetStatus.APPROVED and b.start_date <= on]
    return max(started, key=lambda b: (b.start_date, b.pk), default=None)


def upcoming_among(budgets, *, on: dt.date | None = None) -> PersonalBudget | None:
    """upcoming_budget_for, read from the person's budgets already loaded (no query)."""
    on = on or _today()
    later = [b for b in budgets if b.status == BudgetStatus.APPROVED and b.start_date > on]
    return min(later, key=lambda b: (b.start_date, b.pk), default=None)


def active_arrangements(
    *, person: Person, on: dt.date | None = None, management_type: str | None = None
) -> QuerySet[Arrangement]:
    """The person's counted arrangements (of approved versions) active on `on` (default today):
    start_date <= on and (no end_date or end_date >= on). Pass management_type="isf" for ISFs."""
    on = on or _today()
    qs = counted_arrangements(council_ids=[person.council_id]).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=on), budget__person=person, start_date__lte=on
    )
    if management_type:
        qs = qs.filter(management_type=management_type)
    return qs.select_related("provider", "budget")


def arrangements_visible_to(*, user) -> QuerySet[Arrangement]:
    return Arrangement.objects.filter(budget__person__in=people_for_casework(user=user))


def budgets_for_casework(*, user) -> QuerySet[PersonalBudget]:
    return PersonalBudget.objects.filter(person__in=people_for_casework(user=user))


def assessments_visible_to(*, user) -> QuerySet[Assessment]:
    return Assessment.objects.filter(person__in=people_for_casework(user=user))


def budget_with_total(*, on: dt.date | None = None) -> QuerySet[PersonalBudget]:
    """Budgets with `annual_total`: the sum of the arrangements active on `on` (default today), or on
    the budget's start day when it starts later, as `PersonalBudget.total` counts it."""
    day = Greatest(Value(on or _today()), F("start_date"))
    active = Q(arrangements__start_date__lte=day) & (
        Q(arrangements__end_date__isnull=True) | Q(arrangements__end_date__gte=day)
    )
    return PersonalBudget.objects.annotate(
        annual_total=Coalesce(Sum("arrangements__annual_amount", filter=active), Value(Decimal("0.00")))
    ).prefetch_related("arrangements")


def caseload(
    *,
    user,
    search: str = "",
    reason: str = "",
    management_type: str = "",
    status: str = "",
) -> QuerySet[Person]:
    """A commissioner's (or approver's) people, with search by name or reference and filters by
    primary support reason, a management type held in an approved version, and budget status."""
    councils = case_councils_of(user=user)
    qs = Person.objects.filter(council_id__in=councils)
    if roles_of(user=user).platform_admin:
        qs = Person.objects.all()
    for word in search.split():
        qs = qs.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(person_ref__icontains=word)
            | Q(postcode__icontains=word)
        )
    if reason:
        qs = qs.filter(primary_support_reason=reason)
    if management_type:
        qs = qs.filter(
            pk__in=counted_arrangements().filter(management_type=management_type).values("budget__person")
        )
    # Filters by subquery, never by a join: no DISTINCT, so the first page of a 20,000-person council
    # is read in name order from the index (person_council_name), not sorted whole.
    if status == "none":
        qs = qs.filter(~Exists(PersonalBudget.objects.filter(person=OuterRef("pk"))))
    elif status:
        qs = qs.filter(Exists(PersonalBudget.objects.filter(person=OuterRef("pk"), status=status)))
    return qs.select_related("council").order_by("family_name", "given_name", "person_ref")


def approval_queue(*, user) -> QuerySet[PersonalBudget]:
    """Proposals waiting in the councils where the user is an approver, oldest first, with totals and
    `approval_limit`: the user's limit in the budget's council (organisations.selectors.
    approval_limit_of, read in the same query)."""
    return _approval_queue(
        councils=frozenset(roles_of(user=user).councils_with(Role.APPROVER)), user_id=user.pk, on=_today()
    )


def approval_queue_page(*, user, bottom: int, top: int) -> list[PersonalBudget]:
    """approval_queue's proposals `bottom` to `top` (a page of it), its SQL compiled once per process for
    the approver's councils and the page (issue 14: five tables' columns and two subqueries)."""
    return fetch_kept(
        _approval_queue_page_query,
        shape={
            "councils": frozenset(roles_of(user=user).councils_with(Role.APPROVER)),
            "bottom": bottom,
            "top": top,
        },
        user_id=user.pk,
        on=_today(),
    )


def _approval_queue_page_query(*, councils, bottom: int, top: int, user_id: int, on: dt.date):
    return _approval_queue(councils=councils, user_id=user_id, on=on)[bottom:top]


def _approval_queue(*, councils, user_id: int, on: dt.date) -> QuerySet[PersonalBudget]:
    limit = (
        Membership.objects.filter(
            user_id=user_id,
            role=Role.APPROVER,
            council_id=OuterRef("person__council_id"),
            approval_limit__isnull=False,
        )
        .order_by("-approval_limit")
        .values("approval_limit")[:1]
    )
    return (
        budget_with_total(on=on)
        .filter(status=BudgetStatus.PROPOSED, person__council_id__in=councils)
        .annotate(approval_limit=Subquery(limit))
        .select_related("person", "person__council", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def approval_queue_summary(*, user) -> tuple[int, Decimal, list[Decimal]]:
    """How many proposals the user's approval queue holds, their annual total, and the user's approval
    limits in their councils (smallest first), in one query whatever the queue's length."""
    sql, params = _approval_summary_sql(
        councils=frozenset(roles_of(user=user).councils_with(Role.APPROVER)), user_id=user.pk, on=_today()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, total, limits = cursor.fetchone()
    return count, total, sorted(limits)


# The approval queue's count, total and the approver's limits, over its query (the ORM's own SQL).
_SUMMARY = (
    "SELECT COUNT(*), COALESCE(SUM(q.annual_total), 0.00), "
    "COALESCE(ARRAY_AGG(DISTINCT q.approval_limit) FILTER (WHERE q.approval_limit IS NOT NULL), '{{}}') "
    "FROM ({queue}) q"
)


@lru_cache(maxsize=256)
def _approval_summary_sql(**key) -> tuple[str, tuple]:
    """The summary's SQL for these values (the arguments of _approval_queue): the queue's query, which
    the ORM takes longer to build and compile than PostgreSQL takes to run, summed over. It holds no
    data, only the query's text and the values that went into it, so it is kept per process by exactly
    those values (the day among them)."""
    queue = _approval_queue(**dict(key)).order_by().values_list("annual_total", "approval_limit")
    inner, params = queue.query.get_compiler(queue.db).as_sql()
    return _SUMMARY.format(queue=inner), tuple(params)


def not_replaced() -> Q:
    """Approved versions no later approved version has replaced."""
    return ~Q(replaced_by__status=BudgetStatus.APPROVED)


def reviews_due(*, user, within_days: int = 30, on: dt.date | None = None) -> QuerySet[PersonalBudget]:
    """Approved, current versions in the commissioner's councils whose review is due within
    `within_days` (overdue ones included), soonest first."""
    on = on or _today()
    councils = roles_of(user=user).councils_with(Role.COMMISSIONER)
    return (
        budget_with_total()
        .filter(
            not_replaced(),
            status=BudgetStatus.APPROVED,
            person__council_id__in=councils,
            review_due__lte=on + dt.timedelta(days=within_days),
        )
        .select_related("person")
        .order_by("review_due", "pk")
    )


def import_batches_visible_to(*, user) -> QuerySet:
    """Uploaded files of the councils where the user is a commissioner or approver."""
    from .models import ImportBatch

    if not getattr(user, "is_authenticated", False):
        return ImportBatch.objects.none()
    if roles_of(user=user).platform_admin:
        return ImportBatch.objects.all()
    return ImportBatch.objects.filter(council_id__in=case_councils_of(user=user))


def batches_waiting_for(*, user) -> QuerySet:
    """Uploaded files waiting in the councils where the user is an approver, oldest first."""
    return _batches_waiting_query(councils=roles_of(user=user).councils_with(Role.APPROVER))


def batches_waiting_list(*, user) -> list:
    """batches_waiting_for, its SQL compiled once per process for the approver's councils (issue 14)."""
    councils = frozenset(roles_of(user=user).councils_with(Role.APPROVER))
    return fetch_kept(_batches_waiting_query, shape={"councils": councils})


def _batches_waiting_query(*, councils):
    from .models import BatchStatus, ImportBatch

    return (
        ImportBatch.objects.filter(status=BatchStatus.WAITING, council_id__in=councils)
        .select_related("council", "uploaded_by")
        .order_by("uploaded_at", "pk")
        .defer("data")
    )
