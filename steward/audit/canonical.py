"""The canonical serialisation of an audit event: the bytes its Merkle leaf hashes.

Version 1: UTF-8 JSON with keys sorted, no insignificant white space
(separators "," and ":"), non-ASCII characters written as themselves, and
only strings, integers, booleans, null, lists and objects (no floats, so no
rounding ambiguity). Times are integers of microseconds since the Unix epoch
(UTC). The full field list is in docs/audit.md.
"""

from __future__ import annotations

import json
from typing import Any

VERSION = 1


def _check(value: Any, path: str = "event") -> None:
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return
    if isinstance(value, list):
        for position, item in enumerate(value):
            _check(item, f"{path}[{position}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path} has a key that is not a string.")
            _check(item, f"{path}.{key}")
        return
    raise TypeError(f"{path} is a {type(value).__name__}; audit events hold no such values.")


def dumps(event: dict[str, Any]) -> str:
    _check(event)
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def loads(text: str) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(text)
    return parsed
