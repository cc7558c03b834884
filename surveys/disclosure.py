"""Small numbers in survey results (DESIGN.md, "Small numbers"; the rule is organisations.small_numbers).

- A group of fewer than 5 respondents (a way of holding the budget, or a process-and-outcome group) is
  shown as `<5` everywhere, its answers with it; where only one group would be hidden, the next
  smallest is hidden too, so that it cannot be worked out from the total.
- A council's own answers are shown to that council. Beside them, the "all councils" figures are
  withheld (`[c]`) wherever taking the council's own away would leave 1 to 4 answers of other
  councils, so no other council's answer can be worked out by subtraction.
"""

import copy

from organisations.small_numbers import SUPPRESSED, WITHHELD, is_small

from .definitions import OUTCOME_SLUGS

CELL_KEYS = ("answered", "better", "same", "worse", "better_percent", "same_percent", "worse_percent")
LINK_KEYS = (
    "respondents",
    "any_better",
    "any_better_percent",
    "area_answers",
    "better_answers",
    "better_percent",
)


def _marker(value) -> str:
    return SUPPRESSED if isinstance(value, int) and value < 5 else WITHHELD


def _hidden_groups(sizes: dict[str, int], also: set[str] = frozenset()) -> set[str]:
    """Groups under 5 (and any in `also`); with exactly one hidden, the smallest other one too."""
    hidden = {k for k, v in sizes.items() if is_small(v)} | set(also)
    if len(hidden) == 1 and len(sizes) > 1:
        rest = sorted((v, k) for k, v in sizes.items() if k not in hidden)
        hidden.add(rest[0][1])
    return hidden


def protect_outcome_report(report: dict, *, own: dict | None = None) -> dict:
    """An outcome report (selectors.outcome_report) as it may be shown. `own` is the viewer's council's
    report when `report` covers all councils: then figures that would reveal other councils' answers
    by subtraction are withheld."""
    out = copy.deepcopy(report)
    sizes = dict(report["by_management_type"])
    others_small: set[str] = set()
    withhold_all = False
    if own is not None:
        own_sizes = own["by_management_type"]
        others_small = {k for k, v in sizes.items() if is_small(v - own_sizes.get(k, 0))}
        withhold_all = is_small(report["respondents"] - own["respondents"])
    hidden = set(sizes) if withhold_all else _hidden_groups(sizes, others_small)
    out["by_management_type"] = {k: (_marker(v) if k in hidden else v) for k, v in sizes.items()}
    out["hidden_types"] = sorted(hidden)
    if withhold_all:
        out["respondents"] = WITHHELD
    elif is_small(report["respondents"]):
        out["respondents"] = SUPPRESSED
    own_cells = {}
    if own is not None:
        own_cells = {(a["code"], c["type"]): c for a in own["areas"] for c in a["by_type"]}
    for area in out["areas"]:
        withheld_here = False
        for cell in area["by_type"]:
            if cell["type"] in hidden:
                _hide(cell, CELL_KEYS, _marker(sizes.get(cell["type"], 5)))
                withheld_here = True
                continue
            if own is not None and cell["type"] != "all":
                mine = own_cells.get((area["code"], cell["type"]), {})
                if any(is_small(cell[k] - mine.get(k, 0)) for k in ("better", "same", "worse")):
                    _hide(cell, CELL_KEYS, WITHHELD)
                    withheld_here = True
        for cell in area["by_type"]:
            if cell["type"] != "all":
                continue
            mine = own_cells.get((area["code"], "all"), {})
            others = [cell[k] - mine.get(k, 0) for k in ("better", "same", "worse")] if own else []
            # With one group's cell hidden, the "all" cell minus the others would reveal it.
            if withhold_all or (withheld_here and len(hidden) < 2) or any(is_small(v) for v in others):
                _hide(cell, CELL_KEYS, SUPPRESSED if is_small(report["respondents"]) else WITHHELD)
    own_links = {}
    if own is not None:
        own_links = {(link["code"], g["label"]): g for link in own["links"] for g in link["groups"]}
    for link in out["links"]:
        for group in link["groups"]:
            mine = own_links.get((link["code"], group["label"]))
            small_here = is_small(group["respondents"])
            small_others = mine is not None and any(
                is_small(group[k] - mine[k]) for k in ("respondents", "any_better", "better_answers")
            )
            if small_here:
                _hide(group, LINK_KEYS, SUPPRESSED)
            elif withhold_all or small_others:
                _hide(group, LINK_KEYS, WITHHELD)
    return out


def _hide(cell: dict, keys, marker: str) -> None:
    for key in keys:
        if key in cell:
            cell[key] = marker
    cell["hidden"] = True


def protect_platform_survey_report(platform: dict, *, own: dict) -> dict:
    """The all-councils answers to each question as shown beside a council's own: an option's figure
    is withheld where other councils' part of it is 1 to 4 people (and, where that leaves one option
    withheld in a question, the option with the fewest other-council answers too)."""
    out = copy.deepcopy(platform)
    others_total = platform["respondents"] - own["respondents"]
    if is_small(others_total):
        out["respondents"] = WITHHELD
    for code, question in out["questions"].items():
        mine = own["questions"].get(code, {"options": {}})["options"]
        others = {
            option: figures["count"] - mine.get(option, {}).get("count", 0)
            for option, figures in question["options"].items()
        }
        if is_small(others_total):
            withheld = set(others)
        else:
            withheld = {o for o, n in others.items() if is_small(n)}
            if len(withheld) == 1 and len(others) > 1:
                rest = sorted((n, o) for o, n in others.items() if o not in withheld)
                withheld.add(rest[0][1])
        for option in withheld:
            question["options"][option] = {"count": WITHHELD, "percent": WITHHELD}
    return out


def protect_groups(groups: dict[str, dict]) -> dict[str, dict]:
    """`{group: {"respondents": n, "questions": {...options...}}}` (the survey report by way of holding
    the budget): groups under 5 shown as `<5`, their answers too, and a second group hidden where only
    one would be."""
    sizes = {k: g["respondents"] for k, g in groups.items()}
    hidden = _hidden_groups(sizes)
    out = {}
    for key, group in groups.items():
        if key not in hidden:
            out[key] = group
            continue
        marker = _marker(group["respondents"])
        out[key] = {
            "respondents": marker,
            "questions": {
                code: {"options": {o: {"count": marker, "percent": marker} for o in q["options"]}}
                for code, q in group["questions"].items()
            },
        }
    return out


def protect_outcome_results(results: dict) -> dict:
    """The monitoring return's outcome survey (`selectors.outcome_results_by_management_type`): groups
    under 5 as `<5`, their answers too."""
    groups = results.get("by_management_type") or {}
    hidden = _hidden_groups({k: g["respondents"] for k, g in groups.items()})
    out = {
        "respondents": SUPPRESSED if is_small(results["respondents"]) else results["respondents"],
        "by_management_type": {},
    }
    for key, group in groups.items():
        if key not in hidden:
            out["by_management_type"][key] = group
            continue
        marker = _marker(group["respondents"])
        out["by_management_type"][key] = {
            "respondents": marker,
            "life_areas": {area: dict.fromkeys(v, marker) for area, v in group["life_areas"].items()},
        }
    return out


def outcome_reports(*, council, slugs=OUTCOME_SLUGS) -> tuple[dict | None, dict]:
    """The council's outcome report and the all-councils one, both as they may be shown to it (the
    all-councils one alone, groups under 5 hidden, when there is no council: a platform admin)."""
    from .selectors import outcome_report

    platform = outcome_report(slugs=slugs)
    if council is None:
        return None, protect_outcome_report(platform)
    own = outcome_report(council=council, slugs=slugs)
    return protect_outcome_report(own), protect_outcome_report(platform, own=own)


def survey_reports(*, survey, council) -> tuple[dict | None, dict]:
    """The council's answers to every question and all councils' beside them, as they may be shown."""
    from .selectors import survey_report

    platform = survey_report(survey=survey)
    if council is None:
        return None, platform
    own = survey_report(survey=survey, council=council, include_council_questions=True)
    return own, protect_platform_survey_report(platform, own=own)
