"""The family's statement agrees with their /isf/ page to the penny: a correction is not money in, and
support is shown net of its corrections the same way on both; the PDF is a tagged PDF in one font."""

import datetime as dt
import re
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from providers.ledger import services
from providers.ledger.models import Category
from providers.ledger.pdf import statement_pdf
from providers.ledger.selectors import family_summary, statement_context
from tests.conftest import sign_in
from tests.ledger.conftest import START
from tests.providers.factories import profile_for

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def busy_fund(fund, robot):
    """Payments to today, support that was corrected (money back), activities, and a correction of a
    council payment."""
    today = timezone.localdate()
    services.post_due_payments(fund=fund, actor=robot, today=today)

    def spend(amount, key, category=Category.SUPPORT, day=START + dt.timedelta(days=3)):
        return services.record_spending(
            fund=fund,
            entry_date=day,
            category=category,
            amount=amount,
            description="Support from Ann",
            idempotency_key=key,
            actor=robot,
            today=today,
        )

    wrong, _ = spend("120.00", "s1")
    spend("80.50", "s2")
    spend("30.25", "a1", category=Category.ACTIVITY)
    services.reverse_entry(entry=wrong, reason="Charged twice", actor=robot, today=today)
    profile_for(fund.provider, phone="01202 555 0100", email="isf@harbourlights.example.org")
    fund.refresh_from_db()
    return fund


def test_the_statement_and_the_family_summary_give_the_same_figures(busy_fund):
    today = timezone.localdate()
    summary = family_summary(busy_fund, today=today)
    ctx = statement_context(busy_fund, start=summary.since, end=today)
    b = ctx.breakdown
    payments = sum(e.amount for e in busy_fund.entries.filter(category=Category.COUNCIL_PAYMENT))
    # The £120 correction puts money back but is not money in.
    assert ctx.money_in == b.from_council == summary.money_in == payments
    assert b.spent == summary.spent == D("110.75")  # 120 + 80.50 + 30.25 − 120
    assert b.management_fee == summary.management_fee
    assert ctx.closing_balance == summary.money_left
    assert ctx.opening_balance + ctx.money_in + ctx.money_out == ctx.closing_balance
    assert (
        dict(b.spending_by_kind)
        == dict(summary.spending_by_kind)
        == {
            "Support": D("80.50"),
            "Activities": D("30.25"),
        }
    )


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(data)
    return " ".join(
        subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
    )


def _money(text: str, label: str) -> str:
    match = re.search(re.escape(label) + r"[^£]{0,200}?(−?£[\d,]+\.\d\d)", text)
    assert match, label
    return match.group(1)


def test_the_page_the_statement_and_its_pdf_agree_to_the_penny(busy_fund, family, person, tmp_path):
    client = sign_in(Client(), family)
    today = timezone.localdate()
    page = client.get("/isf/").content.decode()
    since = family_summary(busy_fund, today=today).since
    statement = client.get(
        f"/isf/{busy_fund.pk}/statement/?start={since:%Y-%m-%d}&end={today:%Y-%m-%d}"
    ).content.decode()
    pairs = [
        ("Money in from Dorset Council", "Money in from Dorset Council"),
        ("Money spent on your support", "Money spent on support, activities and equipment"),
        (
            "Harbour Lights Support's fee for holding your money",
            "Harbour Lights Support's fee for holding the money",
        ),
        ("Money left now", "Money left at the end"),
    ]
    for on_page, on_statement in pairs:
        assert _money(page, on_page) == _money(statement.replace("&#x27;", "'"), on_statement)
    pdf = client.get(f"/isf/{busy_fund.pk}/statement.pdf?start={since:%Y-%m-%d}&end={today:%Y-%m-%d}")
    text = _pdf_text(pdf.content, tmp_path)
    assert f"Money in from Dorset Council {_money(page, 'Money in from Dorset Council')}" in text
    assert (
        f"Money spent on support, activities and equipment {_money(page, 'Money spent on your support')}"
        in text
    )
    assert f"Money left at the end ({today:%-d %B %Y}) {_money(page, 'Money left now')}" in text


def test_the_pdf_says_the_money_is_held_for_the_person_and_how_to_reach_the_provider(busy_fund, tmp_path):
    today = timezone.localdate()
    data = statement_pdf(statement_context(busy_fund, start=START, end=today))
    text = _pdf_text(data, tmp_path)
    assert "Money held for Alys Taylor by Harbour Lights Support" in text
    assert "for Dorset Council" not in text
    assert "Phone: 01202 555 0100" in text
    assert "Email: isf@harbourlights.example.org" in text
    # Tagged (PDF/UA) and one font, the shipped one, in every part of the page (footer included).
    path = tmp_path / "s.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    families = {line.split()[0].split("+")[-1] for line in fonts}
    assert families and all(f.startswith("Document-Sans") for f in families), families
