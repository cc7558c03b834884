"""Matrix rows for advice: the information pages, the guided comparison and the checklist (open to
everyone, signed in or not), and a council's local contacts (its council administrators only)."""

from advice.models import LocalContact
from organisations.services import system_actor
from tests.matrix.harness import Row

# Roles: anonymous commissioner approver monitoring_officer provider_manager provider_finance family
# platform_admin council_admin broker
EVERYONE = "200 200 200 200 200 200 200 200 200 200"
NOBODY = "404 404 404 404 404 404 404 404 404 404"
OWN_SETTINGS = "302 403 403 403 404 404 404 403 200 404"
OWN_SETTINGS_POST = "302 403 403 403 404 404 404 403 302 404"
OTHER_SETTINGS = "302 404 404 404 404 404 404 403 404 404"


def populate(world):
    world.objects["advice"] = {
        t: LocalContact.objects.create(
            council=world.councils[t], topic="advocate", name=f"{t} advocacy", added_by=system_actor()
        )
        for t in ("own", "other")
    }


def _code(w, t):
    return w.councils[t].gss_code


ROWS = [
    Row("advice:index", EVERYONE, lambda w, t: "/advice/"),
    Row(
        "advice:ways-to-hold",
        EVERYONE,
        lambda w, t: "/advice/ways-to-hold-your-budget/?employ=no&paperwork=no",
    ),
    Row(
        "advice:ways-to-hold-easy-read",
        EVERYONE,
        lambda w, t: "/advice/ways-to-hold-your-budget/easy-read/?employ=yes",
    ),
    Row("advice:checklist", EVERYONE, lambda w, t: "/advice/questions-to-ask-a-provider/"),
    Row("advice:page", EVERYONE, lambda w, t: f"/advice/advocate/?council={_code(w, t)}", other=EVERYONE),
    Row("advice:page", NOBODY, lambda w, t: "/advice/no-such-page/", note="(unknown page)"),
    Row("advice:easy-read", EVERYONE, lambda w, t: f"/advice/advocate/easy-read/?council={_code(w, t)}"),
    Row(
        "local_contacts:list",
        OWN_SETTINGS,
        lambda w, t: f"/council/{_code(w, t)}/settings/local-contacts/",
        other=OTHER_SETTINGS,
    ),
    Row(
        "local_contacts:list",
        OWN_SETTINGS_POST,
        lambda w, t: f"/council/{_code(w, t)}/settings/local-contacts/",
        other=OTHER_SETTINGS,
        method="post",
        data=lambda w, t: {"topic": "complain", "name": "Complaints team", "phone": "01305 000"},
    ),
    Row(
        "local_contacts:remove",
        OWN_SETTINGS_POST,
        lambda w, t: (
            f"/council/{_code(w, 'own')}/settings/local-contacts/{w.objects['advice'][t].pk}/remove/"
        ),
        # The other council's contact under our own council's address: not found.
        other="302 403 403 403 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {},
    ),
]
