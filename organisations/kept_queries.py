"""Queries of a fixed shape whose SQL is compiled once per process (issue 14).

A signed-in page asks the same dozen queries on every visit, differing only in their values (this
person's id, today's date). Building their SQL with the ORM's compiler (each selected column of each
joined table, the joins, the converters) was a quarter to a third of such a page's CPU. `fetch_kept`
compiles a query once per process with stand-in values in place of the real ones, remembers where
each stand-in went among the SQL's parameters, and from then on runs the remembered SQL with the real
values put in those places. It keeps no data: only the query's text and the positions of its values.

The query's shape must depend only on `shape` (anything else that changes the SQL, such as an optional
filter or a kind of account, goes there) and its values only on `values`. Stand-ins are values no real
row has (negative ids, dates in year two); a value the ORM transforms (a `contains` pattern, say) is
refused when first seen.
Under the tests (`KEPT_QUERIES_CHECK`, on when running the suite) every call also compiles the query
afresh and fails if the remembered SQL and values differ from it, so every page the suite visits checks
the kept SQL of its queries.
"""

import copy
import datetime as dt

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections

_KEPT: dict = {}
# Shapes can come from data (an approver's councils, a page of a list): past this many, start afresh.
MOST_KEPT = 1024


class KeptQueryError(Exception):
    """A query given to fetch_kept that cannot be kept: a value the ORM changed on its way into the SQL,
    or SQL that no longer matches the query built afresh."""


def _stand_in(value, number: int):
    if isinstance(value, bool) or value is None:
        raise KeptQueryError("booleans and None decide a query's shape: pass them in `shape`")
    if isinstance(value, int):
        return -7_300_000_000_000 - number
    if isinstance(value, dt.datetime):
        return dt.datetime(2, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=number)
    if isinstance(value, dt.date):
        return dt.date(2, 1, 1) + dt.timedelta(days=number)
    raise KeptQueryError(f"no stand-in for a {type(value).__name__}: pass ints, dates or lists of them")


def _stand_ins(values: dict) -> tuple[dict, dict]:
    """(the values with stand-ins in their place, each stand-in's (name, index in its list or None))."""
    placed, where = {}, {}
    number = 0
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            items = []
            for index, item in enumerate(value):
                stand_in = _stand_in(item, number)
                number += 1
                items.append(stand_in)
                where[(type(stand_in), stand_in)] = (name, index)
            placed[name] = type(value)(items)
        else:
            stand_in = _stand_in(value, number)
            number += 1
            placed[name] = stand_in
            where[(type(stand_in), stand_in)] = (name, None)
    return placed, where


def _shape_of(values: dict) -> tuple:
    """A list's length is part of the SQL (`IN (%s, %s)`): it goes into the key."""
    return tuple((name, len(v)) if isinstance(v, (list, tuple)) else name for name, v in values.items())


def _compile(build, shape: dict, values: dict):
    queryset = build(**shape, **values)
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    return queryset, compiler, sql, tuple(params)


def _keep(build, shape: dict, values: dict):
    placed, where = _stand_ins(values)
    queryset, compiler, sql, params = _compile(build, shape, placed)
    slots = []
    seen = set()
    for position, param in enumerate(params):
        found = where.get((type(param), param))
        if found is not None:
            slots.append((position, *found))
            seen.add(found)
    missing = [name for name, index in where.values() if (name, index) not in seen]
    if missing:
        raise KeptQueryError(
            f"{build.__qualname__}: the value of {', '.join(sorted(set(missing)))} is changed on its way "
            "into the SQL (or not used): it cannot be kept"
        )
    for lookup in queryset._prefetch_related_lookups:
        inner = getattr(lookup, "queryset", None)
        if inner is None:
            continue
        _, inner_params = inner.query.get_compiler(inner.db).as_sql()
        if any((type(param), param) in where for param in inner_params):
            raise KeptQueryError(
                f"{build.__qualname__}: a value goes into a prefetch's queryset, which the kept query "
                "would run with its stand-in: it cannot be kept"
            )
    return queryset, compiler, sql, params, tuple(slots)


def _outside_bigint(value) -> bool:
    items = value if isinstance(value, (list, tuple)) else [value]
    return any(isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63 for v in items)


def fetch_kept(build, *, shape: dict | None = None, **values) -> list:
    """The rows of `build(**shape, **values)` (a model QuerySet; its prefetches and select_related work
    as usual), with its SQL compiled once per process for `shape` (hashable values that decide the SQL's
    text) and the number of items of each list in `values` (ints and dates put in as parameters)."""
    shape = shape or {}
    if any(_outside_bigint(v) for v in values.values()):
        # The ORM answers "no such row" for an id past a bigint's range; the kept SQL would send it.
        return list(build(**shape, **values))
    key = (build.__module__, build.__qualname__, tuple(sorted(shape.items())), _shape_of(values))
    kept = _KEPT.get(key)
    if kept is None:
        if len(_KEPT) >= MOST_KEPT:
            _KEPT.clear()
        try:
            kept = _KEPT.setdefault(key, _keep(build, shape, values))
        except EmptyResultSet:  # e.g. `__in` an empty list: nothing to ask the database
            return list(build(**shape, **values))
    built, compiler, sql, params, slots = kept
    params = list(params)
    for position, name, index in slots:
        params[position] = values[name] if index is None else values[name][index]
    # A copy of the queryset built with the stand-ins: it reads rows as one built with these values
    # would (select_related, annotations, prefetches, values_list), and copying it costs a fraction of
    # building it again (its filters resolved, its joins set up). Its stand-in values are never sent:
    # the SQL and values are the kept ones below.
    queryset = built._chain()
    if getattr(settings, "KEPT_QUERIES_CHECK", False):
        _, _, fresh_sql, fresh_params = _compile(build, shape, values)
        if (fresh_sql, fresh_params) != (sql, tuple(params)):
            raise KeptQueryError(
                f"{build.__qualname__}: the kept SQL differs from the query built afresh; its shape "
                f"depends on something not in `shape`.\nkept:  {sql} {params}\nfresh: {fresh_sql} "
                f"{list(fresh_params)}"
            )
    # A copy of the compiled compiler (its selected columns and how rows become objects), on this
    # thread's connection, answering with the kept SQL and this call's values.
    run = copy.copy(compiler)
    run.connection = connections[queryset.db]
    run.query = queryset.query
    run.as_sql = lambda *args, **kwargs: (sql, params)
    queryset.query.get_compiler = lambda *args, **kwargs: run
    return list(queryset)
