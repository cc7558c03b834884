"""Plain names for the codes a return uses."""

from budgets.models import ManagementType, PrimarySupportReason

DELIVERY_CLASS_LABELS = {
    "direct_payment_only": "Direct payment only (self-managed)",
    "direct_payment_managed_only": "Managed direct payment only",
    "isf_only": "Individual Service Fund only",
    "commissioner_controlled_only": "Council-managed budget only",
    "mixed": "More than one way (mixed)",
}
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
}
