"""API-wide behaviour: domain errors become 409 Conflict with a readable message."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainConflict(Exception):
    """Raise (or subclass) in services for a rule a request broke that is not a field error."""


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DomainConflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return response
