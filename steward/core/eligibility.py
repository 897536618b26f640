"""Whether a worker may be handed work now: apps above the queue contribute their reasons.

The queue (``work``) sits below ``workforce``, which knows whether a worker is cleared to
touch patient data. Rather than importing it, the queue asks here before it hands out a
task, and ``workforce`` registers its check in its ``AppConfig.ready()`` — the same shape
as the access-rule registry (``core.policy``), for the same layering reason. A task given to
someone the gate would then refuse is a task that waits for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Check = Callable[[Sequence[Any]], Mapping[Any, Sequence[str]]]

_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add ``check``: memberships → {membership pk: reason codes} (absent or empty: no
    objection). It takes many at once so a team is judged in a fixed number of queries."""
    _checks[name] = check


def blockers_for(memberships: Sequence[Any]) -> dict[Any, tuple[str, ...]]:
    """For each membership (by pk), every registered check's reasons it may not take work."""
    found: dict[Any, list[str]] = {m.pk: [] for m in memberships}
    for check in tuple(_checks.values()):
        for pk, codes in check(memberships).items():
            found.setdefault(pk, []).extend(codes)
    return {pk: tuple(dict.fromkeys(codes)) for pk, codes in found.items()}


def blockers(membership: Any) -> tuple[str, ...]:
    """Every registered check's reasons why ``membership`` may not take work now."""
    return blockers_for([membership]).get(membership.pk, ())
