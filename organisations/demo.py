"""Demo data for organisations: two councils, a handful of providers and the demo sign-ins.

Every app may have a `demo.py` with `ORDER` and `build(*, stdout)`; `manage.py seed_demo` runs them in
order. Each build must be idempotent: running it twice changes nothing.
"""

from decimal import Decimal

from .models import Council, Provider, Role
from .services import ensure_user, grant_role

ORDER = 10
DEMO_PASSWORD = "demo-pass-2026"

COUNCILS = [
    ("E06000059", "Dorset Council", "adult.care@dorset.example.org", "01305 000 000"),
    ("E06000023", "Bristol City Council", "care.direct@bristol.example.org", "0117 000 0000"),
]
PROVIDERS = [
    ("PRV-001", "Harbour Lights Support"),
    ("PRV-002", "Purbeck Circles of Support"),
    ("PRV-003", "Wessex Independent Living Trust"),
    ("PRV-004", "Avon Personal Assistants Co-operative"),
    ("PRV-005", "Kingfisher Community Care"),
]
# (email, name, role, organisation key, approval limit)
SIGN_INS = [
    ("commissioner@example.org", "Sam Carter (social worker)", Role.COMMISSIONER, "E06000059", None),
    ("approver@example.org", "Alex Morgan (team manager)", Role.APPROVER, "E06000059", Decimal("60000.00")),
    ("monitoring@example.org", "Jo Patel (monitoring officer)", Role.MONITORING_OFFICER, "E06000059", None),
    ("provider@example.org", "Chris Lee (Harbour Lights)", Role.PROVIDER_MANAGER, "PRV-001", None),
    ("provider@example.org", "Chris Lee (Harbour Lights)", Role.PROVIDER_FINANCE, "PRV-001", None),
    (
        "provider.purbeck@example.org",
        "Morgan Ellis (Purbeck Circles)",
        Role.PROVIDER_MANAGER,
        "PRV-002",
        None,
    ),
    (
        "provider.wessex@example.org",
        "Ria Dunn (Wessex Independent Living)",
        Role.PROVIDER_MANAGER,
        "PRV-003",
        None,
    ),
    ("provider.avon@example.org", "Kit Owusu (Avon PA Co-operative)", Role.PROVIDER_MANAGER, "PRV-004", None),
    (
        "provider.kingfisher@example.org",
        "Sol Reid (Kingfisher Community Care)",
        Role.PROVIDER_MANAGER,
        "PRV-005",
        None,
    ),
    (
        "council.admin@example.org",
        "Morgan Reid (council administrator)",
        Role.COUNCIL_ADMIN,
        "E06000059",
        None,
    ),
    ("family@example.org", "Pat Taylor", None, None, None),
    ("commissioner.bristol@example.org", "Robin Shaw (social worker)", Role.COMMISSIONER, "E06000023", None),
    (
        "approver.bristol@example.org",
        "Dee Khan (team manager)",
        Role.APPROVER,
        "E06000023",
        Decimal("40000.00"),
    ),
    (
        "council.admin.bristol@example.org",
        "Kit Evans (council administrator)",
        Role.COUNCIL_ADMIN,
        "E06000023",
        None,
    ),
    (
        "monitoring.bristol@example.org",
        "Lee Grant (monitoring officer)",
        Role.MONITORING_OFFICER,
        "E06000023",
        None,
    ),
]


def build(*, stdout) -> None:
    councils = {}
    for code, name, email, phone in COUNCILS:
        council, _ = Council.objects.get_or_create(gss_code=code, defaults={"name": name})
        if not council.contact_email:
            council.contact_email, council.contact_phone = email, phone
            council.save(update_fields=["contact_email", "contact_phone"])
        councils[code] = council
    providers = {}
    for ref, name in PROVIDERS:
        providers[ref], _ = Provider.objects.get_or_create(provider_ref=ref, defaults={"name": name})
    for email, name, role, where, limit in SIGN_INS:
        user = ensure_user(email=email, full_name=name, password=DEMO_PASSWORD)
        if role is None:
            continue
        grant_role(
            user=user,
            role=role,
            council=councils.get(where),
            provider=providers.get(where),
            approval_limit=limit,
        )
    stdout.write(f"organisations: {len(councils)} councils, {len(providers)} providers, demo sign-ins ready")
