"""A ledger page's rows (issue 14). Fifty rows of seven cells through the template engine were a third
of the page's time; this writes the same markup that the row template wrote, escaped the same way."""

from html import escape as _html_escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from organisations.money import format_money
from organisations.templatetags.govuk_forms import short_date, url_with_id

register = template.Library()


def escape(value) -> str:
    """What django.utils.html.escape writes (`html.escape(str(value))`), without its lazy-string
    wrapper: six values a row, 300 a page, and the wrapper was most of their cost (issue 14). The
    result goes into the tag's markup, marked safe once for the whole."""
    return _html_escape(str(value))


_CELL = '        <td class="govuk-table__cell">'
_MONEY = '        <td class="govuk-table__cell app-table-numeric app-money">'
_CORRECTED = ' <strong class="govuk-tag govuk-tag--grey">Corrected</strong>'


@register.simple_tag
def ledger_rows(lines, reversible, fund_pk) -> SafeString:
    """`<tr>` for each line (ledger.selectors.Line): date, kind, what for (and "Corrected" when a later
    entry reversed it), amount, balance after it, who recorded it ("Automatic" for none), and the link
    to reverse it when the entry is in `reversible`."""
    out = []
    kinds: dict = {}  # each kind's words once a page (Entry.kind_label), not translated again each row
    for line in lines:
        e = line.entry
        kind_key = (e.category, e.amount > 0)
        kind = kinds.get(kind_key)
        if kind is None:
            kind = kinds[kind_key] = escape(e.kind_label)
        description = escape(e.description)
        recorder = e.recorded_by.display_name if e.recorded_by_id else ""
        action = (
            f'<a class="govuk-link" href="{url_with_id("ledger:reverse", fund_pk, e.pk)}">Reverse'
            f'<span class="govuk-visually-hidden"> {description}</span></a>'
            if e.pk in reversible
            else ""
        )
        out.append(
            '\n      <tr class="govuk-table__row">\n'
            f"{_CELL}{short_date(e.entry_date)}</td>\n"
            f"{_CELL}{kind}</td>\n"
            f"{_CELL}{description}{_CORRECTED if hasattr(e, 'reversed_by') else ''}</td>\n"
            f"{_MONEY}{escape(format_money(e.amount))}</td>\n"
            f"{_MONEY}{escape(format_money(line.balance))}</td>\n"
            f"{_CELL}{escape(recorder or 'Automatic')}</td>\n"
            f"{_CELL}{action}</td>\n"
            "      </tr>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


@register.simple_tag
def held_rows(group) -> SafeString:
    """`<tr>` for each account of a group of the provider's list (views.provider_ledgers): the person
    (linked to the ledger, with the organisation named when it is not the group's first one's), the
    budget reference, the council, the balance and the last entry's date."""
    out = []
    first_provider = group[0].provider_id if group else None
    for fund in group:
        other = f" ({escape(fund.provider.name)})" if fund.provider_id != first_provider else ""
        last = short_date(fund.last_entry_on) if fund.last_entry_on else ""
        link = url_with_id("ledger:ledger", fund.pk)
        balance = escape(format_money(fund.balance))
        out.append(
            '\n    <tr class="govuk-table__row">\n'
            f'      {_CELL.lstrip()}<a class="govuk-link" href="{link}">{escape(fund.person)}</a>'
            f"{other}</td>\n"
            f"      {_CELL.lstrip()}{escape(fund.budget_ref or '—')}</td>\n"
            f"      {_CELL.lstrip()}{escape(fund.council.name)}</td>\n"
            f"      {_MONEY.lstrip()}{balance}</td>\n"
            f"      {_CELL.lstrip()}{escape(last or 'None yet')}</td>\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
