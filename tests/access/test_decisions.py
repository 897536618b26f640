"""Each rule of the gate, through ``gate.read`` and friends."""

from __future__ import annotations

import datetime as dt

import pytest

from steward.access import gate
from steward.audit.models import AuditEvent
from steward.tenancy.models import AgreementStatus, Membership
from steward.vault.models import Patient
from steward.vault.services import patient_dispose
from tests.access.conftest import subject_for
from tests.personas import Tenant

SCHEDULING = "appointment-scheduling"


def test_a_practitioner_reads_every_field_for_treatment(
    tenant_a: Tenant, patient_a: Patient
) -> None:
    reading = gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="treatment",
    )
    assert reading.values["given_name"] == "Imani"
    assert reading.values["notes"] == "Likes mornings"
    event = AuditEvent.objects.get(event="patient.read")
    assert event.outcome == "success" and event.patient_id == patient_a.pk
    assert event.record["purpose"] == "treatment"
    assert "notes" in event.record["entity"]["fields"]


def test_a_vma_sees_only_the_scheduling_fields(
    tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    reading = gate.read(
        subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
    )
    assert "phone" in reading.values and "given_name" in reading.values
    for hidden in ("insurance_member_id", "notes", "postal_address", "race", "email"):
        assert hidden not in reading.values


def test_asking_for_more_fields_than_the_purpose_gives_only_the_purpose(
    tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    reading = gate.read(
        subject=subject_for(tenant_a.vma),
        patient_id=patient_a.pk,
        purpose_code=SCHEDULING,
        fields=["given_name", "notes"],
    )
    assert reading.values == {"given_name": "Imani"}
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_a.vma),
            patient_id=patient_a.pk,
            purpose_code=SCHEDULING,
            fields=["notes"],
        )
    assert denied.value.decision.reasons == ("fields-outside-purpose",)


def test_purpose_must_be_open_to_the_role(
    tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code="treatment"
        )
    # Both rules object: treatment is not a VMA purpose, and no task of theirs is for it.
    assert denied.value.decision.reasons == (
        "no-active-assignment",
        "purpose-not-for-role:treatment",
    )
    assert not denied.value.concealed


@pytest.mark.parametrize("persona", ["trainer", "compliance_officer", "bpo_admin", "auditor"])
def test_roles_without_patient_work_are_denied(
    tenant_a: Tenant, patient_a: Patient, persona: str
) -> None:
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(getattr(tenant_a, persona)),
            patient_id=patient_a.pk,
            purpose_code=SCHEDULING,
        )
    assert "role-cannot:read" in denied.value.decision.reasons
    denial = AuditEvent.objects.get(event="patient.read")
    assert denial.outcome == "denied" and "role-cannot:read" in denial.record["reasons"]


def test_another_tenant_is_concealed_as_not_found(tenant_b: Tenant, patient_a: Patient) -> None:
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_b.practitioner),
            patient_id=patient_a.pk,
            purpose_code="treatment",
        )
    assert denied.value.concealed
    with pytest.raises(gate.AccessDenied) as missing:
        gate.read(
            subject=subject_for(tenant_b.practitioner),
            patient_id="7d3c6a64-0000-4000-8000-000000000000",
            purpose_code="treatment",
        )
    assert missing.value.concealed and missing.value.message == denied.value.message
    # The attempt is in the trail of the practice whose patient it was.
    attempt = AuditEvent.objects.filter(
        event="patient.read", outcome="denied", patient_id=patient_a.pk
    ).get()
    assert attempt.tenant_id == patient_a.tenant_id


def test_a_bpo_reads_only_while_its_baa_is_in_force(
    tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    gate.read(subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING)
    agreement = tenant_a.agreement
    agreement.terminates_on = tenant_a.practice.local_today()
    agreement.save()
    with pytest.raises(gate.AccessDenied) as expired:
        gate.read(
            subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
        )
    assert expired.value.decision.reasons == ("baa-not-in-force",) and expired.value.concealed
    agreement.terminates_on = None
    agreement.status = AgreementStatus.TERMINATED
    agreement.save()
    with pytest.raises(gate.AccessDenied):
        gate.read(
            subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
        )


def test_a_bpo_without_any_baa_is_concealed(tenant_b: Tenant, patient_a: Patient) -> None:
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_b.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
        )
    assert denied.value.concealed


def test_mfa_is_required_for_staff(tenant_a: Tenant, patient_a: Patient) -> None:
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_a.practitioner, mfa=False),
            patient_id=patient_a.pk,
            purpose_code="treatment",
        )
    assert denied.value.decision.reasons == ("mfa-required",)


def test_a_deactivated_user_is_denied_at_once(tenant_a: Tenant, patient_a: Patient) -> None:
    subject = subject_for(tenant_a.practitioner)
    tenant_a.practitioner.is_active = False
    tenant_a.practitioner.save()
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(subject=subject, patient_id=patient_a.pk, purpose_code="treatment")
    assert "account-deactivated" in denied.value.decision.reasons


def test_the_platform_operator_sees_no_phi(tenant_a: Tenant, patient_a: Patient) -> None:
    Membership.objects.filter(user=tenant_a.privacy_officer).update(role="platform-operator")
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_a.privacy_officer),
            patient_id=patient_a.pk,
            purpose_code="privacy-review",
        )
    assert "operator-no-phi" in denied.value.decision.reasons


def test_a_disposed_patient_is_never_readable(tenant_a: Tenant, patient_a: Patient) -> None:
    patient_dispose(patient=patient_a, basis="approved-request", policy="t", approved_by=None)
    for persona, purpose in (("practitioner", "treatment"), ("privacy_officer", "privacy-review")):
        with pytest.raises(gate.AccessDenied) as denied:
            gate.read(
                subject=subject_for(getattr(tenant_a, persona)),
                patient_id=patient_a.pk,
                purpose_code=purpose,
            )
        assert "patient-disposed" in denied.value.decision.reasons


def test_updates_must_stay_within_the_purpose(
    tenant_a: Tenant, patient_a: Patient, vma_task: object
) -> None:
    gate.update(
        subject=subject_for(tenant_a.vma),
        patient_id=patient_a.pk,
        purpose_code=SCHEDULING,
        changes={"phone": "212-555-0177"},
    )
    with pytest.raises(gate.AccessDenied) as denied:
        gate.update(
            subject=subject_for(tenant_a.vma),
            patient_id=patient_a.pk,
            purpose_code=SCHEDULING,
            changes={"insurance_member_id": "NEW"},
        )
    assert denied.value.decision.reasons == ("fields-outside-purpose",)
    reading = gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="treatment",
    )
    assert reading.values["phone"] == "+12125550177"
    assert reading.values["insurance_member_id"] == "XYZ123"


def test_search_finds_within_reach_only(
    tenant_a: Tenant, tenant_b: Tenant, patient_a: Patient, patient_b: Patient, vma_task: object
) -> None:
    mrn = gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="treatment",
    ).values["mrn"]
    found = gate.search(subject=subject_for(tenant_a.vma), purpose_code=SCHEDULING, mrn=mrn)
    assert [r.patient.pk for r in found] == [patient_a.pk]
    assert "notes" not in found[0].values
    assert gate.search(subject=subject_for(tenant_b.vma), purpose_code=SCHEDULING, mrn=mrn) == []
    searched = AuditEvent.objects.filter(event="patient.searched").first()
    assert searched is not None and mrn not in searched.canonical


def test_create_by_the_practice(tenant_a: Tenant) -> None:
    from tests.vault.conftest import values

    created = gate.create(
        subject=subject_for(tenant_a.client_admin),
        tenant=tenant_a.practice,
        purpose_code="registration",
        values={k: v for k, v in values().items() if k != "notes"},
    )
    assert created.tenant == tenant_a.practice
    with pytest.raises(gate.AccessDenied):
        gate.create(
            subject=subject_for(tenant_a.vma),
            tenant=tenant_a.practice,
            purpose_code=SCHEDULING,
            values={"given_name": "X"},
        )


def test_every_decision_is_recorded_in_the_same_transaction(
    tenant_a: Tenant, patient_a: Patient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import DatabaseError

    from steward.audit.models import AuditEvent as Event

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("audit unavailable")

    monkeypatch.setattr(Event.objects, "create", broken)
    with pytest.raises(DatabaseError):
        gate.update(
            subject=subject_for(tenant_a.vma),
            patient_id=patient_a.pk,
            purpose_code=SCHEDULING,
            changes={"phone": "212-555-0188"},
        )
    monkeypatch.undo()
    reading = gate.read(
        subject=subject_for(tenant_a.practitioner),
        patient_id=patient_a.pk,
        purpose_code="treatment",
    )
    assert reading.values["phone"] != "+12125550188"


def test_break_glass_rule_and_flags(tenant_a: Tenant, patient_a: Patient) -> None:
    from steward.access import breakglass

    supervisor = subject_for(tenant_a.supervisor)
    with pytest.raises(gate.AccessDenied):
        gate.read(subject=supervisor, patient_id=patient_a.pk, purpose_code="emergency-access")
    with pytest.raises(gate.AccessDenied) as stale:
        breakglass.request_access(
            subject=subject_for(tenant_a.supervisor, fresh=False),
            patient_id=patient_a.pk,
            reason_code="urgent-care",
            justification="Patient collapsed during a call, need contact",
        )
    assert stale.value.decision.reasons == ("reauthentication-required",)
    with pytest.raises(gate.AccessDenied) as vma:
        breakglass.request_access(
            subject=subject_for(tenant_a.vma),
            patient_id=patient_a.pk,
            reason_code="urgent-care",
            justification="Patient collapsed during a call, need contact",
        )
    assert "role-cannot-break-glass" in vma.value.decision.reasons
    grant = breakglass.request_access(
        subject=supervisor,
        patient_id=patient_a.pk,
        reason_code="urgent-care",
        justification="Patient collapsed during a call, need contact",
    )
    window = grant.expires_at - grant.created_at
    assert dt.timedelta(minutes=29, seconds=59) < window <= dt.timedelta(minutes=30)
    during = subject_for(tenant_a.supervisor, glass=frozenset({str(patient_a.pk)}))
    reading = gate.read(subject=during, patient_id=patient_a.pk, purpose_code="emergency-access")
    assert reading.values["notes"] == "Likes mornings" and reading.decision.break_glass
    flagged = AuditEvent.objects.filter(break_glass=True).values_list("event", flat=True)
    assert set(flagged) >= {"break-glass.started", "patient.read"}
    started = AuditEvent.objects.get(event="break-glass.started")
    assert started.record["type"] == "110113" and started.record["subtype"] == "110127"
