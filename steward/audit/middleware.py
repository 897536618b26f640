"""Start the in-process sealer with the first request a web process serves."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class SealerMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.STEWARD_AUDIT_SEALER == "thread":
            from steward.audit.scheduler import ensure_sealer_running

            ensure_sealer_running()
        return self.get_response(request)
