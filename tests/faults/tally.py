"""Counts of faults injected and invariants checked by the fault suite, printed at the end of the run
(tests/faults/conftest.py)."""

from collections import Counter

faults: Counter = Counter()
invariants: Counter = Counter()


def fault(kind: str, count: int = 1) -> None:
    faults[kind] += count


def invariant(kind: str, count: int = 1) -> None:
    invariants[kind] += count
