"""API-wide behaviour: domain errors become 409 Conflict with a readable message."""

from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainConflict(Exception):
    """Raise (or subclass) in services for a rule a request broke that is not a field error."""


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DomainConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return response


# ---- related fields and filters scoped to the caller ---------------------------------------------
#
# A related field's queryset is what the browsable API lists in its forms and what a write may pick.
# Scoped to the caller like the pages, no form or answer lists another tenant's objects, and another
# tenant's id gets the same answer as an id that does not exist.


def _user_of(context_or_request):
    request = (
        context_or_request.get("request") if isinstance(context_or_request, dict) else context_or_request
    )
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


class ScopedRelatedFieldMixin:
    """`scope(user=...)` gives the queryset the caller may pick from (nothing when signed out)."""

    def __init__(self, *, scope, model, **kwargs):
        self.scope, self.model = scope, model
        super().__init__(**kwargs)

    def get_queryset(self):
        user = _user_of(self.context)
        return self.scope(user=user) if user is not None else self.model.objects.none()


class ScopedPrimaryKeyRelatedField(ScopedRelatedFieldMixin, serializers.PrimaryKeyRelatedField):
    pass


class ScopedSlugRelatedField(ScopedRelatedFieldMixin, serializers.SlugRelatedField):
    pass


def scoped_choices(scope, model):
    """A django-filter `queryset` callable: the choices a filter accepts, scoped to the caller, so
    `?person=<another council's id>` is the same 400 as an id that does not exist."""

    def queryset(request):
        user = _user_of(request)
        return scope(user=user) if user is not None else model.objects.none()

    return queryset
