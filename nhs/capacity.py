"""Reads about provider capacity (Table 4 of seed 002) for one partnership, and the report for NHS
England across partnerships with small numbers suppressed."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from organisations import small_numbers
from organisations.models import Provider, Role
from organisations.selectors import providers_where

from .models import CapacityDeclaration, DischargeLine, Invitation, Partnership, ProviderExperience


def financial_year(day: dt.date) -> int:
    """2026 for 1 April 2026 to 31 March 2027."""
    return day.year if day.month >= 4 else day.year - 1


def years_from(day: dt.date, count: int = 3) -> list[int]:
    first = financial_year(day)
    return [first + i for i in range(count)]


def year_label(year: int) -> str:
    return f"{year}-{str(year + 1)[-2:]}"


def _fy(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def providers_covering(*, partnership: Partnership, years: list[int]) -> list[dict]:
    """Providers that say they cover the partnership's area: experience, capacity for each year, and
    whether the partnership has invited them."""
    experiences = (
        ProviderExperience.objects.filter(areas=partnership)
        .select_related("provider")
        .order_by("provider__name")
    )
    ids = [e.provider_id for e in experiences]
    capacity = {
        (c.provider_id, c.year): c.people
        for c in CapacityDeclaration.objects.filter(provider_id__in=ids, year__in=years)
    }
    invited = set(Invitation.objects.filter(partnership=partnership).values_list("provider_id", flat=True))
    return [
        {
            "provider": e.provider,
            "experience": e,
            "capacity": [capacity.get((e.provider_id, y)) for y in years],
            "invited": e.provider_id in invited,
        }
        for e in experiences
    ]


def capacity_against_list(*, partnership: Partnership, years: list[int]) -> dict:
    """Table 4 for the partnership's area: named people being helped home now, and for each year the
    people on its list planned to come home that year against the capacity providers covering the area
    have declared. A provider covering several areas declares one figure, counted in each."""
    lines = DischargeLine.objects.filter(partnership=partnership)
    counts = {"being_helped_now": Count("pk", filter=Q(discharged_on__isnull=True, provider__isnull=False))}
    counts["no_date"] = Count("pk", filter=Q(discharged_on__isnull=True, planned_date__isnull=True))
    for y in years:
        start, end = _fy(y)
        counts[f"planned_{y}"] = Count("pk", filter=Q(planned_date__range=(start, end)))
    row = lines.aggregate(**counts)
    declared = dict(
        CapacityDeclaration.objects.filter(provider__tc_experience__areas=partnership, year__in=years)
        .values("year")
        .annotate(total=Sum("people"))
        .values_list("year", "total")
    )
    return {
        "being_helped_now": row["being_helped_now"],
        "no_date": row["no_date"],
        "years": [
            {
                "year": y,
                "label": year_label(y),
                "planned": row[f"planned_{y}"],
                "capacity": declared.get(y, 0),
                "gap": row[f"planned_{y}"] - declared.get(y, 0),
            }
            for y in years
        ],
    }


def providers_to_invite(*, partnership: Partnership) -> list[Provider]:
    return list(Provider.objects.filter(tc_experience__areas=partnership).order_by("name"))


def providers_invitable(*, partnership: Partnership) -> QuerySet[Provider]:
    """The providers a partnership may invite (the invite form's choices): those covering its area."""
    return Provider.objects.filter(pk__in=[p.pk for p in providers_to_invite(partnership=partnership)])


# ---- the provider's own declaration -------------------------------------------------------------


def provider_declaring(*, user) -> Provider | None:
    """The provider whose capacity this user declares: the first, by name, that they manage."""
    return providers_where(user=user, roles=(Role.PROVIDER_MANAGER,)).order_by("name").first()


def declared_by(
    *, provider: Provider, years: list[int]
) -> tuple[ProviderExperience | None, dict[int, int | None]]:
    """What the provider said before: its experience, and the people it could support in each year."""
    experience = ProviderExperience.objects.filter(provider=provider).first()
    capacity = {
        c.year: c.people for c in CapacityDeclaration.objects.filter(provider=provider, year__in=years)
    }
    return experience, capacity


def invitations_of(*, provider: Provider) -> QuerySet[Invitation]:
    """The partnerships that invited this provider."""
    return Invitation.objects.filter(provider=provider).select_related("partnership")


# ---- the report for NHS England -----------------------------------------------------------------

REPORT_COUNTS = ["on_list", "known_budget", "with_provider", "home"]
REPORT_LABELS = {
    "on_list": "People on lists",
    "known_budget": "With a known budget",
    "with_provider": "With a provider chosen",
    "home": "Home",
}


def england_report(*, years: list[int]) -> dict:
    """For each partnership: people on its list (still in hospital), those with a known (approved)
    budget, with a provider chosen, and those home; and capacity declared by providers covering it,
    by year. Counts from 1 to 4 are shown as <5, and each column's total and parts are suppressed
    together so no hidden count can be worked out (organisations.small_numbers)."""
    waiting = Q(discharge_lines__discharged_on__isnull=True)
    rows = list(
        Partnership.objects.annotate(
            on_list=Count("discharge_lines", filter=waiting, distinct=True),
            known_budget=Count(
                "discharge_lines",
                filter=waiting & Q(discharge_lines__person__budgets__status="approved"),
                distinct=True,
            ),
            with_provider=Count(
                "discharge_lines", filter=waiting & Q(discharge_lines__provider__isnull=False), distinct=True
            ),
            home=Count(
                "discharge_lines", filter=Q(discharge_lines__discharged_on__isnull=False), distinct=True
            ),
        ).order_by("name")
    )
    capacity = {}
    for p_id, year, total in (
        CapacityDeclaration.objects.filter(year__in=years, provider__tc_experience__areas__isnull=False)
        .values("provider__tc_experience__areas", "year")
        .annotate(total=Sum("people"))
        .values_list("provider__tc_experience__areas", "year", "total")
    ):
        capacity[(p_id, year)] = total
    national = dict(
        CapacityDeclaration.objects.filter(year__in=years)
        .values("year")
        .annotate(total=Sum("people"))
        .values_list("year", "total")
    )
    shown = {p.pk: {} for p in rows}
    totals = {}
    for key in REPORT_COUNTS:
        parts = {p.pk: getattr(p, key) for p in rows}
        total, parts_shown = small_numbers.total_and_parts(sum(parts.values()), parts)
        totals[key] = total
        for pk, value in parts_shown.items():
            shown[pk][key] = value
    return {
        "years": [{"year": y, "label": year_label(y)} for y in years],
        "rows": [
            {
                "partnership": p,
                **shown[p.pk],
                "capacity": [small_numbers.primary(capacity.get((p.pk, y), 0)) for y in years],
            }
            for p in rows
        ],
        "totals": {**totals, "capacity": [small_numbers.primary(national.get(y, 0)) for y in years]},
    }
