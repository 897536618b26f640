"""Walk every URL pattern of the project and give a concrete path for each.

Used by tests that must hold for every page (MFA enforcement now; the gate's
coverage guard later), so a new URL cannot slip past them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_BY_CONVERTER = {
    "uuid": str(uuid.UUID(int=1)),
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
}
_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass(frozen=True)
class WalkedUrl:
    path: str
    name: str  # namespaced view name, or "" when the pattern has none
    callback: object
    route: str = ""  # the pattern as written, converters included


def _sample_from_route(route: str) -> str:
    return _ROUTE_PARAM.sub(lambda m: SAMPLE_BY_CONVERTER.get(m["converter"] or "str", "x"), route)


def _sample_from_regex(regex: str) -> str:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")
    # Alternations like (?P<app_label>auth|accounts) take their first option.
    text = re.sub(
        r"\(\?P<\w+>([^)|]*)(?:\|[^)]*)?\)",
        lambda m: m[1] if m[1] and not any(c in m[1] for c in "[]+*\\.") else "x",
        text,
    )
    return re.sub(r"[\^$?]", "", text).replace("\\", "")


def _sample(pattern: object) -> str:
    if isinstance(pattern, RoutePattern):
        return _sample_from_route(str(pattern._route))
    if isinstance(pattern, RegexPattern):
        return _sample_from_regex(pattern._regex)
    return str(pattern)


def walk(
    resolver: URLResolver | None = None, prefix: str = "/", namespace: str = "", route: str = "/"
) -> Iterator[WalkedUrl]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        piece = _sample(entry.pattern)
        raw = str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from walk(entry, prefix + piece, ns, route + raw)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else ""
            yield WalkedUrl(
                path=prefix + piece, name=name, callback=entry.callback, route=route + raw
            )
