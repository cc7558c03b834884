"""Reads about users, organisations and roles. Every other app asks here what a user may do."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import BROKER_ROLES, COUNCIL_ROLES, PROVIDER_ROLES, Council, Membership, Provider, Role, User


@dataclass(frozen=True)
class Roles:
    """What one user is, across all their memberships."""

    council_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    provider_roles: dict[int, frozenset[str]] = field(default_factory=dict)
    platform_admin: bool = False
    # Brokerage organisations (Provider ids) where the user is a broker.
    brokerages: frozenset[int] = frozenset()

    def councils_with(self, *roles: str) -> set[int]:
        return {cid for cid, held in self.council_roles.items() if held & set(roles)}

    def providers_with(self, *roles: str) -> set[int]:
        return {pid for pid, held in self.provider_roles.items() if held & set(roles)}

    @property
    def is_council_staff(self) -> bool:
        return bool(self.council_roles)

    @property
    def is_provider_staff(self) -> bool:
        return bool(self.provider_roles)

    @property
    def is_broker(self) -> bool:
        return bool(self.brokerages)

    @property
    def is_staff(self) -> bool:
        """Anyone who may see other people's records: staff of a council or provider, a broker, an admin
        (they give a second factor when signing in)."""
        return self.is_council_staff or self.is_provider_staff or self.is_broker or self.platform_admin

    def as_data(self) -> dict:
        """For the session (JSON: no int keys, no sets); Roles.from_data reads it back."""
        return {
            "council": [[cid, sorted(held)] for cid, held in self.council_roles.items()],
            "provider": [[pid, sorted(held)] for pid, held in self.provider_roles.items()],
            "admin": self.platform_admin,
            "brokerages": sorted(self.brokerages),
        }

    @classmethod
    def from_data(cls, data: dict) -> "Roles":
        return cls(
            council_roles={cid: frozenset(held) for cid, held in data["council"]},
            provider_roles={pid: frozenset(held) for pid, held in data["provider"]},
            platform_admin=bool(data["admin"]),
            brokerages=frozenset(data["brokerages"]),
        )

    def has(self, role: str) -> bool:
        if role == Role.PLATFORM_ADMIN:
            return self.platform_admin
        if role in BROKER_ROLES:
            return self.is_broker
        held = self.council_roles if role in COUNCIL_ROLES else self.provider_roles
        return any(role in roles for roles in held.values())


def roles_of(*, user) -> Roles:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return Roles()
    cached = getattr(user, "_roles_cache", None)
    if cached is not None:
        return cached
    council: dict[int, set[str]] = {}
    provider: dict[int, set[str]] = {}
    admin = False
    brokerages: set[int] = set()
    for m in Membership.objects.filter(user=user).only("role", "council_id", "provider_id"):
        if m.role in COUNCIL_ROLES:
            council.setdefault(m.council_id, set()).add(m.role)
        elif m.role in PROVIDER_ROLES:
            provider.setdefault(m.provider_id, set()).add(m.role)
        elif m.role == Role.PLATFORM_ADMIN:
            admin = True
        elif m.role in BROKER_ROLES:
            brokerages.add(m.provider_id)
    roles = Roles(
        council_roles={k: frozenset(v) for k, v in council.items()},
        provider_roles={k: frozenset(v) for k, v in provider.items()},
        platform_admin=admin,
        brokerages=frozenset(brokerages),
    )
    user._roles_cache = roles
    return roles


def councils_visible_to(*, user) -> QuerySet[Council]:
    """Councils whose staff pages the user may open: their own councils (all, for a platform admin)."""
    roles = roles_of(user=user)
    if roles.platform_admin:
        return Council.objects.all()
    return Council.objects.filter(pk__in=roles.council_roles.keys())


def councils_where(*, user, roles: tuple[str, ...]) -> QuerySet[Council]:
    return Council.objects.filter(pk__in=roles_of(user=user).councils_with(*roles))


def councils_staffed_by(*, user, roles: tuple[str, ...]) -> QuerySet[Council]:
    """The councils whose staff pages of one kind the user may open, by name: those where they hold one
    of `roles`; every council for a platform admin. The oversight pages (casework roles) and the budget
    trend page (casework and monitoring roles) both ask here."""
    if roles_of(user=user).platform_admin:
        return Council.objects.order_by("name")
    return councils_where(user=user, roles=roles).order_by("name")


def providers_where(*, user, roles: tuple[str, ...]) -> QuerySet[Provider]:
    return Provider.objects.filter(pk__in=roles_of(user=user).providers_with(*roles))


def approval_limit_of(*, user, council: Council):
    """The largest annual budget this user may approve in this council, or None if they are no approver."""
    limits = [
        m.approval_limit
        for m in Membership.objects.filter(user=user, council=council, role=Role.APPROVER)
        if m.approval_limit is not None
    ]
    return max(limits) if limits else None


def council_by_code(code: str) -> Council | None:
    return Council.objects.filter(gss_code=code).first()


def provider_by_ref(ref: str) -> Provider | None:
    return Provider.objects.filter(provider_ref=ref).first()


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()


def council_to_set_up(*, user, code: str) -> Council:
    """The council whose settings pages this user opens: 404 for a council they cannot see (another
    tenant), 403 for one they see but do not administer (a commissioner of that council, a platform
    administrator, who uses the Django admin instead)."""
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import get_object_or_404

    council = get_object_or_404(councils_visible_to(user=user), gss_code=code)
    if council.pk not in roles_of(user=user).councils_with(Role.COUNCIL_ADMIN):
        raise PermissionDenied
    return council


def councils_administered_by(*, user) -> QuerySet[Council]:
    return Council.objects.filter(pk__in=roles_of(user=user).councils_with(Role.COUNCIL_ADMIN))


def council_staff(*, council: Council) -> QuerySet[Membership]:
    """Everyone holding a role in this council, one row per role."""
    return Membership.objects.filter(council=council).select_related("user").order_by("user__email", "role")


def import_jobs_visible_to(*, user):
    """Upload jobs a user may see: only their own (a job holds a whole file of other people's data)."""
    from .models import ImportJob

    if not getattr(user, "is_authenticated", False):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(requested_by=user)
