"""Formats of the identifiers councils and providers are known by."""

import re

from django.core.validators import RegexValidator

GSS_CODE_PATTERN = re.compile(r"^[A-Z][0-9]{8}$")
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9._/-]{1,64}$")

validate_gss_code = RegexValidator(
    GSS_CODE_PATTERN,
    "Enter a council code as one capital letter and eight digits, like E06000059.",
)
validate_reference = RegexValidator(
    REFERENCE_PATTERN,
    "Enter a reference of 1 to 64 letters, digits, full stops, underscores, slashes or hyphens.",
)


def is_gss_code(value: str) -> bool:
    return bool(GSS_CODE_PATTERN.match(value or ""))


def is_reference(value: str) -> bool:
    return bool(REFERENCE_PATTERN.match(value or ""))


# CSV imports: a plain non-negative amount with at most two decimal places ("1234.50"), and an ISO date.
PLAIN_AMOUNT_PATTERN = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")
ISO_DATE_PATTERN = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
