"""The NHS selectors' lists cost the same number of queries however many rows they hold: a page of
discharge lines or funding shares reads each line's person, council, provider, partnership, shortlist
and budgets (with their parts), and each share's budget, person, funder and deciders, with the list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.models import PersonalBudget
from nhs import selectors, services
from nhs.discharge import describe
from nhs.models import FundingShare
from tests.budgets.factories import PersonFactory, RepresentativeFactory, approved_budget
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def _queries(read):
    """What `read()` returns, and how many queries it took."""
    with CaptureQueriesContext(connection) as ctx:
        result = read()
    return result, len(ctx)


def _line_words(lines):
    out = []
    for line in lines:
        view = describe(line, TODAY)
        out.append(
            (
                line.person.given_name,
                line.person.council.name,
                line.partnership.code,
                line.provider.name if line.provider else None,
                [p.name for p in view.shortlist],
                view.budget_amount,
                view.budget_waiting,
            )
        )
    return out


def _add_lines(names, *, council, partnership, commissioner, provider_org, other_provider_org, family):
    for i, name in enumerate(names):
        person = PersonFactory(council=council, given_name=name)
        approved_budget(person, parts=(("direct_payment", f"{1000 * (i + 1)}.00", None),))
        PersonalBudget.objects.create(person=person, start_date=TODAY, status="proposed")
        services.line_add(
            partnership=partnership,
            person=person,
            actor=commissioner,
            setting="nhs_ward",
            setting_name="Ward 7",
            provider=provider_org,
            shortlist=[provider_org, other_provider_org],
        )
        RepresentativeFactory(person=person, user=family)


def test_a_list_of_discharge_lines_takes_four_queries_however_long(
    council, partnership, commissioner, provider_org, other_provider_org, provider_a
):
    family = UserFactory()
    world = dict(
        council=council,
        partnership=partnership,
        commissioner=commissioner,
        provider_org=provider_org,
        other_provider_org=other_provider_org,
        family=family,
    )
    reads = {
        "keeper": lambda: selectors.lines_of(partnership=partnership),
        "provider": lambda: selectors.lines_for_provider(user=provider_a),
        "family": lambda: selectors.lines_for_family(user=family),
    }
    shortlist = ["Harbour Lights Support", "Purbeck Circles of Support"]
    _add_lines(["Ann"], **world)
    for who, read in reads.items():
        lines = read()
        # the lines with person, council, provider and partnership; the shortlists; the people's
        # approved and proposed budgets; their parts.
        assert _queries(lambda lines=lines: _line_words(lines)) == (
            [
                (
                    "Ann",
                    "Dorset Council",
                    "dorset-tcp",
                    "Harbour Lights Support",
                    shortlist,
                    Decimal("1000.00"),
                    True,
                )
            ],
            4,
        ), who
    _add_lines(["Bea", "Cal"], **world)
    for who, read in reads.items():
        lines = read()
        words, count = _queries(lambda lines=lines: _line_words(lines))
        assert sorted((w[0], w[1], w[2], w[3], w[4], w[5], w[6]) for w in words) == [
            (
                "Ann",
                "Dorset Council",
                "dorset-tcp",
                "Harbour Lights Support",
                shortlist,
                Decimal("1000.00"),
                True,
            ),
            (
                "Bea",
                "Dorset Council",
                "dorset-tcp",
                "Harbour Lights Support",
                shortlist,
                Decimal("1000.00"),
                True,
            ),
            (
                "Cal",
                "Dorset Council",
                "dorset-tcp",
                "Harbour Lights Support",
                shortlist,
                Decimal("2000.00"),
                True,
            ),
        ], who
        assert count == 4, who


def test_lists_of_funding_shares_take_one_query_however_long(
    council, icb, partnership, commissioner, approver, icb_approver
):
    def budget(days_ago):
        return PersonalBudget.objects.create(
            person=PersonFactory(council=council, given_name=f"Day{days_ago}"),
            start_date=TODAY,
            status="proposed",
            proposed_by=commissioner,
            proposed_at=timezone.now() - dt.timedelta(days=days_ago),
        )

    def share(budget, funder, amount, decided_by=None):
        return FundingShare.objects.create(
            budget=budget,
            funder=funder,
            annual_amount=Decimal(amount),
            stated_by=commissioner,
            decided_by=decided_by,
        )

    def funder_words(s):
        body = getattr(s.funder, "nhs_body", None)
        return (s.funder.name, body.ods_code if body else None, s.annual_amount)

    def of(b):
        return [
            (*funder_words(s), s.decided_by.email if s.decided_by else None) for s in selectors.shares_of(b)
        ]

    def visible(user):
        qs = selectors.shares_visible_to(user=user).order_by("pk")
        return _queries(lambda: [(s.budget.person.given_name, *funder_words(s)) for s in qs])

    def to_approve(user):
        qs = selectors.shares_to_approve(user=user)
        return _queries(
            lambda: [
                (s.budget.person.given_name, s.budget.proposed_by.email, s.funder.name, s.annual_amount)
                for s in qs
            ]
        )

    first = budget(2)
    share(first, icb, "6000.00")
    assert _queries(lambda: of(first)) == (
        [("NHS Dorset Integrated Care Board", "QVV", Decimal("6000.00"), None)],
        1,
    )
    assert visible(icb_approver) == (
        [("Day2", "NHS Dorset Integrated Care Board", "QVV", Decimal("6000.00"))],
        1,
    )
    assert to_approve(icb_approver) == (
        [("Day2", "commissioner@test.example.org", "NHS Dorset Integrated Care Board", Decimal("6000.00"))],
        1,
    )

    share(first, council, "4000.00", decided_by=approver)
    second = budget(1)
    share(second, icb, "7000.00")
    share(second, council, "3000.00", decided_by=approver)
    assert _queries(lambda: of(first)) == (
        [
            ("Dorset Council", None, Decimal("4000.00"), "approver@test.example.org"),
            ("NHS Dorset Integrated Care Board", "QVV", Decimal("6000.00"), None),
        ],
        1,
    )
    assert visible(commissioner) == (
        [
            ("Day2", "NHS Dorset Integrated Care Board", "QVV", Decimal("6000.00")),
            ("Day2", "Dorset Council", None, Decimal("4000.00")),
            ("Day1", "NHS Dorset Integrated Care Board", "QVV", Decimal("7000.00")),
            ("Day1", "Dorset Council", None, Decimal("3000.00")),
        ],
        1,
    )
    assert to_approve(icb_approver) == (
        [
            ("Day2", "commissioner@test.example.org", "NHS Dorset Integrated Care Board", Decimal("6000.00")),
            ("Day1", "commissioner@test.example.org", "NHS Dorset Integrated Care Board", Decimal("7000.00")),
        ],
        1,
    )


def test_a_council_in_no_partnership_funds_alone_and_funders_are_read_with_their_nhs_body(
    council, other_council, icb, partnership, commissioner
):
    assert list(selectors.possible_funders(council=other_council)) == [other_council]
    funders = selectors.possible_funders(council=council).order_by("name")
    assert _queries(
        lambda: [(c.name, getattr(c, "nhs_body", None) and c.nhs_body.ods_code) for c in funders]
    ) == ([("Dorset Council", None), ("NHS Dorset Integrated Care Board", "QVV")], 1)


def test_budgets_for_funding_are_read_with_their_person_and_council_in_one_query(council, commissioner):
    for name in ("Ann", "Bea", "Cal"):
        PersonalBudget.objects.create(
            person=PersonFactory(council=council, given_name=name), start_date=TODAY, status="proposed"
        )
    budgets = selectors.budgets_for_funding(user=commissioner).order_by("person__given_name")
    assert _queries(lambda: [(b.person.given_name, b.person.council.name) for b in budgets]) == (
        [("Ann", "Dorset Council"), ("Bea", "Dorset Council"), ("Cal", "Dorset Council")],
        1,
    )
