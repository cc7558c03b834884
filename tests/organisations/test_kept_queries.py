"""Queries whose SQL is compiled once per process (organisations/kept_queries.py): the same rows as the
query built afresh, for any values; compiled once; and refused when they cannot be kept."""

import datetime as dt

import pytest
from django.db.models import Prefetch
from django.db.models.sql import compiler as sql_compiler
from django.test.utils import override_settings

from organisations.kept_queries import _KEPT, KeptQueryError, fetch_kept
from organisations.models import Council, Membership, User
from tests.factories import CouncilFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


def _councils_named_after(*, after: dt.date, ids: list[int]):
    return (
        Council.objects.filter(pk__in=ids, created_at__date__gte=after)
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("user")))
        .order_by("name")
    )


def _memberships_of(*, user_id: int):
    return Membership.objects.filter(user_id=user_id).select_related("user", "council").order_by("pk")


@pytest.fixture(autouse=True)
def fresh():
    _KEPT.clear()
    yield
    _KEPT.clear()


def _compiles(monkeypatch) -> list:
    """Every top-level compilation from here on."""
    calls = []
    real = sql_compiler.SQLCompiler.as_sql

    def counted(self, *args, **kwargs):
        calls.append(self.query.model)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(sql_compiler.SQLCompiler, "as_sql", counted)
    return calls


def test_each_call_gets_its_own_values_rows_with_the_sql_compiled_once(monkeypatch):
    one, two = CouncilFactory(name="Ashdown"), CouncilFactory(name="Brackenfold")
    alice = staff("commissioner", council=one, full_name="Alice Kept")
    bob = staff("commissioner", council=two, full_name="Bob Kept")
    with override_settings(KEPT_QUERIES_CHECK=False):
        compiled = _compiles(monkeypatch)
        first = fetch_kept(_memberships_of, user_id=alice.pk)
        second = fetch_kept(_memberships_of, user_id=bob.pk)
        third = fetch_kept(_memberships_of, user_id=alice.pk)
    assert [(m.user.full_name, m.council.name) for m in first] == [("Alice Kept", "Ashdown")]
    assert [(m.user.full_name, m.council.name) for m in second] == [("Bob Kept", "Brackenfold")]
    assert [m.pk for m in third] == [m.pk for m in first]
    assert compiled == [Membership]  # once, for the stand-ins; never again


def test_once_kept_the_query_is_not_built_again(monkeypatch):
    """Building the queryset (filters resolved, joins set up) costs about as much as compiling it:
    after the first call fetch_kept copies the one it built, and outside the tests' check builds none."""
    council = CouncilFactory(name="Fernhill")
    carl = staff("commissioner", council=council, full_name="Carl Kept")
    dee = staff("approver", council=council, full_name="Dee Kept")
    built = []

    def counting(*, user_id: int):
        built.append(user_id)
        return _memberships_of(user_id=user_id)

    with override_settings(KEPT_QUERIES_CHECK=False):
        first = fetch_kept(counting, user_id=carl.pk)
        second = fetch_kept(counting, user_id=dee.pk)
        third = fetch_kept(counting, user_id=carl.pk)
    assert len(built) == 1 and built[0] < 0  # once, with the stand-in
    assert [m.user.full_name for m in first] == ["Carl Kept"]
    assert [m.user.full_name for m in second] == ["Dee Kept"]
    assert [m.pk for m in third] == [m.pk for m in first]


def _memberships_with_users_after(*, user_id: int, after: dt.date):
    # The value in the query itself too: a value used nowhere in it is refused already.
    return Council.objects.filter(memberships__user_id=user_id, created_at__date__gte=after).prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.filter(created_at__date__gte=after))
    )


def test_a_value_that_goes_into_a_prefetch_is_refused():
    """A kept query's prefetches run as built the first time: one built with a value would run with
    the stand-in for ever."""
    council = CouncilFactory(name="Gorsey")
    user = staff("commissioner", council=council)
    with pytest.raises(KeptQueryError, match="prefetch"):
        fetch_kept(_memberships_with_users_after, user_id=user.pk, after=dt.date.today())


def test_select_related_and_prefetches_are_filled_as_by_the_orm(django_assert_num_queries):
    council = CouncilFactory(name="Cowleaze")
    staff("commissioner", council=council, full_name="Cara Kept")
    staff("approver", council=council, full_name="Dev Kept")
    CouncilFactory(name="Elsewhere")
    today = dt.date.today()
    fetch_kept(_councils_named_after, after=today, ids=[council.pk])  # kept
    with django_assert_num_queries(2):  # the councils, then their memberships with their users
        rows = fetch_kept(_councils_named_after, after=today, ids=[council.pk])
        names = sorted(m.user.full_name for m in rows[0].memberships.all())
    assert [c.name for c in rows] == ["Cowleaze"]
    assert names == ["Cara Kept", "Dev Kept"]
    assert fetch_kept(_councils_named_after, after=today + dt.timedelta(days=1), ids=[council.pk]) == []


def test_lists_of_different_lengths_are_kept_apart_and_an_empty_one_asks_nothing(
    django_assert_num_queries,
):
    councils = [CouncilFactory(name=name) for name in ("Fenwick", "Galloway", "Hazelmere")]
    today = dt.date.today()
    ids = [c.pk for c in councils]
    assert [c.name for c in fetch_kept(_councils_named_after, after=today, ids=ids[:1])] == ["Fenwick"]
    assert [c.name for c in fetch_kept(_councils_named_after, after=today, ids=ids)] == [
        "Fenwick",
        "Galloway",
        "Hazelmere",
    ]
    assert [c.name for c in fetch_kept(_councils_named_after, after=today, ids=ids[1:])] == [
        "Galloway",
        "Hazelmere",
    ]
    with django_assert_num_queries(0):
        assert fetch_kept(_councils_named_after, after=today, ids=[]) == []


def _active_or_all(*, active: bool, user_id: int):
    qs = User.objects.filter(pk=user_id)
    return qs.filter(is_active=True) if active else qs


def test_what_decides_the_shape_goes_in_shape():
    user = UserFactory(is_active=False)
    assert fetch_kept(_active_or_all, shape={"active": True}, user_id=user.pk) == []
    assert fetch_kept(_active_or_all, shape={"active": False}, user_id=user.pk) == [user]
    with pytest.raises(KeptQueryError, match="shape"):
        fetch_kept(_active_or_all, active=True, user_id=user.pk)


def _page_of_users(*, page: int, user_id: int):
    return User.objects.filter(pk=user_id).order_by("pk")[page : page + 1]


def _next_user(*, user_id: int):
    return User.objects.filter(pk=user_id + 1)


def _by_id_unless_negative(*, user_id: int):
    # The stand-in (a negative id) takes the other branch: the kept SQL is not this query's.
    by_id = User.objects.filter(pk=user_id)
    return by_id if user_id > 0 else by_id.filter(is_staff=True)


def test_a_value_changed_on_its_way_into_the_sql_is_refused():
    user = UserFactory()
    with pytest.raises(KeptQueryError, match="user_id is changed on its way into the SQL"):
        fetch_kept(_next_user, user_id=user.pk)


def test_under_the_tests_sql_that_differs_from_the_query_built_afresh_fails():
    user = UserFactory()
    with pytest.raises(KeptQueryError, match="differs from the query built afresh"):
        fetch_kept(_by_id_unless_negative, user_id=user.pk)
    _KEPT.clear()
    with override_settings(KEPT_QUERIES_CHECK=False):
        # Unchecked, the wrong SQL would run (which is why the suite checks every call).
        assert user not in fetch_kept(_by_id_unless_negative, user_id=user.pk)


def test_the_kept_sql_is_bounded(monkeypatch):
    """Shapes can come from data (an approver's councils, a page number): the store starts afresh past
    its bound rather than growing for ever."""
    from organisations import kept_queries

    monkeypatch.setattr(kept_queries, "MOST_KEPT", 3)
    users = [UserFactory() for _ in range(5)]
    sizes = []
    for page, user in enumerate(users):
        expected = [user] if page == 0 else []
        assert fetch_kept(_page_of_users, shape={"page": page}, user_id=user.pk) == expected
        sizes.append(len(_KEPT))
    assert sizes == [1, 2, 3, 1, 2]  # emptied when the fourth shape came, not grown to five
    assert fetch_kept(_page_of_users, shape={"page": 0}, user_id=users[0].pk) == [users[0]]


def test_an_id_past_a_bigint_finds_nothing_as_the_orm_says():
    """Left to the ORM (the kept SQL would send a number PostgreSQL's bigint cannot hold)."""
    staff("commissioner", council=CouncilFactory(name="Ivybridge"), full_name="Ivo Kept")
    assert fetch_kept(_memberships_of, user_id=2**63) == []
    assert fetch_kept(_memberships_of, user_id=2**70) == []
