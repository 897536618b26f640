"""Pages of the shell: landing, dashboard, account, and the error pages."""

from __future__ import annotations

from allauth.usersessions.models import UserSession
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from steward.core.middleware import wants_json
from steward.web.dashboards import dashboard_context


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return redirect("account_login")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if getattr(request, "membership", None) is None:
        return redirect("web:no-access")
    return render(request, "web/dashboard.html", dashboard_context(request))


@login_required
def no_access(request: HttpRequest) -> HttpResponse:
    if getattr(request, "membership", None) is not None:
        return redirect("web:dashboard")
    return render(request, "web/no_access.html", status=403)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    from steward.web.dashboards import Authenticator

    return render(
        request,
        "web/account.html",
        {
            "memberships": getattr(request, "memberships", []),
            "factors": Authenticator.objects.filter(user=request.user).order_by("type"),
            "sessions": UserSession.objects.filter(user=request.user).order_by("-last_seen_at")[
                :20
            ],
        },
    )


@login_required
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """A deliberate "stay signed in": the session policy has already reset the idle clock."""
    return HttpResponse(status=204)


# --- Error pages: the same layout, nothing internal revealed --------------------

_TITLES = {400: "Bad request", 403: "Not allowed", 404: "Not found", 500: "Something went wrong"}


def _error(request: HttpRequest, status: int, message: str) -> HttpResponse:
    reason = {400: "bad-request", 403: "forbidden", 404: "not-found", 500: "server-error"}[status]
    if wants_json(request):
        return JsonResponse({"reason": reason, "detail": message}, status=status)
    context = {
        "status": status,
        "title": _TITLES[status],
        "message": message,
        "request_id": getattr(request, "request_id", ""),
    }
    if status == 500:
        # Rendered without the request: whatever failed must not fail again here.
        return HttpResponse(render_to_string("web/500.html", context), status=500)
    return render(request, "web/error.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 400, "The request could not be understood. Check what you sent and try again."
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own PermissionDenied messages are written for people; Django's are generic.
    message = (
        str(exception)
        if exception and str(exception)
        else ("You do not have permission to see this page.")
    )
    return _error(request, 403, message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "There is nothing here, or it is not yours to see.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "The error has been logged. Try again in a moment.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"reason": "csrf-failed", "detail": "The request lacked a valid CSRF token."},
            status=403,
        )
    return render(
        request,
        "web/error.html",
        {
            "status": 403,
            "title": "Form expired",
            "message": "This form expired or was sent from elsewhere. Go back, reload the page "
            "and try again.",
        },
        status=403,
    )
