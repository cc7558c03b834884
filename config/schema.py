"""The OpenAPI schema says `nullable` wherever an answer may hold null.

drf-spectacular marks a field nullable when the serializer field allows null on input. Read-only fields
often do not say so although they read a nullable column (`replaces`, `decided_by.email`), so a client
generated from the schema would break on a real answer. Here a field is nullable when it allows null,
defaults to None, or its source passes through a nullable model field.
"""

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


def _source_may_be_null(field) -> bool:
    parent = getattr(field, "parent", None)
    if isinstance(parent, serializers.ListSerializer):
        parent = parent.parent
    model = getattr(getattr(parent, "Meta", None), "model", None)
    attrs = getattr(field, "source_attrs", None) or []
    if model is None or not attrs or field.source == "*":
        return False
    for attr in attrs:
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:
            return False
        if getattr(model_field, "null", False):
            return True
        model = getattr(model_field, "related_model", None)
        if model is None:
            return False
    return False


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        meta = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(meta, dict) and "$ref" not in meta and not meta.get("nullable"):
            default_none = getattr(field, "default", serializers.empty) is None
            if getattr(field, "allow_null", False) or default_none or _source_may_be_null(field):
                meta["nullable"] = True
        return meta
