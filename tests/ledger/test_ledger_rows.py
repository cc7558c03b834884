"""A ledger page's rows (providers/ledger/templatetags/ledger_rows.py) are the markup the row template
wrote before it, for every kind of entry, corrected or not, reversible or not, recorded by someone or
automatic, with words that need HTML escaping (issue 14: the tag escapes with html.escape directly and
reads each kind's words once a page)."""

import datetime as dt

import pytest
from django.template import Context, Engine
from django.utils import timezone

from providers.ledger import services
from providers.ledger.models import Category, LedgerEntry
from providers.ledger.selectors import count_ledger_entries, ledger_page
from providers.ledger.templatetags.ledger_rows import ledger_rows
from tests.factories import UserFactory
from tests.ledger.conftest import START
from tests.ledger.test_money_rules import _second_fund

pytestmark = pytest.mark.django_db

# The row template of the ledger page before the tag (78ae589^), rows only.
ROW_TEMPLATE = """{% load govuk_forms %}{% for line in lines %}{% with e=line.entry %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">{{ e.entry_date|short_date }}</td>
        <td class="govuk-table__cell">{{ e.kind_label }}</td>
        <td class="govuk-table__cell">{{ e.description }}{% if e.reversed_by %} <strong class="govuk-tag govuk-tag--grey">Corrected</strong>{% endif %}</td>
        <td class="govuk-table__cell app-table-numeric app-money">{{ e.amount|money }}</td>
        <td class="govuk-table__cell app-table-numeric app-money">{{ line.balance|money }}</td>
        <td class="govuk-table__cell">{{ e.recorded_by.display_name|default:"Automatic" }}</td>
        <td class="govuk-table__cell">{% if e.pk in reversible %}<a class="govuk-link" href="{% url_with_id 'ledger:reverse' fund.pk e.pk %}">Reverse<span class="govuk-visually-hidden"> {{ e.description }}</span></a>{% endif %}</td>
      </tr>
    {% endwith %}{% endfor %}"""  # noqa: E501


def _template_rows(lines, reversible, fund) -> str:
    engine = Engine.get_default()
    return engine.from_string(ROW_TEMPLATE).render(
        Context({"lines": lines, "reversible": reversible, "fund": fund})
    )


def test_every_kind_of_row_is_the_row_templates_markup(fund, person, other_provider_org, robot):
    today = timezone.localdate()
    services.post_due_payments(fund=fund, actor=robot, today=START + dt.timedelta(days=30))
    staff = UserFactory(full_name='Dee <O\'Brien> & "Co"')
    made = {}
    for i, category in enumerate((Category.SUPPORT, Category.ACTIVITY, Category.EQUIPMENT)):
        made[category], _ = services.record_spending(
            fund=fund,
            entry_date=START + dt.timedelta(days=i + 1),
            category=category,
            amount=f"{10 + i}.05",
            description=f"<script>alert('{category}')</script> & \"more\"",
            idempotency_key=f"k-{i}",
            actor=staff,
            today=today,
        )
    refund, _ = services.record_refund(
        fund=fund, amount="7.00", reason="Paid <too> much & 'back'", actor=robot, today=today
    )
    services.reverse_entry(entry=made[Category.ACTIVITY], reason="Wrong <kind>", actor=staff, today=today)
    services.reverse_entry(entry=refund, reason="Not needed", actor=robot, today=today)
    # Money moved here with the person from another account of theirs (its side reads as moved on).
    source = _second_fund(person, other_provider_org, robot)
    services.post_due_payments(fund=source, actor=robot, today=START)
    services.transfer_balance(
        from_fund=source, to_fund=fund, on_date=START + dt.timedelta(days=5), actor=robot
    )
    fund.refresh_from_db()
    kinds = set(LedgerEntry.objects.filter(fund=fund).values_list("category", flat=True))
    assert kinds == {
        Category.COUNCIL_PAYMENT,
        Category.MANAGEMENT_FEE,
        Category.SUPPORT,
        Category.ACTIVITY,
        Category.EQUIPMENT,
        Category.REFUND,
        Category.CORRECTION,
        Category.TRANSFER,
    }
    source_lines, _ = ledger_page(source, offset=0, limit=count_ledger_entries(source), from_the_end=True)
    assert any(line.entry.amount < 0 and line.entry.category == Category.TRANSFER for line in source_lines)
    assert ledger_rows(source_lines, set(), source.pk) == _template_rows(source_lines, set(), source)

    lines, _ = ledger_page(fund, offset=0, limit=count_ledger_entries(fund), from_the_end=False)
    assert len(lines) == LedgerEntry.objects.filter(fund=fund).count() > 10
    lines[0].entry.recorded_by = None  # as an entry written with no one recorded ("Automatic")
    everything = {line.entry.pk for line in lines}
    some = {made[Category.SUPPORT].pk, refund.pk}
    for reversible in (set(), some, everything):
        tag = ledger_rows(lines, reversible, fund.pk)
        assert tag == _template_rows(lines, reversible, fund)
    tag = ledger_rows(lines, everything, fund.pk)
    assert "&lt;script&gt;alert(&#x27;support&#x27;)&lt;/script&gt; &amp; &quot;more&quot;" in tag
    assert "Dee &lt;O&#x27;Brien&gt; &amp; &quot;Co&quot;" in tag
    assert "Moved here with you from the last organisation" in tag
    assert "Corrected</strong>" in tag and ">Automatic<" in tag
