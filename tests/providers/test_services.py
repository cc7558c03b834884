"""Rules for profiles, choosing a provider, flexible agreements, notice and moving."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from budgets.models import Arrangement
from budgets.selectors import people_visible_to
from organisations.audit import history_for
from providers import hooks, services
from providers.models import (
    AgreementStatus,
    ChoiceStatus,
    FlexibleAgreement,
    NoticeFrom,
    ProviderChoice,
    ProviderProfile,
)
from providers.selectors import agreements_in_force, agreements_visible_to, choices_visible_to
from providers.services import ProviderError
from tests.budgets.factories import PersonFactory
from tests.providers.factories import TERMS, accepted_choice, agreed, isf_budget, profile_for

pytestmark = pytest.mark.django_db

# Dates relative to the real today: accepting a replacement agreement whose start has come completes the
# move at once, so a move must lie in the future for the daily job to find it.
TODAY = timezone.localdate()
LAST_DAY = TODAY + dt.timedelta(days=28)  # the person's default notice
MOVE_DAY = LAST_DAY + dt.timedelta(days=1)


def day(d: dt.date) -> str:
    return f"{d:%-d %B %Y}"


# ---- profiles --------------------------------------------------------------------------------------


def test_the_self_assessment_replaces_groups_answers_and_isf_years(provider_org, provider_a):
    profile = services.update_profile_from_self_assessment(
        provider=provider_org,
        client_groups=["older_people", "dementia", "older_people"],
        element_answers={"individual_design": "yes_frequently", "funder_flexibility": "no"},
        isf_years="1_to_3",
        actor=provider_a,
    )
    assert profile.client_groups == ["older_people", "dementia"]  # Table 2 order
    assert profile.element_answers == {"individual_design": "yes_frequently", "funder_flexibility": "no"}
    assert profile.isf_years == "1_to_3"
    last = history_for(profile).last()
    assert (last.additional_data["event"], last.actor) == ("profile updated from self-assessment", provider_a)


def test_the_self_assessment_refuses_unknown_codes_and_changes_nothing(provider_org, provider_a):
    with pytest.raises(ProviderError, match=r"^Unknown group of people: teenagers\.$"):
        services.update_profile_from_self_assessment(
            provider=provider_org,
            client_groups=["teenagers"],
            element_answers={},
            isf_years=None,
            actor=provider_a,
        )
    with pytest.raises(ProviderError, match=r"^Unknown answer for: staff_matching\.$"):
        services.update_profile_from_self_assessment(
            provider=provider_org,
            client_groups=[],
            element_answers={"staff_matching": "always"},
            isf_years=None,
            actor=provider_a,
        )
    assert not hasattr(provider_org, "profile") or provider_org.profile.client_groups == []


def test_a_fee_is_a_percentage_or_a_fixed_amount_not_both(provider_org, provider_a):
    with pytest.raises(
        ProviderError,
        match=r"^State the management fee as a percentage or a fixed annual amount, not both\.$",
    ):
        services.update_profile(
            provider=provider_org,
            values={"management_fee_percent": Decimal("5"), "management_fee_fixed": Decimal("100")},
            actor=provider_a,
        )


def test_postcode_districts_and_languages_are_tidied(provider_org, provider_a):
    profile = services.update_profile(
        provider=provider_org,
        values={
            "postcode_districts": ["dt1 1aa", "DT1", "bh15"],
            "languages": ["polish", "English", "Polish"],
        },
        actor=provider_a,
    )
    assert profile.postcode_districts == ["BH15", "DT1"]
    assert profile.languages == ["English", "Polish"]


# ---- choosing --------------------------------------------------------------------------------------


def test_a_shortlisted_provider_becomes_a_request_when_asked(person, family, profile_a):
    choice = services.shortlist_provider(person=person, provider=profile_a.provider, actor=family)
    assert services.shortlist_provider(person=person, provider=profile_a.provider, actor=family) == choice
    asked = services.ask_provider(person=person, provider=profile_a.provider, message="Hello", actor=family)
    assert asked.pk == choice.pk and asked.status == ChoiceStatus.REQUESTED
    with pytest.raises(ProviderError, match=r"^You have already asked Harbour Lights Support\.$"):
        services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)


def test_a_provider_not_taking_people_cannot_be_asked(person, family, provider_org, provider_a):
    profile_for(provider_org, taking_new_people=False)
    with pytest.raises(
        ProviderError, match=r"^Harbour Lights Support is not taking on new people at the moment\.$"
    ):
        services.ask_provider(person=person, provider=provider_org, message="", actor=family)


def test_declining_needs_a_reason_and_the_person_sees_it(person, family, profile_a, provider_a):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    with pytest.raises(
        ProviderError, match=r"^Say why you cannot support this person, so they can choose again\.$"
    ):
        services.decline_choice(choice=choice, reason=" ", actor=provider_a)
    choice = services.decline_choice(choice=choice, reason="We have no staff in your area.", actor=provider_a)
    assert choice.status == ChoiceStatus.DECLINED
    assert choice.decline_reason == "We have no staff in your area."
    # Declined, the person may ask again.
    again = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    assert again.pk != choice.pk


def test_a_provider_sees_people_who_asked_it_but_not_a_shortlist(person, family, profile_a, provider_a):
    services.shortlist_provider(person=person, provider=profile_a.provider, actor=family)
    assert not people_visible_to(user=provider_a).filter(pk=person.pk).exists()
    assert not choices_visible_to(user=provider_a).exists()
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    # The request itself is shown (to answer it); the person's pages open once it is accepted.
    assert choices_visible_to(user=provider_a).count() == 1
    assert not people_visible_to(user=provider_a).filter(pk=person.pk).exists()
    services.accept_choice(choice=choice, actor=provider_a)
    assert people_visible_to(user=provider_a).filter(pk=person.pk).exists()


def test_a_commissioner_sees_their_councils_choices_only(
    person, other_person, family, profile_a, commissioner, other_council_commissioner
):
    services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    assert choices_visible_to(user=commissioner).count() == 1
    assert choices_visible_to(user=other_council_commissioner).count() == 0


# ---- agreements ------------------------------------------------------------------------------------


def test_with_no_budget_yet_the_choice_waits(person, profile_a, commissioner):
    choice = accepted_choice(person, profile_a.provider)
    with pytest.raises(ProviderError, match=r" yet\. The choice is kept and waits for the budget\.$"):
        services.set_up_agreement(choice=choice, terms=TERMS, actor=commissioner)
    assert ProviderChoice.objects.get(pk=choice.pk).status == ChoiceStatus.ACCEPTED
    assert not FlexibleAgreement.objects.exists()


def test_the_provider_must_accept_the_request_first(person, family, profile_a, commissioner):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    arrangement = isf_budget(person, profile_a.provider)
    with pytest.raises(ProviderError, match="The provider must accept the person's request"):
        services.set_up_agreement(choice=choice, terms=TERMS, arrangement=arrangement, actor=commissioner)


def test_an_agreement_has_the_defaults_the_framework_sets(person, profile_a, commissioner):
    choice = accepted_choice(person, profile_a.provider)
    arrangement = isf_budget(person, profile_a.provider, amount="26000.00")
    agreement = services.set_up_agreement(
        choice=choice, terms={"outcomes": "Swim."}, arrangement=arrangement, actor=commissioner
    )
    assert agreement.status == AgreementStatus.OFFERED
    assert agreement.annual_budget == Decimal("26000.00")
    assert agreement.management_fee_percent == Decimal("8.00")  # from the provider's profile
    assert agreement.payment_frequency_weeks == 4 and agreement.payment_in_advance
    assert agreement.unspent_limit == Decimal("2000.00")  # 26000 / 52 × 4
    assert agreement.overdraft_limit == Decimal("0.00")
    assert agreement.person_notice_days == 28 and agreement.provider_notice_days == 56
    assert agreement.review_date == agreement.start_date + dt.timedelta(days=365)
    assert agreement.versions.get().number == 1
    assert agreement.awaiting_provider


def test_the_unspent_limit_default_rounds_half_up(person, profile_a):
    assert services.default_unspent_limit(Decimal("1000.00")) == Decimal("76.92")
    assert services.default_unspent_limit(Decimal("13.00")) == Decimal("1.00")


def test_outcomes_are_required_not_hours(person, profile_a, commissioner):
    choice = accepted_choice(person, profile_a.provider)
    arrangement = isf_budget(person, profile_a.provider)
    with pytest.raises(
        ProviderError,
        match=r"^Write the outcomes from the support plan: what the person wants from their support\.$",
    ):
        services.set_up_agreement(
            choice=choice, terms={"outcomes": " "}, arrangement=arrangement, actor=commissioner
        )


def test_the_provider_accepts_and_a_change_is_a_new_version_to_accept(
    person, profile_a, commissioner, provider_a
):
    agreement = agreed(person, profile_a.provider, accept=False)
    agreement = services.accept_agreement(agreement=agreement, actor=provider_a)
    assert agreement.status == AgreementStatus.ACTIVE and not agreement.awaiting_provider
    agreement = services.change_agreement_terms(
        agreement=agreement, terms={"overdraft_limit": "250.00"}, reason="Winter heating", actor=commissioner
    )
    assert agreement.version == 2 and agreement.awaiting_provider
    assert agreement.overdraft_limit == Decimal("250.00")
    first, second = agreement.versions.order_by("number")
    assert first.terms["overdraft_limit"] == "0.00" and second.terms["overdraft_limit"] == "250.00"
    assert second.reason == "Winter heating"
    change = history_for(agreement).filter(additional_data__event="agreement terms changed (version 2)").get()
    assert change.changes == {"overdraft_limit": ["0.00", "250.00"]} or change.changes_dict == {
        "overdraft_limit": ["0.00", "250.00"]
    }
    agreement = services.accept_agreement(agreement=agreement, actor=provider_a)
    assert agreement.accepted_version == 2 and agreement.versions.get(number=2).accepted_by == provider_a


def test_a_change_that_changes_nothing_makes_no_version(person, profile_a, commissioner):
    agreement = agreed(person, profile_a.provider)
    before = LogEntry.objects.count()
    services.change_agreement_terms(
        agreement=agreement, terms={"overdraft_limit": "0"}, reason="", actor=commissioner
    )
    assert agreement.versions.count() == 1 and LogEntry.objects.count() == before


def test_a_provider_declines_an_offer_with_a_reason(person, profile_a, provider_a):
    agreement = agreed(person, profile_a.provider, accept=False)
    agreement = services.decline_agreement(
        agreement=agreement, reason="The budget is too small.", actor=provider_a
    )
    assert agreement.status == AgreementStatus.DECLINED


# ---- notice, ending and moving ---------------------------------------------------------------------


def test_the_person_may_end_it_at_any_time_with_28_days_notice(person, family, profile_a):
    agreement = agreed(person, profile_a.provider)
    message = f"You need to give 28 days' notice. The earliest end date is {day(LAST_DAY)}."
    with pytest.raises(ProviderError, match=f"^{re.escape(message)}$"):
        services.give_notice(
            agreement=agreement,
            notice_from=NoticeFrom.PERSON,
            end_date=TODAY + dt.timedelta(days=10),
            actor=family,
            today=TODAY,
        )
    agreement = services.give_notice(
        agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY
    )
    assert agreement.status == AgreementStatus.ENDING
    assert agreement.end_date == LAST_DAY
    assert agreement.notice_from == NoticeFrom.PERSON and agreement.notice_given_by == family


def test_a_provider_must_say_why_and_give_56_days(person, profile_a, provider_a):
    agreement = agreed(person, profile_a.provider)
    with pytest.raises(
        ProviderError,
        match=r"^Say why you are ending the agreement\. The person and the council will see it\.$",
    ):
        services.give_notice(
            agreement=agreement, notice_from=NoticeFrom.PROVIDER, actor=provider_a, today=TODAY
        )
    agreement = services.give_notice(
        agreement=agreement,
        notice_from=NoticeFrom.PROVIDER,
        reason="We are closing.",
        actor=provider_a,
        today=TODAY,
    )
    assert agreement.end_date == TODAY + dt.timedelta(days=56)
    assert agreement.notice_reason == "We are closing."


def _move(person, family, old_provider, new_provider, commissioner, provider_b_manager, moves):
    old = agreed(person, old_provider)
    old = services.give_notice(agreement=old, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    choice = accepted_choice(person, new_provider)
    new = services.set_up_agreement(choice=choice, terms={"outcomes": "Swim."}, actor=commissioner)
    assert new.replaces == old and new.start_date == MOVE_DAY and new.arrangement is None
    assert new.annual_budget == old.annual_budget
    new = services.accept_agreement(agreement=new, actor=provider_b_manager)
    return old, new


def test_on_the_move_date_the_new_agreement_starts_and_the_hook_runs_once(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    moves = []

    def on_move(*, old_agreement, new_agreement, on_date, actor):
        moves.append((old_agreement.pk, new_agreement.pk, on_date, actor.email))

    hooks.register_on_move(on_move)
    try:
        old, new = _move(
            person, family, profile_a.provider, profile_b.provider, commissioner, provider_b_manager, moves
        )
        assert services.complete_due_changes(today=LAST_DAY) == {"moved": 0, "ended": 0, "failed": 0}
        assert services.complete_due_changes(today=MOVE_DAY) == {"moved": 1, "ended": 0, "failed": 0}
        assert services.complete_due_changes(today=MOVE_DAY + dt.timedelta(days=1)) == {
            "moved": 0,
            "ended": 0,
            "failed": 0,
        }
    finally:
        hooks.unregister(on_move)
    old.refresh_from_db()
    new.refresh_from_db()
    assert moves == [(old.pk, new.pk, MOVE_DAY, "system@platform.invalid")]
    assert old.status == AgreementStatus.ENDED and new.move_completed_at is not None
    # The ISF arrangement passes to the new provider: old ends on the last day, new starts the next.
    assert old.arrangement.end_date == LAST_DAY
    assert new.arrangement.provider == profile_b.provider and new.arrangement.start_date == MOVE_DAY
    assert new.arrangement.budget == old.arrangement.budget
    assert list(agreements_in_force(on=LAST_DAY)) == [old]
    assert list(agreements_in_force(on=MOVE_DAY)) == [new]


def test_a_failing_hook_rolls_the_whole_move_back(
    person, family, profile_a, profile_b, commissioner, provider_b_manager
):
    def broken(**kwargs):
        raise ProviderError("ledger unavailable")

    old, new = _move(
        person, family, profile_a.provider, profile_b.provider, commissioner, provider_b_manager, []
    )
    hooks.register_on_move(broken)
    try:
        assert services.complete_due_changes(today=MOVE_DAY)["failed"] == 1
    finally:
        hooks.unregister(broken)
    new.refresh_from_db()
    assert new.move_completed_at is None and new.arrangement is None
    assert Arrangement.objects.filter(provider=profile_b.provider).count() == 0


def test_an_agreement_ends_after_its_last_day_with_no_replacement(person, family, profile_a):
    ended = []
    hook = lambda *, agreement, on_date, actor: ended.append((agreement.pk, on_date))  # noqa: E731
    hooks.register_on_end(hook)
    try:
        agreement = agreed(person, profile_a.provider)
        services.give_notice(agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
        assert services.complete_due_changes(today=LAST_DAY)["ended"] == 0
        assert services.complete_due_changes(today=MOVE_DAY)["ended"] == 1
    finally:
        hooks.unregister(hook)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert agreement.arrangement.end_date == LAST_DAY
    assert ended == [(agreement.pk, MOVE_DAY)]


def test_agreements_are_scoped_to_each_party(
    person,
    family,
    profile_a,
    commissioner,
    other_council_commissioner,
    provider_a,
    provider_b_manager,
    stranger,
):
    agreement = agreed(person, profile_a.provider)
    for user in (family, commissioner, provider_a):
        assert list(agreements_visible_to(user=user)) == [agreement]
    for user in (other_council_commissioner, provider_b_manager, stranger):
        assert not agreements_visible_to(user=user).exists()
    other = PersonFactory(council=person.council)
    assert not agreements_visible_to(user=family).filter(person=other).exists()


def test_every_change_to_an_agreement_is_audited(person, family, profile_a, commissioner):
    agreement = agreed(person, profile_a.provider)
    services.give_notice(agreement=agreement, notice_from=NoticeFrom.PERSON, actor=family, today=TODAY)
    events = [e.additional_data["event"] for e in history_for(agreement)]
    assert events == [
        "agreement offered to provider",
        "agreement accepted by provider (version 1)",
        "notice given by the person",
    ]


def test_accepted_terms_stay_until_the_provider_accepts_a_change(person, profile_a, commissioner, provider_a):
    from providers.selectors import accepted_terms

    agreement = agreed(person, profile_a.provider, accept=False)
    assert accepted_terms(agreement) is None
    agreement = services.accept_agreement(agreement=agreement, actor=provider_a)
    agreement = services.change_agreement_terms(
        agreement=agreement, terms={"overdraft_limit": "300.00"}, reason="More support", actor=commissioner
    )
    assert accepted_terms(agreement)["overdraft_limit"] == "0.00"
    services.accept_agreement(agreement=agreement, actor=provider_a)
    assert accepted_terms(agreement)["overdraft_limit"] == "300.00"


def test_an_agreements_annual_amount_is_the_approved_isf_never_a_typed_number(
    person, profile_a, commissioner, provider_a
):
    choice = accepted_choice(person, profile_a.provider)
    arrangement = isf_budget(person, profile_a.provider, amount="26000.00")
    with pytest.raises(
        ProviderError,
        match=(
            r"^The annual budget comes from the approved budget: £26,000\.00 a year\. "
            r"To change it, propose a new budget version for an approver to approve\.$"
        ),
    ):
        services.set_up_agreement(
            choice=choice,
            terms={"outcomes": "Swim.", "annual_budget": "999999.00"},
            arrangement=arrangement,
            actor=commissioner,
        )
    assert not FlexibleAgreement.objects.exists()
    agreement = services.set_up_agreement(
        choice=choice,
        terms={"outcomes": "Swim.", "annual_budget": "26000.00"},
        arrangement=arrangement,
        actor=commissioner,
    )
    services.accept_agreement(agreement=agreement, actor=provider_a)
    with pytest.raises(
        ProviderError,
        match=(
            r"^The annual budget comes from the approved budget: £26,000\.00 a year\. "
            r"To change it, propose a new budget version for an approver to approve\.$"
        ),
    ):
        services.change_agreement_terms(
            agreement=agreement, terms={"annual_budget": "30000.00"}, reason="More", actor=commissioner
        )
    agreement.refresh_from_db()
    assert agreement.annual_budget == Decimal("26000.00") and agreement.version == 1


def test_the_daily_task_completes_due_changes(person, family, profile_a):
    from providers.tasks import complete_due_moves

    agreement = agreed(person, profile_a.provider, start=TODAY - dt.timedelta(days=60))
    FlexibleAgreement.objects.filter(pk=agreement.pk).update(
        status=AgreementStatus.ENDING, end_date=TODAY - dt.timedelta(days=1)
    )
    assert complete_due_moves.apply().get() == {"moved": 0, "ended": 1, "failed": 0}
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED


# ---- taking a provider off the list ------------------------------------------------------------------


def test_a_family_takes_a_provider_off_their_list_once_and_it_is_recorded(person, family, profile_a):
    choice = services.shortlist_provider(person=person, provider=profile_a.provider, actor=family)
    withdrawn = services.withdraw_choice(choice=choice, actor=family)
    assert ProviderChoice.objects.get(pk=choice.pk).status == ChoiceStatus.WITHDRAWN == withdrawn.status
    again = services.withdraw_choice(choice=choice, actor=family)
    assert again.status == ChoiceStatus.WITHDRAWN
    logs = [log for log in history_for(choice) if log.additional_data["event"] == "choice withdrawn"]
    assert len(logs) == 1
    assert logs[0].actor == family
    assert logs[0].changes_dict["status"] == [ChoiceStatus.SHORTLISTED, ChoiceStatus.WITHDRAWN]


def test_an_answered_request_cannot_be_withdrawn(person, family, profile_a, provider_a):
    choice = services.ask_provider(person=person, provider=profile_a.provider, message="", actor=family)
    services.decline_choice(choice=choice, reason="We are full.", actor=provider_a)
    with pytest.raises(
        ProviderError, match=r"^This choice has already been answered and cannot be withdrawn\.$"
    ):
        services.withdraw_choice(choice=choice, actor=family)
    assert ProviderChoice.objects.get(pk=choice.pk).status == ChoiceStatus.DECLINED


@pytest.mark.parametrize("accept", [False, True], ids=["offered", "active"])
def test_a_choice_with_a_live_agreement_is_ended_by_notice_not_withdrawn(person, family, profile_a, accept):
    agreement = agreed(person, profile_a.provider, accept=accept)
    with pytest.raises(
        ProviderError,
        match=r"^There is an agreement with this provider\. To end it, give notice on the agreement\.$",
    ):
        services.withdraw_choice(choice=agreement.choice, actor=family)
    assert ProviderChoice.objects.get(pk=agreement.choice_id).status == ChoiceStatus.ACCEPTED


@pytest.mark.parametrize(
    "status", [AgreementStatus.DECLINED, AgreementStatus.WITHDRAWN, AgreementStatus.ENDED]
)
def test_a_choice_whose_agreement_is_over_can_be_withdrawn(person, family, profile_a, status):
    agreement = agreed(person, profile_a.provider, accept=False)
    FlexibleAgreement.objects.filter(pk=agreement.pk).update(status=status)
    assert services.withdraw_choice(choice=agreement.choice, actor=family).status == ChoiceStatus.WITHDRAWN


# ---- profile rules at their edges (each written against a surviving mutant) ---------------------------


def _profile_events(profile):
    return [(e.additional_data["event"], e.changes_dict, e.actor) for e in history_for(profile)]


def test_postcode_districts_keep_the_outward_code_and_drop_blanks(provider_org, provider_a):
    """A district is the outward code: the part before the space (4 at most), or all but the last 3."""
    profile = services.update_profile(
        provider=provider_org,
        values={"postcode_districts": ["w11aa", "bh155 1aa", " ", "", "dt11aa", "sp8"]},
        actor=provider_a,
    )
    assert profile.postcode_districts == ["BH15", "DT1", "SP8", "W1"]


def test_a_postcode_district_that_is_not_one_is_refused_by_name(provider_org, provider_a):
    """A district must be 2 to 4 letters or digits; the first that is not is named."""
    with pytest.raises(
        ProviderError, match=r"^'D' is not a postcode district\. Use the first part, like DT1 or BH15\.$"
    ):
        services.update_profile(
            provider=provider_org, values={"postcode_districts": ["DT1", "d", "D!"]}, actor=provider_a
        )
    assert not ProviderProfile.objects.filter(provider=provider_org).exclude(postcode_districts=[]).exists()


def test_languages_are_tidied_blanks_dropped_and_60_characters_at_most(provider_org, provider_a):
    """A language is written with single spaces and a capital first letter; one over 60 is refused."""
    profile = services.update_profile(
        provider=provider_org,
        values={"languages": ["british   sign  language", "  ", "", "x" * 60]},
        actor=provider_a,
    )
    assert profile.languages == ["British sign language", "X" + "x" * 59]
    with pytest.raises(ProviderError, match=r"^Write each language in 60 characters or fewer\.$"):
        services.update_profile(provider=provider_org, values={"languages": ["y" * 61]}, actor=provider_a)


def test_unknown_groups_elements_and_answers_are_all_named(provider_org, provider_a):
    """Every unknown code is named, in order, so the provider can correct them at once."""
    with pytest.raises(ProviderError, match=r"^Unknown group of people: aliens, teenagers\.$"):
        services.update_profile(
            provider=provider_org,
            values={"client_groups": ["teenagers", "dementia", "aliens"]},
            actor=provider_a,
        )
    with pytest.raises(ProviderError, match=r"^Unknown element of personalised support: hours, rotas\.$"):
        services.update_profile(
            provider=provider_org,
            values={"element_answers": {"rotas": "no", "individual_design": "no", "hours": "no"}},
            actor=provider_a,
        )
    with pytest.raises(ProviderError, match=r"^Unknown answer for: individual_design, staff_matching\.$"):
        services.update_profile(
            provider=provider_org,
            values={"element_answers": {"staff_matching": "always", "individual_design": "maybe"}},
            actor=provider_a,
        )


@pytest.mark.parametrize(
    "values,message",
    [
        ({"management_fee_percent": "-0.01"}, "A management fee percentage must be between 0 and 100."),
        ({"management_fee_percent": "100.01"}, "A management fee percentage must be between 0 and 100."),
        ({"management_fee_fixed": "-0.01"}, "A management fee cannot be negative."),
    ],
)
def test_a_fee_outside_its_range_is_refused(provider_org, provider_a, values, message):
    """A percentage fee is 0 to 100; a fixed fee is never negative."""
    with pytest.raises(ProviderError, match=f"^{re.escape(message)}$"):
        services.update_profile(provider=provider_org, values=values, actor=provider_a)


@pytest.mark.parametrize(
    "values,percent,fixed",
    [
        ({"management_fee_percent": "0"}, Decimal("0.00"), None),
        ({"management_fee_percent": "100"}, Decimal("100.00"), None),
        ({"management_fee_percent": "7.125"}, Decimal("7.13"), None),
        ({"management_fee_fixed": "0"}, None, Decimal("0.00")),
        ({"management_fee_fixed": "1200.005"}, None, Decimal("1200.01")),
    ],
)
def test_a_fee_at_the_edges_is_kept_to_the_penny(provider_org, provider_a, values, percent, fixed):
    """A fee is kept to two places, half up; 0 and 100 per cent are allowed, as is no fixed fee."""
    profile = services.update_profile(provider=provider_org, values=values, actor=provider_a)
    profile.refresh_from_db()
    assert (profile.management_fee_percent, profile.management_fee_fixed) == (percent, fixed)


def test_a_fee_of_the_other_kind_is_refused_while_the_first_stands(provider_org, provider_a):
    """The fee already on the profile counts: a fixed fee is refused beside a percentage, and back."""
    message = r"^State the management fee as a percentage or a fixed annual amount, not both\.$"
    profile_for(provider_org, management_fee_percent=Decimal("8.00"))
    with pytest.raises(ProviderError, match=message):
        services.update_profile(
            provider=provider_org, values={"management_fee_fixed": "100"}, actor=provider_a
        )
    services.update_profile(
        provider=provider_org,
        values={"management_fee_percent": None, "management_fee_fixed": "100"},
        actor=provider_a,
    )
    with pytest.raises(ProviderError, match=message):
        services.update_profile(
            provider=provider_org, values={"management_fee_percent": "5"}, actor=provider_a
        )
    profile = ProviderProfile.objects.get(provider=provider_org)
    assert (profile.management_fee_percent, profile.management_fee_fixed) == (None, Decimal("100.00"))


def test_a_profile_change_is_audited_with_what_changed_and_nothing_else(
    provider_org, provider_a, council, other_council
):
    """Only changed fields (and council areas) are recorded; other keys are ignored; no change, no entry."""
    profile = services.update_profile(
        provider=provider_org,
        values={"summary": "We help.", "name": "Renamed", "taking_new_people": True},
        council_areas=[council],
        actor=provider_a,
    )
    assert provider_org.name != "Renamed"
    services.update_profile(
        provider=provider_org,
        values={"summary": "We help.", "taking_new_people": True},
        council_areas=[council],
        actor=provider_a,
    )
    services.update_profile(
        provider=provider_org,
        values={"summary": "We help at home.", "taking_new_people": True},
        council_areas=[other_council, council],
        actor=provider_a,
    )
    assert _profile_events(profile) == [
        (
            "profile updated",
            {"summary": ["", "We help."], "council_areas": ["", "E06000059"]},
            provider_a,
        ),
        (
            "profile updated",
            {
                "summary": ["We help.", "We help at home."],
                "council_areas": ["E06000059", "E06000023, E06000059"],
            },
            provider_a,
        ),
    ]
    assert sorted(profile.council_areas.values_list("gss_code", flat=True)) == ["E06000023", "E06000059"]
    services.update_profile(provider=provider_org, values={}, council_areas=[], actor=provider_a)
    assert _profile_events(profile)[-1][1] == {"council_areas": ["E06000023, E06000059", ""]}


def test_a_self_assessment_without_isf_years_leaves_it_blank(provider_org, provider_a):
    """No answer on how long it has offered ISFs is stored as blank ("not stated")."""
    profile = services.update_profile_from_self_assessment(
        provider=provider_org, client_groups=[], element_answers={}, isf_years=None, actor=provider_a
    )
    assert profile.isf_years == ""
