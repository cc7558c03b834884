"""A cheaper `Expression.identity` for Django 5.2, the same value (issue 14).

Django compares and hashes expressions by their identity: the class and the arguments it was built
with, each in the order of the constructor's signature, with the defaults filled in. It works that
out with `inspect.Signature.bind_partial` and `apply_defaults` for every new expression, and the
compiler hashes every selected column of an ordered query (`_order_by_pairs`), so on a person's page
(12 queries) this was 77 bindings a request and about a tenth of its CPU.

`identity` below gives the same tuple without `inspect`: the order of a class's parameters and their
defaults are read once a class, and the arguments are put in that order directly. A class whose
constructor takes `*args` or `**kwargs` (or positional-only parameters), or an expression built with
arguments that do not fit its signature plainly, takes Django's own way. Installed from
`OrganisationsConfig.ready()`; `tests/organisations/test_expression_identity.py` checks it against
Django's for the expressions of the pages' queries and for every kind of argument.
"""

from inspect import Parameter

from django.db.models.expressions import Expression
from django.utils.functional import cached_property

_DJANGO_IDENTITY = Expression.__dict__["identity"].func
_EMPTY = Parameter.empty
# For each class: (names that may be given by position, names that may be given by keyword,
# [(name, default)] in signature order), or None where Django's own way is taken.
_PLANS: dict[type, tuple | None] = {}


def _plan(cls: type) -> tuple | None:
    try:
        return _PLANS[cls]
    except KeyError:
        pass
    params = list(cls._constructor_signature.parameters.values())[1:]  # the first is self
    plan = None
    if all(p.kind in (Parameter.POSITIONAL_OR_KEYWORD, Parameter.KEYWORD_ONLY) for p in params):
        positional = tuple(p.name for p in params if p.kind == Parameter.POSITIONAL_OR_KEYWORD)
        plan = (positional, frozenset(p.name for p in params), tuple((p.name, p.default) for p in params))
    _PLANS[cls] = plan
    return plan


def fast_identity(self) -> tuple:
    """Expression.identity's value, worked out without inspect's binding where the signature allows."""
    plan = _plan(type(self))
    if plan is None:
        return _DJANGO_IDENTITY(self)
    positional, names, order = plan
    args, kwargs = self._constructor_args
    if len(args) > len(positional):
        return _DJANGO_IDENTITY(self)
    given = dict(zip(positional, args, strict=False))  # fewer args than positional names: partial
    for name, value in kwargs.items():
        if name not in names or name in given:
            return _DJANGO_IDENTITY(self)
        given[name] = value
    identity = [self.__class__]
    for name, default in order:
        if name in given:
            value = given[name]
        elif default is not _EMPTY:
            value = default
        else:  # bind_partial leaves out a parameter that was not given and has no default
            continue
        identity.append((name, self._identity(value)))
    return tuple(identity)


def install() -> None:
    """Put fast_identity in Django's place, on Expression only (classes with their own identity, such
    as lookups, keep theirs)."""
    if isinstance(Expression.__dict__.get("identity"), cached_property) and (
        Expression.__dict__["identity"].func is _DJANGO_IDENTITY
    ):
        prop = cached_property(fast_identity)
        prop.__set_name__(Expression, "identity")
        Expression.identity = prop


def django_identity(expression) -> tuple:
    """Django's own value, for the tests."""
    return _DJANGO_IDENTITY(expression)
