"""organisations.expression_identity: Django's expression identity worked out without inspect's
binding (issue 14) gives exactly Django's own value, for the expressions of the pages' queries and
for every way of giving an expression its arguments."""

import datetime as dt
from inspect import Parameter

import pytest
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.expressions import Col, Expression, ExpressionWrapper, Func, OrderBy, Window
from django.db.models.fields import DecimalField, IntegerField
from django.db.models.functions import Cast, Coalesce, Lower, RowNumber

from budgets.models import Person, PersonalBudget
from organisations.expression_identity import _plan, django_identity, fast_identity
from providers.ledger.models import HeldAccount, LedgerEntry


def _walk(expression, seen):
    if expression is None or not hasattr(expression, "get_source_expressions") or id(expression) in seen:
        return
    seen[id(expression)] = expression
    for source in expression.get_source_expressions():
        _walk(source, seen)


def _expressions_of(qs) -> list:
    compiler = qs.query.get_compiler("default")
    compiler.as_sql()
    seen: dict = {}
    for expression, _, _ in compiler.select:
        _walk(expression, seen)
    for expression, _ in compiler.get_order_by():
        _walk(expression, seen)
    _walk(qs.query.where, seen)
    for annotation in qs.query.annotations.values():
        _walk(annotation, seen)
    return [e for e in seen.values() if isinstance(e, Expression)]


def test_django_expressions_use_the_fast_identity():
    assert Expression.__dict__["identity"].func is fast_identity


@pytest.mark.django_db
def test_every_expression_of_the_pages_queries_has_djangos_identity():
    closing = LedgerEntry.objects.filter(category="transfer", fund=OuterRef("pk"))
    querysets = [
        HeldAccount.objects.select_related("person", "provider", "council", "agreement", "arrangement")
        .annotate(has_closing=Exists(closing))
        .filter(pk=1)
        .order_by("-opened_on", "-pk"),
        LedgerEntry.objects.filter(fund_id=1, entry_date__gte=dt.date(2026, 1, 1))
        .values_list("entry_date", "category", "reverses__category")
        .annotate(total=Sum("amount"))
        .order_by("entry_date"),
        PersonalBudget.objects.select_related("person", "proposed_by", "decided_by")
        .filter(Q(status="approved") | Q(person__family_name__icontains="<o'neil & co>"))
        .order_by("-start_date", "-pk"),
        Person.objects.annotate(
            kind=Case(When(is_carer=True, then=Value(0)), default=Value(1)),
            name=Lower("family_name"),
            n=Window(RowNumber(), order_by=F("family_name").desc(nulls_last=True)),
            spent=Coalesce(
                Sum("budgets__arrangements__annual_amount"), Value(0), output_field=DecimalField()
            ),
            first=Subquery(PersonalBudget.objects.filter(person=OuterRef("pk")).values("pk")[:1]),
            as_text=Cast("pk", output_field=IntegerField()),
        ).order_by("kind", "name", "pk"),
    ]
    checked = 0
    for qs in querysets:
        for expression in _expressions_of(qs):
            assert fast_identity(expression) == django_identity(expression), expression
            checked += 1
    assert checked > 60


@pytest.mark.django_db
def test_columns_of_the_same_field_are_equal_and_hash_alike_and_others_are_not():
    field = Person._meta.get_field("family_name")
    other = Person._meta.get_field("given_name")
    a, b = Col("budgets_person", field), Col("budgets_person", field)
    assert a == b and hash(a) == hash(b)
    assert Col("budgets_person", field) != Col("T3", field)
    assert Col("budgets_person", field) != Col("budgets_person", other)
    assert Col("budgets_person", field, IntegerField()) != Col("budgets_person", field)
    assert fast_identity(a) == (
        Col,
        ("alias", "budgets_person"),
        ("target", ("budgets.Person", "family_name")),
        ("output_field", None),
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Value(1),
        lambda: Value(value=1),
        lambda: Value("<a & 'b'>", output_field=None),
        lambda: Value([1, 2], output_field=IntegerField()),
        lambda: Value({"a": [1]}),
        lambda: OrderBy(F("x")),
        lambda: OrderBy(F("x"), descending=True),
        lambda: OrderBy(F("x"), True, None, True),
        lambda: OrderBy(expression=F("x"), nulls_last=True),
        lambda: ExpressionWrapper(F("x") + 1, output_field=IntegerField()),
        lambda: Window(RowNumber(), partition_by=F("y"), order_by="x"),
        lambda: Case(When(x=1, then=Value(0)), default=Value(1)),  # *cases: Django's own way
        lambda: Func(F("a"), F("b"), function="GREATEST"),  # *expressions: Django's own way
        lambda: Coalesce("a", Value(0)),
        lambda: Cast("x", IntegerField()),
        lambda: Col("t", Person._meta.get_field("council"), Person._meta.get_field("council").target_field),
    ],
)
def test_every_way_of_giving_arguments_has_djangos_identity(make):
    expression = make()
    assert fast_identity(expression) == django_identity(expression)
    assert expression.identity == django_identity(expression)
    assert expression == make() and hash(expression) == hash(make())


def test_signatures_with_star_arguments_take_djangos_way():
    assert _plan(Func) is None
    assert _plan(Case) is None
    assert _plan(Value) == (
        ("value", "output_field"),
        frozenset({"value", "output_field"}),
        (("value", Parameter.empty), ("output_field", None)),
    )


def test_arguments_that_do_not_fit_the_signature_fail_as_djangos_way_does():
    expression = Value(1)
    expression._constructor_args = ((1,), {"value": 2})  # given twice
    with pytest.raises(TypeError):
        django_identity(expression)
    with pytest.raises(TypeError):
        fast_identity(expression)
    expression._constructor_args = ((1, None, 3), {})  # too many
    with pytest.raises(TypeError):
        fast_identity(expression)
