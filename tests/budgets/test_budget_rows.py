# ruff: noqa: E501 - the row templates are kept as they were, line for line
"""The caseload's and the approval queue's rows are written without the template engine (issue 14):
they must be the markup the row templates wrote, for every kind of row (the templates are kept here as
the reference)."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

from django.template import RequestContext, Template
from django.test import RequestFactory

CASELOAD_ROWS = """{% load govuk_forms %}{% for person in people %}
          <tr class="govuk-table__row">
            <td class="govuk-table__cell"><a class="govuk-link" href="{% url_with_id 'budgets:person' person.pk %}">{{ person.name|default:"(no name)" }}</a></td>
            <td class="govuk-table__cell">{{ person.person_ref }}</td>
            <td class="govuk-table__cell">{{ person.get_primary_support_reason_display }}</td>
            <td class="govuk-table__cell">{{ person.date_of_birth|short_date }}</td>
          </tr>
          {% endfor %}"""

APPROVAL_ROWS = """{% load govuk_forms %}{% for b in proposals %}
    <tr class="govuk-table__row">
      <td class="govuk-table__cell"><a class="govuk-link" href="{% url_with_id 'budgets:budget' b.pk %}">{{ b.person }}</a>{% if b.replaces_id %}<br><span class="govuk-body-s">new version</span>{% endif %}</td>
      <td class="govuk-table__cell">{{ b.start_date|short_date }}</td>
      <td class="govuk-table__cell">{{ b.proposed_by.display_name }}<br><span class="govuk-body-s">{{ b.proposed_at|date:"j M Y" }}</span></td>
      <td class="govuk-table__cell app-table-numeric app-money">{{ b.annual_total|money }}</td>
      <td class="govuk-table__cell">
        {% if b.own %}You proposed this: someone else must decide.
        {% elif b.over_limit %}Above your approval limit.
        {% else %}
        <form method="post" action="{% url_with_id 'budgets:budget-approve' b.pk %}" class="app-inline-form">{% csrf_token %}<input type="hidden" name="next" value="queue">
          <button type="submit" class="govuk-button govuk-!-margin-bottom-1" data-module="govuk-button">Approve<span class="govuk-visually-hidden"> the budget for {{ b.person }}</span></button>
        </form>
        {% endif %}
        {% if not b.own %}<a class="govuk-link" href="{% url_with_id 'budgets:budget-send-back' b.pk %}">Send back<span class="govuk-visually-hidden"> the budget for {{ b.person }}</span></a>{% endif %}
      </td>
    </tr>
  {% endfor %}"""


def _render(source: str, **context) -> str:
    request = RequestFactory().get("/")
    html = Template(source).render(RequestContext(request, context))
    # Each page's CSRF token is masked afresh: the same token either way, written differently.
    return re.sub(r'csrfmiddlewaretoken" value="[^"]+"', 'csrfmiddlewaretoken" value="-"', html)


def _person(pk, name, ref, reason, born):
    return SimpleNamespace(
        pk=pk,
        name=name,
        person_ref=ref,
        get_primary_support_reason_display=lambda: reason,
        date_of_birth=born,
    )


def test_caseload_rows_are_the_row_template_s_markup():
    people = [
        _person(1, "Ann O'Neil", "BP-000001", "Learning disability support", dt.date(1950, 2, 3)),
        _person(20000, "", "R&D <1>", "Mental health support", None),  # no name, characters to escape
    ]
    expected = _render(CASELOAD_ROWS, people=people)
    assert _render("{% load budget_rows %}{% caseload_rows people %}", people=people) == expected
    assert "(no name)" in expected and "R&amp;D &lt;1&gt;" in expected and "O&#x27;Neil" in expected


def _proposal(pk, *, own=False, over_limit=False, replaces_id=None, proposer="Cal <Commissioner>"):
    return SimpleNamespace(
        pk=pk,
        person="Bea & Co",
        replaces_id=replaces_id,
        start_date=dt.date(2026, 4, 1),
        proposed_by_id=7 if proposer else None,
        proposed_by=SimpleNamespace(display_name=proposer) if proposer else None,
        proposed_at=dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC),  # 1 Apr in London
        annual_total=Decimal("12345.60"),
        own=own,
        over_limit=over_limit,
    )


def test_approval_rows_are_the_row_template_s_markup_for_every_kind_of_row():
    proposals = [
        _proposal(1),  # may approve and send back
        _proposal(2, own=True),  # proposed it: neither
        _proposal(3, over_limit=True, replaces_id=1),  # above the limit, a new version: send back only
        _proposal(4, proposer=None),  # nobody recorded as proposing it
    ]
    expected = _render(APPROVAL_ROWS, proposals=proposals)
    written = _render("{% load budget_rows %}{% approval_rows proposals %}", proposals=proposals)
    assert written == expected
    assert written.count("<form") == 2 and written.count("Send back") == 3
    assert (
        written.count('csrfmiddlewaretoken" value="-"') == 2
        and "1 Apr 2026" in written
        and "£12,345.60" in written
    )
