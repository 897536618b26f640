"""The consent rule at the moment of access: denied without consent, allowed with it, denied
again at once after withdrawal or when a material notice change makes it stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from steward.access import gate
from steward.access.models import PurposeOfUse
from steward.audit.models import AuditEvent
from steward.consent import services
from steward.consent.models import (
    ConsentMethod,
    ConsentRecord,
    Decision,
    Notice,
    Provision,
    ReconsentCampaign,
    RecordedAs,
)
from steward.core.models import ImmutableRecordError
from steward.vault.models import Patient
from tests.consent.conftest import choose, publish, subject_for
from tests.personas import Tenant

SMS = "reminders-sms"


def remind_read(tenant: Tenant, patient: Patient) -> gate.Reading:
    return gate.read(
        subject=subject_for(tenant.supervisor), patient_id=patient.pk, purpose_code=SMS
    )


def denial_reasons(tenant: Tenant, patient: Patient) -> tuple[str, ...]:
    with pytest.raises(gate.AccessDenied) as caught:
        remind_read(tenant, patient)
    assert not caught.value.concealed  # the asker may know why: it is the patient's choice
    return caught.value.decision.reasons


def last_read() -> AuditEvent:
    return AuditEvent.objects.filter(event="patient.read").order_by("-sequence").first()


def test_denied_without_consent_allowed_after_grant_denied_at_once_after_withdrawal(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    assert denial_reasons(tenant_a, portal_patient) == (f"consent-missing:{SMS}",)
    denied = last_read()
    assert denied.outcome == "denied"
    assert denied.record["reasons"] == [f"consent-missing:{SMS}"]
    assert denied.record["purpose"] == SMS

    choose(tenant_a, portal_patient, SMS, Decision.GRANTED)
    reading = remind_read(tenant_a, portal_patient)
    assert reading.values["phone"].startswith("+1212555")
    assert last_read().outcome == "success"

    choose(tenant_a, portal_patient, SMS, Decision.WITHDRAWN)
    assert denial_reasons(tenant_a, portal_patient) == (f"consent-withdrawn:{SMS}",)
    assert last_read().record["reasons"] == [f"consent-withdrawn:{SMS}"]
    changes = AuditEvent.objects.filter(event__startswith="consent.").order_by("sequence")
    assert [e.event for e in changes] == ["consent.granted", "consent.withdrawn"]
    assert {str(e.patient_id) for e in changes} == {str(portal_patient.pk)}


def test_a_declined_purpose_is_refused_with_its_own_reason(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, SMS, Decision.DENIED)
    assert denial_reasons(tenant_a, portal_patient) == (f"consent-denied:{SMS}",)


def test_purposes_that_need_no_consent_are_not_affected(
    tenant_a: Tenant, patient_a: Patient, notice: Notice
) -> None:
    reading = gate.read(
        subject=subject_for(tenant_a.supervisor),
        patient_id=patient_a.pk,
        purpose_code="appointment-scheduling",
    )
    assert reading.values["given_name"] == "Imani"


def test_material_notice_change_makes_older_consents_stale_after_the_grace_period(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, SMS, Decision.GRANTED)
    changed = publish(tenant_a, material=True, summary="A new vendor handles reminders.")
    campaign = ReconsentCampaign.objects.get(notice=changed)
    assert campaign.recipients.get().patient_id == portal_patient.pk
    # Within the grace period the old consent still counts.
    remind_read(tenant_a, portal_patient)

    ReconsentCampaign.objects.filter(pk=campaign.pk).update(
        grace_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert denial_reasons(tenant_a, portal_patient) == (f"consent-stale:{SMS}",)
    assert last_read().record["reasons"] == [f"consent-stale:{SMS}"]

    choose(tenant_a, portal_patient, SMS, Decision.GRANTED)  # under version 2
    remind_read(tenant_a, portal_patient)
    campaign.recipients.get().refresh_from_db()
    assert campaign.recipients.get().responded_at is not None


def test_a_minor_notice_change_keeps_consents(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, SMS, Decision.GRANTED)
    publish(tenant_a, material=False, summary="Typo fixed.", grace_days=0)
    assert not ReconsentCampaign.objects.exists()
    remind_read(tenant_a, portal_patient)


def test_consent_expires_when_the_policy_says_so(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    purpose = PurposeOfUse.objects.get(code=SMS)
    services.policy_update(
        tenant=tenant_a.practice,
        purpose=purpose,
        actor=tenant_a.privacy_officer,
        consent_required=True,
        data_categories=["identity", "contact"],
        plain_language="Texts about appointments.",
        consent_valid_days=365,
    )
    record = choose(tenant_a, portal_patient, SMS, Decision.GRANTED)
    assert record.expires_at is not None
    assert record.expires_at - timezone.now() > dt.timedelta(days=364)
    remind_read(tenant_a, portal_patient)
    ConsentRecord.objects.filter(pk=record.pk).update(expires_at=timezone.now())
    assert denial_reasons(tenant_a, portal_patient) == (f"consent-expired:{SMS}",)


def test_policy_change_applies_at_the_next_decision_and_is_audited(
    tenant_a: Tenant, patient_a: Patient, notice: Notice
) -> None:
    purpose = PurposeOfUse.objects.get(code=SMS)
    services.policy_update(
        tenant=tenant_a.practice,
        purpose=purpose,
        actor=tenant_a.privacy_officer,
        consent_required=False,
        data_categories=["contact"],
        plain_language="Texts about appointments.",
        consent_valid_days=None,
    )
    remind_read(tenant_a, patient_a)
    event = AuditEvent.objects.get(event="consent.policy-changed")
    assert event.record["detail"]["consent_required"] is False
    assert event.record["detail"]["before"] is None


def test_vendor_processing_consent_binds_the_vendor_only(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    services.policy_update(
        tenant=tenant_a.practice,
        purpose=PurposeOfUse.objects.get(code="vendor-processing"),
        actor=tenant_a.privacy_officer,
        consent_required=True,
        data_categories=["identity"],
        plain_language="Our vendor's assistants handle scheduling.",
        consent_valid_days=None,
    )
    with pytest.raises(gate.AccessDenied) as caught:
        gate.read(
            subject=subject_for(tenant_a.supervisor),
            patient_id=portal_patient.pk,
            purpose_code="appointment-scheduling",
        )
    assert caught.value.decision.reasons == ("consent-missing:vendor-processing",)
    # The practice's own staff are not the vendor.
    gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=portal_patient.pk,
        purpose_code="appointment-scheduling",
    )
    choose(tenant_a, portal_patient, "vendor-processing", Decision.GRANTED)
    gate.read(
        subject=subject_for(tenant_a.supervisor),
        patient_id=portal_patient.pk,
        purpose_code="appointment-scheduling",
    )


def test_an_agreed_restriction_denies_and_only_an_emergency_lifts_it(
    tenant_a: Tenant, patient_a: Patient, notice: Notice
) -> None:
    services.consent_record(
        tenant=tenant_a.practice,
        patient=patient_a,
        purpose=PurposeOfUse.objects.get(code="appointment-scheduling"),
        provision=Provision.RESTRICTION,
        decision=Decision.GRANTED,
        method=ConsentMethod.PAPER,
        recorded_as=RecordedAs.STAFF,
        evidence_reference="DMS-2026-0042",
        actor=tenant_a.privacy_officer,
    )
    with pytest.raises(gate.AccessDenied) as caught:
        gate.read(
            subject=subject_for(tenant_a.supervisor),
            patient_id=patient_a.pk,
            purpose_code="appointment-scheduling",
        )
    assert caught.value.decision.reasons == ("consent-restricted:appointment-scheduling",)
    glass = frozenset({str(patient_a.pk)})
    reading = gate.read(
        subject=subject_for(tenant_a.supervisor, glass=glass),
        patient_id=patient_a.pk,
        purpose_code="appointment-scheduling",
    )
    assert "break-glass-review" in reading.decision.obligations
    assert AuditEvent.objects.filter(event="restriction.granted").count() == 1


def test_the_patients_own_access_never_needs_their_consent(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, SMS, Decision.DENIED)
    gate.read(
        subject=subject_for(tenant_a.patient),
        patient_id=portal_patient.pk,
        purpose_code="patient-access",
    )


class TestRecordingRules:
    def test_nothing_to_withdraw(
        self, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            choose(tenant_a, portal_patient, SMS, Decision.WITHDRAWN)
        assert "decision" in caught.value.message_dict
        assert not ConsentRecord.objects.exists()
        assert not AuditEvent.objects.filter(event__startswith="consent.").exists()

    def test_no_consent_before_a_notice(self, tenant_a: Tenant, portal_patient: Patient) -> None:
        with pytest.raises(ValidationError, match="not published a notice"):
            choose(tenant_a, portal_patient, SMS, Decision.GRANTED)

    def test_staff_answers_carry_their_evidence(
        self, tenant_a: Tenant, patient_a: Patient, notice: Notice
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            services.consent_record(
                tenant=tenant_a.practice,
                patient=patient_a,
                purpose=PurposeOfUse.objects.get(code=SMS),
                decision=Decision.GRANTED,
                method=ConsentMethod.VERBAL,
                recorded_as=RecordedAs.REPRESENTATIVE,
                actor=tenant_a.vma,
                representative_name="Ada Ward",
            )
        assert set(caught.value.message_dict) == {"attestation", "representative_authority"}

    def test_only_the_patient_answers_through_the_portal(
        self, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            services.consent_record(
                tenant=tenant_a.practice,
                patient=portal_patient,
                purpose=PurposeOfUse.objects.get(code=SMS),
                decision=Decision.GRANTED,
                method=ConsentMethod.PORTAL,
                recorded_as=RecordedAs.PATIENT,
                actor=tenant_a.vma,
            )
        assert "method" in caught.value.message_dict

    def test_emergency_access_is_not_a_patient_choice(
        self, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        with pytest.raises(ValidationError) as caught:
            choose(tenant_a, portal_patient, "emergency-access", Decision.DENIED)
        assert "purpose" in caught.value.message_dict

    def test_history_is_never_rewritten(
        self, tenant_a: Tenant, portal_patient: Patient, notice: Notice
    ) -> None:
        record = choose(tenant_a, portal_patient, SMS, Decision.GRANTED)
        record.decision = Decision.DENIED
        with pytest.raises(ImmutableRecordError):
            record.save()
        with pytest.raises(ImmutableRecordError):
            record.delete()
        notice.summary = "Rewritten"
        with pytest.raises(ImmutableRecordError):
            notice.save()


def _require_vendor_consent(tenant: Tenant) -> None:
    services.policy_update(
        tenant=tenant.practice,
        purpose=PurposeOfUse.objects.get(code="vendor-processing"),
        actor=tenant.privacy_officer,
        consent_required=True,
        data_categories=["identity"],
        plain_language="Our vendor's assistants handle scheduling.",
        consent_valid_days=None,
    )


def test_breaking_glass_does_not_lift_the_vendor_consent(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    _require_vendor_consent(tenant_a)
    choose(tenant_a, portal_patient, "vendor-processing", Decision.GRANTED)
    choose(tenant_a, portal_patient, "vendor-processing", Decision.WITHDRAWN)
    glass = frozenset({str(portal_patient.pk)})
    with pytest.raises(gate.AccessDenied) as caught:
        gate.read(
            subject=subject_for(tenant_a.supervisor, glass=glass),
            patient_id=portal_patient.pk,
            purpose_code="emergency-access",
        )
    assert caught.value.decision.reasons == ("consent-withdrawn:vendor-processing",)
    # The practice's own practitioner in an emergency is not the vendor.
    gate.read(
        subject=subject_for(tenant_a.practitioner, glass=glass),
        patient_id=portal_patient.pk,
        purpose_code="emergency-access",
    )


def test_a_restriction_on_the_vendor_binds_vendor_staff_for_every_purpose(
    tenant_a: Tenant, patient_a: Patient, notice: Notice
) -> None:
    services.consent_record(
        tenant=tenant_a.practice,
        patient=patient_a,
        purpose=PurposeOfUse.objects.get(code="vendor-processing"),
        provision=Provision.RESTRICTION,
        decision=Decision.GRANTED,
        method=ConsentMethod.PAPER,
        recorded_as=RecordedAs.STAFF,
        evidence_reference="DMS-7",
        actor=tenant_a.privacy_officer,
    )
    with pytest.raises(gate.AccessDenied) as caught:
        gate.read(
            subject=subject_for(tenant_a.supervisor),
            patient_id=patient_a.pk,
            purpose_code="appointment-scheduling",
        )
    assert caught.value.decision.reasons == ("consent-restricted:vendor-processing",)
    gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="appointment-scheduling",
    )
