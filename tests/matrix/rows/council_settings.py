"""Matrix rows for a council's settings pages (council administrators only).

Roles, in order: anonymous, commissioner, approver, monitoring_officer, provider_manager,
provider_finance, family, platform_admin, council_admin. Own tenant = council A, whose council_admin is
the matrix's; other = council B. Staff of council A who are not its administrators see the council but
may not change it (403); people who cannot see it at all, and anyone asking for another council, get
404. A platform administrator sees every council but uses the Django admin (403).
"""

from decimal import Decimal

from budgets import services
from organisations.models import Membership, Role
from tests.factories import staff
from tests.matrix.harness import Row

OWN_PAGE = "302 403 403 403 404 404 404 403 200 404"
OTHER_PAGE = "302 404 404 404 404 404 404 403 404 404"
OWN_POST_DONE = "302 403 403 403 404 404 404 403 302 404"


def populate(world) -> None:
    objects = {}
    for tenant in ("own", "other"):
        council = world.councils[tenant]
        questionnaire = services.ensure_default_questionnaire(council=council)
        approver = (
            world.users["approver"]
            if tenant == "own"
            else staff(Role.APPROVER, council=council, approval_limit=Decimal("100000.00"))
        )
        objects[tenant] = {
            "code": council.gss_code,
            "question": questionnaire.questions.first(),
            "adjustment": questionnaire.adjustments.first(),
            "membership": Membership.objects.get(user=approver, council=council, role=Role.APPROVER),
        }
    world.objects["council_settings"] = objects


def _o(world, tenant):
    return world.objects["council_settings"][tenant]


def _page(name, suffix, **extra):
    return Row(
        name,
        OWN_PAGE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/{suffix}",
        other=OTHER_PAGE,
        **extra,
    )


ROWS = [
    Row(
        "council:settings-home",
        "302 403 403 403 403 403 403 403 302 403",
        lambda w, t: "/council/settings/",
        note="(a council admin is sent to their council)",
    ),
    _page("council:settings", ""),
    _page("council:staff", "staff/"),
    _page("council:staff-add", "staff/add/"),
    Row(
        "council:staff-add",
        OWN_POST_DONE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/staff/add/",
        other=OTHER_PAGE,
        method="post",
        data=lambda w, t: {"email": "new.person@example.org", "role": "commissioner"},
        note="(add)",
    ),
    Row(
        "council:staff-member",
        OWN_PAGE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/staff/{_o(w, t)['membership'].pk}/",
        other=OTHER_PAGE,
    ),
    Row(
        "council:staff-member",
        OWN_POST_DONE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/staff/{_o(w, t)['membership'].pk}/",
        other=OTHER_PAGE,
        method="post",
        data=lambda w, t: {"approval_limit": "1"},
        note="(change a limit)",
    ),
    Row(
        "council:staff-member",
        OWN_POST_DONE,
        lambda w, t: f"/council/{_o(w, 'own')['code']}/settings/staff/{_o(w, t)['membership'].pk}/",
        other="302 403 403 403 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"remove": "1"},
        note="(remove; the other council's role under our own address)",
    ),
    _page("allocation:overview", "allocation/"),
    _page("allocation:price", "allocation/price/"),
    Row(
        "allocation:price",
        OWN_POST_DONE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/allocation/price/",
        other=OTHER_PAGE,
        method="post",
        data=lambda w, t: {"price_per_point": "1.00"},
    ),
    _page("allocation:question-add", "allocation/questions/add/"),
    Row(
        "allocation:question",
        OWN_PAGE,
        lambda w, t: f"/council/{_o(w, t)['code']}/settings/allocation/questions/{_o(w, t)['question'].pk}/",
        other=OTHER_PAGE,
    ),
    Row(
        "allocation:question",
        OWN_POST_DONE,
        lambda w, t: (
            f"/council/{_o(w, 'own')['code']}/settings/allocation/questions/{_o(w, t)['question'].pk}/"
        ),
        other="302 403 403 403 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"remove": "1"},
        note="(remove; the other council's question under our own address)",
    ),
    _page("allocation:adjustment-add", "allocation/adjustments/add/"),
    Row(
        "allocation:adjustment",
        OWN_PAGE,
        lambda w, t: (
            f"/council/{_o(w, t)['code']}/settings/allocation/adjustments/{_o(w, t)['adjustment'].pk}/"
        ),
        other=OTHER_PAGE,
    ),
    Row(
        "allocation:adjustment",
        OWN_POST_DONE,
        lambda w, t: (
            f"/council/{_o(w, 'own')['code']}/settings/allocation/adjustments/{_o(w, t)['adjustment'].pk}/"
        ),
        other="302 403 403 403 404 404 404 403 404 404",
        method="post",
        data=lambda w, t: {"remove": "1"},
        note="(remove; the other council's adjustment under our own address)",
    ),
]
