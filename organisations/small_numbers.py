"""Small numbers (DESIGN.md, "Small numbers"): what another council may see of a council's figures,
shared by the monitoring return and the survey reports.

Primary suppression: a count from 1 to 4 is shown as `<5`, and so is a rate resting on fewer than 5
people. Secondary suppression: where a table has a total and its parts, one hidden part could be
worked back out as the total minus the others, so a second part is hidden too (the smallest, so the
least is lost). A second part that is 0 is shown as `<5` as well (which is true); one of 5 or more is
shown as `[c]` ("withheld"). A figure for all councils together is withheld when taking this council's
own figure away from it would leave a hidden figure of another council, or another council's total
under 5.
"""

from collections.abc import Iterable

SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
WITHHELD = "[c]"

RULE = (
    "Figures about another council are shown only in a way that cannot identify a person. A count from "
    "1 to 4 is shown as <5, and so is a rate resting on fewer than 5 people. Where a table gives a total "
    "and its parts, one hidden part could be worked out as the total minus the others, so a second part "
    "is hidden too: as <5 when it is 0, or as [c] (withheld) when it is 5 or more. A figure for all "
    "councils together is withheld ([c]) when taking a council's own figure away from it would reveal "
    "another council's hidden figure. Survey results follow the same rule: another council's answers "
    "are never shown when fewer than 5 people gave them, and groups of fewer than 5 respondents are "
    "shown as <5 everywhere."
)


def is_small(value) -> bool:
    return isinstance(value, int) and 0 < value < SUPPRESS_BELOW


def primary(value):
    """A single count as another council may see it."""
    return SUPPRESSED if is_small(value) else value


def rate(value, people: int | None):
    """A rate as another council may see it: hidden when it rests on 1 to 4 people."""
    return SUPPRESSED if is_small(people) else value


def total_and_parts(total: int, parts: dict[str, int]) -> tuple[object, dict[str, object]]:
    """A total and the parts that add up to it, with primary and secondary suppression, so that no
    hidden part can be worked out from the total and the parts shown."""
    shown_total = primary(total)
    hidden = {k for k, v in parts.items() if is_small(v)}
    # With the total shown, a single hidden part is the total minus the others: hide one more.
    if shown_total != SUPPRESSED and len(hidden) == 1:
        candidates = sorted((v, k) for k, v in parts.items() if k not in hidden)
        if candidates:
            hidden.add(candidates[0][1])
    shown = {}
    for key, value in parts.items():
        if key not in hidden:
            shown[key] = value
        else:
            shown[key] = SUPPRESSED if value < SUPPRESS_BELOW else WITHHELD
    return shown_total, shown


def all_councils(own: int, others: Iterable[int], *, others_shown: Iterable[object] = ()) -> object:
    """Own plus others' figures, withheld when others' part of it could be worked out to reveal a hidden
    figure: some other council's figure is hidden, or the others add up to 1 to 4."""
    others = list(others)
    if any(v in (SUPPRESSED, WITHHELD) for v in others_shown) or is_small(sum(others)):
        return WITHHELD
    return own + sum(others)
