"""The commissioner's page of the council's accounts a page at a time (issue 14: a 20,000-person
council has thousands): 50 rows a page, the summaries of accounts to look at counted over the whole
council, and never another council's accounts."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import ManagementType, Person
from providers.ledger import managed, services
from providers.ledger.models import HeldAccount
from providers.ledger.selectors import council_overview
from tests.budgets.factories import approved_budget
from tests.conftest import sign_in
from tests.ledger.conftest import START
from tests.ledger.factories import isf_fund

D = Decimal


def _people(council, provider, robot, count, *, start=0, prefix="Ledger", over_from=None):
    """`count` people with an ISF each, named in list order; from `over_from` on, an agreed limit of
    £0.00 and the first payment in, so they are over it."""
    funds = []
    for i in range(start, start + count):
        person = Person.objects.create(
            council=council,
            person_ref=f"{prefix[:2].upper()}-{i:03d}",
            given_name="Given",
            family_name=f"{prefix}{i:03d}",
            date_of_birth=dt.date(1980, 1, 1),
            primary_support_reason="learning_disability",
        )
        over = over_from is not None and i >= over_from
        fund = isf_fund(
            person=person,
            provider=provider,
            actor=robot,
            start=START,
            budget_ref=f"{prefix[:2].upper()}-ISF-{i}",
            unspent_limit="0.00" if over else "1000.00",
        )
        if over:
            services.post_due_payments(fund=fund, actor=robot, today=START)
        funds.append(fund)
    return funds


def _names(html: str) -> list[str]:
    return re.findall(r'<a class="govuk-link" href="/isf/\d+/">Given (Ledger\d+)</a><br>', html)


@pytest.fixture
def big_council(council, other_council, provider_org, robot):
    """55 accounts (the last three over their limit, all with no entries lately); one in another
    council, named to sort among them."""
    _people(council, provider_org, robot, 55, over_from=52)
    _people(other_council, provider_org, robot, 1, start=7, prefix="Elsewhere")


def test_the_page_shows_fifty_accounts_and_links_to_the_next(client, commissioner, big_council):
    sign_in(client, commissioner)
    first = client.get("/isf/council/")
    html = first.content.decode()
    assert _names(html) == [f"Ledger{i:03d}" for i in range(50)]
    assert "Showing 1 to 50 of 55, in name order." in html and 'href="?page=2" rel="next"' in html
    assert '<nav class="govuk-pagination" aria-label="Pages of accounts">' in html
    second = client.get("/isf/council/", {"page": "2"}).content.decode()
    assert _names(second) == [f"Ledger{i:03d}" for i in range(50, 55)]
    # Past the end: the last page, as on the other lists; not a number: the first.
    assert _names(client.get("/isf/council/", {"page": "99"}).content.decode()) == _names(second)
    assert _names(client.get("/isf/council/", {"page": "x"}).content.decode()) == _names(html)
    # The kind filter is kept in the page links.
    isfs = client.get("/isf/council/", {"kind": "isf"}).content.decode()
    assert 'href="?kind=isf&amp;page=2" rel="next"' in isfs


def test_the_summaries_count_the_whole_council_not_the_page(client, commissioner, big_council):
    sign_in(client, commissioner)
    html = client.get("/isf/council/").content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    # The three over their limit are on the second page; short, they are named as they are.
    assert (
        "3 with unspent money above the agreed limit: Given Ledger052, Given Ledger053, Given Ledger054"
        in (text)
    )
    assert "show=over" not in html
    # Long: counted, the first five named, and a link to them all.
    assert (
        "55 with no entries for more than 8 weeks: Given Ledger000, Given Ledger001, Given Ledger002, "
        "Given Ledger003, Given Ledger004 and 50 more. See all 55 accounts with no entries for more than "
        "8 weeks"
    ) in text
    assert 'href="/isf/council/?show=quiet">See all 55' in html
    quiet = client.get("/isf/council/", {"show": "quiet"}).content.decode()
    assert "Showing the 55 accounts with no entries for more than 8 weeks." in quiet
    assert len(_names(quiet)) == 50 and 'href="?show=quiet&amp;page=2" rel="next"' in quiet
    over = client.get("/isf/council/", {"show": "over", "kind": "isf"}).content.decode()
    assert _names(over) == ["Ledger052", "Ledger053", "Ledger054"] and "govuk-pagination" not in over
    assert (
        "No accounts with unspent money above the agreed limit."
        in client.get("/isf/council/", {"show": "over", "kind": "direct_payment_managed"}).content.decode()
    )


def test_another_council_s_accounts_never_appear(
    client, commissioner, other_council_commissioner, big_council
):
    sign_in(client, commissioner)
    pages = [
        client.get("/isf/council/", query).content.decode() for query in ({}, {"page": 2}, {"show": "quiet"})
    ]
    assert not any("Elsewhere" in page for page in pages)
    assert "55 accounts" in pages[0]
    client.logout()
    sign_in(client, other_council_commissioner)
    theirs = client.get("/isf/council/").content.decode()
    assert "Elsewhere007" in theirs and "Ledger" not in theirs
    assert "1 account" in theirs and "govuk-pagination" not in theirs


def _queries(client) -> int:
    client.get("/isf/council/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/isf/council/").status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_council(
    client, commissioner, council, provider_org, robot
):
    _people(council, provider_org, robot, 3, over_from=2)
    sign_in(client, commissioner)
    small = _queries(client)
    _people(council, provider_org, robot, 60, start=3, over_from=50)
    assert _queries(client) == small


def test_the_limit_worked_out_by_the_database_is_the_account_s(
    client, commissioner, person, provider_org, robot
):
    """Over the limit means above it, not at it, for an ISF's agreement and for a managed direct
    payment's own limit or its default (eight weeks of what the council pays, with the cost)."""
    fund = isf_fund(person=person, provider=provider_org, actor=robot, start=START, unspent_limit="0.00")
    services.post_due_payments(fund=fund, actor=robot, today=START)
    other = Person.objects.create(
        council=person.council,
        person_ref="MD-1",
        given_name="Megan",
        family_name="Managed",
        date_of_birth=dt.date(1980, 1, 1),
        primary_support_reason="learning_disability",
    )
    budget = approved_budget(
        other, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", provider_org),)
    )
    arrangement = budget.arrangements.get()
    arrangement.management_cost_percent = D("8.00")
    arrangement.save()
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    services.post_due_payments(fund=account, actor=robot, today=START)
    fund.refresh_from_db()
    account.refresh_from_db()

    def flags():
        return {r.fund.pk: (r.unspent_limit, r.over_limit) for r in council_overview(user=commissioner)}

    agreement = fund.agreement
    for limit, over in (("0.00", True), (str(fund.balance), False), (str(fund.balance - D("0.01")), True)):
        agreement.unspent_limit = D(limit)
        agreement.save(update_fields=["unspent_limit"])
        assert flags()[fund.pk] == (D(limit), over)
    assert flags()[account.pk] == (D("1728.00"), False)  # 11,232 a year: eight weeks is 1,728.00
    for limit, over in ((account.balance, False), (account.balance - D("0.01"), True)):
        HeldAccount.objects.filter(pk=account.pk).update(managed_unspent_limit=limit)
        assert flags()[account.pk] == (limit, over)
