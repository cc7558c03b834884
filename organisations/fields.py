"""The two form fields every page uses for what people type most: money and dates.

`MoneyField` takes money as people write it ("8,000", "£8,000.00", "£3000", "1234.5") and refuses
only what is not money, with one message naming the field. `DateField` is the GOV.UK date input (day,
month and year boxes), so every page asks for a date the same way, with or without JavaScript.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from .money import to_money

# Pounds with or without a £ sign, commas between thousands, and up to two places of pence.
_MONEY = re.compile(r"^-?£?-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$|^-?£?-?\.\d{1,2}$")


def parse_money(text: str) -> Decimal | None:
    """The amount in `text`, or None when it is not money. Spaces anywhere are ignored."""
    cleaned = re.sub(r"\s+", "", str(text))
    if not _MONEY.match(cleaned) or cleaned.count("-") > 1:
        return None
    try:
        return to_money(cleaned.replace("£", "").replace(",", ""))
    except InvalidOperation:
        return None


def _lower_first(label: str) -> str:
    return label[:1].lower() + label[1:] if label[1:2].islower() or len(label) == 1 else label


class MoneyField(forms.DecimalField):
    """An amount of money in pounds, as people type it; cleaned to a Decimal with two places."""

    def __init__(self, *, min_value=Decimal("0"), max_digits=12, decimal_places=2, **kwargs):
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-10"})
        )
        super().__init__(min_value=min_value, max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def _name(self) -> str:
        return _lower_first(str(self.label or "the amount").removesuffix(" (optional)"))

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, Decimal):
            return to_money(value)
        amount = parse_money(value)
        label = str(self.label or "The amount").removesuffix(" (optional)")
        if amount is None and parse_money(re.sub(r"(\.\d\d)\d+$", r"\1", str(value).strip())) is not None:
            raise ValidationError(
                f"{label} must have no more than 2 digits for pence, like £12.35", code="max_decimal_places"
            )
        if amount is None:
            raise ValidationError(
                f"{label} must be an amount of money, like £1,250.00 or 1250", code="invalid"
            )
        return amount

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise ValidationError(f"Enter {self._name()}", code="required")

    def run_validators(self, value):
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(f"Enter {self._name()} of £{self.min_value:,.2f} or more", code="min_value")
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(f"Enter {self._name()} of £{self.max_value:,.2f} or less", code="max_value")
        if abs(value) >= Decimal(10) ** (self.max_digits - self.decimal_places):
            raise ValidationError(f"Enter {self._name()} of less than a billion pounds", code="max_digits")


class GovukDateWidget(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes (rendered by templates/govuk/field.html)."""

    template_name = "govuk/date_input.html"

    def __init__(self, attrs=None):
        number = {"inputmode": "numeric"}
        super().__init__(
            {
                "day": forms.TextInput(attrs={**number, "class": "govuk-input--width-2"}),
                "month": forms.TextInput(attrs={**number, "class": "govuk-input--width-2"}),
                "year": forms.TextInput(attrs={**number, "class": "govuk-input--width-4"}),
            },
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and re.match(r"^\d{4}-\d{1,2}-\d{1,2}$", value.strip()):
            year, month, day = value.strip().split("-")
            return [day, month, year]
        if isinstance(value, str) and re.match(r"^\d{1,2}/\d{1,2}/\d{4}$", value.strip()):
            return value.strip().split("/")
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        parts = super().value_from_datadict(data, files, name)
        # A single ISO value (an old bookmark, a test client, the API's habit) is accepted as well.
        if not any(parts) and data.get(name):
            return self.decompress(data.get(name))
        return parts


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with the GOV.UK messages for each way it can be wrong."""

    widget = GovukDateWidget

    def __init__(self, *, label: str, required: bool = True, **kwargs):
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, label=label, required=required, require_all_fields=False, **kwargs)
        for field in self.fields:
            field.required = False

    def _name(self) -> str:
        return str(self.label).removesuffix(" (optional)")

    def clean(self, value):
        parts = [str(p).strip() if p is not None else "" for p in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter {_lower_first(self._name())}", code="required")
            return None
        missing = [name for name, part in zip(("day", "month", "year"), parts, strict=True) if not part]
        if missing:
            raise ValidationError(
                f"{self._name()} must include a {' and a '.join(missing)}", code="incomplete"
            )
        day, month, year = parts
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self._name()} must be a real date", code="invalid")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers", code="invalid")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{self._name()} must be a real date", code="invalid") from exc

    def compress(self, data_list):  # clean() above does the work
        return data_list
