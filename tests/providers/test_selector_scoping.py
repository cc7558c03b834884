"""Choices and agreements stay with the people they are about (DESIGN.md, "Access"): a family's
shortlist is private, a family sees only their own, staff see only their council's or their
organisation's. Each assertion was written against a selector fault seeded by hand that the suite did
not catch."""

import pytest

from budgets.models import Representative
from providers import services
from providers.models import ChoiceStatus
from providers.selectors import agreements_visible_to, choices_visible_to, providers_to_choose_for
from tests.budgets.factories import PersonFactory
from tests.factories import UserFactory
from tests.providers.factories import agreed, profile_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def neighbour(council):
    """Another family in the same council, who has asked provider A and has an agreement with it."""
    person = PersonFactory(council=council, person_ref="DOR-2", given_name="Cai", family_name="Moss")
    user = UserFactory(email="neighbour@test.example.org")
    Representative.objects.create(person=person, user=user, relationship="son")
    return person, user


def test_council_staff_never_see_a_familys_private_shortlist(
    person, family, profile_a, profile_b, commissioner
):
    shortlisted = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    asked = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    assert shortlisted.status == ChoiceStatus.SHORTLISTED
    assert list(choices_visible_to(user=commissioner)) == [asked]
    assert set(choices_visible_to(user=family)) == {shortlisted, asked}


def test_a_family_sees_only_their_own_choices_and_agreements(person, family, neighbour, profile_a, profile_b):
    other, other_user = neighbour
    mine = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    agreement = agreed(other, profile_a.provider)
    assert list(choices_visible_to(user=family)) == [mine]
    assert list(choices_visible_to(user=other_user)) == [agreement.choice]
    assert not agreements_visible_to(user=family).exists()
    assert list(agreements_visible_to(user=other_user)) == [agreement]


def test_provider_staff_see_only_requests_to_their_own_organisation(
    person, family, neighbour, profile_a, profile_b, provider_a, provider_b_manager
):
    other, other_user = neighbour
    to_a = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    agreement = agreed(other, profile_b.provider)
    assert list(choices_visible_to(user=provider_a)) == [to_a]
    assert list(choices_visible_to(user=provider_b_manager)) == [agreement.choice]
    assert not agreements_visible_to(user=provider_a).exists()
    assert list(agreements_visible_to(user=provider_b_manager)) == [agreement]


def test_council_staff_see_their_own_councils_agreements_only(
    person, other_person, profile_a, commissioner, other_council_commissioner
):
    ours = agreed(person, profile_a.provider)
    theirs = agreed(other_person, profile_a.provider)
    assert list(agreements_visible_to(user=commissioner)) == [ours]
    assert list(agreements_visible_to(user=other_council_commissioner)) == [theirs]


def test_provider_staff_see_only_the_people_who_chose_them_or_hold_an_agreement_with_them(
    person, neighbour, profile_a, provider_a, provider_b_manager
):
    from budgets.selectors import people_visible_to
    from tests.providers.factories import accepted_choice

    other, _ = neighbour
    accepted_choice(person, profile_a.provider)  # A accepted Ava's request; no agreement yet
    agreed(other, profile_a.provider)  # Cai has an agreement with A
    assert set(people_visible_to(user=provider_a)) == {person, other}
    assert not people_visible_to(user=provider_b_manager).exists()


# ---- the public directory: each filter narrows to the providers it names, and only those ------------


@pytest.fixture
def directory_of_three(council, other_council, provider_org, other_provider_org):
    """Harbour Lights (Dorset, DT1, ISF, learning disability, English), Purbeck Circles (Dorset, fixed
    fee, Welsh and English, autism, not taking people on) and Wessex Trust (Bristol only, no ISF)."""
    from tests.factories import ProviderFactory
    from tests.providers.factories import profile_for

    harbour = profile_for(
        provider_org, areas=[council], postcode_districts=["DT1"], summary="Day trips by the sea."
    )
    purbeck = profile_for(
        other_provider_org,
        areas=[council],
        client_groups=["adults_autism"],
        languages=["Welsh", "English"],
        taking_new_people=False,
        offers="Circles of support.",
    )
    wessex = profile_for(
        ProviderFactory(provider_ref="PRV-003", name="Wessex Trust"),
        areas=[other_council],
        offers_isf=False,
        languages=[],
        postcode_districts=["BS1"],
    )
    return harbour, purbeck, wessex


def _names(filters=None):
    from providers.selectors import directory_profiles

    return [p.provider.name for p in directory_profiles(filters=filters)]


def test_each_directory_filter_keeps_only_the_providers_it_names(directory_of_three):
    from providers.selectors import DirectoryFilters as F

    assert _names() == ["Harbour Lights Support", "Purbeck Circles of Support", "Wessex Trust"]
    assert _names(F(text="harbour")) == ["Harbour Lights Support"]  # the name, any case
    assert _names(F(text="CIRCLES OF")) == ["Purbeck Circles of Support"]
    assert _names(F(text="by the sea")) == ["Harbour Lights Support"]  # the summary
    assert _names(F(text="Circles of support.")) == ["Purbeck Circles of Support"]  # what they offer
    assert _names(F(council="E06000059")) == ["Harbour Lights Support", "Purbeck Circles of Support"]
    assert _names(F(council="E06000023")) == ["Wessex Trust"]
    assert _names(F(postcode="dt1 1aa")) == ["Harbour Lights Support"]
    assert _names(F(postcode="bs1")) == ["Wessex Trust"]
    assert _names(F(client_group="adults_autism")) == ["Purbeck Circles of Support"]
    assert _names(F(offers_isf=True)) == ["Harbour Lights Support", "Purbeck Circles of Support"]
    assert _names(F(language="Welsh")) == ["Purbeck Circles of Support"]
    assert _names(F(taking_new_people=True)) == ["Harbour Lights Support", "Wessex Trust"]
    assert _names(F(council="E06000059", language="English", taking_new_people=True)) == [
        "Harbour Lights Support"
    ]


def test_the_directory_offers_the_languages_and_councils_providers_name(
    directory_of_three, council, other_council
):
    from providers.selectors import directory_councils, directory_languages, directory_profile

    assert directory_languages() == ["English", "Welsh"]
    assert list(directory_councils()) == [other_council, council]  # by name: Bristol, then Dorset
    harbour, _, _ = directory_of_three
    assert directory_profile(provider_id=harbour.provider_id) == harbour
    assert directory_profile(provider_id=0) is None


def test_the_elements_a_provider_answered_read_as_plain_statements_in_order(provider_org):
    from providers.elements import ELEMENTS, NOT_APPLICABLE_STATEMENT, statement_for
    from providers.selectors import element_statements
    from tests.providers.factories import profile_for

    codes = list(ELEMENTS)
    profile = profile_for(provider_org)
    # As stored: an answer left empty is skipped.
    profile.element_answers = {codes[2]: "not_applicable", codes[0]: "yes_frequently", codes[1]: ""}
    rows = element_statements(profile)
    assert rows == [
        {
            "code": codes[0],
            "title": ELEMENTS[codes[0]][0],
            "answer": "yes_frequently",
            "answer_label": "Yes, frequently",
            "statement": statement_for(codes[0], "yes_frequently"),
        },
        {
            "code": codes[2],
            "title": ELEMENTS[codes[2]][0],
            "answer": "not_applicable",
            "answer_label": "Not applicable",
            "statement": NOT_APPLICABLE_STATEMENT,
        },
    ]
    assert rows[0]["statement"]  # a real sentence, not an empty one
    profile.element_answers = {}
    assert element_statements(profile) == []


def test_what_a_family_reads_about_each_choice_follows_its_latest_step(person, family, profile_a, profile_b):
    import datetime as dt

    from providers.selectors import where_a_choice_is_up_to
    from tests.providers.factories import agreed

    def reads(choice):
        choice.refresh_from_db()
        return where_a_choice_is_up_to(choice)

    asked = services.ask_provider(person=person, provider=profile_b.provider, message="", actor=family)
    assert reads(asked) == "Asked. Waiting for Purbeck Circles of Support to answer."
    declined = services.decline_choice(choice=asked, reason="No staff nearby.", actor=family)
    assert reads(declined) == "Purbeck Circles of Support cannot support you: No staff nearby."
    shortlisted = services.shortlist_provider(person=person, provider=profile_b.provider, actor=family)
    assert reads(shortlisted) == "On your shortlist"

    agreement = agreed(person, profile_a.provider, accept=False, start=dt.date(2026, 4, 1))
    choice = agreement.choice
    assert (
        reads(choice)
        == "Accepted. Your social worker has sent the agreement to Harbour Lights Support to sign."
    )
    agreement = services.accept_agreement(agreement=agreement, actor=family)
    assert reads(choice) == "Agreed. Harbour Lights Support holds your money from 1 April 2026."


def test_a_choice_is_recorded_among_the_providers_serving_the_persons_council(
    council, other_council, provider_org, other_provider_org
):
    person = PersonFactory(council=council)
    # With no provider saying it serves the council, every provider may be chosen.
    assert list(providers_to_choose_for(person=person)) == [provider_org, other_provider_org]
    profile_for(provider_org, areas=[council])
    profile_for(other_provider_org, areas=[other_council])  # serves another council only
    assert list(providers_to_choose_for(person=person)) == [provider_org]


def test_the_directory_filters_by_kind_of_organisation_and_managing_direct_payments(directory_of_three):
    from providers.models import ProviderProfile
    from providers.selectors import DirectoryFilters as F

    harbour, purbeck, wessex = directory_of_three
    ProviderProfile.objects.filter(pk=wessex.pk).update(
        organisation_kind="community_hub", manages_direct_payments=True
    )
    assert _names(F(organisation_kind="community_hub")) == ["Wessex Trust"]
    assert _names(F(organisation_kind="support_provider")) == [
        "Harbour Lights Support",
        "Purbeck Circles of Support",
    ]
    assert _names(F(manages_direct_payments=True)) == ["Wessex Trust"]


def test_a_profile_names_its_groups_in_table_order_and_how_long_it_has_offered_isfs(provider_org):
    from providers.selectors import client_group_labels, isf_years_label

    profile = profile_for(provider_org, client_groups=["older_people", "adults_learning_disability"])
    assert client_group_labels(profile) == ["Adults with learning disabilities", "Older people"]
    assert isf_years_label(profile) == "Not stated"
    profile.isf_years = "5_to_10"
    assert isf_years_label(profile) == "5 to 10 years"


def test_what_a_family_reads_after_acceptance_notice_ending_and_a_declined_agreement(
    person, family, profile_a, provider_a
):
    import datetime as dt

    from providers.models import AgreementStatus, FlexibleAgreement, NoticeFrom
    from providers.selectors import where_a_choice_is_up_to
    from tests.providers.factories import TERMS, accepted_choice, agreed

    def reads(choice):
        choice.refresh_from_db()
        return where_a_choice_is_up_to(choice)

    choice = accepted_choice(person, profile_a.provider)
    assert reads(choice) == "Accepted. Your social worker will set up the agreement."
    choice.delete()
    agreement = agreed(person, profile_a.provider, accept=False)
    services.decline_agreement(agreement=agreement, reason="The budget is too small.", actor=provider_a)
    assert (
        reads(agreement.choice)
        == "Harbour Lights Support did not sign the agreement: The budget is too small."
    )
    # The newest agreement made from the choice is the one that counts.
    again = services.set_up_agreement(
        choice=agreement.choice, arrangement=agreement.arrangement, terms=dict(TERMS), actor=provider_a
    )
    again = services.accept_agreement(agreement=again, actor=provider_a)
    from django.utils import timezone

    last_day = timezone.localdate() + dt.timedelta(days=28)
    services.give_notice(agreement=again, notice_from=NoticeFrom.PERSON, actor=family)
    assert reads(agreement.choice) == f"Notice given. The agreement ends on {last_day:%-d %B %Y}."
    FlexibleAgreement.objects.filter(pk=again.pk).update(status=AgreementStatus.ENDED)
    assert reads(agreement.choice) == "The agreement has ended."


def test_an_agreement_is_in_force_from_its_start_to_its_last_day_once_accepted(person, profile_a, family):
    import datetime as dt

    from providers.models import AgreementStatus, FlexibleAgreement
    from providers.selectors import agreements_in_force
    from tests.providers.factories import agreed

    start = dt.date(2026, 4, 1)
    agreement = agreed(person, profile_a.provider, accept=False, start=start)
    assert not agreements_in_force(on=start).exists()  # offered, not yet accepted
    FlexibleAgreement.objects.filter(pk=agreement.pk).update(status=AgreementStatus.ACTIVE)
    assert not agreements_in_force(on=start - dt.timedelta(days=1)).exists()
    assert list(agreements_in_force(on=start)) == [agreement]
    assert list(agreements_in_force(on=dt.date(2030, 1, 1))) == [agreement]  # no end date
    last_day = dt.date(2026, 9, 30)
    for status in (AgreementStatus.ENDING, AgreementStatus.ENDED):
        FlexibleAgreement.objects.filter(pk=agreement.pk).update(status=status, end_date=last_day)
        assert list(agreements_in_force(on=last_day)) == [agreement]
        assert not agreements_in_force(on=last_day + dt.timedelta(days=1)).exists()
    for status in (AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN):
        FlexibleAgreement.objects.filter(pk=agreement.pk).update(status=status, end_date=None)
        assert not agreements_in_force(on=start).exists()


def test_only_the_persons_own_commissioner_and_the_providers_own_manager_are_recognised(
    person,
    commissioner,
    approver,
    other_council_commissioner,
    provider_a,
    provider_finance,
    provider_org,
    family,
):
    from providers.selectors import acts_for, is_commissioner_for, is_manager_of

    assert is_commissioner_for(user=commissioner, agreement_or_person=person)
    for user in (approver, other_council_commissioner, provider_a, family):
        assert not is_commissioner_for(user=user, agreement_or_person=person)
    assert is_manager_of(user=provider_a, provider_id=provider_org.pk)
    for user in (provider_finance, commissioner):
        assert not is_manager_of(user=user, provider_id=provider_org.pk)
    assert acts_for(user=family, person=person)
    assert not acts_for(user=commissioner, person=person)


def test_an_organisation_holds_the_managed_direct_payments_in_force_in_approved_budgets(
    person, other_person, provider_org, other_provider_org
):
    import datetime as dt

    from budgets.models import BudgetStatus, ManagementType
    from providers.selectors import managed_direct_payments_of
    from tests.budgets.factories import approved_budget

    start = dt.date(2026, 4, 1)
    managed = ManagementType.DIRECT_PAYMENT_MANAGED
    ours = approved_budget(
        person, start=start, parts=((managed, "9000.00", provider_org),)
    ).arrangements.get()
    approved_budget(other_person, start=start, parts=((managed, "9000.00", other_provider_org),))
    approved_budget(other_person, start=start, parts=((ManagementType.ISF, "9000.00", provider_org),))
    proposed = approved_budget(other_person, start=start, parts=((managed, "9000.00", provider_org),))
    proposed.status = BudgetStatus.PROPOSED
    proposed.save(update_fields=["status"])
    assert list(managed_direct_payments_of(provider=provider_org, on=start)) == [ours]
    assert not managed_direct_payments_of(provider=provider_org, on=start - dt.timedelta(days=1)).exists()
    ours.end_date = dt.date(2026, 6, 30)
    ours.save(update_fields=["end_date"])
    assert list(managed_direct_payments_of(provider=provider_org, on=ours.end_date)) == [ours]
    assert not managed_direct_payments_of(provider=provider_org, on=dt.date(2026, 7, 1)).exists()


def test_someone_with_two_roles_sees_what_each_role_shows_them(
    person, other_person, profile_a, profile_b, provider_a, commissioner
):
    """A provider's manager who is also a family member, or a commissioner who also works for a
    provider: each sees what each of their roles shows them, no more and no less."""
    from organisations.models import Membership, Role
    from tests.budgets.factories import RepresentativeFactory
    from tests.providers.factories import agreed

    RepresentativeFactory(person=person, user=provider_a, relationship="brother")
    shortlisted = services.shortlist_provider(person=person, provider=profile_b.provider, actor=provider_a)
    asked = services.ask_provider(
        person=other_person, provider=profile_a.provider, message="", actor=commissioner
    )
    assert set(choices_visible_to(user=provider_a)) == {shortlisted, asked}
    services.withdraw_choice(choice=shortlisted, actor=provider_a)
    services.withdraw_choice(choice=asked, actor=commissioner)
    family_agreement = agreed(person, profile_b.provider)
    their_agreement = agreed(other_person, profile_a.provider)
    assert set(agreements_visible_to(user=provider_a)) == {family_agreement, their_agreement}
    Membership.objects.create(user=commissioner, role=Role.PROVIDER_MANAGER, provider=profile_a.provider)
    assert set(agreements_visible_to(user=commissioner)) == {family_agreement, their_agreement}
    # As the provider's manager they see a request to it from another council; as the commissioner,
    # their own council's choices (here the one withdrawn), but never a family's shortlist.
    dai = PersonFactory(council=other_person.council, given_name="Dai", family_name="Other")
    again = services.ask_provider(person=dai, provider=profile_a.provider, message="", actor=commissioner)
    shortlist = services.shortlist_provider(person=person, provider=profile_a.provider, actor=provider_a)
    seen = set(choices_visible_to(user=commissioner))
    assert again in seen and shortlisted in seen and shortlist not in seen
    assert shortlist in set(choices_visible_to(user=provider_a))


def test_an_organisations_managed_direct_payments_are_listed_by_family_name_then_given_name(
    council, provider_org
):
    import datetime as dt

    from budgets.models import ManagementType
    from providers.selectors import managed_direct_payments_of
    from tests.budgets.factories import approved_budget

    start = dt.date(2026, 4, 1)
    names = [("Zoe", "Adams"), ("Ann", "Young"), ("Bea", "Adams")]  # made in this order
    for given, family in names:
        person = PersonFactory(council=council, given_name=given, family_name=family)
        approved_budget(
            person, start=start, parts=((ManagementType.DIRECT_PAYMENT_MANAGED, "9000.00", provider_org),)
        )
    listed = [
        (a.budget.person.given_name, a.budget.person.family_name)
        for a in managed_direct_payments_of(provider=provider_org, on=start)
    ]
    assert listed == [("Bea", "Adams"), ("Zoe", "Adams"), ("Ann", "Young")]
