"""What families who hold their money with a provider say: outcome survey results by provider, for the
provider's directory page and the comparison (registered in SurveysConfig.ready; providers never import
surveys).

A response counts for a provider when, on the day it was sent, the person had an arrangement the
provider held for them (an Individual Service Fund or a managed direct payment) in an approved budget.
Public figures, so the small-numbers rule applies (organisations.small_numbers): nothing is shown for
fewer than 5 respondents, and an area of life answered by fewer than 5 is shown as <5.
"""

from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from budgets.models import TYPES_HELD_BY_A_PROVIDER
from budgets.selectors import counted_arrangements
from organisations.small_numbers import SUPPRESS_BELOW, SUPPRESSED, is_small

from .definitions import AREA_CODES, CHANGE_CODES, OUTCOME_SLUGS
from .models import Answer, Response, ResponseStatus
from .selectors import AREA_LABELS, _answer_map, percent_of


def _held_periods(provider_ids) -> dict[tuple[int, int], list[tuple]]:
    periods: dict[tuple[int, int], list[tuple]] = defaultdict(list)
    for person_id, provider_id, start, end in (
        counted_arrangements()
        .filter(
            provider_id__in=list(provider_ids),
            management_type__in=[t.value for t in TYPES_HELD_BY_A_PROVIDER],
        )
        .values_list("budget__person_id", "provider_id", "start_date", "end_date")
    ):
        periods[(provider_id, person_id)].append((start, end))
    return periods


def _responses_by_provider(provider_ids) -> dict[int, list[Response]]:
    periods = _held_periods(provider_ids)
    people = {person_id for (_, person_id) in periods}
    qs = (
        Response.objects.filter(
            survey__slug__in=OUTCOME_SLUGS, status=ResponseStatus.SUBMITTED, person_id__in=people
        )
        .order_by("-submitted_at", "-pk")
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("question", "option")))
    )
    seen: set[tuple] = set()
    out: dict[int, list[Response]] = defaultdict(list)
    for response in qs:
        key = (response.survey_id, response.person_id)
        if key in seen:
            continue  # each respondent's latest answer to each survey
        seen.add(key)
        day = timezone.localtime(response.submitted_at).date()
        for provider_id in provider_ids:
            if any(
                s <= day and (e is None or e >= day)
                for s, e in periods.get((provider_id, response.person_id), ())
            ):
                out[provider_id].append(response)
    return out


def _summary(responses: list[Response]) -> dict:
    respondents = len(responses)
    if respondents < SUPPRESS_BELOW:
        return {"respondents": SUPPRESSED if is_small(respondents) else 0, "shown": False, "areas": []}
    maps = [_answer_map(r) for r in responses]
    any_better = sum(1 for m in maps if any("better" in m.get(a, ()) for a in AREA_CODES))
    areas = []
    for code in AREA_CODES:
        counts = dict.fromkeys(CHANGE_CODES, 0)
        for m in maps:
            for option in m.get(code, ()):
                if option in CHANGE_CODES:
                    counts[option] += 1
        answered = sum(counts.values())
        if answered == 0:
            continue
        small = answered < SUPPRESS_BELOW
        areas.append(
            {
                "code": code,
                "label": AREA_LABELS.get(code, code),
                "answered": SUPPRESSED if small else answered,
                "better_percent": None if small else percent_of(counts["better"], answered),
                "worse_percent": None if small else percent_of(counts["worse"], answered),
            }
        )
    return {
        "respondents": respondents,
        "shown": True,
        "any_better": any_better,
        "any_better_percent": percent_of(any_better, respondents),
        "areas": areas,
    }


def outcome_results_for_providers(provider_ids) -> dict[int, dict]:
    by_provider = _responses_by_provider(list(provider_ids))
    return {pid: _summary(by_provider.get(pid, [])) for pid in provider_ids}


def provider_results_section(profile, request):
    """The "What families say" section of a provider's directory page."""
    if profile.organisation_kind == "support_brokerage":
        return None
    results = outcome_results_for_providers([profile.provider_id])[profile.provider_id]
    return {"template": "surveys/_provider_results.html", "context": {"results": results}, "order": 20}


def provider_results_compare_row(profiles):
    ids = [p.provider_id for p in profiles]
    if not ids:
        return None
    results = outcome_results_for_providers(ids)
    cells = []
    for pid in ids:
        r = results[pid]
        if r["shown"]:
            better, people = r["any_better_percent"], r["respondents"]
            cells.append(f"{better}% of {people} families said at least one part of life got better")
        elif r["respondents"] == SUPPRESSED:
            cells.append("Fewer than 5 families have answered: not shown")
        else:
            cells.append("No families have answered yet")
    return ("What families who hold their money with them say", cells)
