"""Matrix rows for brokerage: finding a broker, the family's invitations and asks, the broker's pages and
the commissioner's invitation.

The world's broker (role `broker`, at "Own Brokerage") is invited by the family for the family's person
("own") and for nobody else. Objects: a second brokerage the family may invite; an ask the broker wrote
for the own person, and one for the other tenant's person through another brokerage's invitation.
"""

from brokerage.models import DraftAsk, Invitation
from organisations.services import system_actor
from providers.models import OrganisationKind, ProviderProfile
from tests.factories import ProviderFactory
from tests.matrix.harness import Row
from tests.providers.factories import profile_for

# Roles: anonymous commissioner approver monitoring_officer provider_manager provider_finance family
# platform_admin council_admin broker
EVERYONE = "200 200 200 200 200 200 200 200 200 200"
FAMILY_ONLY = "302 403 403 403 403 403 200 403 403 403"
FAMILY_POSTS = "302 403 403 403 403 403 302 403 403 403"
BROKER_ONLY = "302 403 403 403 403 403 403 403 403 200"
# A page about one person for their broker: those who see the person but are no broker get 403, those
# who do not see them (a council administrator) 404.
FOR_BROKER_OF = "302 403 403 403 403 403 403 403 404 200"
BROKER_POSTS = "302 403 403 403 403 403 403 403 404 302"
NOBODY_ELSE = "302 404 404 404 404 404 404 403 404 404"


def _brokerage(ref, name):
    provider = ProviderFactory(provider_ref=ref, name=name)
    ProviderProfile.objects.create(provider=provider, organisation_kind=OrganisationKind.SUPPORT_BROKERAGE)
    return provider


def populate(world):
    own_person, other_person = world.objects["person"]["own"], world.objects["person"]["other"]
    second = _brokerage("BRK-S", "Second Brokerage")
    faraway = _brokerage("BRK-F", "Faraway Brokerage")
    target = ProviderFactory(provider_ref="PRV-ASK", name="Asked Provider")
    profile_for(target, areas=[world.councils["own"]])
    other_invitation = Invitation.objects.create(
        person=other_person, brokerage=faraway, purpose="p", invited_as="family", invited_by=system_actor()
    )
    broker = world.users["broker"]
    world.objects["brokerage"] = {
        "second": second,
        "target": target,
        "invitation": {"own": world.objects["invitation"], "other": other_invitation},
        "ask": {
            "own": DraftAsk.objects.create(
                invitation=world.objects["invitation"],
                person=own_person,
                provider=target,
                message="Could you meet us?",
                drafted_by=broker,
            ),  # fmt: skip
            "other": DraftAsk.objects.create(
                invitation=other_invitation,
                person=other_person,
                provider=target,
                message="Could you meet them?",
                drafted_by=system_actor(),
            ),  # fmt: skip
        },
    }


def _b(name):
    return lambda w, t: w.objects["brokerage"][name][t]


def _person_url(template):
    return lambda w, t: template.format(
        pk=w.objects["person"][t].pk, target=w.objects["brokerage"]["target"].pk
    )


ROWS = [
    Row("brokerage:directory", EVERYONE, lambda w, t: "/brokerage/"),
    Row(
        "brokerage:enquire", EVERYONE, lambda w, t: f"/brokerage/{w.providers['brokerage'].pk}/ask-for-help/"
    ),
    Row(
        "brokerage:enquire",
        EVERYONE,
        lambda w, t: f"/brokerage/{w.providers['brokerage'].pk}/ask-for-help/",
        method="post",
        data=lambda w, t: {"name": "Hilary", "contact": "01305 000", "message": "Help", "pays_own_way": "on"},
    ),
    Row(
        "brokerage:enquire",
        "404 404 404 404 404 404 404 404 404 404",
        lambda w, t: f"/brokerage/{w.providers['own'].pk}/ask-for-help/",
        note="(a provider is no brokerage)",
    ),
    Row("brokerage:family", FAMILY_ONLY, lambda w, t: "/brokerage/your-help/"),
    Row("brokerage:invite", FAMILY_ONLY, lambda w, t: "/brokerage/your-help/invite/"),
    Row(
        "brokerage:invite",
        FAMILY_POSTS,
        lambda w, t: "/brokerage/your-help/invite/",
        method="post",
        data=lambda w, t: {
            "person": w.objects["person"]["own"].pk,
            "brokerage": w.objects["brokerage"]["second"].pk,
            "purpose": "Help me choose",
        },
    ),
    Row(
        "brokerage:invitation-end",
        # The council and the broker see the invitation but cannot end it; only the family can.
        "302 403 403 404 404 404 200 403 404 403",
        lambda w, t: f"/brokerage/invitations/{_b('invitation')(w, t).pk}/end/",
        other=NOBODY_ELSE,
    ),
    Row(
        "brokerage:invitation-end",
        "302 403 403 404 404 404 302 403 404 403",
        lambda w, t: f"/brokerage/invitations/{_b('invitation')(w, t).pk}/end/",
        other=NOBODY_ELSE,
        method="post",
        data=lambda w, t: {"reason": ""},
    ),
    Row(
        "brokerage:ask-confirm",
        "302 404 404 404 404 404 302 404 404 403",
        lambda w, t: f"/brokerage/asks/{_b('ask')(w, t).pk}/send/",
        other="302 404 404 404 404 404 404 404 404 404",
        method="post",
        data=lambda w, t: {},
    ),
    Row(
        "brokerage:ask-not-sent",
        "302 404 404 404 404 404 302 404 404 403",
        lambda w, t: f"/brokerage/asks/{_b('ask')(w, t).pk}/do-not-send/",
        other="302 404 404 404 404 404 404 404 404 404",
        method="post",
        data=lambda w, t: {},
    ),
    Row("brokerage:home", BROKER_ONLY, lambda w, t: "/brokerage/people/"),
    Row("brokerage:person", FOR_BROKER_OF, _person_url("/brokerage/people/{pk}/"), other=NOBODY_ELSE),
    Row(
        "brokerage:shortlist",
        BROKER_POSTS,
        _person_url("/brokerage/people/{pk}/shortlist/"),
        other=NOBODY_ELSE,
        method="post",
        data=lambda w, t: {"provider": w.objects["brokerage"]["target"].pk},
    ),
    Row(
        "brokerage:ask", FOR_BROKER_OF, _person_url("/brokerage/people/{pk}/ask/{target}/"), other=NOBODY_ELSE
    ),
    Row(
        "brokerage:ask",
        "302 403 403 403 403 403 403 403 404 400",
        _person_url("/brokerage/people/{pk}/ask/{target}/"),
        other=NOBODY_ELSE,
        method="post",
        data=lambda w, t: {"message": "Please meet us"},
        note="(one already waiting)",
    ),
    Row(
        "brokerage:commissioner-invite",
        "302 200 403 403 403 403 403 403 404 403",
        _person_url("/brokerage/people/{pk}/invite/"),
        other=NOBODY_ELSE,
    ),
    Row(
        "brokerage:commissioner-invite",
        "302 302 403 403 403 403 403 403 404 403",
        _person_url("/brokerage/people/{pk}/invite/"),
        other=NOBODY_ELSE,
        method="post",
        data=lambda w, t: {
            "brokerage": w.objects["brokerage"]["second"].pk,
            "purpose": "Plan",
            "family_agreement": "Agreed at the meeting",
        },
    ),
]
