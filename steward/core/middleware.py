"""Request-wide middleware with no knowledge of users or organisations."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from steward.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    """The client address, trusting only as many forwarding proxies as configured."""
    trusted = getattr(settings, "ALLAUTH_TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= trusted:
            return hops[-trusted]
    return request.META.get("REMOTE_ADDR") or None


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class RequestContextMiddleware:
    """Give every request an id (echoed as X-Request-ID) and bind its context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else None
        request_context = context.RequestContext(
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:255],
            channel="api" if request.path.startswith("/api/") else "web",
            **({"request_id": request_id} if request_id else {}),
        )
        with context.bound(request_context):
            request.request_id = request_context.request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response["X-Request-ID"] = request_context.request_id
        return response


class RequestSizeLimitMiddleware:
    """Refuse bodies over STEWARD_MAX_REQUEST_BYTES with 413 before anything reads them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.STEWARD_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _refuse(request, 400, "bad-content-length", "The request's length is malformed.")
        if length > limit:
            return _refuse(
                request,
                413,
                "request-too-large",
                f"The request is larger than the {limit // (1024 * 1024)} MB this service accepts.",
            )
        return self.get_response(request)


def _refuse(request: HttpRequest, status: int, reason: str, message: str) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"reason": reason, "detail": message}, status=status)
    body = render_to_string(
        "web/error.html", {"status": status, "title": "Request refused", "message": message}
    )
    return HttpResponse(body, status=status)
