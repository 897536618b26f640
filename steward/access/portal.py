"""The patient portal: my record (through the gate), and who has looked at it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from steward.access import display, gate
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.audit import proofs
from steward.audit import selectors as audit_selectors
from steward.audit.disclosures import accounting
from steward.core.dbscope import tenant_scope
from steward.core.pagination import paginate
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import Role
from steward.vault.models import Patient


def my_patient(request: HttpRequest) -> Patient:
    membership = active_membership(request)
    if membership.role != Role.PATIENT:
        raise PermissionDenied("The portal is for patients.")
    with tenant_scope([membership.organization_id]):
        patient = Patient.objects.filter(
            portal_user_id=request.user.pk, tenant=membership.organization
        ).first()
    if patient is None:
        raise PermissionDenied(
            "Your account is not linked to a patient record yet; ask the practice to link it."
        )
    return patient


@login_required
@gated(action="read")
def my_record(request: HttpRequest) -> HttpResponse:
    from steward.access.views import denied

    patient = my_patient(request)
    try:
        reading = gate.read(
            subject=subject_from_request(request),
            patient_id=patient.pk,
            purpose_code="patient-access",
        )
    except gate.AccessDenied as error:
        return denied(request, error)
    return render(
        request,
        "access/portal_record.html",
        {"name": display.display_name(reading.values), "rows": display.rows(reading.values)},
    )


@login_required
def my_access_log(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    events = audit_selectors.events_about_patient(patient_id=patient.pk)
    page = paginate(request, events)
    entries = audit_selectors.with_actors(list(page.object_list))
    organizations = audit_selectors.organizations_by_id({e.actor_organization_id for e in entries})
    rows = [
        {
            "when": e.occurred_at,
            "event": e.event,
            "outcome": e.outcome,
            "who": _who(e),
            "role": e.record["actor"]["role"].replace("-", " "),
            "organization": organizations.get(e.actor_organization_id),
            "purpose": e.record["purpose"],
            "break_glass": e.break_glass,
        }
        for e in entries
    ]
    return render(
        request,
        "access/portal_access_log.html",
        {
            "page": page,
            "rows": rows,
            "disclosures": accounting(tenant=patient.tenant, patient_id=patient.pk),
        },
    )


def _who(event: object) -> str:
    user = getattr(event, "actor_user", None)
    return user.full_name if user is not None else "Steward (automatic)"


@login_required
def my_access_log_bundle(request: HttpRequest) -> HttpResponse:
    """Every sealed access to my record, with proofs anyone can check with steward-verify."""
    patient = my_patient(request)
    events = audit_selectors.events_about_patient(patient_id=patient.pk)[:5000]
    try:
        bundle = proofs.bundle_for(list(events))
    except proofs.ProofUnavailable:
        bundle = {
            "format": proofs.BUNDLE_FORMAT,
            "events": [],
            "note": "Nothing has been sealed yet; try again in a minute.",
        }
    response = JsonResponse(bundle, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-access-log.bundle.json"'
    return response
