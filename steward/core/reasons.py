"""Reason codes: stable kebab-case strings, each with a plain-language message.

Each app defines its codes once, through ``reason``; the registry lets a page
or an API response turn any code (``consent-withdrawn:reminders`` included)
into words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    advice: str = ""
    url_name: str = ""  # a page where the person can act on it, if there is one

    def __str__(self) -> str:
        return self.code


_registry: dict[str, Reason] = {}


def reason(code: str, message: str, advice: str = "", url_name: str = "") -> Reason:
    """Define a reason code; defining one code twice with other words is a bug."""
    if not _CODE.match(code):
        raise ValueError(f"Reason code {code!r} is not kebab-case.")
    existing = _registry.get(code)
    if existing is not None and (existing.message, existing.advice) != (message, advice):
        raise ValueError(f"Reason code {code!r} is already defined differently.")
    defined = Reason(code, message, advice, url_name)
    _registry[code] = defined
    return defined


def describe(code: str) -> Reason:
    """The reason for a code; ``base:detail`` codes are described by their base."""
    base = code.split(":", 1)[0]
    found = _registry.get(code) or _registry.get(base)
    if found is None:
        return Reason(code, "The request was refused.")
    if found.code != code:
        detail = code.split(":", 1)[1]
        return Reason(code, f"{found.message} ({detail})", found.advice, found.url_name)
    return found
