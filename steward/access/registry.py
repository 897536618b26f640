"""The list of views that touch patient data, each declared through the gate.

``@gated`` marks a view as going through ``steward.access.gate``; a test walks
every URL pattern and fails when one that touches patient data is not marked,
so a new endpoint cannot quietly skip the gate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

View = TypeVar("View", bound=Callable[..., Any])

GATED: dict[str, str] = {}


def gated(*, action: str) -> Callable[[View], View]:
    def mark(view: View) -> View:
        GATED[f"{view.__module__}.{view.__qualname__}"] = action
        view.steward_gated = action  # type: ignore[attr-defined]
        return view

    return mark


def is_gated(view: Any) -> bool:
    while view is not None:
        if getattr(view, "steward_gated", None):
            return True
        view = getattr(view, "__wrapped__", None)
    return False
