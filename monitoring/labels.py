"""Plain names for the codes a return uses."""

from budgets.labels import DELIVERY_CLASS_LABELS, GROUP_LABELS  # noqa: F401 - shared with surveys
from budgets.models import ManagementType, PrimarySupportReason

MANAGEMENT_TYPE_LABELS = dict(ManagementType.choices)
SUPPORT_REASON_LABELS = dict(PrimarySupportReason.choices)
AGE_BAND_LABELS = {
    "0-17": "0 to 17",
    "18-64": "18 to 64",
    "65-74": "65 to 74",
    "75-84": "75 to 84",
    "85+": "85 and over",
}
SALT_LABELS = {
    "direct_payment_only": "Direct payment only",
    "part_direct_payment": "Part direct payment",
    "cassr_managed_personal_budget": "CASSR-managed personal budget",
}
RATE_LABELS = {
    "personal_budgets": "Personal budgets",
    "direct_payments": "Direct payments (self-managed or managed)",
    "managed_third_party": "Managed third-party budgets (ISF and managed direct payment)",
    "self_managed_direct_payments": "Self-managed direct payments",
    "isf": "Individual Service Funds",
    "council_managed": "Council-managed budgets",
}
WITH_ANY_LABELS = {
    "direct_payment": "A self-managed direct payment",
    "direct_payment_managed": "A direct payment managed by a third party",
    "isf": "An Individual Service Fund",
    "commissioner_controlled": "A council-managed budget",
}
SDS_LABELS = {
    "option_1": "Option 1: direct payment (self-managed or managed)",
    "option_2": "Option 2: Individual Service Fund",
    "option_3": "Option 3: council-managed",
    "option_4": "Option 4: a mix of options",
}
RATE_BAND_LABELS = {"18-64": "18 to 64", "65+": "65 and over"}
