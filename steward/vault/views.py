"""Records and retention for privacy officers: the policy, disposal requests, certificates.

These pages show patient ids only — never a name or any other field.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from steward.core.pagination import paginate
from steward.tenancy.models import Organization
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role
from steward.vault import selectors, services
from steward.vault.forms import DecisionForm, RetentionForm
from steward.vault.models import DisposalRequestStatus

READERS = frozenset({Role.PRIVACY_OFFICER, Role.CLIENT_ADMIN, Role.AUDITOR})
DECIDERS = frozenset({Role.PRIVACY_OFFICER})


def _practice(request: HttpRequest, roles: frozenset[str]) -> Organization:
    membership = active_membership(request)
    if membership.role not in roles or membership.organization.kind != (
        OrganizationKind.COVERED_ENTITY
    ):
        raise PermissionDenied(
            "Records and retention are the practice's privacy officer's to manage."
        )
    return membership.organization


@login_required
def records(request: HttpRequest) -> HttpResponse:
    practice = _practice(request, READERS)
    policy = services.retention_policy_for(practice)
    form = RetentionForm(
        request.POST or None,
        initial={"years_after_last_activity": policy.years_after_last_activity},
    )
    decider = active_membership(request).role in DECIDERS
    if request.method == "POST":
        if not decider:
            raise PermissionDenied("Only the privacy officer changes the retention policy.")
        if form.is_valid():
            try:
                services.retention_policy_set(
                    tenant=practice,
                    years=form.cleaned_data["years_after_last_activity"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "The retention policy is saved.")
                return redirect("vault:records")
    return render(
        request,
        "vault/records.html",
        {
            "practice": practice,
            "counts": selectors.patient_count(tenant=practice),
            "due": len(services.expired_patients(tenant=practice)),
            "policy": policy,
            "form": form,
            "can_decide": decider,
            "pending": selectors.disposal_requests(
                tenant=practice, status=DisposalRequestStatus.PENDING
            ),
            "decision_form": DecisionForm(),
            "certificates": paginate(request, selectors.disposal_certificates(tenant=practice)),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, request_id: str) -> HttpResponse:
    practice = _practice(request, DECIDERS)
    disposal = selectors.disposal_request_get(tenant=practice, request_id=request_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
        return redirect("vault:records")
    try:
        services.disposal_request_decide(
            request=disposal,
            decided_by=request.user,  # type: ignore[arg-type]
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "The record was destroyed; its certificate is listed below."
            if form.cleaned_data["decision"] == "approve"
            else "The request was rejected.",
        )
    return redirect("vault:records")
