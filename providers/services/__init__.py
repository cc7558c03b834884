"""Writes for directory profiles, choices of provider and flexible agreements.

Each service is keyword-only, takes the acting user, runs in one transaction, writes its audit entry and
raises `ProviderError` with a message a person can read. State changes lock the row first
(`select_for_update`) so that two clicks, or a person and a scheduled job at once, cannot both act.

One module per idea; import from here (`providers.services`), which names every public one: errors,
profiles (the directory profile), choices (choosing a provider and the provider's answer), agreements
(setting up a flexible agreement and changing its terms) and lifecycle (accepting, notice, the move to
another provider, the end, and the daily job).
"""

from .agreements import (
    agreement_being_left,
    change_agreement_terms,
    default_unspent_limit,
    isf_arrangements_for,
    set_up_agreement,
)
from .choices import _open_choice as _open_choice  # block_conversion.py finds an open choice with it
from .choices import (
    accept_choice,
    ask_provider,
    decline_choice,
    record_choice,
    shortlist_provider,
    withdraw_choice,
)
from .errors import ProviderError
from .lifecycle import (
    accept_agreement,
    complete_due_changes,
    complete_move,
    decline_agreement,
    end_agreement,
    give_notice,
    withdraw_agreement,
)
from .profiles import (
    ensure_profile,
    normalise_postcode_district,
    update_profile,
    update_profile_from_self_assessment,
)

__all__ = [
    "ProviderError",
    "accept_agreement",
    "accept_choice",
    "agreement_being_left",
    "ask_provider",
    "change_agreement_terms",
    "complete_due_changes",
    "complete_move",
    "decline_agreement",
    "decline_choice",
    "default_unspent_limit",
    "end_agreement",
    "ensure_profile",
    "give_notice",
    "isf_arrangements_for",
    "normalise_postcode_district",
    "record_choice",
    "set_up_agreement",
    "shortlist_provider",
    "update_profile",
    "update_profile_from_self_assessment",
    "withdraw_agreement",
    "withdraw_choice",
]
