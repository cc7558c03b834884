"""Managed direct payments held in the same account model as ISFs (issue 13): the schedule with the
management cost on top, the organisation's, family's and commissioner's pages (no JavaScript), the
CSV upload with the ISF header, statements, and moves (another organisation, an ISF, self-managed)."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from budgets.models import Arrangement, ManagementType
from organisations.models import Role
from providers.ledger import managed, services
from providers.ledger.models import Category, HeldAccount, HeldKind
from providers.ledger.selectors import balance_of, council_overview
from tests.budgets.factories import approved_budget
from tests.conftest import sign_in
from tests.factories import ProviderFactory, staff
from tests.ledger.conftest import START
from tests.ledger.factories import isf_agreement
from tests.surveys.pdf_text import pdf_text

D = Decimal


@pytest.fixture
def hub(db):
    hub = ProviderFactory(provider_ref="PRV-HUB", name="Wareham Community Hub")
    return hub


@pytest.fixture
def hub_staff(hub):
    return staff(Role.PROVIDER_FINANCE, provider=hub, email="finance@hub.example.org")


@pytest.fixture
def arrangement(person, hub):
    budget = approved_budget(
        person, start=START, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "10400.00", hub),)
    )
    a = budget.arrangements.get()
    a.management_cost_percent = D("8.00")
    a.budget_ref = "DOR-MDP-1"
    a.save()
    return a


@pytest.fixture
def account(arrangement, robot):
    account = managed.open_managed_account(arrangement=arrangement, actor=robot)
    services.post_due_payments(fund=account, actor=robot, today=START)
    return account


def test_the_council_pays_support_plus_the_management_cost_and_the_cost_goes_out(arrangement, account):
    assert arrangement.management_cost == D("832.00") and arrangement.total_amount == D("11232.00")
    assert arrangement.budget.total == D("11232.00")
    entries = list(account.entries.values_list("category", "amount"))
    # 11,232 / 13 = 864.00 in; the 832 yearly cost / 13 = 64.00 out.
    assert entries == [("council_payment", D("864.00")), ("management_fee", D("-64.00"))]
    assert account.entries.get(category="management_fee").description == (
        "Wareham Community Hub's management cost, 6 April 2026 to 3 May 2026 "
        "(part of the £832.00 yearly management cost)"
    )
    assert balance_of(account) == D("800.00") == HeldAccount.objects.get(pk=account.pk).balance
    assert account.kind == HeldKind.MANAGED_DP and account.agreement is None


def test_the_daily_job_opens_managed_accounts_and_adds_nothing_twice(arrangement):
    first = services.post_all_due_payments(today=START + dt.timedelta(days=1))
    assert first == {"funds": 1, "entries": 2, "failed": 0}
    assert services.post_all_due_payments(today=START + dt.timedelta(days=1))["entries"] == 0
    assert HeldAccount.objects.get(arrangement=arrangement).budget_ref == "DOR-MDP-1"


def test_the_family_sees_your_managed_direct_payment_with_its_cost_and_who_to_contact(
    client, family, account
):
    sign_in(client, family)
    page = client.get("/isf/managed/")
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r"<h1[^>]*>\s*Your managed direct payment", html)  # the heading, not only the header
    assert "Wareham Community Hub's management cost" in html
    assert "8% of the money for your support" in html
    assert "you do not have to become an employer" in html
    assert "Who to contact" in html
    # The ISF page does not list it, and the header links to the new page.
    assert "Wareham" not in client.get("/isf/").content.decode().split("What happens next")[0]
    assert 'href="/isf/managed/"' in html


def test_your_budget_shows_both_lines_in_plain_words(client, family, account):
    sign_in(client, family)
    from django.urls import reverse

    html = client.get(reverse("budgets:your-budget")).content.decode()
    assert "Money for your support" in html and "£10,400.00" in html
    assert "Management cost, paid on top to Wareham Community Hub" in html and "£832.00" in html
    assert "you do not lose any support" in html


def test_the_hub_sees_its_people_records_spending_and_uploads_the_isf_csv(
    client, hub_staff, account, tmp_path, robot
):
    sign_in(client, hub_staff)
    html = client.get("/isf/provider/").content.decode()
    assert "Managed direct payment accounts" in html and "DOR-MDP-1" in html
    ledger = client.get(f"/isf/{account.pk}/").content.decode()
    assert "Managed direct payment ledger" in ledger
    today = timezone.localdate()
    response = client.post(
        f"/isf/{account.pk}/entries/new/",
        {
            "entry_date": today.isoformat(),
            "category": "support",
            "amount": "100.00",
            "description": "Personal assistant, 5 hours",
            "idempotency_key": "form:hub-1",
        },
    )
    assert response.status_code == 302
    path = tmp_path / "hub.csv"
    path.write_text(
        "budget_ref,entry_date,category,amount,description,entry_ref\n"
        f"DOR-MDP-1,{today.isoformat()},activity,25.00,Lunch club,HUB-1\n"
    )
    call_command("import_isf_entries", str(path), "--provider", "PRV-HUB")
    assert balance_of(account) == D("675.00")
    assert account.entries.filter(idempotency_key="HUB-1").exists()


def test_statement_page_and_pdf_speak_of_the_managed_direct_payment(client, family, account):
    sign_in(client, family)
    services.produce_statement(fund=account, start=START, end=START + dt.timedelta(days=27))
    page = client.get(f"/isf/{account.pk}/statement/?start=2026-04-06&end=2026-05-03")
    assert "Wareham Community Hub&#x27;s management cost" in page.content.decode()
    pdf = client.get(f"/isf/{account.pk}/statement.pdf?start=2026-04-06&end=2026-05-03")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "managing Alys" in text and "management cost" in text


def test_the_commissioner_sees_balances_flags_quiet_accounts_and_records_a_refund(
    client, commissioner, account
):
    sign_in(client, commissioner)
    html = client.get("/isf/council/?kind=direct_payment_managed").content.decode()
    assert "Managed direct payments" in html and "Wareham Community Hub" in html
    row = next(r for r in council_overview(user=commissioner) if r.fund.pk == account.pk)
    # The limit is eight weeks of payments: £1,728.00; £800 is below it; no entries since 6 April.
    assert (row.unspent_limit, row.over_limit, row.quiet, row.can_move) == (D("1728.00"), False, True, True)
    response = client.post(
        f"/isf/{account.pk}/refund/",
        {"amount": "50.00", "reason": "Day centre closed for a month", "idempotency_key": "r-1"},
    )
    assert response.status_code == 302
    refund = account.entries.get(category=Category.REFUND)
    assert refund.description == "Paid back to Dorset Council: Day centre closed for a month"


def test_moving_to_another_organisation_by_the_page_moves_the_balance_in_one_step(
    client, commissioner, account, other_provider_org
):
    from providers.models import ProviderProfile

    ProviderProfile.objects.filter(provider=other_provider_org).delete()
    profile = ProviderProfile.objects.create(
        provider=other_provider_org, manages_direct_payments=True, management_fee_percent=D("6.00")
    )
    profile.council_areas.add(account.council)
    sign_in(client, commissioner)
    form = client.get(f"/isf/{account.pk}/move/").content.decode()
    assert "Purbeck Circles of Support" in form and "Wareham Community Hub</option>" not in form
    today = timezone.localdate()
    response = client.post(
        f"/isf/{account.pk}/move/",
        {"to": "organisation", "on_date": today.isoformat(), "provider": str(other_provider_org.pk)},
    )
    assert response.status_code == 302
    old = HeldAccount.objects.get(pk=account.pk)
    new = HeldAccount.objects.exclude(pk=account.pk).get(person=account.person)
    assert old.closed_on == today - dt.timedelta(days=1) and balance_of(old) == 0
    # Every payment due to the hub up to the day before was posted, then the rest moved.
    assert new.provider == other_provider_org and new.kind == HeldKind.MANAGED_DP
    moved_in = new.entries.get(category=Category.TRANSFER)
    assert moved_in.amount > 0 and moved_in.transfer_pair.fund_id == old.pk
    assert new.arrangement.management_cost_percent == D("6.00") and new.arrangement.start_date == today
    assert Arrangement.objects.get(pk=account.arrangement_id).end_date == today - dt.timedelta(days=1)
    assert response["Location"] == f"/isf/{new.pk}/"


def test_changing_into_an_isf_moves_the_balance_to_the_providers_fund(account, robot, provider_org):
    today = timezone.localdate()
    agreement = isf_agreement(person=account.person, provider=provider_org, start=today)
    fund = managed.move_managed_account(
        account=account, to=managed.MOVE_TO_ISF, agreement=agreement, on_date=today, actor=robot
    )
    assert fund.kind == HeldKind.ISF and fund.agreement == agreement
    assert balance_of(account) == 0
    assert fund.entries.get(category=Category.TRANSFER).amount > 0


def test_changing_into_a_self_managed_direct_payment_pays_the_balance_to_the_person(account, robot):
    today = timezone.localdate()
    services.post_due_payments(fund=account, actor=robot, today=today - dt.timedelta(days=1))
    left = balance_of(account)
    assert (
        managed.move_managed_account(
            account=account, to=managed.MOVE_TO_SELF_MANAGED, on_date=today, actor=robot
        )
        is None
    )
    paid = account.entries.get(category=Category.PAID_TO_PERSON)
    assert paid.amount == -left and balance_of(account) == 0
    new = Arrangement.objects.get(budget=account.arrangement.budget, start_date=today)
    assert new.management_type == ManagementType.DIRECT_PAYMENT and new.annual_amount == D("10400.00")
    with pytest.raises(services.LedgerError):
        services.record_spending(
            fund=account,
            entry_date=today,
            category="support",
            amount="1.00",
            description="Too late",
            idempotency_key="late",
            actor=robot,
        )
    # Moving again is refused.
    with pytest.raises(services.LedgerError):
        managed.move_managed_account(
            account=account, to=managed.MOVE_TO_SELF_MANAGED, on_date=today, actor=robot
        )


def test_another_council_cannot_see_or_move_the_account(client, other_council_commissioner, account):
    sign_in(client, other_council_commissioner)
    assert client.get(f"/isf/{account.pk}/move/").status_code == 404
    assert "Alys" not in client.get("/isf/council/").content.decode()


def _statement_text(client, fund) -> tuple[str, str]:
    """The statement page's text and its PDF's, for the first four weeks."""
    query = "?start=2026-04-06&end=2026-05-03"
    page = client.get(f"/isf/{fund.pk}/statement/{query}").content.decode()
    pdf = client.get(f"/isf/{fund.pk}/statement.pdf{query}")
    assert pdf["Content-Type"] == "application/pdf"
    # In reading order (not laid out), so a table cell's words stay together.
    raw = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf.content, capture_output=True, check=True)
    return page, re.sub(r"\s+", " ", raw.stdout.decode()) + pdf_text(pdf.content)


def test_every_statement_names_the_cost_in_the_words_of_its_kind(client, family, account, fund, robot):
    """Issue 13, gap 4: page and PDF, ISF and managed, name the organisation's cost as the family's page
    does (Words.fee: "Management cost", "Fee for holding the money"), never "Management fee"."""
    services.post_due_payments(fund=fund, actor=robot, today=START)
    sign_in(client, family)
    for held, fee in ((account, "Management cost"), (fund, "Fee for holding the money")):
        page, pdf = _statement_text(client, held)
        assert held.entries.filter(category=Category.MANAGEMENT_FEE).exists()
        for text in (page, pdf):
            assert "Management fee" not in text, held.kind
            assert fee in text, held.kind  # the entry's kind in "Every entry"
            assert f"{held.provider.name}&#x27;s {fee.lower()}" in text or (
                f"{held.provider.name}'s {fee.lower()}" in text
            ), held.kind
        # The ledger's entries and its filter speak the same way.
        ledger = client.get(f"/isf/{held.pk}/").content.decode()
        assert "Management fee" not in ledger and f">{fee}<" in ledger


def test_the_commissioners_menu_and_heading_cover_both_kinds(client, commissioner, account, fund):
    """Issue 13, gap 3: the page lists ISFs and managed direct payments, so neither the menu nor the
    heading calls it "Individual Service Funds"; the address is unchanged."""
    sign_in(client, commissioner)
    html = client.get("/isf/council/").content.decode()
    header = html.split("<main")[0]
    assert '<a class="govuk-service-navigation__link" href="/isf/council/"' in header or (
        'href="/isf/council/"' in header
    )
    assert "Money held for people" in header and "Individual Service Funds" not in header
    assert '<h1 class="govuk-heading-l">Money held for people</h1>' in html
    assert "<title>Money held for people" in html
    assert "Alys" in html and "Wareham Community Hub" in html and account.kind != fund.kind
    filtered = client.get("/isf/council/?kind=direct_payment_managed").content.decode()
    assert '<h1 class="govuk-heading-l">Money held for people</h1>' in filtered
    assert '<span class="govuk-caption-l">Managed direct payments</span>' in filtered
    refund = client.get(f"/isf/{account.pk}/refund/").content.decode()
    assert "Back to money held for people" in refund


def test_a_family_with_only_a_managed_direct_payment_is_not_sent_to_an_isf(client, family, account):
    """The walk as June Hollow: her header and her start page name her managed direct payment, not an
    Individual Service Fund she does not have."""
    sign_in(client, family)
    home = client.get("/").content.decode()
    header = home.split("<main")[0]
    assert 'href="/isf/managed/"' in header and 'href="/isf/"' not in header
    assert "Your Individual Service Fund" not in home
    assert "Your managed direct payment" in home and "Money left with Wareham Community Hub" in home
    assert 'href="/isf/managed/">See where the money went' in home


def test_several_new_statements_are_one_banner(client, family, account):
    for weeks in (0, 4, 8):
        start = START + dt.timedelta(weeks=weeks)
        services.produce_statement(fund=account, start=start, end=start + dt.timedelta(days=27))
    sign_in(client, family)
    html = client.get("/isf/managed/").content.decode()
    assert html.count("govuk-notification-banner__header") == 1
    assert "3 statements are ready." in html and "Statement for 6 April to 3 May 2026" in html
    # Newest first (sorted in Python since issue 14, as Notification's ordering had them).
    listed = [
        html.index(f"Statement for {period}")
        for period in ("1 June to 28 June", "4 May to 31 May", "6 April to 3 May")
    ]
    assert listed == sorted(listed)


def test_the_header_links_to_a_managed_direct_payment_from_the_request_after_it_opens(
    client, family, arrangement, robot
):
    """The header's answer is kept in the session (organisations.access) until the family's access
    version changes: opening the account raises it (ledger migration 0008)."""
    sign_in(client, family)
    client.get("/")  # the session's copy is made
    assert 'href="/isf/managed/"' not in client.get("/").content.decode()
    managed.open_managed_account(arrangement=arrangement, actor=robot)
    assert 'href="/isf/managed/"' in client.get("/").content.decode()
