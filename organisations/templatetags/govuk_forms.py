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
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


_PREVIOUS = (
    '\n  <div class="govuk-pagination__prev">\n    '
    '<a class="govuk-link govuk-pagination__link" href="{}" rel="prev">'
    '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2'
    'h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>'
    '<span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> '
    "page</span></span></a>\n  </div>\n  "
)
_NEXT = (
    '\n  <div class="govuk-pagination__next">\n    '
    '<a class="govuk-link govuk-pagination__link" href="{}" rel="next">'
    '<span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span>'
    '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" '
    'height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13">'
    '<path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 '
    '6.7441-6.4062-6.7246-6.7266z"></path></svg></a>\n  </div>\n  '
)
_ELLIPSIS = (
    '\n    \n    <li class="govuk-pagination__item govuk-pagination__item--ellipses">&ctdot;</li>\n    \n    '
)
_CURRENT = (
    '\n    \n    <li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link '
    'govuk-pagination__link" href="{0}" aria-label="Page {1}" aria-current="page">{1}</a></li>\n    \n    '
)
_NUMBER = (
    '\n    \n    <li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" href="{0}" '
    'aria-label="Page {1}">{1}</a></li>\n    \n    '
)


@register.simple_tag(takes_context=True)
def pagination(context, page, label="") -> SafeString:
    """What templates/includes/pagination.html writes for `page` (organisations.paging.page_of), the
    GOV.UK pagination whose links keep the page's other query parameters, without the template engine
    (issue 14: the include's loops and tags were a large part of a list page's rendering)."""
    if page.paginator.num_pages <= 1:
        return mark_safe("\n\n")
    query = context.request.GET.copy()

    def address(number) -> str:
        query["page"] = number
        return escape("?" + query.urlencode())

    out = [f'\n\n<nav class="govuk-pagination" aria-label="{escape(label or "Pages")}">\n  ']
    if page.has_previous():
        out.append(_PREVIOUS.format(address(page.previous_page_number())))
    out.append('\n  <ul class="govuk-pagination__list">\n    ')
    ellipsis, current = page.paginator.ELLIPSIS, page.number
    for number in page.numbers:
        if number == ellipsis:
            out.append(_ELLIPSIS)
        else:
            n = escape(number)
            out.append((_CURRENT if number == current else _NUMBER).format(address(number), n))
    out.append("\n  </ul>\n  ")
    if page.has_next():
        out.append(_NEXT.format(address(page.next_page_number())))
    out.append("\n</nav>\n\n")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
