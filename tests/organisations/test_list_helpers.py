"""The cheap helpers long lists use (issue 14) write exactly what Django's own would."""

import datetime as dt

import pytest
from django.template.defaultfilters import date
from django.urls import reverse

from organisations.templatetags.govuk_forms import short_date, url_with_id


@pytest.mark.parametrize(
    "value",
    [dt.date(2026, month, day) for month in range(1, 13) for day in (1, 28)]
    + [dt.datetime(2026, 4, 6, 23, 30, tzinfo=dt.UTC), None, ""],
)
def test_short_date_writes_what_the_date_filter_writes(value):
    assert short_date(value) == date(value, "j M Y")


@pytest.mark.parametrize(
    ("name", "ids"),
    [
        ("ledger:ledger", (7,)),
        ("ledger:reverse", (12, 3456)),
        ("budgets:person", (20000,)),
        ("providers:provider-detail", (1,)),
    ],
)
def test_url_with_id_gives_the_address_reverse_gives(name, ids):
    assert url_with_id(name, *ids) == reverse(name, args=ids)
    assert url_with_id(name, *ids) == reverse(name, args=ids)  # the remembered pattern, again
