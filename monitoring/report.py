"""A whole return: the figures (counting.py) plus the change since the previous period, the managed
third-party trend, other councils' published figures and the outcome survey results."""

from datetime import date

from django.db.models import F
from django.utils import timezone

from organisations.models import Council
from surveys.disclosure import protect_outcome_results
from surveys.selectors import outcome_results_by_management_type

from . import suppression
from .budget_trend import TREND_LENGTH, budget_trend
from .carers import carer_figures
from .counting import (
    ALL_RATE_KEYS,
    DELIVERY_CLASSES,
    RATE_KEYS,
    TREND_KEYS,
    compute_figures,
    managed_third_party_history,
    rate_per_1000,
    trend_figures,
)
from .models import MonitoringReturn
from .nhs_funding import nhs_funding_figures
from .periods import Period, check_started, status_on

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


def _latest_published(*, period_labels: list[str], exclude: Council):
    """Other councils' latest published final return for each period (a provisional return is never
    published, and one made before its period ended is not final whatever it says)."""
    return (
        MonitoringReturn.objects.filter(
            period__in=period_labels, published_at__isnull=False, created_at__date__gt=F("period_end")
        )
        .exclude(council=exclude)
        .select_related("council")
        .order_by("period", "council__name", "council_id", "-version")
        .distinct("period", "council__name", "council_id")
    )


def published_view(r: MonitoringReturn) -> dict:
    """What another council may see of a published return: small counts suppressed, and a second
    delivery class hidden where one is, so no `<5` can be worked out from the total."""
    f = r.figures
    adults = f.get("adults_at_period_end", {})
    total, by_delivery = suppression.total_and_parts(
        f["people_at_period_end"]["total"],
        {c: f["people_at_period_end"]["by_delivery"][c] for c in DELIVERY_CLASSES},
    )
    rates = f.get("rates_per_1000_adults", {})
    return {
        "council": r.council.gss_code,
        "name": r.council.name,
        "version": r.version,
        "people_at_period_end": {"total": total, "by_delivery": by_delivery},
        "managed_third_party": {
            k: suppression.primary(f["managed_third_party"][k])
            for k in ("people_at_period_end", "people_during_period")
        },
        "rates_per_1000_adults": {
            k: suppression.rate(rates.get(k), adults.get(k)) for k in ALL_RATE_KEYS if k in rates
        },
    }


def published_figures_of_others(*, council: Council, period: Period) -> list[dict]:
    """The latest published return of every other council for this period, as it may be seen."""
    return [published_view(r) for r in _latest_published(period_labels=[period.label], exclude=council)]


def _sum_rate(adults: list[int], populations: list[int | None]) -> float | None:
    pairs = [(a, p) for a, p in zip(adults, populations, strict=True) if p]
    if not pairs:
        return None
    return rate_per_1000(sum(a for a, _ in pairs), sum(p for _, p in pairs))


def all_councils_figures(*, own: dict, others_raw: list[dict], others_shown: list[dict]) -> dict:
    """This council's figures added to every other council's published ones. A figure is withheld
    (`[c]`) where taking this council's own away would reveal another council's hidden figure."""
    own_end = own["people_at_period_end"]

    def count(path, own_value):
        raw = [path(o) for o in others_raw]
        shown = [path(o) for o in others_shown]
        return suppression.all_councils(own_value, raw, others_shown=shown)

    def end_total(o):
        return o["people_at_period_end"]["total"]

    result = {
        "councils": 1 + len(others_raw),
        "people_at_period_end": {
            "total": count(end_total, own_end["total"]),
            "by_delivery": {
                c: count(
                    lambda o, c=c: o["people_at_period_end"]["by_delivery"][c], own_end["by_delivery"][c]
                )
                for c in DELIVERY_CLASSES
            },
        },
        "managed_third_party": {
            "people_at_period_end": count(
                lambda o: o["managed_third_party"]["people_at_period_end"],
                own["managed_third_party"]["people_at_period_end"],
            )
        },
        "rates_per_1000_adults": {},
    }
    populations = [own["adult_population"]["population"]] + [
        o.get("adult_population", {}).get("population") for o in others_raw
    ]
    for k in ALL_RATE_KEYS:
        adults = [own["adults_at_period_end"][k]] + [
            o.get("adults_at_period_end", {}).get(k, 0) for o in others_raw
        ]
        others_hidden = any(
            o["rates_per_1000_adults"].get(k) == suppression.SUPPRESSED for o in others_shown
        ) or suppression.is_small(sum(adults[1:]))
        result["rates_per_1000_adults"][k] = (
            suppression.WITHHELD if others_hidden else _sum_rate(adults, populations)
        )
    return result


def trend_with_all_councils(*, council: Council, periods: list[Period]) -> list[dict]:
    """The five-period trend: this council's counts and rates, and all councils' (own plus others'
    published final returns for each period), withheld where they would reveal a small number."""
    own = trend_figures(council_id=council.pk, periods=periods)
    published: dict[str, list[dict]] = {}
    for r in _latest_published(period_labels=[p.label for p in periods], exclude=council):
        published.setdefault(r.period, []).append(r.figures)
    for row in own:
        others = published.get(row["period"], [])
        people = {
            "personal_budgets": [o["people_at_period_end"]["total"] for o in others],
            "managed_third_party": [o["managed_third_party"]["people_at_period_end"] for o in others],
        }
        adults = {k: [o.get("adults_at_period_end", {}).get(k, 0) for o in others] for k in TREND_KEYS}
        populations = [o.get("adult_population", {}).get("population") for o in others]
        all_people, all_rates = {}, {}
        for k in TREND_KEYS:
            all_people[k] = suppression.all_councils(
                row["people_at_period_end"][k],
                people[k],
                others_shown=[suppression.primary(v) for v in people[k]],
            )
            hidden = any(suppression.is_small(v) for v in adults[k]) or suppression.is_small(sum(adults[k]))
            all_rates[k] = (
                suppression.WITHHELD
                if hidden
                else _sum_rate(
                    [row["adults_at_period_end"][k], *adults[k]], [row["adult_population"], *populations]
                )
            )
        row["all_councils"] = {
            "councils": 1 + len(others),
            "people_at_period_end": all_people,
            "rates_per_1000_adults": all_rates,
        }
    return own


def outcome_survey(*, council: Council, period: Period) -> dict:
    return protect_outcome_results(
        outcome_results_by_management_type(council=council, start=period.start, end=period.end)
    )


def build_return(*, council: Council, period: Period, today: date | None = None) -> dict:
    """Everything a return holds, as plain JSON-ready data (numbers; money as strings). Made on or
    before the period's last day it is `provisional`, after it `final`; a period that has not started
    is refused (PeriodNotStarted)."""
    today = today or timezone.localdate()
    check_started(period, today)
    figures = compute_figures(council=council, period=period)
    figures = {"status": status_on(period, today), **figures}
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
    latest = list(_latest_published(period_labels=[period.label], exclude=council))
    figures["other_councils"] = [published_view(r) for r in latest]
    figures["all_councils"] = all_councils_figures(
        own=figures, others_raw=[r.figures for r in latest], others_shown=figures["other_councils"]
    )
    figures["trend"] = trend_with_all_councils(council=council, periods=period.history(HISTORY_LENGTH))
    figures["nhs_funding"] = nhs_funding_figures(council=council, period=period)
    figures["outcome_survey"] = outcome_survey(council=council, period=period)
    # Issue 17: budget per person over time, and tapering after outcomes met versus cuts.
    figures["budget_trend"] = budget_trend(council_id=council.pk, periods=period.history(TREND_LENGTH))
    figures["carers"] = carer_figures(council_id=council.pk, period=period)
    return figures
