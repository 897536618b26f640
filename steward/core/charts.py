"""Rows for the horizontal bar charts pages draw with ``<meter>`` (no inline styles, no JS)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def bars(pairs: Iterable[tuple[str, int]], *, top: int | None = None) -> list[dict[str, Any]]:
    """``(label, value)`` pairs as chart rows; ``top`` fixes the scale (e.g. 100 for %)."""
    rows = list(pairs)
    scale = top or max((value for _, value in rows), default=0) or 1
    return [{"label": label, "value": value, "max": scale} for label, value in rows]
