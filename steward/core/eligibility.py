"""Whether a worker may be handed work now: apps above the queue contribute their reasons.

The queue (``work``) sits below ``workforce``, which knows whether a worker is cleared to
touch patient data. Rather than importing it, the queue asks here before it hands out a
task, and ``workforce`` registers its check in its ``AppConfig.ready()`` — the same shape
as the access-rule registry (``core.policy``), for the same layering reason. A task given to
someone the gate would then refuse is a task that waits for nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Check = Callable[[Any], Sequence[str]]

_checks: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    """Add ``check`` (membership → reason codes; empty when nothing stands in the way)."""
    _checks[name] = check


def blockers(membership: Any) -> tuple[str, ...]:
    """Every registered check's reasons why ``membership`` may not take work now."""
    found: list[str] = []
    for check in tuple(_checks.values()):
        found.extend(check(membership))
    return tuple(dict.fromkeys(found))
