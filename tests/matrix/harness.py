"""The permission matrix: every role × every URL and API endpoint × own and other tenant.

Each app declares its rows in `tests/matrix/rows/<app>.py`:

    def populate(world): ...          # make the objects its URLs need, in world.objects
    ROWS = [Row(...), ...]

A row names a URL (by its Django name), how to build the URL for the "own" tenant and, where the URL
points at one tenant's object, for the "other" tenant, and the status every role gets. Every cell
must be declared: a missing role is an error, and a URL with no row fails `test_every_url_is_declared`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "commissioner",
    "approver",
    "monitoring_officer",
    "provider_manager",
    "provider_finance",
    "family",
    "platform_admin",
    "council_admin",
    # Staff of an independent brokerage, invited (live) for the family's person "own" and for nobody
    # else. Rows written before brokers existed give nine statuses; the broker's is then derived
    # (broker_default) unless the row names it with `broker=`.
    "broker",
)
LEGACY_ROLES = ROLES[:-1]

OK, CREATED, FOUND, BAD_REQUEST, UNAUTHORISED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, CONFLICT = (
    200,
    201,
    302,
    400,
    401,
    403,
    404,
    405,
    409,
)


def broker_default(statuses: dict[str, int]) -> int:
    """What a broker gets where a row does not say: a signed-in user who is neither the family nor any
        council's or provider's staff. Refused as the council administrator is (who sees nobody's
        casework), or as the family is where the family is refused too; otherwise (a list, a page for any
    signed-in user) as the council administrator is. Pages about the
        person a broker is invited for say what the broker gets with `broker=`."""
    for role in ("council_admin", "family"):
        if statuses[role] >= 400:
            return statuses[role]
    return statuses["council_admin"]


def cells(spec: str | dict[str, int], broker: int | None = None) -> dict[str, int]:
    """Statuses for every role: either a dict naming all roles, or a string of statuses in ROLES order
    ("302 200 200 200 404 404 404 200 403 403"); nine statuses (no broker) derive the broker's."""
    if isinstance(spec, str):
        values = [int(v) for v in spec.split()]
        if len(values) == len(LEGACY_ROLES):
            out = dict(zip(LEGACY_ROLES, values, strict=True))
            out["broker"] = broker if broker is not None else broker_default(out)
            return out
        if len(values) != len(ROLES):
            raise ValueError(f"need {len(ROLES)} statuses in the order {ROLES}, got {spec!r}")
        out = dict(zip(ROLES, values, strict=True))
        if broker is not None:
            out["broker"] = broker
        return out
    spec = dict(spec)
    if "broker" not in spec and not (set(LEGACY_ROLES) - set(spec)):
        spec["broker"] = broker if broker is not None else broker_default(spec)
    elif broker is not None:
        spec["broker"] = broker
    missing = set(ROLES) - set(spec)
    extra = set(spec) - set(ROLES)
    if missing or extra:
        raise ValueError(f"undeclared roles {sorted(missing)}; unknown roles {sorted(extra)}")
    return dict(spec)


@dataclass
class Row:
    name: str  # the URL's name, "namespace:name"
    own: str | dict[str, int]
    url: Callable[["World", str], str]  # (world, tenant "own"|"other") -> path
    other: str | dict[str, int] | None = None  # None: the URL belongs to no tenant
    method: str = "get"
    data: Callable[["World", str], dict[str, Any]] | None = None
    content_type: str | None = None  # "json" for API posts
    headers: dict[str, str] = field(default_factory=dict)
    note: str = ""
    broker: int | None = None  # the broker's status on the own tenant, where the derived one is wrong
    broker_other: int | None = None  # ... and on the other tenant

    def __post_init__(self):
        self.own = cells(self.own, self.broker)
        if self.other is not None:
            self.other = cells(self.other, self.broker_other)

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}{' ' + self.note if self.note else ''}"


@dataclass
class World:
    """The tenants and people every row can use. "own" is council A / provider A / the family's person;
    "other" is council B / provider B / a stranger's person."""

    users: dict[str, Any]
    councils: dict[str, Any]
    providers: dict[str, Any]
    objects: dict[str, Any] = field(default_factory=dict)


# URL names that are not the product's pages, with the reason they are left out of the matrix.
EXEMPT_PREFIXES = {
    "admin:": "Django admin: only is_staff users; checked by a row for admin:index",
}
