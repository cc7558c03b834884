"""Writes for organisations and memberships. Each runs in one transaction and is audited."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from . import audit
from .models import Council, Membership, Provider, Role, User
from .validators import is_gss_code, is_reference


class OrganisationError(Exception):
    """A rule about organisations was broken; the message is for a person to read."""


def create_council(*, code: str, name: str, actor=None) -> Council:
    with transaction.atomic():
        code = (code or "").strip()
        name = (name or "").strip()
        if not is_gss_code(code):
            raise OrganisationError(
                f"'{code}' is not a council code: use one capital letter and eight digits, like E06000059."
            )
        if not name:
            raise OrganisationError("Give the council a name.")
        if Council.objects.filter(gss_code=code).exists():
            raise OrganisationError(f"A council with code {code} already exists.")
        council = Council.objects.create(gss_code=code, name=name)
        audit.record(
            actor=actor,
            instance=council,
            event="council created",
            action=audit.CREATE,
            changes={"gss_code": (None, code), "name": (None, name)},
        )
        return council


def create_provider(*, provider_ref: str, name: str, actor=None) -> Provider:
    with transaction.atomic():
        if not is_reference(provider_ref):
            raise OrganisationError(f"'{provider_ref}' is not a valid provider reference.")
        provider = Provider.objects.create(provider_ref=provider_ref, name=name)
        audit.record(
            actor=actor,
            instance=provider,
            event="provider created",
            action=audit.CREATE,
            changes={"provider_ref": (None, provider_ref), "name": (None, name)},
        )
        return provider


def ensure_user(*, email: str, full_name: str = "", password: str | None = None) -> User:
    """The user with this email, created if missing (used by demo data and imports)."""
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
        return user


def grant_role(
    *,
    user: User,
    role: str,
    council: Council | None = None,
    provider: Provider | None = None,
    approval_limit: Decimal | None = None,
    actor=None,
) -> Membership:
    """Give `user` the role (idempotent), or change an existing approver's limit, audited either way.
    Every way in (the council settings page, commands, the demo) comes through here, so a limit of £0
    or less is refused here too, not only on the settings page."""
    if approval_limit is not None and approval_limit <= 0:
        raise OrganisationError("An approval limit must be more than £0.")
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user,
            role=role,
            council=council,
            provider=provider,
            defaults={"approval_limit": approval_limit},
        )
        if not created and approval_limit is not None and membership.approval_limit != approval_limit:
            old = membership.approval_limit
            membership.approval_limit = approval_limit
            membership.save(update_fields=["approval_limit"])
            audit.record(
                actor=actor,
                instance=membership,
                event="approval limit changed",
                changes={"approval_limit": (old, approval_limit)},
            )
        elif created:
            try:
                membership.full_clean()
            except ValidationError as exc:
                raise OrganisationError("; ".join(exc.messages)) from exc
            audit.record(
                actor=actor,
                instance=membership,
                event="role granted",
                action=audit.CREATE,
                changes={"role": (None, role)},
            )
        if hasattr(user, "_roles_cache"):
            del user._roles_cache
        return membership


SYSTEM_ACTOR_EMAIL = "system@platform.invalid"


def system_actor() -> User:
    """A named, unusable account that imports and scheduled jobs act as when no person does."""
    user = User.objects.filter(email=SYSTEM_ACTOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            email=SYSTEM_ACTOR_EMAIL, password=None, full_name="System (automatic)"
        )
    return user


__all__ = [
    "OrganisationError",
    "Role",
    "create_council",
    "create_provider",
    "ensure_user",
    "grant_role",
    "system_actor",
]


def absolute_url(path: str) -> str:
    """`path` as a full link for an email: SITE_URL plus the path (emails have no request to ask)."""
    from django.conf import settings

    return f"{settings.SITE_URL}{path}"


# ---- a council's own staff, set up by its council administrator ------------------------------------

ROLES_NEEDING_A_LIMIT = frozenset({Role.APPROVER})


def _check_limit(*, role: str, approval_limit: Decimal | None) -> None:
    if role in ROLES_NEEDING_A_LIMIT and (approval_limit is None or approval_limit <= 0):
        raise OrganisationError("Enter the largest annual budget this approver may approve.")
    if role not in ROLES_NEEDING_A_LIMIT and approval_limit is not None:
        raise OrganisationError("Only approvers have an approval limit: leave it empty for this role.")


def council_staff_add(
    *,
    council: Council,
    email: str,
    full_name: str,
    role: str,
    approval_limit: Decimal | None,
    actor: User,
) -> Membership:
    """Give someone a role in the council, making their account if they have none (they set a
    password from the emailed link on the sign-in page)."""
    with transaction.atomic():
        from .models import COUNCIL_ROLES
        from .signin import normalise_email

        if role not in COUNCIL_ROLES:
            raise OrganisationError("Choose one of the council's roles.")
        _check_limit(role=role, approval_limit=approval_limit)
        email = normalise_email(email)
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=(full_name or "").strip())
            audit.record(actor=actor, instance=user, event="account created", action=audit.CREATE)
        if Membership.objects.filter(user=user, role=role, council=council).exists():
            raise OrganisationError(f"{user.email} is already {Role(role).label.lower()} at {council.name}.")
        membership = grant_role(
            user=user, role=role, council=council, approval_limit=approval_limit, actor=actor
        )
        if approval_limit is not None:
            audit.record(
                actor=actor,
                instance=membership,
                event="approval limit set",
                changes={"approval_limit": (None, approval_limit)},
            )
        return membership


def council_staff_change_limit(
    *, membership: Membership, approval_limit: Decimal | None, actor: User
) -> Membership:
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        _check_limit(role=membership.role, approval_limit=approval_limit)
        old = membership.approval_limit
        if old == approval_limit:
            return membership
        membership.approval_limit = approval_limit
        membership.save(update_fields=["approval_limit"])
        audit.record(
            actor=actor,
            instance=membership,
            event="approval limit changed",
            changes={"approval_limit": (old, approval_limit)},
        )
        return membership


def council_staff_remove(*, membership: Membership, actor: User) -> None:
    """Take a role away. A council keeps at least one council administrator, so it can never be left
    with nobody to set it up."""
    with transaction.atomic():
        # Lock the council's administrators so two removals at once cannot leave none.
        admins = list(
            Membership.objects.select_for_update()
            .filter(council_id=membership.council_id, role=Role.COUNCIL_ADMIN)
            .values_list("pk", flat=True)
        )
        if membership.role == Role.COUNCIL_ADMIN and admins == [membership.pk]:
            raise OrganisationError(
                "The council must keep at least one council administrator. "
                "Add another one before removing this one."
            )
        audit.record(
            actor=actor,
            instance=membership,
            event="role removed",
            action=audit.DELETE,
            changes={"role": (membership.role, None), "approval_limit": (membership.approval_limit, None)},
        )
        membership.delete()
