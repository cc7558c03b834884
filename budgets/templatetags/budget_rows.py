"""Rows of the budgets' long lists written without the template engine (issue 14): fifty rows through
it were a large part of the caseload's and the approval queue's time. Each writes the markup its row
template wrote, escaped the same way (the pages' HTML was compared before and after on a council of
20,000 people)."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime

from organisations.money import format_money
from organisations.templatetags.govuk_forms import short_date, url_with_id

register = template.Library()

_CELL = '            <td class="govuk-table__cell">'


@register.simple_tag
def caseload_rows(people) -> SafeString:
    """`<tr>` for each person of the caseload's page: their name (linked to their page), reference,
    primary support reason and date of birth."""
    out = []
    for person in people:
        out.append(
            '\n          <tr class="govuk-table__row">\n'
            f'{_CELL}<a class="govuk-link" href="{url_with_id("budgets:person", person.pk)}">'
            f"{escape(person.name or '(no name)')}</a></td>\n"
            f"{_CELL}{escape(person.person_ref)}</td>\n"
            f"{_CELL}{escape(person.get_primary_support_reason_display())}</td>\n"
            f"{_CELL}{escape(short_date(person.date_of_birth))}</td>\n"
            "          </tr>\n          "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


_QUEUE_CELL = '      <td class="govuk-table__cell">'


@register.simple_tag(takes_context=True)
def approval_rows(context, proposals) -> SafeString:
    """`<tr>` for each proposal of the approval queue's page (views.approval_queue_view): the person
    (linked to the proposal; "new version" for one that replaces another), the start date, who proposed
    it and when, the total a year, and what the approver may do: approve it (a form) unless they
    proposed it or it is above their limit, and send it back unless they proposed it."""
    token = context.get("csrf_token")
    csrf = (
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        if token and token != "NOTPROVIDED"
        else ""
    )
    out = []
    for b in proposals:
        person = escape(b.person)
        new_version = '<br><span class="govuk-body-s">new version</span>' if b.replaces_id else ""
        proposer = escape(b.proposed_by.display_name) if b.proposed_by_id else ""
        proposed_on = escape(date_filter(template_localtime(b.proposed_at), "j M Y"))
        total = escape(format_money(b.annual_total))
        if b.own:
            decision = "You proposed this: someone else must decide.\n        "
        elif b.over_limit:
            decision = "Above your approval limit.\n        "
        else:
            decision = (
                f'\n        <form method="post" action="{url_with_id("budgets:budget-approve", b.pk)}" '
                f'class="app-inline-form">{csrf}<input type="hidden" name="next" value="queue">\n'
                '          <button type="submit" class="govuk-button govuk-!-margin-bottom-1" '
                'data-module="govuk-button">Approve<span class="govuk-visually-hidden"> the budget for '
                f"{person}</span></button>\n        </form>\n        "
            )
        send_back = (
            ""
            if b.own
            else f'<a class="govuk-link" href="{url_with_id("budgets:budget-send-back", b.pk)}">Send back'
            f'<span class="govuk-visually-hidden"> the budget for {person}</span></a>'
        )
        out.append(
            '\n    <tr class="govuk-table__row">\n'
            f'{_QUEUE_CELL}<a class="govuk-link" href="{url_with_id("budgets:budget", b.pk)}">{person}</a>'
            f"{new_version}</td>\n"
            f"{_QUEUE_CELL}{escape(short_date(b.start_date))}</td>\n"
            f'{_QUEUE_CELL}{proposer}<br><span class="govuk-body-s">{proposed_on}</span></td>\n'
            f'      <td class="govuk-table__cell app-table-numeric app-money">{total}'
            "</td>\n"
            f"{_QUEUE_CELL}\n        {decision}\n        {send_back}\n      </td>\n    </tr>\n  "
        )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
