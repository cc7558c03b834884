"""A Transforming Care world: Dorset Council and NHS Dorset ICB in one partnership, Bristol and its
ICB in another, with staff for each."""

from decimal import Decimal

import pytest

from nhs.services import nhs_body_ensure, partnership_ensure
from organisations.models import Role
from tests.factories import staff


@pytest.fixture
def icb(db):
    return nhs_body_ensure(gss_code="E54000041", name="NHS Dorset Integrated Care Board", ods_code="QVV")


@pytest.fixture
def other_icb(db):
    return nhs_body_ensure(gss_code="E54000039", name="NHS Bristol Integrated Care Board", ods_code="QUY")


@pytest.fixture
def partnership(council, icb):
    return partnership_ensure(
        code="dorset-tcp", name="Dorset Transforming Care Partnership", members=[council, icb]
    )


@pytest.fixture
def other_partnership(other_council, other_icb):
    return partnership_ensure(
        code="bristol-tcp", name="Bristol Transforming Care Partnership", members=[other_council, other_icb]
    )


@pytest.fixture
def icb_commissioner(icb):
    return staff(Role.COMMISSIONER, council=icb, email="commissioner@icb.example.org")


@pytest.fixture
def icb_approver(icb):
    return staff(
        Role.APPROVER, council=icb, approval_limit=Decimal("80000.00"), email="approver@icb.example.org"
    )


@pytest.fixture
def icb_monitoring(icb):
    return staff(Role.MONITORING_OFFICER, council=icb, email="monitoring@icb.example.org")


@pytest.fixture
def other_icb_approver(other_icb):
    return staff(
        Role.APPROVER,
        council=other_icb,
        approval_limit=Decimal("80000.00"),
        email="approver@icb2.example.org",
    )
