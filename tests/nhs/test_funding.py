"""Budgets funded jointly by a council and an NHS body: the shares add up to the whole, each funder's
approver approves only that funder's share, and the budget is approved when every share is."""

import datetime as dt
from decimal import Decimal

import pytest

from budgets import services
from budgets.models import BudgetStatus
from budgets.services import ArrangementInput, BudgetError, NotAllowed
from nhs import funding
from nhs.models import ShareStatus
from tests.budgets.factories import PersonFactory
from tests.conftest import sign_in
from tests.factories import staff

pytestmark = pytest.mark.django_db
START = dt.date(2026, 6, 1)


def proposed(person, commissioner, *parts):
    return services.budget_propose(
        person=person,
        start_date=START,
        arrangements=[ArrangementInput(t, Decimal(a), p) for t, a, p in parts],
        actor=commissioner,
    )


@pytest.fixture
def joint(council, commissioner, icb, partnership, provider_org):
    person = PersonFactory(council=council, given_name="Ffion", family_name="Hale")
    budget = proposed(
        person, commissioner, ("isf", "60000.00", provider_org), ("direct_payment", "4000.00", None)
    )
    funding.funding_set(
        budget=budget, shares={council: Decimal("24000.00"), icb: Decimal("40000.00")}, actor=commissioner
    )
    return budget


def test_shares_must_add_up_to_the_whole_budget(council, commissioner, icb, partnership):
    person = PersonFactory(council=council)
    budget = proposed(person, commissioner, ("commissioner_controlled", "30000.00", None))
    with pytest.raises(BudgetError) as raised:
        funding.funding_set(
            budget=budget, shares={council: Decimal("10000.00"), icb: Decimal("15000.00")}, actor=commissioner
        )
    assert "£25,000.00" in str(raised.value) and "£30,000.00" in str(raised.value)
    assert not budget.funding_shares.exists()
    made = funding.funding_set(
        budget=budget, shares={council: Decimal("10000.00"), icb: Decimal("20000.00")}, actor=commissioner
    )
    assert sum(s.annual_amount for s in made) == budget.highest_total == Decimal("30000.00")


def test_only_partners_of_the_persons_council_may_fund(council, commissioner, icb, other_icb, partnership):
    person = PersonFactory(council=council)
    budget = proposed(person, commissioner, ("commissioner_controlled", "30000.00", None))
    with pytest.raises(BudgetError, match="not a partner"):
        funding.funding_set(
            budget=budget,
            shares={council: Decimal("10000.00"), other_icb: Decimal("20000.00")},
            actor=commissioner,
        )


def test_only_the_persons_council_commissioner_states_funding(
    council, icb, partnership, commissioner, icb_commissioner
):
    budget = proposed(
        PersonFactory(council=council), commissioner, ("commissioner_controlled", "100.00", None)
    )
    with pytest.raises(NotAllowed):
        funding.funding_set(budget=budget, shares={icb: Decimal("100.00")}, actor=icb_commissioner)


def test_each_funder_approves_only_its_share_and_the_budget_waits_for_all(
    joint, council, icb, approver, icb_approver
):
    council_share = joint.funding_shares.get(funder=council)
    icb_share = joint.funding_shares.get(funder=icb)
    # The council's approver cannot approve the whole budget, nor the NHS body's share.
    with pytest.raises(BudgetError, match="funded jointly"):
        services.budget_approve(budget=joint, actor=approver)
    with pytest.raises(NotAllowed):
        funding.share_approve(share=icb_share, actor=approver)
    with pytest.raises(NotAllowed):
        funding.share_approve(share=council_share, actor=icb_approver)
    funding.share_approve(share=icb_share, actor=icb_approver)
    joint.refresh_from_db()
    assert joint.status == BudgetStatus.PROPOSED
    funding.share_approve(share=council_share, actor=approver)
    joint.refresh_from_db()
    assert joint.status == BudgetStatus.APPROVED and joint.decided_by == approver
    assert set(joint.funding_shares.values_list("status", flat=True)) == {ShareStatus.APPROVED}


def test_a_share_is_checked_against_the_approvers_limit_in_that_funder(joint, icb):
    small = staff("approver", council=icb, approval_limit=Decimal("39999.99"))
    with pytest.raises(BudgetError, match="above your approval limit"):
        funding.share_approve(share=joint.funding_shares.get(funder=icb), actor=small)


def test_the_proposer_never_approves_a_share(council, icb, partnership):
    both = staff("commissioner", council=council)
    from organisations.models import Membership

    Membership.objects.create(user=both, council=icb, role="approver", approval_limit=Decimal("99999"))
    budget = proposed(PersonFactory(council=council), both, ("commissioner_controlled", "100.00", None))
    funding.funding_set(budget=budget, shares={council: Decimal("50.00"), icb: Decimal("50.00")}, actor=both)
    with pytest.raises(BudgetError, match="You proposed"):
        funding.share_approve(share=budget.funding_shares.get(funder=icb), actor=both)


def test_a_funder_sending_its_share_back_sends_the_budget_back(joint, icb, icb_approver):
    funding.share_send_back(
        share=joint.funding_shares.get(funder=icb), actor=icb_approver, reason="Needs a clinical review"
    )
    joint.refresh_from_db()
    assert joint.status == BudgetStatus.SENT_BACK and "Needs a clinical review" in joint.decision_reason


def test_a_single_share_for_the_persons_own_council_is_no_joint_funding(
    council, commissioner, approver, partnership
):
    budget = proposed(PersonFactory(council=council), commissioner, ("direct_payment", "900.00", None))
    assert funding.funding_set(budget=budget, shares={council: Decimal("900.00")}, actor=commissioner) == []
    services.budget_approve(budget=budget, actor=approver)


def test_pages_funder_sees_and_approves_its_share_only(client, joint, icb, icb_approver, other_icb_approver):
    icb_share = joint.funding_shares.get(funder=icb)
    council_share = joint.funding_shares.exclude(funder=icb).get()
    sign_in(client, icb_approver)
    listing = client.get("/nhs/funding/").content.decode()
    assert "Ffion Hale" in listing and "£40,000.00" in listing
    assert client.get(f"/nhs/funding/{icb_share.pk}/").status_code == 200
    # The person's council page is another tenant's: the NHS body sees only its share.
    assert client.get(f"/budgets/{joint.pk}/").status_code in (403, 404)
    # The council's share is not the NHS body's to see, let alone approve.
    assert client.get(f"/nhs/funding/{council_share.pk}/").status_code == 404
    assert client.post(f"/nhs/funding/{council_share.pk}/approve/").status_code == 404
    assert "£24,000.00" not in listing
    assert client.post(f"/nhs/funding/{icb_share.pk}/approve/").status_code == 302
    icb_share.refresh_from_db()
    assert icb_share.status == ShareStatus.APPROVED
    other = client.__class__()
    sign_in(other, other_icb_approver)
    assert other.get(f"/nhs/funding/{icb_share.pk}/").status_code == 404
    assert "Ffion" not in other.get("/nhs/funding/").content.decode()


def test_funding_page_refuses_shares_that_do_not_add_up_with_the_error_by_the_form(
    client, council, icb, partnership, commissioner
):
    budget = proposed(
        PersonFactory(council=council), commissioner, ("commissioner_controlled", "1000.00", None)
    )
    sign_in(client, commissioner)
    page = client.get(f"/nhs/budgets/{budget.pk}/funding/")
    assert page.status_code == 200 and "NHS Dorset Integrated Care Board" in page.content.decode()
    bad = client.post(
        f"/nhs/budgets/{budget.pk}/funding/", {f"funder_{council.pk}": "300", f"funder_{icb.pk}": "600"}
    )
    assert bad.status_code == 400 and "must add up to the whole" in bad.content.decode()
    assert 'value="600"' in bad.content.decode()
    good = client.post(
        f"/nhs/budgets/{budget.pk}/funding/", {f"funder_{council.pk}": "400", f"funder_{icb.pk}": "600"}
    )
    assert good.status_code == 302
    assert budget.funding_shares.count() == 2


def test_once_a_funder_has_decided_the_funding_page_offers_no_change(
    client, joint, icb, commissioner, icb_approver
):
    funding.share_approve(share=joint.funding_shares.get(funder=icb), actor=icb_approver)
    sign_in(client, commissioner)
    page = client.get(f"/nhs/budgets/{joint.pk}/funding/").content.decode()
    assert "A funder has decided on its share" in page and "Save funding" not in page
    assert "Approved by this funder" in page


def test_the_councils_approver_is_sent_to_the_shares_not_offered_the_whole_budget(client, joint, approver):
    sign_in(client, approver)
    page = client.get(f"/budgets/{joint.pk}/").content.decode()
    assert "Approve budget" not in page and "funded jointly" in page
    assert f'href="/nhs/budgets/{joint.pk}/funding/"' in page
