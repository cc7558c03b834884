"""Plain words for how a person holds their budget, shared by the monitoring return and the survey
reports so that both name the same groups the same way."""

# A person's set of ways of holding their budget: one way ("only") or more than one ("mixed").
DELIVERY_CLASS_LABELS = {
    "direct_payment_only": "Direct payment only (self-managed)",
    "direct_payment_managed_only": "Managed direct payment only",
    "isf_only": "Individual Service Fund only",
    "commissioner_controlled_only": "Council-managed budget only",
    "mixed": "More than one way (mixed)",
}

# The same groups keyed as the surveys snapshot them (a type code, "mixed", or "none").
GROUP_LABELS = {
    "direct_payment": DELIVERY_CLASS_LABELS["direct_payment_only"],
    "direct_payment_managed": DELIVERY_CLASS_LABELS["direct_payment_managed_only"],
    "isf": DELIVERY_CLASS_LABELS["isf_only"],
    "commissioner_controlled": DELIVERY_CLASS_LABELS["commissioner_controlled_only"],
    "mixed": DELIVERY_CLASS_LABELS["mixed"],
    "none": "No budget arrangement at the time",
}
