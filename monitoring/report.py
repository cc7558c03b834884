"""A whole return: the figures (counting.py) plus the change since the previous period, the managed
third-party trend, other councils' published figures and, when the surveys app offers it, outcomes."""

from organisations.models import Council

from .counting import DELIVERY_CLASSES, RATE_KEYS, compute_figures, managed_third_party_history
from .models import MonitoringReturn
from .periods import Period

try:  # Provided by the surveys app; the return works without it.
    from surveys.selectors import outcome_results_by_management_type
except ImportError:  # pragma: no cover - depends on what is installed
    outcome_results_by_management_type = None

# Another council's counts below this are shown as "<5": small numbers can identify people.
SUPPRESS_BELOW = 5
SUPPRESSED = "<5"
HISTORY_LENGTH = 5


def _change(now, before):
    if now is None or before is None:
        return None
    if isinstance(now, float) or isinstance(before, float):
        return round(now - before, 1)
    return now - before


def change_since(current: dict, previous: dict) -> dict:
    """The difference in each headline figure, current minus previous (rates in points per 1,000)."""
    return {
        "people_at_period_end": {
            "total": _change(
                current["people_at_period_end"]["total"], previous["people_at_period_end"]["total"]
            ),
            "by_delivery": {
                c: _change(
                    current["people_at_period_end"]["by_delivery"][c],
                    previous["people_at_period_end"]["by_delivery"][c],
                )
                for c in DELIVERY_CLASSES
            },
        },
        "managed_third_party": {
            k: _change(current["managed_third_party"][k], previous["managed_third_party"][k])
            for k in ("people_at_period_end", "people_during_period")
        },
        "rates_per_1000_adults": {
            k: _change(current["rates_per_1000_adults"][k], previous["rates_per_1000_adults"][k])
            for k in RATE_KEYS
        },
    }


def suppress(count: int) -> int | str:
    return SUPPRESSED if count < SUPPRESS_BELOW else count


def published_figures_of_others(*, council: Council, period: Period) -> list[dict]:
    """The latest published return of every other council for this period, small counts suppressed.
    A rate resting on a suppressed count is left out too (with the population it would give the count)."""
    latest = (
        MonitoringReturn.objects.filter(period=period.label, published_at__isnull=False)
        .exclude(council=council)
        .select_related("council")
        .order_by("council__name", "council_id", "-version")
        .distinct("council__name", "council_id")
    )
    others = []
    for r in latest:
        f = r.figures
        adults = f.get("adults_at_period_end", {})
        others.append(
            {
                "council": r.council.gss_code,
                "name": r.council.name,
                "version": r.version,
                "people_at_period_end": {
                    "total": suppress(f["people_at_period_end"]["total"]),
                    "by_delivery": {
                        c: suppress(f["people_at_period_end"]["by_delivery"][c]) for c in DELIVERY_CLASSES
                    },
                },
                "managed_third_party": {
                    k: suppress(f["managed_third_party"][k])
                    for k in ("people_at_period_end", "people_during_period")
                },
                "rates_per_1000_adults": {
                    k: (None if adults.get(k, 0) < SUPPRESS_BELOW else f["rates_per_1000_adults"].get(k))
                    for k in RATE_KEYS
                },
            }
        )
    return others


def outcome_survey(*, council: Council, period: Period) -> dict | None:
    if outcome_results_by_management_type is None:
        return None
    return outcome_results_by_management_type(council=council, start=period.start, end=period.end)


def build_return(*, council: Council, period: Period) -> dict:
    """Everything a return holds, as plain JSON-ready data (numbers; money as strings)."""
    figures = compute_figures(council=council, period=period)
    previous_period = period.previous()
    previous = compute_figures(council=council, period=previous_period)
    figures["council_name"] = council.name
    figures["previous_period"] = {
        "period": previous_period.as_dict(),
        "people_at_period_end": previous["people_at_period_end"],
        "managed_third_party": previous["managed_third_party"],
        "rates_per_1000_adults": previous["rates_per_1000_adults"],
    }
    figures["change_since_previous_period"] = change_since(figures, previous)
    figures["managed_third_party_history"] = managed_third_party_history(
        council_id=council.pk, periods=period.history(HISTORY_LENGTH)
    )
    figures["other_councils"] = published_figures_of_others(council=council, period=period)
    survey = outcome_survey(council=council, period=period)
    if survey is not None:
        figures["outcome_survey"] = survey
    return figures
