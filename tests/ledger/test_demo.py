import io

from auditlog.models import LogEntry

from organisations import demo as organisations_demo
from providers.ledger import demo
from providers.ledger.models import Category, IndividualServiceFund, LedgerEntry, Statement


def test_the_demo_builds_the_familys_isf_and_a_second_run_changes_nothing(db):
    organisations_demo.build(stdout=io.StringIO())
    out = io.StringIO()
    demo.build(stdout=out)
    fund = IndividualServiceFund.objects.get(provider__provider_ref="PRV-001")
    assert fund.person.representatives.filter(user__email="family@example.org").exists()
    kinds = set(LedgerEntry.objects.filter(fund=fund).values_list("category", flat=True))
    assert {"council_payment", "management_fee", "support", "activity", "equipment", "correction"} <= kinds
    assert LedgerEntry.objects.filter(fund=fund, category=Category.COUNCIL_PAYMENT).count() >= 4
    assert LedgerEntry.objects.filter(fund=fund, reverses__isnull=False).count() == 1
    assert Statement.objects.filter(fund=fund).count() == 1
    counts = (LedgerEntry.objects.count(), Statement.objects.count(), LogEntry.objects.count())
    demo.build(stdout=io.StringIO())
    assert (LedgerEntry.objects.count(), Statement.objects.count(), LogEntry.objects.count()) == counts
    assert "Individual Service Fund with Harbour Lights Support" in out.getvalue()
