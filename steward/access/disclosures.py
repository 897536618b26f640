"""One patient's disclosures: record a new one, and give the accounting (page, CSV, PDF)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from steward.access import display, gate
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.audit import disclosures
from steward.core.pdf import PdfUnavailable, html_to_pdf
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import Role


class DisclosureForm(forms.Form):
    disclosed_on = forms.DateField(
        label="Date disclosed", widget=forms.DateInput(attrs={"type": "date"})
    )
    recipient_name = forms.CharField(label="Recipient", max_length=200)
    recipient_address = forms.CharField(label="Recipient's address", max_length=300, required=False)
    description = forms.CharField(
        label="Information disclosed", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    purpose = forms.CharField(
        label="Purpose or legal basis", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_disclosed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["disclosed_on"]
        if day > dt.datetime.now(tz=dt.UTC).date() + dt.timedelta(days=1):
            raise forms.ValidationError("A disclosure cannot be in the future.")
        return day


@login_required
@gated(action="read")
def patient_disclosures(request: HttpRequest, patient_id: str) -> HttpResponse:
    from steward.access.views import denied

    if active_membership(request).role != Role.PRIVACY_OFFICER:
        raise PermissionDenied("The privacy officer keeps the accounting of disclosures.")
    try:
        reading = gate.read(
            subject=subject_from_request(request),
            patient_id=patient_id,
            purpose_code="privacy-review",
            fields=["given_name", "family_name", "mrn", "date_of_birth"],
        )
    except gate.AccessDenied as error:
        return denied(request, error)
    patient = reading.patient
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            disclosures.disclosure_record(
                tenant=patient.tenant,
                patient_id=patient.pk,
                recorded_by=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, "The disclosure is recorded.")
            return redirect("access:disclosures", patient_id=patient.pk)
    entries = disclosures.accounting(tenant=patient.tenant, patient_id=patient.pk)
    context: dict[str, Any] = {
        "patient": patient,
        "values": reading.values,
        "name": display.display_name(reading.values),
        "entries": entries,
        "form": form,
        "generated": dt.datetime.now(tz=patient.tenant.zone),
        "look_back": disclosures.LOOK_BACK_YEARS,
        "practice": patient.tenant,
    }
    download = request.GET.get("format")
    if download == "csv":
        response = HttpResponse(disclosures.as_csv(entries), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="disclosures-{patient.pk}.csv"'
        return response
    if download == "pdf":
        try:
            pdf = html_to_pdf(render_to_string("access/disclosures_pdf.html", context))
        except PdfUnavailable as exc:
            messages.error(request, str(exc))
            return redirect("access:disclosures", patient_id=patient.pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="disclosures-{patient.pk}.pdf"'
        return response
    return render(request, "access/disclosures.html", context)
