import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from providers.ledger import services
from providers.ledger.models import Category, LedgerEntry, Statement
from providers.ledger.selectors import balance_of
from tests.conftest import sign_in
from tests.ledger.conftest import START
from tests.surveys.pdf_text import pdf_text

D = Decimal


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def funded(fund, robot, today):
    services.post_due_payments(fund=fund, actor=robot, today=START)  # £950.00 left, dated 6 April
    return fund


def form_data(**overrides):
    data = {
        "entry_date": timezone.localdate().isoformat(),
        "category": "activity",
        "amount": "32.50",
        "description": "Tickets for the football",
        "idempotency_key": "form:test-1",
    }
    data.update(overrides)
    return data


# ---- the provider's ledger and entry form ---------------------------------------------------------


def test_a_provider_records_spending_without_javascript_and_the_family_sees_it(
    client, funded, provider_finance, family
):
    sign_in(client, provider_finance)
    page = client.get(f"/isf/{funded.pk}/")
    assert page.status_code == 200
    assert f'hx-post="/isf/{funded.pk}/entries/new/"' in page.content.decode()
    response = client.post(f"/isf/{funded.pk}/entries/new/", form_data())
    assert response.status_code == 302 and response["Location"] == f"/isf/{funded.pk}/"
    entry = funded.entries.get(idempotency_key="form:test-1")
    assert (entry.amount, entry.recorded_by) == (D("-32.50"), provider_finance)
    # The same form sent twice (a double click) adds nothing.
    client.post(f"/isf/{funded.pk}/entries/new/", form_data())
    assert funded.entries.filter(category=Category.ACTIVITY).count() == 1

    client.logout()
    sign_in(client, family)
    html = client.get("/isf/").content.decode()
    assert "Money spent on your support" in html and "£32.50" in html
    assert "£917.50" in html  # money left
    assert "Harbour Lights Support's fee for holding your money" in html and "£50.00" in html


def test_the_entry_form_with_htmx_returns_only_the_ledger_body(client, funded, provider_a):
    sign_in(client, provider_a)
    response = client.post(f"/isf/{funded.pk}/entries/new/", form_data(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith('<div id="ledger-body">')
    assert "Spending recorded: Tickets for the football, activities." in html
    assert "£917.50" in html


def test_an_overspend_goes_back_onto_the_form_with_the_input_kept(client, funded, provider_a):
    sign_in(client, provider_a)
    response = client.post(f"/isf/{funded.pk}/entries/new/", form_data(amount="950.01"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "There is not enough money left: £950.00 is left and this takes out £950.01." in html
    assert 'value="950.01"' in html
    htmx = client.post(
        f"/isf/{funded.pk}/entries/new/", form_data(amount="950.01"), headers={"HX-Request": "true"}
    ).content.decode()
    assert "There is not enough money left" in htmx and "<html" not in htmx
    assert not funded.entries.filter(category=Category.ACTIVITY).exists()


def test_the_ledger_filters_by_period_and_kind_with_the_running_balance(
    client, funded, provider_a, robot, today
):
    services.record_spending(
        fund=funded,
        entry_date=START,
        category="support",
        amount="100.00",
        description="Support",
        idempotency_key="s1",
        actor=robot,
    )
    sign_in(client, provider_a)
    html = client.get(f"/isf/{funded.pk}/?category=support").content.decode()
    rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">", html)
    assert (
        len(rows) == 1
        and "£850.00" in html
        and "Money from" not in html.split("<tbody")[1].split("</tbody>")[0]
    )
    empty = client.get(f"/isf/{funded.pk}/?start={today.isoformat()}").content.decode()
    assert "No entries match these filters." in empty
    # With htmx, only the table comes back.
    partial = client.get(
        f"/isf/{funded.pk}/?category=support&partial=lines", headers={"HX-Request": "true"}
    ).content.decode()
    assert (
        partial.lstrip().startswith('<div id="lines">\n  <div class="app-table-scroll" role="region"')
        and "£850.00" in partial
    )


def test_a_provider_reverses_an_entry(client, funded, provider_a, robot):
    entry, _ = services.record_spending(
        fund=funded,
        entry_date=START,
        category="equipment",
        amount="60.00",
        description="A chair",
        idempotency_key="s1",
        actor=robot,
    )
    sign_in(client, provider_a)
    assert "A chair" in client.get(f"/isf/{funded.pk}/entries/{entry.pk}/reverse/").content.decode()
    response = client.post(
        f"/isf/{funded.pk}/entries/{entry.pk}/reverse/", {"reason": "Returned to the shop"}
    )
    assert response.status_code == 302
    reversal = LedgerEntry.objects.get(reverses=entry)
    assert reversal.amount == D("60.00") and "Returned to the shop" in reversal.description
    again = client.post(f"/isf/{funded.pk}/entries/{entry.pk}/reverse/", {"reason": "again"})
    assert "This entry was already corrected" in again.content.decode()


def test_the_upload_page_imports_all_or_nothing(client, funded, provider_a, import_jobs_run_at_once):
    sign_in(client, provider_a)
    bad = "budget_ref,entry_date,category,amount,description,entry_ref\nDOR-ISF-1,2026-04-07,food,1.00,x,A\n"
    response = client.post(
        "/isf/provider/upload/", {"file": SimpleUploadedFile("a.csv", bad.encode())}, follow=True
    )
    assert "line 2: category: &#x27;food&#x27; must be one of support, activity, equipment" in (
        response.content.decode()
    )
    good = bad.replace("food", "support")
    response = client.post(
        "/isf/provider/upload/", {"file": SimpleUploadedFile("a.csv", good.encode())}, follow=True
    )
    assert "Imported 1 new entry for 1 fund of Harbour Lights Support; 0 already recorded." in (
        response.content.decode()
    )


# ---- the family's page, charts and the Content Security Policy -----------------------------------


def test_the_family_page_draws_its_charts_within_the_content_security_policy(client, funded, family, robot):
    services.record_spending(
        fund=funded,
        entry_date=START,
        category="support",
        amount="100.00",
        description="Support",
        idempotency_key="s1",
        actor=robot,
    )
    sign_in(client, family)
    response = client.get("/isf/")
    html = response.content.decode()
    policy = response.headers["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    assert "'unsafe-inline'" not in style_src and "'nonce-" in style_src
    assert f'<svg class="app-chart" id="balance-{funded.pk}"' in html
    assert f'<svg class="app-chart" id="spending-{funded.pk}"' in html
    assert f'<title id="spending-{funded.pk}-title">Spending by kind</title>' in html
    assert " style=" not in html and "<style" not in html
    for script in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in script
    assert 'Support: <span class="app-money">£100.00</span>' in html


def test_staff_cannot_open_the_family_page(client, funded, provider_a):
    sign_in(client, provider_a)
    response = client.get("/isf/")
    assert response.status_code == 403
    assert f'id="balance-{funded.pk}"' not in response.content.decode()


# ---- statements -----------------------------------------------------------------------------------


def test_a_statement_page_and_its_pdf(client, funded, family, robot):
    services.record_spending(
        fund=funded,
        entry_date=START + dt.timedelta(days=1),
        category="support",
        amount="100.00",
        description="Support from Ann",
        idempotency_key="s1",
        actor=robot,
    )
    sign_in(client, family)
    query = f"?start={START.isoformat()}&end={(START + dt.timedelta(days=27)).isoformat()}"
    html = client.get(f"/isf/{funded.pk}/statement/{query}").content.decode()
    assert "Statement: 6 April 2026 to 3 May 2026" in html
    assert "Support from Ann" in html and "£850.00" in html
    response = client.get(f"/isf/{funded.pk}/statement.pdf{query}")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="statement-DOR-ISF-1-2026-04-06-to-2026-05-03.pdf"'
    )
    text = pdf_text(response.content)
    for words in (
        "Money at the start (6 April 2026) £0.00",
        "Money in from Dorset Council £1,000.00",
        "Money spent on support, activities and equipment £100.00",
        "Support from Ann",
        "Harbour Lights Support's fee for holding the money £50.00",
        "Money left at the end (3 May 2026) £850.00",
    ):
        assert words in text


def test_the_default_statement_is_the_last_four_weeks(client, funded, family, today):
    sign_in(client, family)
    html = client.get(f"/isf/{funded.pk}/statement/").content.decode()
    start = today - dt.timedelta(days=27)
    assert f"Statement: {start:%-d %B %Y} to {today:%-d %B %Y}" in html


def test_a_statement_notification_shows_on_the_family_page_until_seen(client, funded, family, today):
    services.produce_statement(fund=funded, start=START, end=START + dt.timedelta(days=27))
    sign_in(client, family)
    html = client.get("/isf/").content.decode()
    assert "Your statement for 6 April to 3 May 2026 is ready." in html
    client.get(f"/isf/{funded.pk}/statement/?start=2026-04-06&end=2026-05-03")
    assert "is ready" not in client.get("/isf/").content.decode()


# ---- the commissioner -----------------------------------------------------------------------------


def test_the_commissioner_sees_unspent_money_above_the_limit_and_records_a_refund(
    client, funded, commissioner, family, robot, today
):
    services.post_due_payments(fund=funded, actor=robot, today=today)
    sign_in(client, commissioner)
    html = client.get("/isf/council/").content.decode()
    assert "Unspent above £1,000.00: talk about it" in html
    assert "Alys Taylor" in html
    response = client.post(
        f"/isf/{funded.pk}/refund/",
        {"amount": "500.00", "reason": "Money built up while you were away", "idempotency_key": "r1"},
    )
    assert response.status_code == 302
    entry = funded.entries.get(category=Category.REFUND)
    assert entry.description == "Paid back to Dorset Council: Money built up while you were away"
    too_much = client.post(
        f"/isf/{funded.pk}/refund/", {"amount": "99999.00", "reason": "All of it", "idempotency_key": "r2"}
    )
    assert "A refund cannot be more than the money left" in too_much.content.decode()
    client.logout()
    sign_in(client, family)
    assert "Money built up while you were away" in client.get(f"/isf/{funded.pk}/").content.decode()


def test_a_ledger_with_no_entries_for_a_long_time_is_flagged(client, funded, commissioner):
    sign_in(client, commissioner)
    assert "No entries since 6 Apr 2026" in client.get("/isf/council/").content.decode()


# ---- the API ------------------------------------------------------------------------------------------


def api_post(client, fund, key="api-1", **overrides):
    body = {
        "entry_date": timezone.localdate().isoformat(),
        "category": "equipment",
        "amount": "19.99",
        "description": "A grab rail",
    }
    body.update(overrides)
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(f"/api/isf/{fund.pk}/entries/", body, content_type="application/json", headers=headers)


def test_api_posting_is_idempotent(client, funded, provider_finance):
    sign_in(client, provider_finance)
    first = api_post(client, funded)
    assert first.status_code == 201 and first.json()["amount"] == "-19.99"
    again = api_post(client, funded)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert again["Idempotent-Replayed"] == "true"
    conflict = api_post(client, funded, amount="20.00")
    assert conflict.status_code == 409
    assert conflict.json()["detail"].startswith(
        "The reference 'api-1' was already used for a different entry"
    )
    assert api_post(client, funded, key="").status_code == 400
    overspend = api_post(client, funded, key="api-2", amount="5000.00")
    assert overspend.status_code == 409 and "not enough money left" in overspend.json()["detail"]
    assert funded.entries.filter(category="equipment").count() == 1


def test_api_reads_balance_and_entries_scoped_to_the_user(client, funded, other_fund, family):
    sign_in(client, family)
    listing = client.get("/api/isf/").json()
    assert [f["id"] for f in listing["results"]] == [funded.pk]
    assert listing["results"][0]["balance"] == "950.00"
    detail = client.get(f"/api/isf/{funded.pk}/").json()
    assert (detail["budget_ref"], detail["balance"]) == ("DOR-ISF-1", "950.00")
    entries = client.get(f"/api/isf/{funded.pk}/entries/?category=management_fee").json()
    assert [e["amount"] for e in entries] == ["-50.00"]
    assert client.get(f"/api/isf/{other_fund.pk}/").status_code == 404
    assert api_post(client, funded).status_code == 403  # the family reads, never writes


def test_api_statement_request(client, funded, provider_a, family):
    sign_in(client, provider_a)
    body = {"start": "2026-04-06", "end": "2026-05-03"}
    first = client.post(f"/api/isf/{funded.pk}/statements/", body, content_type="application/json")
    assert first.status_code == 201
    data = first.json()
    assert (data["opening_balance"], data["closing_balance"]) == ("0.00", "950.00")
    assert data["totals"] == {"council_payment": "1000.00", "management_fee": "-50.00"}
    assert data["pdf_url"] == f"/isf/{funded.pk}/statement.pdf?start=2026-04-06&end=2026-05-03"
    again = client.post(f"/api/isf/{funded.pk}/statements/", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Statement.objects.count() == 1
    assert family.isf_notices.count() == 1


def test_the_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/isf/", "/api/isf/{id}/", "/api/isf/{id}/entries/", "/api/isf/{id}/statements/"):
        assert f"{path}:" in schema
    assert "Idempotency-Key" in schema


def test_balance_helper(funded):
    assert balance_of(funded) == D("950.00")


# ---- a long ledger a page at a time (issue 14) -----------------------------------------------------


def test_a_long_ledger_shows_the_newest_fifty_entries_with_the_same_running_balance(
    client, provider_a, funded, today
):
    from providers.ledger.selectors import running_lines

    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fund=funded,
            entry_date=START + dt.timedelta(days=1 + i % 40),
            category=Category.SUPPORT if i % 3 else Category.ACTIVITY,
            amount=D("-1.25") - i,
            description=f"Entry {i:03d}",
            idempotency_key=f"long-{i}",
        )
        for i in range(118)
    )
    everything = running_lines(funded)
    assert len(everything) > 100
    sign_in(client, provider_a)

    def shown(response):
        return [(line.entry.pk, line.balance) for line in response.context["lines"]]

    newest = client.get(f"/isf/{funded.pk}/")
    count = len(everything)
    last_page = (count - 1) // 50 + 1
    assert shown(newest) == [(line.entry.pk, line.balance) for line in everything[(last_page - 1) * 50 :]]
    page = newest.content.decode()
    assert f"of {count}, oldest first" in page and 'aria-label="Pages of entries"' in page
    assert 'rel="prev"' in page and 'rel="next"' not in page
    first = client.get(f"/isf/{funded.pk}/", {"page": "1"})
    assert shown(first) == [(line.entry.pk, line.balance) for line in everything[:50]]
    # Filtered, the balance is still the balance after each entry over the whole ledger.
    activities = running_lines(funded, category=Category.ACTIVITY)
    filtered = client.get(f"/isf/{funded.pk}/", {"category": Category.ACTIVITY, "page": "1"})
    assert shown(filtered) == [(line.entry.pk, line.balance) for line in activities[:50]]
    assert newest.context["balance"] == everything[-1].balance == balance_of(funded)


def test_every_page_of_a_ledger_under_every_filter_has_the_balances_summed_from_all_its_entries(
    client, provider_a, funded, today
):
    """A page's running balances are the balance before the page (the entries before it summed, or the
    stored balance less the entries from the page on) plus a window over the page's stretch of the
    ledger. Both ways, on every page and under every filter, each line's balance must equal the sum of
    all the fund's entries up to it in date order (running_lines, in Python), and the page's balance
    the sum of all the fund's entries."""
    from providers.ledger.selectors import ledger_page, running_lines

    moment = timezone.now()
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            fund=funded,
            entry_date=START + dt.timedelta(days=1 + i % 30),
            category=(Category.SUPPORT, Category.ACTIVITY, Category.EQUIPMENT)[i % 3],
            amount=D("-0.75") - i % 7,
            description=f"Entry {i:03d}",
            idempotency_key=f"every-{i}",
            # Entries on one day recorded at the same moment too: the id decides their order.
            recorded_at=moment if i % 4 == 0 else moment + dt.timedelta(seconds=i),
        )
        for i in range(131)
    )
    typed_twice = LedgerEntry.objects.get(fund=funded, idempotency_key="every-7")
    services.reverse_entry(entry=typed_twice, reason="Typed twice", actor=provider_a)
    total = sum(e.amount for e in LedgerEntry.objects.filter(fund=funded))
    sign_in(client, provider_a)

    def dates(name, day):
        return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}

    filters = [
        ({}, {}),
        ({"category": Category.SUPPORT}, {"category": Category.SUPPORT}),
        ({"category": Category.CORRECTION}, {"category": Category.CORRECTION}),
        ({"start": START + dt.timedelta(days=9)}, dates("start", START + dt.timedelta(days=9))),
        ({"end": START + dt.timedelta(days=20)}, dates("end", START + dt.timedelta(days=20))),
        (
            {
                "start": START + dt.timedelta(days=3),
                "end": START + dt.timedelta(days=25),
                "category": "activity",
            },
            {**dates("start", START + dt.timedelta(days=3)), **dates("end", START + dt.timedelta(days=25))}
            | {"category": "activity"},
        ),
    ]
    pages_seen = 0
    for kwargs, query in filters:
        expected = [(line.entry.pk, line.balance) for line in running_lines(funded, **kwargs)]
        assert expected
        for number in range(1, (len(expected) - 1) // 50 + 2):
            want = expected[(number - 1) * 50 : number * 50]
            for from_the_end in (False, True):
                lines, balance = ledger_page(
                    funded, **kwargs, offset=(number - 1) * 50, limit=50, from_the_end=from_the_end
                )
                assert [(line.entry.pk, line.balance) for line in lines] == want, (kwargs, number)
                assert balance == total
            response = client.get(f"/isf/{funded.pk}/", {**query, "page": number})
            assert [(line.entry.pk, line.balance) for line in response.context["lines"]] == want
            assert response.context["balance"] == total
            pages_seen += 1
    assert pages_seen >= 10
    # Nothing matches: no lines, and the balance still shown.
    empty = client.get(f"/isf/{funded.pk}/", {"category": Category.REFUND})
    assert empty.context["lines"] == [] and empty.context["balance"] == total


def test_the_provider_ledger_list_shows_fifty_people_a_page(client, provider_a, provider_org, council, robot):
    from budgets.models import Person
    from tests.ledger.factories import isf_fund

    for i in range(55):
        person = Person.objects.create(
            council=council,
            person_ref=f"LL-{i:02d}",
            given_name="Given",
            family_name=f"Ledger{i:02d}",
            date_of_birth=dt.date(1980, 1, 1),
            primary_support_reason="learning_disability",
        )
        isf_fund(person=person, provider=provider_org, actor=robot, start=START, budget_ref=f"LL-ISF-{i}")
    sign_in(client, provider_a)
    first = client.get("/isf/provider/")
    assert len(first.context["funds"]) == 50
    page = first.content.decode()
    assert "Showing 1 to 50 of 55, in name order." in page and 'href="?page=2" rel="next"' in page
    second = client.get("/isf/provider/", {"page": "2"})
    assert [f.person.family_name for f in second.context["funds"]] == [
        f"Ledger{i:02d}" for i in range(50, 55)
    ]
