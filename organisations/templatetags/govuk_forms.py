"""Template helpers that give every form GOV.UK markup, and money its one format."""

from django import template
from django.forms.boundfield import BoundField

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
