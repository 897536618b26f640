"""Patient pages and the API: minimum necessary on screen and in JSON, explanations, logs."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from steward.access.models import BreakGlassReview, CorrectiveAction, ReviewStatus
from steward.audit.models import AuditEvent
from steward.vault.models import Patient
from tests.conftest import sign_in
from tests.personas import Tenant

HIDDEN_FROM_SCHEDULING = ("XYZ123", "Likes mornings", "1 Main St", "Black or African American")


def page(client: Client, patient: Patient, purpose: str | None = None) -> Any:
    url = reverse("access:patient", args=[patient.pk])
    return client.get(url, {"purpose": purpose} if purpose else {})


def test_a_vma_page_holds_the_scheduling_fields_and_nothing_else(
    client: Client,
    tenant_a: Tenant,
    patient_a: Patient,
    caplog: pytest.LogCaptureFixture,
    vma_task: object,
) -> None:
    caplog.set_level(logging.DEBUG)
    sign_in(client, tenant_a.vma)
    response = page(client, patient_a)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Imani" in html and "+1212555" in html
    for secret in HIDDEN_FROM_SCHEDULING:
        assert secret not in html
    assert 'data-field="notes"' not in html and "Insurance member id" not in html
    assert all(
        secret not in record.getMessage()
        for record in caplog.records
        for secret in (*HIDDEN_FROM_SCHEDULING, "Imani")
    )


def test_the_api_answers_with_the_purpose_fields_only(
    client: Client, tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    sign_in(client, tenant_a.vma)
    body = client.get(f"/api/patients/{patient_a.pk}").json()
    assert body["purpose"] == "appointment-scheduling"
    assert "insurance_member_id" not in body["fields"] and "notes" not in body["fields"]
    raw = json.dumps(body)
    assert all(secret not in raw for secret in HIDDEN_FROM_SCHEDULING)
    refused = client.get(f"/api/patients/{patient_a.pk}", {"purpose": "treatment"})
    assert refused.status_code == 403
    assert refused.json()["reason"] == "purpose-not-for-role:treatment"
    assert all(secret not in refused.content.decode() for secret in HIDDEN_FROM_SCHEDULING)


def test_outsiders_get_the_same_404_as_for_a_missing_patient(
    client: Client, tenant_b: Tenant, patient_a: Patient
) -> None:
    sign_in(client, tenant_b.practitioner)
    theirs = page(client, patient_a)
    missing = client.get(reverse("access:patient", args=["7d3c6a64-0000-4000-8000-000000000000"]))
    assert theirs.status_code == missing.status_code == 404
    strip = lambda r: r.content.decode().replace(str(patient_a.pk), "")  # noqa: E731
    assert "Imani" not in strip(theirs)
    assert strip(theirs).count("no patient record here") == 1
    api = client.get(f"/api/patients/{patient_a.pk}")
    assert api.status_code == 404 and api.json()["reason"] == "not-found"


def test_a_denial_explains_in_words(client: Client, tenant_a: Tenant, patient_a: Patient) -> None:
    sign_in(client, tenant_a.trainer)
    response = page(client, patient_a, "appointment-scheduling")
    assert response.status_code == 403
    assert b"Your role does not allow this." in response.content
    assert b"Ask your supervisor" in response.content


def test_editing_offers_only_the_purpose_fields(
    client: Client, tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    sign_in(client, tenant_a.vma)
    url = reverse("access:edit", args=[patient_a.pk])
    form = client.get(url)
    assert b'name="phone"' in form.content and b'name="insurance_member_id"' not in form.content
    response = client.post(
        url,
        {
            "purpose": "appointment-scheduling",
            "given_name": "Imani",
            "family_name": "Ward",
            "phone": "212 555 0166",
            "insurance_member_id": "SMUGGLED",
            "date_of_birth": "1984-03-09",
            "preferred_language": "Igbo",
            "interpreter_needed": "on",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(event="patient.updated").get()
    assert event.record["entity"]["fields"] == ["phone"]
    bad = client.post(
        url,
        {
            "purpose": "appointment-scheduling",
            "given_name": "Imani",
            "family_name": "Ward",
            "phone": "call me maybe",
            "date_of_birth": "1984-03-09",
        },
    )
    assert bad.status_code == 200 and "phone" in bad.context["form"].errors


def test_a_client_admin_registers_a_patient_with_inline_errors(
    client: Client, tenant_a: Tenant
) -> None:
    sign_in(client, tenant_a.client_admin)
    url = reverse("access:create")
    bad = client.post(url, {"given_name": "Nia"})
    assert bad.status_code == 200
    assert {"mrn", "family_name", "date_of_birth"} <= set(bad.context["form"].errors)
    good = client.post(
        url,
        {
            "mrn": "N-1",
            "given_name": "Nia",
            "family_name": "Okoye",
            "date_of_birth": "1990-05-06",
            "email": "nia@example.com",
            "postal_address__city": "Albany",
        },
    )
    assert good.status_code == 302
    created = Patient.objects.get(tenant=tenant_a.practice)
    assert created.bi_mrn


def test_search_page(
    client: Client, tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    sign_in(client, tenant_a.vma)
    empty = client.get(
        reverse("access:search"), {"purpose": "appointment-scheduling", "family_name": "Ward"}
    )
    assert empty.context["form"].errors
    found = client.get(
        reverse("access:search"),
        {"purpose": "appointment-scheduling", "family_name": "ward", "date_of_birth": "1984-03-09"},
    )
    assert [r["id"] for r in found.context["results"]] == [patient_a.pk]
    assert b"XYZ123" not in found.content


def test_fhir_export_is_valid_and_needs_a_fresh_session(
    client: Client, tenant_a: Tenant, patient_a: Patient
) -> None:
    from fhir.resources.R4B.patient import Patient as FhirPatient

    sign_in(client, tenant_a.practitioner)
    response = client.get(reverse("access:export", args=[patient_a.pk]))
    resource = FhirPatient.model_validate(json.loads(response.content))
    assert resource.name[0].family == "Ward"
    assert AuditEvent.objects.filter(event="patient.exported", outcome="success").exists()
    session = client.session
    for record in session["account_authentication_methods"]:
        record["at"] = time.time() - 3600
    session.save()
    stale = client.get(reverse("access:export", args=[patient_a.pk]))
    assert stale.status_code == 302 and "reauthenticate" in stale.url


def test_break_glass_journey_through_the_pages(
    client: Client, tenant_a: Tenant, patient_a: Patient
) -> None:
    from django.core import mail

    sign_in(client, tenant_a.supervisor)
    url = reverse("access:break-glass", args=[patient_a.pk])
    short = client.post(url, {"reason_code": "urgent-care", "justification": "because"})
    assert "justification" in short.context["form"].errors
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        granted = client.post(
            url,
            {
                "reason_code": "urgent-care",
                "justification": "Patient fainted on the phone; need the emergency contact now.",
            },
        )
    assert granted.status_code == 302 and "emergency-access" in granted.url
    assert mail.outbox and tenant_a.privacy_officer.email in mail.outbox[0].to
    assert "Imani" not in mail.outbox[0].body  # no PHI in mail
    record = client.get(granted.url)
    assert b"Emergency access." in record.content and b"Likes mornings" in record.content
    review = BreakGlassReview.objects.get()
    sign_in(client, tenant_a.privacy_officer)
    overview = client.get(reverse("access:reviews"))
    assert review in overview.context["open"]
    closed = client.post(
        reverse("access:review", args=[review.pk]),
        {"verdict": "not-justified", "note": "Contact number was on file."},
    )
    assert closed.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.NOT_JUSTIFIED
    assert CorrectiveAction.objects.get().subject_user == tenant_a.supervisor


def test_nobody_reviews_their_own_emergency_access(
    client: Client, tenant_a: Tenant, patient_a: Patient
) -> None:
    from steward.access import breakglass
    from tests.access.conftest import subject_for

    grant = breakglass.request_access(
        subject=subject_for(tenant_a.privacy_officer),
        patient_id=patient_a.pk,
        reason_code="patient-safety",
        justification="Complaint investigation needs the record",
    )
    sign_in(client, tenant_a.privacy_officer)
    response = client.post(
        reverse("access:review", args=[grant.review.pk]), {"verdict": "justified", "note": ""}
    )
    assert b"Nobody reviews their own" in response.content


def test_purposes_page_lists_field_sets(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    response = client.get(reverse("access:purposes"))
    assert b"Appointment scheduling" in response.content
    assert b"Insurance member id" in response.content  # under billing and insurance


class TestPortal:
    def link(self, tenant: Tenant, patient: Patient) -> None:
        patient.portal_user = tenant.patient
        patient.save()

    def test_the_patient_reads_their_record_and_who_looked(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, vma_task: object
    ) -> None:
        from steward.audit.sealing import seal_pending
        from steward.audit.standalone import verify_bundle

        self.link(tenant_a, patient_a)
        vma = Client()
        sign_in(vma, tenant_a.vma)
        assert page(vma, patient_a).status_code == 200
        sign_in(client, tenant_a.patient, mfa=False)
        mine = client.get(reverse("portal:record"))
        assert mine.status_code == 200 and b"Likes mornings" in mine.content
        log = client.get(reverse("portal:access-log"))
        assert tenant_a.vma.full_name.encode() in log.content
        assert b"appointment-scheduling" in log.content
        seal_pending()
        bundle = json.loads(client.get(reverse("portal:access-log-bundle")).content)
        assert len(bundle["events"]) >= 2 and verify_bundle(bundle) == []

    def test_a_patient_cannot_open_anyone_else(
        self, client: Client, tenant_a: Tenant, patient_a: Patient
    ) -> None:
        from tests.vault.conftest import values

        other = Patient.objects.get(pk=patient_a.pk)
        self.link(tenant_a, patient_a)
        from steward.vault.services import patient_create

        stranger = patient_create(tenant=tenant_a.practice, values=values(), actor=None)
        sign_in(client, tenant_a.patient, mfa=False)
        assert page(client, stranger, "patient-access").status_code == 404
        assert page(client, other, "patient-access").status_code == 200

    def test_an_unlinked_patient_account_is_told_why(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.patient, mfa=False)
        response = client.get(reverse("portal:record"))
        assert response.status_code == 403 and b"not linked" in response.content


def test_disclosures_are_recorded_and_accounted(
    client: Client, tenant_a: Tenant, patient_a: Patient
) -> None:
    sign_in(client, tenant_a.privacy_officer)
    url = reverse("access:disclosures", args=[patient_a.pk])
    bad = client.post(
        url,
        {"disclosed_on": "2999-01-01", "recipient_name": "", "description": "x", "purpose": "y"},
    )
    assert {"disclosed_on", "recipient_name"} <= set(bad.context["form"].errors)
    client.post(
        url,
        {
            "disclosed_on": "2026-10-02",
            "recipient_name": "County Health Dept.",
            "recipient_address": "1 Civic Plaza",
            "description": "Immunisation dates",
            "purpose": "Public health reporting (§164.512(b))",
        },
    )
    listing = client.get(url)
    assert b"County Health Dept." in listing.content
    csv_text = client.get(url, {"format": "csv"}).content.decode()
    assert "County Health Dept." in csv_text and "Public health reporting" in csv_text
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    overview = client.get(reverse("audit:disclosures"))
    assert b"County Health Dept." in overview.content
    assert AuditEvent.objects.filter(event="disclosure.recorded", patient_id=patient_a.pk).exists()
    sign_in(client, tenant_a.vma)
    assert client.get(url).status_code == 403
