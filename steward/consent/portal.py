"""The patient's side: the current notice, a choice per purpose, the history, receipts.

Every change goes through ``services.consent_record`` (append-only, audited) and
applies from the gate's next decision.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from steward.access.models import PurposeOfUse
from steward.access.portal import my_patient
from steward.consent import fhir, receipts, services, state
from steward.consent.forms import PortalChoiceForm
from steward.consent.models import (
    AcknowledgmentOutcome,
    ConsentMethod,
    ConsentRecord,
    NoticeAcknowledgment,
    ReconsentRecipient,
    RecordedAs,
)
from steward.core.pagination import paginate
from steward.core.pdf import PdfUnavailable, html_to_pdf


@login_required
def privacy(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    tenant = patient.tenant
    notice = state.current_notice(tenant)
    waiting = (
        ReconsentRecipient.objects.filter(patient=patient, responded_at__isnull=True)
        .select_related("campaign__notice")
        .order_by("-campaign__created_at")
        .first()
    )
    return render(
        request,
        "consent/portal_privacy.html",
        {
            "notice": notice,
            "acknowledged": notice is not None
            and NoticeAcknowledgment.objects.filter(
                patient=patient, notice=notice, outcome=AcknowledgmentOutcome.ACKNOWLEDGED
            ).exists(),
            "states": state.states_for(tenant, patient.pk),
            "campaign": waiting.campaign if waiting is not None else None,
        },
    )


@login_required
@require_POST
def privacy_choose(request: HttpRequest, code: str) -> HttpResponse:
    patient = my_patient(request)
    purpose = PurposeOfUse.objects.filter(code=code).first()
    if purpose is None or not state.choosable(purpose):
        raise Http404("No such purpose.")
    form = PortalChoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the offered answers.")
        return redirect("privacy:home")
    try:
        services.consent_record(
            tenant=patient.tenant,
            patient=patient,
            purpose=purpose,
            decision=form.cleaned_data["decision"],
            method=ConsentMethod.PORTAL,
            recorded_as=RecordedAs.PATIENT,
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Saved: {purpose.name}. It applies from now on.")
    return redirect("privacy:home")


@login_required
@require_POST
def privacy_acknowledge(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    notice = state.current_notice(patient.tenant)
    if notice is None:
        raise Http404("The practice has not published a notice yet.")
    services.acknowledgment_record(
        tenant=patient.tenant,
        patient=patient,
        notice=notice,
        outcome=AcknowledgmentOutcome.ACKNOWLEDGED,
        method=ConsentMethod.PORTAL,
        actor=request.user,  # type: ignore[arg-type]
    )
    messages.success(request, f"Thank you: you acknowledged version {notice.version}.")
    return redirect("privacy:home")


@login_required
def privacy_history(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    return render(
        request,
        "consent/portal_history.html",
        {"page": paginate(request, state.history(patient.tenant, patient.pk))},
    )


def _my_record(request: HttpRequest, record_id: str) -> ConsentRecord:
    patient = my_patient(request)
    return get_object_or_404(
        ConsentRecord.objects.select_related("notice", "purpose", "tenant"),
        pk=record_id,
        patient=patient,
        tenant=patient.tenant,
    )


@login_required
def receipt_json(request: HttpRequest, record_id: str) -> HttpResponse:
    document = receipts.receipt(_my_record(request, record_id))
    response = JsonResponse(document, json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{record_id}.json"'
    return response


@login_required
def receipt_pdf(request: HttpRequest, record_id: str) -> HttpResponse:
    record = _my_record(request, record_id)
    document = receipts.receipt(record)
    html = render_to_string(
        "consent/receipt_pdf.html",
        {"r": document, "record": record, "raw": json.dumps(document, indent=2)},
    )
    try:
        pdf = html_to_pdf(html)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("privacy:history")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="consent-receipt-{record_id}.pdf"'
    return response


@login_required
def consent_fhir(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    bundle = fhir.consent_bundle(
        list(state.history(patient.tenant, patient.pk)),
        threshold=state.stale_before(patient.tenant),
    )
    response = JsonResponse(bundle, json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/fhir+json"
    response["Content-Disposition"] = 'attachment; filename="my-consents.fhir.json"'
    return response
