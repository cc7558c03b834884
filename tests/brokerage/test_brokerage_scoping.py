"""Who sees which invitations, asks and people in brokerage (DESIGN.md, "Access"), through the selectors
the pages call (issue 20: these state the tenancy rules that mutmut's survivors showed untested). A
broker sees a person only while an invitation to their own brokerage is live; the family sees only
their own; the person's council's commissioners and approvers see their council's, nobody else any."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from brokerage import selectors, services
from brokerage.models import Invitation
from budgets.family_sections import casework_sections
from budgets.models import Representative
from budgets.selectors import helps_with_plan, people_visible_to
from organisations.models import Role
from providers.sections import detail_sections
from tests.budgets.factories import PersonFactory, RepresentativeFactory
from tests.factories import UserFactory, staff
from tests.providers.factories import profile_for

from .factories import broker_at, brokerage_org

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def _invite(person, brokerage, actor, *, until=None, purpose="Help with my plan"):
    return services.invite_for_family(
        person=person, brokerage=brokerage, purpose=purpose, until=until,
        family_agreement="Agreed on the phone", actor=actor,
    )  # fmt: skip


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.fixture
def w(council, commissioner):
    """Brokerage A with three live invitations (not in name order), one ended and one past its last
    day; brokerage B with one live invitation."""
    a, b = brokerage_org("BRK-A", "Alder Brokerage"), brokerage_org("BRK-B", "Birch Brokerage")
    people = {
        name: PersonFactory(council=council, given_name=name.split()[0], family_name=name.split()[1])
        for name in ("Zed Adams", "Bea Brown", "Amy Brown", "Eve Ended", "Pat Past", "Bob Other")
    }
    live = [_invite(people[n], a, commissioner) for n in ("Bea Brown", "Zed Adams", "Amy Brown")]
    ended = _invite(people["Eve Ended"], a, commissioner)
    Invitation.objects.filter(pk=ended.pk).update(ended_at=timezone.now())
    past = _invite(people["Pat Past"], a, commissioner, until=TODAY())
    Invitation.objects.filter(pk=past.pk).update(until=TODAY() - dt.timedelta(days=1))
    other = _invite(people["Bob Other"], b, commissioner)
    return {
        "a": a, "b": b, "people": people, "live": live, "ended": ended, "past": past, "other": other,
        "broker_a": broker_at(a), "broker_b": broker_at(b),
    }  # fmt: skip


def _brokerage_sections(profile):
    """The sections brokerage adds to a directory page (other apps add their own)."""
    sections = detail_sections(profile=profile, request=_request(UserFactory()))
    return [s for s in sections if s["template"].startswith("brokerage/")]


def _names(people):
    return [f"{p.given_name} {p.family_name}" for p in people]


def test_a_broker_sees_only_its_own_brokerages_live_invitations_by_family_then_given_name(w, provider_a):
    invitations = selectors.live_invitations_for_broker(user=w["broker_a"])
    assert _names(i.person for i in invitations) == ["Zed Adams", "Amy Brown", "Bea Brown"]
    assert _names(i.person for i in selectors.live_invitations_for_broker(user=w["broker_b"])) == [
        "Bob Other"
    ]
    assert not selectors.live_invitations_for_broker(user=provider_a).exists()
    assert sorted(_names(selectors.people_invited_for(user=w["broker_a"]))) == [
        "Amy Brown",
        "Bea Brown",
        "Zed Adams",
    ]
    assert selectors.live_invitation(user=w["broker_a"], person=w["people"]["Bob Other"]) is None
    assert selectors.live_invitation(user=w["broker_a"], person=w["people"]["Eve Ended"]) is None
    assert selectors.live_invitation(user=w["broker_b"], person=w["people"]["Bob Other"]) == w["other"]


def test_the_people_a_broker_sees_and_helps_plan_for_are_the_live_invitations_own_brokerage(w):
    seen = people_visible_to(user=w["broker_a"])
    assert sorted(_names(seen)) == ["Amy Brown", "Bea Brown", "Zed Adams"]
    assert _names(people_visible_to(user=w["broker_b"])) == ["Bob Other"]
    people = w["people"]
    assert helps_with_plan(user=w["broker_a"], person=people["Zed Adams"])
    for name in ("Bob Other", "Eve Ended", "Pat Past"):
        assert not helps_with_plan(user=w["broker_a"], person=people[name])
    assert helps_with_plan(user=w["broker_b"], person=people["Bob Other"])
    # Council staff see the person but are no plan helpers; nor is the family.
    commissioner = w["live"][0].invited_by
    assert not helps_with_plan(user=commissioner, person=people["Zed Adams"])
    family = RepresentativeFactory(person=people["Zed Adams"]).user
    assert not helps_with_plan(user=family, person=people["Zed Adams"])


def test_invitations_are_seen_by_the_broker_while_live_the_council_case_staff_and_the_family_only(
    w, council, approver, monitoring_officer, other_council_commissioner, provider_a
):
    every = {w["other"], w["ended"], w["past"], *w["live"]}
    assert set(selectors.invitations_visible_to(user=w["broker_a"])) == set(w["live"])
    assert list(selectors.invitations_visible_to(user=w["broker_b"])) == [w["other"]]
    assert set(selectors.invitations_visible_to(user=approver)) == every
    for nobody in (monitoring_officer, other_council_commissioner, provider_a, AnonymousUser()):
        assert not selectors.invitations_visible_to(user=nobody).exists()
    # A commissioner who also acts for a relative sees the council's, but only the relative's as family.
    commissioner = w["live"][0].invited_by
    Representative.objects.create(person=w["people"]["Eve Ended"], user=commissioner)
    assert set(selectors.invitations_visible_to(user=commissioner)) == every
    assert list(selectors.family_invitations(user=commissioner)) == [w["ended"]]
    assert list(selectors.council_invitations(person=w["people"]["Bob Other"])) == [w["other"]]


def test_asks_are_seen_by_the_family_and_by_the_drafting_brokerage_only_while_its_invitation_is_live(
    w, provider_org
):
    profile_for(provider_org)
    people = w["people"]
    zed_family = RepresentativeFactory(person=people["Zed Adams"]).user
    bob_family = RepresentativeFactory(person=people["Bob Other"]).user
    zed_ask = services.draft_ask(
        person=people["Zed Adams"], provider=provider_org, message="Hi", actor=w["broker_a"]
    )
    bob_ask = services.draft_ask(
        person=people["Bob Other"], provider=provider_org, message="Yo", actor=w["broker_b"]
    )
    assert list(selectors.asks_visible_to(user=w["broker_a"])) == [zed_ask]
    assert list(selectors.asks_visible_to(user=w["broker_b"])) == [bob_ask]
    assert list(selectors.asks_visible_to(user=zed_family)) == [zed_ask]
    assert list(selectors.asks_waiting_for_family(user=zed_family)) == [zed_ask]
    assert list(selectors.asks_waiting_for_family(user=bob_family)) == [bob_ask]
    # The broker's own asks are not "waiting for you" on the broker's page.
    assert not selectors.asks_waiting_for_family(user=w["broker_a"]).exists()
    assert not selectors.asks_visible_to(user=AnonymousUser()).exists()
    # Past its last day, or ended by the family, the broker no longer sees the ask; the family does.
    Invitation.objects.filter(pk=zed_ask.invitation_id).update(until=TODAY() - dt.timedelta(days=1))
    assert not selectors.asks_visible_to(user=w["broker_a"]).exists()
    services.end_invitation(invitation=bob_ask.invitation, actor=bob_family)
    assert not selectors.asks_visible_to(user=w["broker_b"]).exists()
    assert list(selectors.asks_visible_to(user=bob_family)) == [bob_ask]


def test_the_person_page_lists_live_and_ended_brokers_for_the_councils_case_staff_only(
    w, council, approver, monitoring_officer, other_council_commissioner
):
    commissioner = w["live"][0].invited_by
    pat = w["people"]["Pat Past"]
    again = _invite(pat, w["b"], commissioner, until=TODAY())
    [section] = casework_sections(_request(commissioner), pat)
    assert (section["template"], section["person"], section["may_invite"]) == (
        "brokerage/_person_section.html",
        pat,
        True,
    )
    assert (section["live"], section["ended"]) == ([again], [w["past"]])
    [section] = casework_sections(_request(approver), pat)
    assert (section["live"], section["ended"], section["may_invite"]) == ([again], [w["past"]], False)
    for nobody in (monitoring_officer, other_council_commissioner, w["broker_a"]):
        assert casework_sections(_request(nobody), pat) == []


def test_the_directory_page_of_a_brokerage_shows_its_offer_and_a_providers_page_does_not(
    w, council, provider_org
):
    offer = services.save_offer(brokerage=w["a"], cost="Free to you", funded_by=[council])
    provider_profile = profile_for(provider_org)
    [section] = _brokerage_sections(w["a"].profile)
    assert (section["template"], section["order"]) == ("brokerage/_offer_section.html", 10)
    assert (section["context"]["profile"], section["context"]["offer"]) == (w["a"].profile, offer)
    assert list(section["context"]["offer"].funded_by.all()) == [council]
    assert _brokerage_sections(provider_profile) == []
    assert selectors.offer_of(w["b"]) is None


def test_whom_one_may_invite_is_every_brokerage_by_name_and_the_area_filter_narrows_the_directory(
    council, other_council, provider_org
):
    profile_for(provider_org, areas=[council])
    cedar = brokerage_org("BRK-C", "Cedar Brokerage", areas=[council])
    alder = brokerage_org("BRK-A", "Alder Brokerage", areas=[council, other_council])
    birch = brokerage_org("BRK-B", "Birch Brokerage", areas=[other_council])
    assert list(selectors.brokerages()) == [alder, birch, cedar]
    assert [p.provider for p in selectors.brokerage_profiles()] == [alder, birch, cedar]
    assert [p.provider for p in selectors.brokerage_profiles(council=council.gss_code)] == [alder, cedar]
    assert [p.provider for p in selectors.brokerage_profiles(council=other_council.gss_code)] == [
        alder,
        birch,
    ]


def test_staff_who_also_act_for_a_relative_see_the_relatives_invitations_as_well(w, council, other_council):
    """Being a broker, or staff of another council, takes nothing away from what a family member sees."""
    relative = PersonFactory(council=other_council, given_name="Kim", family_name="Kin")
    bristol = staff(Role.COMMISSIONER, council=other_council)
    for_relative = _invite(relative, w["b"], bristol)
    approver_here = staff(Role.APPROVER, council=council)
    Representative.objects.create(person=relative, user=approver_here)
    Representative.objects.create(person=relative, user=w["broker_a"])
    assert for_relative in set(selectors.invitations_visible_to(user=approver_here))
    assert set(selectors.invitations_visible_to(user=w["broker_a"])) == {*w["live"], for_relative}
    assert list(selectors.family_invitations(user=w["broker_a"])) == [for_relative]


def _queries(listing, *paths):
    """How many queries listing the rows with what the page shows of each (names, who invited)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    list(listing())  # who the user is, read once per request, is not what is counted
    with CaptureQueriesContext(connection) as ctx:
        for row in listing():
            for path in paths:
                value = row
                for part in path.split("."):
                    value = getattr(value, part)
                    value = list(value.all()) if hasattr(value, "all") else value
                str(value)
    return len(ctx)


def test_the_lists_of_invitations_and_brokerages_take_the_same_queries_for_three_rows_as_for_one(
    council, commissioner
):
    """No query per row: the pages list a caseload's invitations, and the directory, in fixed queries."""
    a = brokerage_org("BRK-A", "Alder Brokerage", areas=[council])
    services.save_offer(brokerage=a, cost="Free", funded_by=[council])
    broker = broker_at(a)
    family = UserFactory()
    people = [PersonFactory(council=council) for _ in range(3)]
    counts = []
    for n in (1, 3):
        for person in people[:n]:
            if not Invitation.objects.filter(person=person).exists():
                Representative.objects.create(person=person, user=family)
                ended = _invite(person, a, commissioner)
                services.end_invitation(invitation=ended, actor=family)
                _invite(person, a, commissioner)
        first = people[0]
        while Invitation.objects.filter(person=first, ended_at__isnull=False).count() < n:
            live = Invitation.objects.get(person=first, ended_at__isnull=True)
            services.end_invitation(invitation=live, actor=family)
            _invite(first, a, commissioner)
        listings = (
            (lambda: selectors.live_invitations_for_broker(user=broker), "person", "brokerage"),
            (
                lambda: selectors.invitations_visible_to(user=commissioner),
                "person", "brokerage", "invited_by", "ended_by",
            ),
            (
                lambda: selectors.council_invitations(person=people[0]),
                "brokerage", "invited_by", "ended_by",
            ),
        )  # fmt: skip
        counts.append([_queries(listing, *paths) for listing, *paths in listings])
    assert counts[0] == counts[1]
    directory = []
    for ref, name in (("BRK-B", "Birch"), ("BRK-C", "Cedar")):
        directory.append(
            _queries(
                selectors.brokerage_profiles,
                "provider.name", "council_areas", "provider.brokerage_offer.funded_by",
            )
        )  # fmt: skip
        services.save_offer(
            brokerage=brokerage_org(ref, name, areas=[council]), cost="Free", funded_by=[council]
        )
    assert directory[0] == directory[1]
