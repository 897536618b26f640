"""Who is asking, from where: the request context that audit events and services read.

Set once per request by ``RequestContextMiddleware`` (and by management
commands through ``command_context``), so lower layers do not need the
request object to know the request id, client address or user agent.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class RequestContext:
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    ip: str | None = None
    user_agent: str = ""
    session_key: str | None = None
    channel: str = "web"  # web, api, command, background
    # The actor's active organisation and role, once the session policy knows them.
    organization_id: str | None = None
    role: str = ""


_current: ContextVar[RequestContext | None] = ContextVar("steward_request_context", default=None)


def current() -> RequestContext:
    """The context of the work in progress; a fresh one outside any request."""
    return _current.get() or RequestContext(channel="background")


@contextlib.contextmanager
def bound(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def update(**changes: object) -> None:
    """Refine the current context (the session key is known only after login)."""
    existing = _current.get()
    if existing is not None:
        _current.set(replace(existing, **changes))  # type: ignore[arg-type]


@contextlib.contextmanager
def command_context(name: str) -> Iterator[RequestContext]:
    with bound(RequestContext(channel="command", user_agent=f"steward {name}")) as context:
        yield context
