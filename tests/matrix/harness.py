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
    # else. Every row gives the broker's status like any other role's.
    "broker",
)

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


def cells(spec: str | dict[str, int], broker: int | None = None) -> dict[str, int]:
    """Statuses for every role: either a dict naming all roles, or a string of statuses in ROLES order
    ("302 200 200 200 404 404 404 200 403 403"). `broker` (a row's `broker=`) overrides the broker's."""
    if isinstance(spec, str):
        values = [int(v) for v in spec.split()]
        if len(values) != len(ROLES):
            raise ValueError(f"need {len(ROLES)} statuses in the order {ROLES}, got {spec!r}")
        spec = dict(zip(ROLES, values, strict=True))
    spec = dict(spec)
    if broker is not None:
        spec["broker"] = broker
    missing = set(ROLES) - set(spec)
    extra = set(spec) - set(ROLES)
    if missing or extra:
        raise ValueError(f"undeclared roles {sorted(missing)}; unknown roles {sorted(extra)}")
    return spec


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
    broker: int | None = None  # overrides the broker's status on the own tenant (a shared pattern)
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
