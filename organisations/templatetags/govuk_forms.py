"""Template helpers that give every form GOV.UK markup, and money its one format; and two cheap
helpers for long lists (issue 14), where Django's general date formatter and `{% url %}` were a large
part of rendering 50 rows."""

import datetime as dt
from functools import lru_cache

from django import template
from django.forms.boundfield import BoundField
from django.template.defaultfilters import date as date_filter
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.dates import MONTHS_3

from organisations.money import format_money

register = template.Library()

_INPUT_CLASSES = {
    "select": "govuk-select",
    "textarea": "govuk-textarea",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}


@register.filter
def govuk_widget(field: BoundField) -> str:
    """Render a field's widget with the GOV.UK class, error state and hint/error descriptions."""
    kind = field.widget_type
    css = _INPUT_CLASSES.get(kind, "govuk-input")
    if field.errors:
        css += f" {css}--error"
    extra = field.field.widget.attrs.get("class", "")
    if extra:
        css = f"{css} {extra}"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def widget_kind(field: BoundField) -> str:
    return field.widget_type


@register.filter
def govuk_date_widget(field: BoundField) -> str:
    """The day, month and year boxes; each box shows the error state when the date is wrong."""
    return field.as_widget(attrs={"data_error": "1"} if field.errors else None)


@register.filter
def short_date(value) -> str:
    """`value|date:"j M Y"` (6 Apr 2026) for a date, without the general formatter (30 microseconds a
    date, a millisecond and a half for a page of 50 rows). Anything else (a date and time, which the
    general one shows in local time; nothing) goes to the general one."""
    if type(value) is dt.date:
        return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"
    return date_filter(value, "j M Y")


_ID_MARK = 918273645546372810  # + the id's place: a number no real id reaches


@lru_cache(maxsize=128)
def _address_pattern(name: str, count: int, urlconf, prefix: str) -> str:
    address = reverse(name, args=[_ID_MARK + i for i in range(count)], urlconf=urlconf)
    for i in range(count):
        address = address.replace(str(_ID_MARK + i), f"{{{i}}}")
    return address


@register.simple_tag
def url_with_id(name: str, *ids) -> str:
    """`{% url name id ... %}` for a page named by whole-number ids (a row's link in a long list): the
    address is worked out once per process and the ids put in, instead of resolving the name each row."""
    if not ids or any(type(pk) is not int for pk in ids):
        return reverse(name, args=ids)
    return _address_pattern(name, len(ids), get_urlconf(), get_script_prefix()).format(*ids)
