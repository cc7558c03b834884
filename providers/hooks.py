"""Hooks higher apps (the ISF ledger) register into, so providers never imports them.

    from providers.hooks import register_on_move

    def move_balance(*, old_agreement, new_agreement, on_date, actor): ...
    register_on_move(move_balance)          # in LedgerConfig.ready()

`on_move` callbacks run inside the same database transaction as the move (old agreement ended, new
one in force, arrangements switched): if a callback raises, the whole move is rolled back and retried
by the next daily run. `on_end` callbacks run when an agreement ends with no replacement (the unspent
balance stays to be settled with the council), also inside the transaction.
"""

from collections.abc import Callable

_ON_MOVE: list[Callable] = []
_ON_END: list[Callable] = []
_ON_ACCEPT: list[Callable] = []


def register_on_move(callback: Callable) -> None:
    """callback(*, old_agreement, new_agreement, on_date, actor)"""
    if callback not in _ON_MOVE:
        _ON_MOVE.append(callback)


def register_on_end(callback: Callable) -> None:
    """callback(*, agreement, on_date, actor)"""
    if callback not in _ON_END:
        _ON_END.append(callback)


def register_on_accept(callback: Callable) -> None:
    """callback(*, agreement, actor): the provider accepted an agreement (inside that transaction; a
    managed direct payment waiting to become this ISF moves now if its date has come)."""
    if callback not in _ON_ACCEPT:
        _ON_ACCEPT.append(callback)


def unregister(callback: Callable) -> None:
    for registry in (_ON_MOVE, _ON_END, _ON_ACCEPT):
        if callback in registry:
            registry.remove(callback)


def run_on_move(*, old_agreement, new_agreement, on_date, actor) -> None:
    for callback in list(_ON_MOVE):
        callback(old_agreement=old_agreement, new_agreement=new_agreement, on_date=on_date, actor=actor)


def run_on_end(*, agreement, on_date, actor) -> None:
    for callback in list(_ON_END):
        callback(agreement=agreement, on_date=on_date, actor=actor)


def run_on_accept(*, agreement, actor) -> None:
    for callback in list(_ON_ACCEPT):
        callback(agreement=agreement, actor=actor)
