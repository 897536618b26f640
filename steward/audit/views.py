"""The audit trail's pages: search, one event with its proof, and exports."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from steward.audit import fhir, proofs, selectors
from steward.audit.forms import AuditSearchForm
from steward.audit.models import AuditEvent, AuditLeaf
from steward.audit.permissions import AUDIT_READERS, EXPORT_LIMIT
from steward.audit.services import event_record
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Organization
from steward.tenancy.permissions import active_membership


def _reader_organization(request: HttpRequest) -> Organization:
    membership = active_membership(request)
    if membership.role not in AUDIT_READERS:
        raise PermissionDenied(
            "Only privacy officers, auditors and compliance officers read the audit trail."
        )
    return membership.organization


def _download(payload: dict[str, object], filename: str) -> HttpResponse:
    response = JsonResponse(payload, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    organization = _reader_organization(request)
    form = AuditSearchForm(
        request.GET or None,
        organization=organization,
        event_names=selectors.event_names(organization=organization),
    )
    filtering = bool(request.GET) and not form.is_valid()
    events = selectors.event_list(organization=organization, criteria=form.criteria())
    if request.GET.get("format") == "fhir" and not filtering:
        chosen = list(events[:EXPORT_LIMIT])
        with transaction.atomic():
            event_record(
                event="audit.exported",
                actor=request.user,  # type: ignore[arg-type]
                tenant=organization,
                detail={"format": "fhir-r4-bundle", "events": len(chosen)},
            )
        return _download(fhir.bundle(chosen), "audit-events.fhir.json")
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page": paginate(request, events.none() if filtering else events),
            "query": query_without_page(request),
            "organization": organization,
            "export_limit": EXPORT_LIMIT,
        },
    )


def _event_or_404(request: HttpRequest, event_id: str) -> tuple[Organization, AuditEvent]:
    organization = _reader_organization(request)
    event = selectors.event_get(organization=organization, event_id=event_id)
    if event is None:
        raise Http404("No such event.")
    return organization, event


@login_required
def event_detail(request: HttpRequest, event_id: str) -> HttpResponse:
    organization, event = _event_or_404(request, event_id)
    leaf = AuditLeaf.objects.filter(event=event).values_list("index", flat=True).first()
    return render(
        request,
        "audit/event_detail.html",
        {
            "event": event,
            "record": json.dumps(event.record, indent=2, ensure_ascii=False),
            "leaf_index": leaf,
            "organization": organization,
        },
    )


@login_required
def event_bundle(request: HttpRequest, event_id: str) -> HttpResponse:
    """A bundle that proves this event is in the signed log, for steward-verify."""
    organization, event = _event_or_404(request, event_id)
    try:
        bundle = proofs.bundle_for([event])
    except proofs.ProofUnavailable as exc:
        raise Http404(str(exc)) from exc
    if not bundle["events"]:
        raise Http404("This event is not sealed yet; try again in a few seconds.")
    with transaction.atomic():
        event_record(
            event="audit.exported",
            actor=request.user,  # type: ignore[arg-type]
            tenant=organization,
            entity_type="audit-event",
            entity_id=str(event.event_id),
            detail={"format": "verification-bundle", "events": 1},
        )
    return _download(bundle, f"audit-event-{event.event_id}.bundle.json")


@login_required
def disclosure_list(request: HttpRequest) -> HttpResponse:
    """Every disclosure of the practice in the look-back period, by patient id (no PHI)."""
    from steward.audit import disclosures

    membership = active_membership(request)
    if membership.role not in ("privacy-officer", "auditor"):
        raise PermissionDenied(
            "The accounting of disclosures is for privacy officers and auditors."
        )
    entries = disclosures.accounting(tenant=membership.organization)
    if request.GET.get("format") == "csv":
        response = HttpResponse(disclosures.as_csv(entries), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="disclosures.csv"'
        return response
    return render(
        request,
        "audit/disclosures.html",
        {
            "page": paginate(request, entries),
            "query": query_without_page(request),
            "look_back": disclosures.LOOK_BACK_YEARS,
        },
    )
