"""Navigation for each role, shown in the service header.

Each app names its pages here by URL name; an entry whose page does not exist (yet) is left out,
so the header never links to nothing.

Built cheaply (issue 14): the addresses are worked out once per process, not on every request; the
items are only built when a template shows them (an htmx fragment or a redirect never does), from the
roles the request reads anyway and at most two indexed lookups for "is this person family".
"""

import re
from functools import lru_cache

from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.functional import SimpleLazyObject

from budgets.selectors import is_family_member
from organisations.models import Role
from organisations.selectors import roles_of

# (role or "family" or "everyone", label, url name)
NAV_ITEMS: list[tuple[str, str, str]] = [
    (Role.COMMISSIONER, "People", "budgets:caseload"),
    (Role.COMMISSIONER, "Reviews due", "budgets:reviews-due"),
    (Role.COMMISSIONER, "Provider choices", "providers:commissioner-choices"),
    (Role.COMMISSIONER, "Flexible agreements", "providers:agreements"),
    (Role.COMMISSIONER, "Money held for people", "ledger:commissioner-isfs"),
    (Role.COMMISSIONER, "Direct-payment checks", "oversight:home"),
    (Role.APPROVER, "Budgets to approve", "budgets:approval-queue"),
    (Role.APPROVER, "Funding shares", "nhs:shares"),
    (Role.COMMISSIONER, "Coming home", "nhs:partnerships"),
    (Role.MONITORING_OFFICER, "Monitoring returns", "monitoring:returns"),
    (Role.COMMISSIONER, "Survey results", "surveys:dashboard"),
    (Role.MONITORING_OFFICER, "Survey results", "surveys:dashboard"),
    (Role.PROVIDER_MANAGER, "Your organisation", "providers:provider-home"),
    (Role.PROVIDER_MANAGER, "Requests", "providers:provider-requests"),
    (Role.PROVIDER_MANAGER, "Agreements", "providers:agreements"),
    (Role.PROVIDER_MANAGER, "Self-assessment", "surveys:provider-self-assessment"),
    (Role.PROVIDER_MANAGER, "Ledgers", "ledger:provider-ledgers"),
    (Role.PROVIDER_FINANCE, "Ledgers", "ledger:provider-ledgers"),
    (Role.PROVIDER_MANAGER, "Coming home", "nhs:provider-lines"),
    ("family", "Your budget", "budgets:your-budget"),
    ("family", "Choosing a provider", "providers:your-choices"),
    ("isf_family", "Your Individual Service Fund", "ledger:your-isf"),
    ("managed_dp_family", "Your managed direct payment", "ledger:your-managed-dp"),
    ("family", "Your surveys", "surveys:my-surveys"),
    ("family", "Help to plan", "brokerage:family"),
    (Role.BROKER, "People you are helping", "brokerage:home"),
    (Role.COUNCIL_ADMIN, "Council settings", "council:settings-home"),
    (Role.PLATFORM_ADMIN, "Administration", "admin:index"),
    (Role.PLATFORM_ADMIN, "Upload population figures", "monitoring:population-upload"),
    (Role.PLATFORM_ADMIN, "Upload survey answers", "surveys:upload-responses"),
    (Role.PLATFORM_ADMIN, "Transforming Care report", "nhs:report"),
    ("everyone", "Find a provider", "providers:directory"),
    ("everyone", "Advice", "advice:index"),
]


# Pages whose address does not start with their section's: (path pattern, the items that hold them, in
# order of preference: the first one the user has is current). A budget seen by an approver sits under
# "Budgets to approve", by a commissioner under "People"; a fund's pages under each role's ledgers.
SECTIONS: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(p), names)
    for p, names in [
        (r"^/(budgets|assessments|plans|carer-assessments)/", ("budgets:caseload", "budgets:approval-queue")),
        (r"^/imports/budgets/", ("budgets:caseload",)),
        (r"^/people/\d+/plan/", ("budgets:caseload", "budgets:your-budget")),
        (r"^/providers/people/", ("budgets:caseload",)),
        (r"^/providers/requests/", ("providers:provider-requests",)),
        (r"^/providers/agreements/", ("providers:agreements", "providers:your-choices")),
        (r"^/providers/choices/", ("providers:commissioner-choices", "providers:your-choices")),
        (
            r"^/isf/\d+/",
            (
                "ledger:your-isf",
                "ledger:commissioner-isfs",
                "ledger:provider-ledgers",
                "ledger:your-managed-dp",
            ),
        ),
        (r"^/surveys/(yours|responses)/", ("surveys:my-surveys", "surveys:dashboard")),
        (r"^/council/", ("council:settings-home",)),
    ]
]


def _family_fund_kinds(user) -> set[str]:
    """The kinds of account held for the people this family member acts for, in one query: only a
    family with a managed direct payment sees its page in the header, and a family whose only accounts
    are managed direct payments does not see "Your Individual Service Fund" (June Hollow has none).
    Remembered on the user object, which organisations.access keeps in the session until the user's
    access version changes (an account opened, closed or moved raises it: ledger migration 0009)."""
    from providers.ledger.selectors import funds_of_family

    answer = getattr(user, "_family_fund_kinds", None)
    if answer is None:
        answer = sorted(funds_of_family(user=user).order_by().values_list("kind", flat=True).distinct())
        user._family_fund_kinds = answer
    return set(answer)


@lru_cache(maxsize=8)
def _resolved(urlconf) -> tuple[tuple[str, str, str, str], ...]:
    """NAV_ITEMS with their addresses, pages that do not exist left out: (who, label, name, url)."""
    resolved = []
    for who, label, name in NAV_ITEMS:
        try:
            resolved.append((who, label, name, reverse(name, urlconf=urlconf)))
        except NoReverseMatch:
            continue
    return tuple(resolved)


def items_for(user) -> list[dict]:
    roles = roles_of(user=user)
    family = None  # asked only if a family item comes up, and then once
    kinds = None  # the kinds of the family's accounts, likewise
    items, seen = [], set()
    for who, label, name, url in _resolved(get_urlconf()):
        if name in seen:
            continue
        if who == "everyone":
            allowed = True
        elif who == "family":
            if family is None:
                family = user.is_authenticated and is_family_member(user=user)
            allowed = family
        elif who in ("isf_family", "managed_dp_family"):
            if family is None:
                family = user.is_authenticated and is_family_member(user=user)
            if family and kinds is None:
                kinds = _family_fund_kinds(user)
            if who == "isf_family":
                allowed = family and kinds != {"direct_payment_managed"}
            else:
                allowed = family and "direct_payment_managed" in kinds
        else:
            allowed = roles.has(who)
        if not allowed:
            continue
        seen.add(name)
        items.append({"label": label, "url": url, "name": name})
    return items


def _items_for_page(request) -> list[dict]:
    items = items_for(request.user)
    path = request.path
    # Only one item is current: the section the page belongs to (SECTIONS), or else the one whose
    # address matches most of this page's path (on /providers/choices/ that is "Provider choices", not
    # "Find a provider" at /providers/).
    by_name = {item["name"]: item for item in items}
    current = next(
        (
            next((by_name[n] for n in names if n in by_name), None)
            for pattern, names in SECTIONS
            if pattern.match(path)
        ),
        None,
    )
    if current is None:
        matches = [
            item
            for item in items
            if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))
        ]
        current = max(matches, key=lambda item: len(item["url"]), default=None)
    for item in items:
        item["active"] = item is current
    return items


def navigation(request):
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        # Built the first time a template reads it, at most once a request.
        "nav_items": SimpleLazyObject(lambda: _items_for_page(request)),
        "service_name": "Personalised support",
        # django-htmx's script tag reads the nonce from here.
        "csp_nonce": getattr(request, "csp_nonce", ""),
    }
