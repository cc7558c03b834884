"""The small-numbers rule as the monitoring return uses it (the rule itself is shared with the survey
reports, in organisations.small_numbers)."""

from organisations.small_numbers import (  # noqa: F401 - this module is the monitoring app's view of it
    RULE,
    SUPPRESS_BELOW,
    SUPPRESSED,
    WITHHELD,
    all_councils,
    is_small,
    primary,
    rate,
    total_and_parts,
)
