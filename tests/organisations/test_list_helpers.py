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


@pytest.mark.parametrize("count", [0, 1, 50, 51, 150, 400, 2001])
@pytest.mark.parametrize("query", ["", "page=3", "q=a%26b&status=none", "page=x&reason=learning", "page=999"])
def test_the_pagination_tag_writes_what_the_pagination_template_writes(rf, count, query):
    """Every page of lists of several lengths (one page, two, several with the gaps of 1 … 4 5 6 … 40),
    with filters in the address (kept in every link, escaped) and a page asked for that is not one."""
    from django.template import RequestContext, Template
    from django.template.loader import render_to_string

    from organisations.paging import page_of

    request = rf.get(f"/people/?{query}")
    page = page_of(request, list(range(count)), 50)
    expected = render_to_string(
        "includes/pagination.html", {"page": page, "label": "Pages of people"}, request=request
    )
    written = Template('{% load govuk_forms %}{% pagination page "Pages of people" %}').render(
        RequestContext(request, {"page": page})
    )
    assert written == expected
    if count > 50:
        assert 'aria-current="page"' in written
        assert "status=none" not in query or "&amp;status=none" in written


def test_the_pagination_tag_on_every_page_of_a_long_list(rf):
    from django.template import RequestContext, Template
    from django.template.loader import render_to_string

    from organisations.paging import page_of

    for number in range(1, 42):
        request = rf.get(f"/isf/7/?category=support&page={number}")
        page = page_of(request, list(range(2001)), 50)
        expected = render_to_string("includes/pagination.html", {"page": page, "label": ""}, request=request)
        written = Template("{% load govuk_forms %}{% pagination page label %}").render(
            RequestContext(request, {"page": page, "label": ""})
        )
        assert written == expected, number
