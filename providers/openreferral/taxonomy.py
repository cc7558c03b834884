"""The product's own taxonomy, published in the Open Referral feed so that a consumer can filter on it.

HSDS allows local taxonomies. Ours says who a provider supports (the sixteen client groups), how it can
hold a person's money (Individual Service Funds, managed direct payments), what kind of organisation it
is, and how it answered each of the ten elements of personalised support. Terms form a tree: a group term
at the top, its terms below, and for each element one term per answer, so that "answered yes, frequently"
can be asked for on its own. Term ids are uuid5 of the term's code: stable across releases as long as the
codes are (they are shared with the surveys app: keep them).
"""

import uuid
from dataclasses import dataclass
from functools import cache

from ..elements import ELEMENTS, Answer, ClientGroup, statement_for
from ..models import OrganisationKind

TAXONOMY_CODE = "personalised-support"
TAXONOMY_ID = uuid.uuid5(uuid.NAMESPACE_URL, "https://personalised-support.example.org/taxonomy")
TAXONOMY_VERSION = "2"


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    description: str
    parent: str | None = None

    @property
    def id(self) -> uuid.UUID:
        return uuid.uuid5(TAXONOMY_ID, self.code)


def _terms() -> tuple[Term, ...]:
    terms = [
        Term("client_group", "Who the support is for", "The groups of people a provider supports."),
        *(
            Term(f"client_group:{code}", label, f"Support for: {label.lower()}.", "client_group")
            for code, label in ClientGroup.choices
        ),
        Term(
            "holding_money",
            "Holding a personal budget for you",
            "Ways the organisation can hold and manage a person's budget, so that the person does not "
            "have to become an employer.",
        ),
        Term(
            "offers_isf",
            "Offers Individual Service Funds",
            "Holds a person's budget for them in an Individual Service Fund, kept only for that person, "
            "with a statement of how it was spent.",
            "holding_money",
        ),
        Term(
            "manages_direct_payments",
            "Manages direct payments",
            "Manages a person's direct payment for them (a managed account), with the cost of managing it "
            "stated up front.",
            "holding_money",
        ),
        Term("organisation_kind", "Kind of organisation", "What kind of organisation this is."),
        *(
            Term(f"organisation_kind:{code}", label, f"{label}.", "organisation_kind")
            for code, label in OrganisationKind.choices
        ),
        Term("ways_of_working", "Ways of working", "How the provider works with the people it supports."),
        Term(
            "staff_matching",
            "Matches staff to the person",
            "Recruits and matches staff to suit each person.",
            "ways_of_working",
        ),
        Term(
            "supports_self_managed_staff",
            "Supports people to manage their own staff",
            "Helps people who want to manage their own staff, or share managing them.",
            "ways_of_working",
        ),
        Term(
            "element",
            "The ten elements of personalised support",
            "How the provider answered each of the ten elements of personalised support, and whether the "
            "council or NHS lets it change support flexibly.",
        ),
    ]
    for code, (title, _) in ELEMENTS.items():
        terms.append(Term(f"element:{code}", title, f"{title}: how the provider answered.", "element"))
        terms.extend(
            Term(
                f"element:{code}:{answer}",
                f"{title}: {label}",
                statement_for(code, answer) or label,
                f"element:{code}",
            )
            for answer, label in Answer.choices
        )
    return tuple(terms)


TERMS: tuple[Term, ...] = _terms()
BY_CODE: dict[str, Term] = {t.code: t for t in TERMS}
BY_ID: dict[uuid.UUID, Term] = {t.id: t for t in TERMS}


@cache
def descendants(code: str) -> tuple[str, ...]:
    """The term and every term below it, by code."""
    found = [code]
    for term in TERMS:
        if term.parent == code:
            found.extend(descendants(term.code))
    return tuple(found)


def has_children(code: str) -> bool:
    return any(t.parent == code for t in TERMS)


def terms_of(profile) -> list[tuple[Term, str | None]]:
    """The terms a profile's service carries, each with its attribute value (the answer, for elements)."""
    codes: list[tuple[str, str | None]] = [(f"client_group:{c}", None) for c in profile.client_groups or []]
    if profile.offers_isf:
        codes.append(("offers_isf", None))
    if profile.manages_direct_payments:
        codes.append(("manages_direct_payments", None))
    codes.append((f"organisation_kind:{profile.organisation_kind}", None))
    if profile.staff_matching:
        codes.append(("staff_matching", None))
    if profile.supports_self_managed_staff:
        codes.append(("supports_self_managed_staff", None))
    answers = profile.element_answers or {}
    codes.extend((f"element:{code}:{answers[code]}", answers[code]) for code in ELEMENTS if answers.get(code))
    return [(BY_CODE[code], value) for code, value in codes if code in BY_CODE]
