"""The consent pages through the web: the patient's choices, staff recording, reminders that
respect the patient's channel choice, the privacy officer's notices and policy, public pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from steward.audit.models import AuditEvent
from steward.consent.models import (
    ConsentRecord,
    Decision,
    MessageStatus,
    Notice,
    OutboundMessage,
    PurposePolicy,
)
from steward.core import sms
from steward.vault.models import Patient
from tests.conftest import sign_in
from tests.consent.conftest import choose
from tests.personas import Tenant

REMINDER = {"channel": "sms", "kind": "appointment", "when": "2026-12-03T10:30"}


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> None:
    sms.outbox.clear()


class TestPortal:
    def test_patient_sees_and_changes_choices(
        self, client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.patient, mfa=False)
        page = client.get("/portal/privacy/")
        assert page.status_code == 200
        assert b"Reminders by SMS" in page.content
        assert b"Not asked yet" in page.content
        response = client.post("/portal/privacy/choose/reminders-sms/", {"decision": "granted"})
        assert response.status_code == 302
        record = ConsentRecord.objects.get()
        assert (record.decision, record.method, record.recorded_as) == (
            "granted",
            "portal",
            "patient",
        )
        assert record.recorded_by == tenant_a.patient
        page = client.get("/portal/privacy/")
        assert b"Withdraw" in page.content
        history = client.get("/portal/privacy/history/")
        assert f"/portal/privacy/receipts/{record.pk}.json".encode() in history.content

    def test_bad_answers_are_refused_clearly(
        self, client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.patient, mfa=False)
        response = client.post(
            "/portal/privacy/choose/reminders-sms/", {"decision": "maybe"}, follow=True
        )
        assert b"Choose one of the offered answers" in response.content
        assert (
            client.post("/portal/privacy/choose/nonsense/", {"decision": "granted"}).status_code
            == 404
        )
        response = client.post(
            "/portal/privacy/choose/reminders-sms/", {"decision": "withdrawn"}, follow=True
        )
        assert b"nothing in force to withdraw" in response.content
        assert not ConsentRecord.objects.exists()

    def test_acknowledging_the_notice(
        self, client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.patient, mfa=False)
        client.post("/portal/privacy/acknowledge/")
        page = client.get("/portal/privacy/")
        assert b"You acknowledged it." in page.content
        assert AuditEvent.objects.filter(event="notice.acknowledged").count() == 1

    def test_staff_cannot_use_the_portal(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.vma)
        assert client.get("/portal/privacy/").status_code == 403


class TestStaffPatientPage:
    def test_vendor_supervisor_sees_choices_and_opening_is_recorded(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.supervisor)
        page = client.get(f"/consent/patients/{patient_a.pk}/")
        assert page.status_code == 200
        assert b"Imani Ward" in page.content
        assert b"Likes mornings" not in page.content  # names only
        read = AuditEvent.objects.filter(event="patient.read").latest("sequence")
        assert read.patient_id == patient_a.pk

    def test_outsider_sees_not_found(
        self, client: Client, tenant_b: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_b.vma)
        assert client.get(f"/consent/patients/{patient_a.pk}/").status_code == 404
        response = client.post(f"/consent/patients/{patient_a.pk}/reminder/", REMINDER)
        assert response.status_code == 404
        assert not OutboundMessage.objects.exists()

    def test_verbal_answer_needs_attestation_inline(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        form = {
            "purpose": "reminders-sms",
            "provision": "consent",
            "decision": "granted",
            "method": "verbal",
            "recorded_as": "staff",
        }
        response = client.post(f"/consent/patients/{patient_a.pk}/choice/", form)
        assert response.status_code == 400
        assert b"Attest to what the patient" in response.content
        form["attestation"] = "Patient said yes to texts on a call, 30 Nov 2026 10:02."
        response = client.post(f"/consent/patients/{patient_a.pk}/choice/", form)
        assert response.status_code == 302
        record = ConsentRecord.objects.get()
        assert record.recorded_by == tenant_a.client_admin
        assert record.attestation.startswith("Patient said yes")

    def test_vendor_staff_cannot_record_answers(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.supervisor)
        form = {
            "purpose": "reminders-sms",
            "provision": "consent",
            "decision": "granted",
            "method": "verbal",
            "recorded_as": "staff",
            "attestation": "Said yes.",
        }
        assert client.post(f"/consent/patients/{patient_a.pk}/choice/", form).status_code == 403
        page = client.get(f"/consent/patients/{patient_a.pk}/")
        assert b"Record a choice" not in page.content
        assert not ConsentRecord.objects.exists()

    def test_vma_cannot_record_answers_or_restrictions(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        from tests.access.conftest import assign_task

        assign_task(tenant_a, patient_a, tenant_a.vma)
        sign_in(client, tenant_a.vma)
        response = client.post(
            f"/consent/patients/{patient_a.pk}/choice/",
            {
                "purpose": "billing-insurance",
                "provision": "restriction",
                "decision": "granted",
                "method": "paper",
                "recorded_as": "staff",
                "evidence_reference": "DMS-1",
            },
        )
        assert response.status_code == 403
        assert not ConsentRecord.objects.exists()


class TestReminders:
    def test_reminder_without_consent_is_not_sent_and_is_recorded(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.supervisor)
        response = client.post(f"/consent/patients/{patient_a.pk}/reminder/", REMINDER, follow=True)
        assert b"The reminder was not sent" in response.content
        assert sms.outbox == []
        message = OutboundMessage.objects.get()
        assert message.status == MessageStatus.BLOCKED
        assert message.reasons == ["consent-missing:reminders-sms"]
        blocked = AuditEvent.objects.get(event="communication.blocked")
        assert blocked.outcome == "denied"
        assert blocked.record["reasons"] == ["consent-missing:reminders-sms"]

    def test_reminder_with_consent_is_sent(
        self, client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
        choose(tenant_a, portal_patient, "reminders-email", Decision.GRANTED)
        sign_in(client, tenant_a.supervisor)
        client.post(f"/consent/patients/{portal_patient.pk}/reminder/", REMINDER)
        client.post(
            f"/consent/patients/{portal_patient.pk}/reminder/", {**REMINDER, "channel": "email"}
        )
        assert len(sms.outbox) == 1
        assert sms.outbox[0].to.startswith("+1212555")
        assert "Imani" in sms.outbox[0].body
        assert len(mail.outbox) == 1
        assert [m.status for m in OutboundMessage.objects.order_by("created_at")] == [
            "sent",
            "sent",
        ]

    def test_bad_reminder_form_is_shown_inline(
        self, client: Client, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        sign_in(client, tenant_a.supervisor)
        response = client.post(
            f"/consent/patients/{patient_a.pk}/reminder/", {**REMINDER, "channel": "pigeon"}
        )
        assert response.status_code == 400
        assert b"Select a valid choice" in response.content
        assert not OutboundMessage.objects.exists()


class TestPrivacyOfficer:
    def test_publishing_from_the_page(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.privacy_officer)
        form = client.get("/consent/notices/new/")
        assert form.status_code == 200
        initial = form.context["form"].initial
        assert tenant_a.bpo.legal_name in initial["handlers"]
        data = {
            **initial,
            "contact_email": "privacy@a.example",
            "contact_phone": "+1 212 555 0100",
            "contact_address": "1 Main St",
            "grace_days": 30,
        }
        response = client.post("/consent/notices/new/", data)
        assert response.status_code == 302
        assert Notice.objects.get().version == 1
        assert client.get("/consent/notices/1/").status_code == 200

    def test_publishing_with_missing_sections_shows_errors(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.privacy_officer)
        response = client.post("/consent/notices/new/", {"summary": "x", "grace_days": 30})
        assert response.status_code == 400
        assert b"This field is required" in response.content
        assert not Notice.objects.exists()

    def test_only_the_privacy_officer_publishes_or_changes_policy(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        assert client.get("/consent/notices/").status_code == 200
        assert client.get("/consent/notices/new/").status_code == 403
        assert client.get("/consent/policy/reminders-sms/").status_code == 403
        sign_in(client, tenant_a.vma)
        assert client.get("/consent/notices/").status_code == 403

    def test_policy_edit(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.privacy_officer)
        response = client.post(
            "/consent/policy/billing-insurance/",
            {
                "consent_required": "on",
                "data_categories": ["insurance", "identity"],
                "plain_language": "Billing your insurer.",
                "consent_valid_days": "",
            },
        )
        assert response.status_code == 302
        policy = PurposePolicy.objects.get()
        assert policy.consent_required is True
        assert policy.data_categories == ["identity", "insurance"]
        assert client.get("/consent/policy/emergency-access/").status_code == 404
        bad = client.post(
            "/consent/policy/billing-insurance/",
            {"plain_language": "x", "consent_valid_days": "0"},
        )
        assert bad.status_code == 400

    def test_campaign_and_messages_pages(
        self, client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        from tests.consent.conftest import publish

        choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
        changed = publish(tenant_a, material=True, summary="New vendor.")
        sign_in(client, tenant_a.privacy_officer)
        page = client.get(f"/consent/campaigns/{changed.campaign.pk}/")
        assert page.status_code == 200
        assert page.context["progress"]["total"] == 1
        assert (
            client.get(f"/consent/campaigns/{changed.campaign.pk}/?status=waiting").status_code
            == 200
        )
        assert client.get("/consent/messages/?status=blocked").status_code == 200
        assert client.get("/consent/messages/?status=%00junk").status_code == 200


class TestPublic:
    def test_anyone_reads_the_notice(
        self, client: Client, tenant_a: Tenant, notice: Notice
    ) -> None:
        response = client.get(f"/consent/public/{tenant_a.practice.pk}/")
        assert response.status_code == 200
        assert tenant_a.bpo.legal_name.encode() in response.content
        assert client.get(f"/consent/public/{tenant_a.practice.pk}/v9/").status_code == 404
        assert client.get(f"/consent/public/{tenant_a.practice.pk}/v0/").status_code == 404

    def test_no_notice_or_not_a_practice_is_not_found(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        assert client.get(f"/consent/public/{tenant_a.practice.pk}/").status_code == 404
        assert client.get(f"/consent/public/{tenant_a.bpo.pk}/").status_code == 404


def test_privacy_officer_dashboard_charts_consents(
    client: Client, tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    choose(tenant_a, portal_patient, "fairness-analytics", Decision.DENIED)
    sign_in(client, tenant_a.privacy_officer)
    page = client.get("/dashboard/")
    assert page.status_code == 200
    granted = {bar["label"]: bar["value"] for bar in page.context["consent_bars"]}
    refused = {bar["label"]: bar["value"] for bar in page.context["refusal_bars"]}
    assert granted["Reminders by SMS"] == 1
    assert refused["Quality and fairness analytics"] == 1
    assert b'data-testid="consent-panel"' in page.content
