"""Input no page or API may pass on to the database: NUL bytes, and files over the upload limit.

PostgreSQL cannot store a NUL character in text, so a `\\x00` in a query string, a form field, a
JSON body or a slug used in a lookup would reach the database and fail there (a 500). Checking it
once, here, before any view runs, turns every such request into a 400 that names the field, for
pages and API alike. The upload limit is one form field every upload page uses.
"""

import json

from django import forms
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

NUL = "\x00"
NUL_MESSAGE = "Remove the null character (\\x00): it cannot be stored."


def _json_fields_with_nul(value, path: str = "") -> list[str]:
    """The dotted paths of every key or string in a decoded JSON body that holds a NUL."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                found.append(here.replace(NUL, ""))
            found.extend(_json_fields_with_nul(item, here))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_json_fields_with_nul(item, f"{path}.{index}" if path else str(index)))
    elif isinstance(value, str) and NUL in value:
        found.append(path or "non_field_errors")
    return found


def fields_with_nul(request) -> list[str]:
    """Names of the query parameters, form fields or JSON fields of the request that hold a NUL."""
    found = [key for key, values in request.GET.lists() if NUL in key or any(NUL in v for v in values)]
    if NUL in request.path:
        found.append("path")
    content_type = request.content_type or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            found += [
                key for key, values in request.POST.lists() if NUL in key or any(NUL in v for v in values)
            ]
            found += [key for key, f in request.FILES.items() if NUL in (f.name or "")]
        elif content_type.endswith("json"):
            try:
                body = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError):
                body = None  # not JSON: the API's parser answers that with its own 400
            found += _json_fields_with_nul(body)
    return [name.replace(NUL, "") or "non_field_errors" for name in found]


class RejectNulBytesMiddleware:
    """A NUL byte anywhere in a request's parameters or fields is a 400 naming the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = fields_with_nul(request)
        if not fields:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({name: [NUL_MESSAGE] for name in fields}, status=400)
        return render(request, "input_error.html", {"fields": fields, "message": NUL_MESSAGE}, status=400)


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


class UploadField(forms.FileField):
    """A file field with the site-wide size limit (UPLOAD_MAX_MB, 20 MB unless set). The size is the
    one the upload handler counted; the check runs in form validation, before any view reads the
    file, so an oversized file never reaches an import."""

    def validate(self, value):
        super().validate(value)
        limit = max_upload_bytes()
        if value is not None and getattr(value, "size", 0) > limit:
            raise forms.ValidationError(
                f"The file must be smaller than {filesizeformat(limit)}. This one is "
                f"{filesizeformat(value.size)}: split it into smaller files.",
                code="too_large",
            )
