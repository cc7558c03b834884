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
