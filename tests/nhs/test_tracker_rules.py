"""The discharge tracker's and capacity's rules one at a time, through the services and selectors its
pages call (fast: no pages): who keeps a partnership's list, who sees which lines, what is recorded with
who and when, and that repeating a step changes nothing."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from nhs import selectors, services
from nhs.models import CapacityDeclaration, Invitation, NhsBody
from organisations.audit import history_for
from organisations.models import Role
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory, staff

pytestmark = pytest.mark.django_db


def _line(partnership, person, actor, **fields):
    return services.line_add(
        partnership=partnership,
        person=person,
        actor=actor,
        setting="nhs_ward",
        setting_name="Ward 7",
        **fields,
    )


def _events(instance):
    return [(e.additional_data["event"], e.actor) for e in history_for(instance)]


def test_an_nhs_body_and_a_partnership_are_set_up_once(council):
    icb = services.nhs_body_ensure(gss_code="E54000041", name="NHS Dorset ICB", ods_code="qvv")
    again = services.nhs_body_ensure(gss_code="E54000041", name="Another name", ods_code="XXX")
    assert again == icb and again.name == "NHS Dorset ICB"
    assert NhsBody.objects.get(council=icb).ods_code == "QVV"
    assert selectors.is_nhs(icb) and not selectors.is_nhs(council)
    assert list(selectors.nhs_council_ids().values_list("council_id", flat=True)) == [icb.pk]
    tcp = services.partnership_ensure(code="dorset-tcp", name="Dorset TCP", members=[council])
    same = services.partnership_ensure(code="dorset-tcp", name="Renamed", members=[icb])
    assert same == tcp and same.name == "Dorset TCP"
    assert set(same.members.all()) == {council, icb}


def test_a_line_is_added_once_for_a_person_of_the_keepers_own_council_with_who_and_when(
    council, other_council, partnership, commissioner, provider_org
):
    person = PersonFactory(council=council)
    planned = timezone.localdate() + dt.timedelta(days=30)
    line = _line(
        partnership, person, commissioner, planned_date=planned, shortlist=[provider_org], created_by=None
    )
    assert (line.created_by, line.updated_by, line.planned_date) == (commissioner, commissioner, planned)
    assert list(line.shortlist.all()) == [provider_org]
    (entry,) = history_for(line)
    assert (entry.additional_data["event"], entry.actor) == ("added to the discharge list", commissioner)
    assert entry.changes["planned_date"][1] == str(planned)
    with pytest.raises(services.TrackerError, match="already on it"):
        _line(partnership, person, commissioner)
    with pytest.raises(services.TrackerError, match="not your council's"):
        _line(partnership, PersonFactory(council=other_council), commissioner)


def test_changing_a_line_records_only_what_changed_and_who_changed_it(
    council, partnership, commissioner, icb_commissioner, provider_org, other_provider_org
):
    line = _line(partnership, PersonFactory(council=council), commissioner, shortlist=[provider_org])
    same = services.line_update(
        line=line, actor=icb_commissioner, setting_name="Ward 7", shortlist=[provider_org]
    )
    assert _events(same) == [("added to the discharge list", commissioner)]  # nothing changed
    changed = services.line_update(
        line=line,
        actor=icb_commissioner,
        setting_name="Ward 9",
        housing="yes",
        shortlist=[provider_org, other_provider_org],
        created_by=icb_commissioner,  # not a field a keeper may change
    )
    changed.refresh_from_db()
    assert (changed.setting_name, changed.housing, changed.updated_by) == ("Ward 9", "yes", icb_commissioner)
    assert changed.created_by == commissioner
    assert set(changed.shortlist.all()) == {provider_org, other_provider_org}
    entry = list(history_for(line))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("discharge line changed", icb_commissioner)
    assert set(entry.changes) == {"setting_name", "housing", "shortlist"}
    assert entry.changes["setting_name"] == ["Ward 7", "Ward 9"]
    with pytest.raises(services.TrackerError, match="Choose the provider before"):
        services.line_update(line=line, actor=commissioner, provider_has_met="somewhat")
    line.refresh_from_db()
    assert line.provider_has_met == "not_known"


def test_only_a_member_bodys_commissioner_changes_a_line(council, partnership, commissioner, icb_approver):
    line = _line(partnership, PersonFactory(council=council), commissioner)
    with pytest.raises(PermissionDenied):
        services.line_update(line=line, actor=icb_approver, setting_name="Elsewhere")
    with pytest.raises(PermissionDenied):
        services.line_home(line=line, on=timezone.localdate(), actor=icb_approver)
    line.refresh_from_db()
    assert (line.setting_name, line.discharged_on) == ("Ward 7", None)


def test_coming_home_is_recorded_once_and_never_in_the_future(council, partnership, commissioner):
    line = _line(partnership, PersonFactory(council=council), commissioner)
    with pytest.raises(services.TrackerError, match="cannot be in the future"):
        services.line_home(line=line, on=timezone.localdate() + dt.timedelta(days=1), actor=commissioner)
    today = timezone.localdate()
    home = services.line_home(line=line, on=today, actor=commissioner)
    assert home.discharged_on == today
    services.line_home(line=line, on=today, actor=commissioner)  # again: nothing more
    assert _events(line)[1:] == [("came home", commissioner)]
    line.refresh_from_db()
    assert (line.discharged_on, line.updated_by) == (today, commissioner)


def test_only_the_providers_manager_declares_capacity_and_a_blank_year_is_left_as_it_was(
    partnership, other_partnership, provider_org, provider_a, provider_finance
):
    with pytest.raises(PermissionDenied):
        services.capacity_declare(
            provider=provider_org,
            actor=provider_finance,
            years_offering_isfs=1,
            people_supported_home=1,
            areas=[],
            capacity={2026: 1},
        )
    services.capacity_declare(
        provider=provider_org,
        actor=provider_a,
        years_offering_isfs=4,
        people_supported_home=2,
        areas=[partnership],
        capacity={2026: 3, 2027: 5},
    )
    experience = services.capacity_declare(
        provider=provider_org,
        actor=provider_a,
        years_offering_isfs=5,
        people_supported_home=3,
        areas=[partnership, other_partnership],
        capacity={2026: 4, 2027: None},
    )
    assert (experience.years_offering_isfs, experience.people_supported_home, experience.updated_by) == (
        5,
        3,
        provider_a,
    )
    assert set(experience.areas.all()) == {partnership, other_partnership}
    declared = dict(CapacityDeclaration.objects.filter(provider=provider_org).values_list("year", "people"))
    assert declared == {2026: 4, 2027: 5}
    entry = list(history_for(experience))[-1]
    assert (entry.additional_data["event"], entry.actor) == ("capacity declared", provider_a)
    assert set(entry.changes) == {"areas", "capacity_2026"}


def test_a_keeper_invites_a_provider_once(partnership, commissioner, icb_approver, provider_org):
    with pytest.raises(PermissionDenied):
        services.invite(partnership=partnership, provider=provider_org, actor=icb_approver)
    first = services.invite(
        partnership=partnership, provider=provider_org, actor=commissioner, note=" Early "
    )
    again = services.invite(partnership=partnership, provider=provider_org, actor=commissioner, note="Again")
    assert again == first and (first.note, first.invited_by) == ("Early", commissioner)
    assert Invitation.objects.count() == 1
    assert _events(first) == [("provider invited early", commissioner)]


def test_who_sees_which_partnership(
    council,
    icb,
    partnership,
    other_partnership,
    commissioner,
    icb_monitoring,
    approver,
    platform_admin,
    provider_a,
):
    for user in (commissioner, icb_monitoring, approver):
        assert list(selectors.partnerships_visible_to(user=user)) == [partnership]
    assert set(selectors.partnerships_visible_to(user=platform_admin)) == {partnership, other_partnership}
    assert not selectors.partnerships_visible_to(user=provider_a).exists()
    assert selectors.partnership_visible(user=commissioner, code="dorset-tcp") == partnership
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.partnership_visible(user=commissioner, code="bristol-tcp")
    assert selectors.may_edit_tracker(user=commissioner, partnership=partnership)
    assert not selectors.may_edit_tracker(user=approver, partnership=partnership)
    assert not selectors.may_edit_tracker(user=commissioner, partnership=other_partnership)
    assert set(selectors.possible_funders(council=council)) == {council, icb}


def test_providers_and_families_see_only_their_own_lines(
    council, partnership, commissioner, provider_org, other_provider_org, provider_a, provider_finance
):
    chosen = _line(partnership, PersonFactory(council=council), commissioner, provider=provider_org)
    shortlisted = _line(
        partnership,
        PersonFactory(council=council),
        commissioner,
        shortlist=[provider_org, other_provider_org],
    )
    other = _line(partnership, PersonFactory(council=council), commissioner, provider=other_provider_org)
    for user in (provider_a, provider_finance):
        assert sorted(line.pk for line in selectors.lines_for_provider(user=user)) == [
            chosen.pk,
            shortlisted.pk,
        ]
    assert not selectors.lines_for_provider(user=commissioner).exists()
    family = UserFactory()
    RepresentativeFactory(person=other.person, user=family)
    assert list(selectors.lines_for_family(user=family)) == [other]
    assert not selectors.lines_for_family(user=UserFactory()).exists()
    assert set(selectors.lines_of(partnership=partnership)) == {chosen, shortlisted, other}


def test_only_the_commissioners_own_people_not_on_the_list_may_be_added(
    council, other_council, partnership, commissioner, approver
):
    on_list = PersonFactory(council=council)
    _line(partnership, on_list, commissioner)
    free = PersonFactory(council=council)
    PersonFactory(council=other_council)
    assert list(selectors.people_to_add(user=commissioner, partnership=partnership)) == [free]
    assert not selectors.people_to_add(user=approver, partnership=partnership).exists()


def test_funding_shares_are_seen_by_the_funders_and_the_persons_council_only(
    council, icb, partnership, commissioner, approver, icb_approver, other_icb_approver, platform_admin
):
    from budgets.models import PersonalBudget
    from nhs.models import FundingShare

    def proposed(days_ago):
        return PersonalBudget.objects.create(
            person=PersonFactory(council=council),
            start_date=timezone.localdate(),
            status="proposed",
            proposed_at=timezone.now() - dt.timedelta(days=days_ago),
        )

    def share(budget, funder, amount):
        return FundingShare.objects.create(
            budget=budget, funder=funder, annual_amount=Decimal(amount), stated_by=commissioner
        )

    budget, older = proposed(0), proposed(1)
    icb_share = share(budget, icb, "6000.00")
    own_share = share(budget, council, "6000.00")
    older_share = share(older, icb, "12000.00")
    assert set(selectors.shares_visible_to(user=commissioner)) == {icb_share, own_share, older_share}
    assert set(selectors.shares_visible_to(user=icb_approver)) == {icb_share, older_share}
    assert not selectors.shares_visible_to(user=other_icb_approver).exists()
    assert selectors.shares_visible_to(user=platform_admin).count() == 3
    assert not selectors.shares_visible_to(user=UserFactory()).exists()
    # The ICB's approver is asked about its own waiting shares only, oldest proposal first.
    assert list(selectors.shares_to_approve(user=icb_approver)) == [older_share, icb_share]
    assert list(selectors.shares_to_approve(user=approver)) == [own_share]
    FundingShare.objects.filter(pk=older_share.pk).update(status="approved")
    assert list(selectors.shares_to_approve(user=icb_approver)) == [icb_share]
    PersonalBudget.objects.filter(pk=budget.pk).update(status="draft")
    assert list(selectors.shares_to_approve(user=icb_approver)) == []
    assert selectors.shares_of(budget) == [own_share, icb_share]  # by funder name
    assert set(selectors.budgets_for_funding(user=commissioner)) == {budget, older}
    assert not selectors.budgets_for_funding(user=approver).exists()
    assert not selectors.budgets_for_funding(user=staff(Role.COMMISSIONER, council=icb)).exists()
