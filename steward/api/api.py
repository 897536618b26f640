"""The ninja API. Errors are JSON with a stable ``reason`` code, never a stack trace."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from steward.access.api import router as patients_router
from steward.audit.api import router as audit_router
from steward.core import context
from steward.work.api import router as tasks_router

api = NinjaAPI(
    title="Steward API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    description="Session-authenticated JSON API. Every error carries a machine-readable `reason`.",
)


def _error(request: HttpRequest, status: int, reason: str, detail: Any) -> HttpResponse:
    return api.create_response(request, {"reason": reason, "detail": detail}, status=status)


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        {"field": ".".join(str(p) for p in error.get("loc", [])[1:]), "message": error.get("msg")}
        for error in exc.errors
    ]
    return _error(request, 422, "invalid-input", problems)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "not-authenticated", "Sign in first.")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", str(exc) or "Not allowed.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not-found", "There is nothing here, or it is not yours to see.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "request-refused", str(exc))


class Health(Schema):
    status: str
    request_id: str


@api.get("/health", response=Health, auth=None, tags=["service"])
def health(request: HttpRequest) -> dict[str, str]:
    """Liveness: answers without touching the database or any session."""
    return {"status": "ok", "request_id": context.current().request_id}


class MembershipOut(Schema):
    organization_id: str
    organization: str
    role: str
    active: bool


class MeOut(Schema):
    id: str
    email: str
    full_name: str
    memberships: list[MembershipOut]


@api.get("/me", response=MeOut, auth=django_auth, tags=["account"])
def me(request: HttpRequest) -> dict[str, Any]:
    """Who is signed in, and the memberships they can act under."""
    user = request.user
    active = getattr(request, "membership", None)
    return {
        "id": str(user.pk),
        "email": user.email,  # type: ignore[union-attr]
        "full_name": user.full_name,  # type: ignore[union-attr]
        "memberships": [
            {
                "organization_id": str(m.organization_id),
                "organization": m.organization.short_name,
                "role": m.role,
                "active": active is not None and m.pk == active.pk,
            }
            for m in getattr(request, "memberships", [])
        ],
    }


api.add_router("/audit/", audit_router)
api.add_router("/patients/", patients_router)
api.add_router("/tasks/", tasks_router)
