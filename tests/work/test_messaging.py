"""Secure messaging: bodies sealed in the vault and read through the gate, patient messages
screened, outside notices carry no PHI and respect the channel's consent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection

from steward.access import gate
from steward.audit.models import AuditEvent
from steward.consent.models import Decision, MessageStatus, OutboundMessage
from steward.core import sms
from steward.vault.models import Patient, SealedText
from steward.vault.rotation import rotate, rotation_open
from steward.work import services
from steward.work.models import Message, Source, TaskStatus, TaskType
from tests.consent.conftest import choose, publish
from tests.personas import Tenant
from tests.work.conftest import make_task, subject_for


@pytest.fixture(autouse=True)
def _empty_outboxes() -> None:
    sms.outbox.clear()


@pytest.fixture
def linked(tenant_a: Tenant, patient_a: Patient) -> Patient:
    patient_a.portal_user = tenant_a.patient
    patient_a.save(update_fields=["portal_user"])
    return patient_a


def test_patient_request_is_sealed_screened_and_read_through_the_gate(
    tenant_a: Tenant, linked: Patient, appointment_type: TaskType
) -> None:
    task = services.task_create(
        tenant=tenant_a.practice,
        patient=linked,
        task_type=appointment_type,
        actor=tenant_a.patient,
        source=Source.PORTAL,
        channel="portal",
    )
    thread = services.thread_for(task)
    message = services.message_post(
        subject=subject_for(tenant_a.patient),
        thread=thread,
        body="Can I move my visit? Also my knee hurts a lot.",
        purpose_code="patient-access",
    )
    assert message.flags == ["symptom"]
    stored = SealedText.objects.get(pk=message.body_id)
    assert b"knee" not in bytes(stored.enc_body)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM work_message")
        assert "knee" not in repr(cursor.fetchall())
    # The VMA without the task assigned cannot read it; with it, can.
    with pytest.raises(gate.AccessDenied):
        services.messages_read(
            subject=subject_for(tenant_a.vma), thread=thread, purpose_code="appointment-scheduling"
        )
    services.assign(task=task, worker=tenant_a.vma, actor=tenant_a.supervisor, mode="test")
    rows = services.messages_read(
        subject=subject_for(tenant_a.vma), thread=thread, purpose_code="appointment-scheduling"
    )
    assert rows[0]["text"].startswith("Can I move my visit?")
    assert rows[0]["flags"][0].label == "Symptom described"
    read = AuditEvent.objects.filter(event="patient.texts-read").latest("sequence")
    assert read.outcome == "success" and read.record["detail"]["count"] == 1


def test_staff_reply_starts_the_first_response_and_patient_reply_resumes(
    tenant_a: Tenant, linked: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, linked)
    thread = services.thread_for(task)
    services.message_post(
        subject=subject_for(tenant_a.vma),
        thread=thread,
        body="We can offer Tuesday 10:00.",
        purpose_code="appointment-scheduling",
    )
    task.refresh_from_db()
    assert task.first_responded_at is not None
    services.wait(task=task, actor=tenant_a.vma, on=TaskStatus.WAITING_PATIENT)
    services.message_post(
        subject=subject_for(tenant_a.patient),
        thread=thread,
        body="Tuesday works.",
        purpose_code="patient-access",
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.paused_since is None


def test_messages_survive_key_replacement_and_die_with_disposal(
    tenant_a: Tenant, linked: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, linked)
    thread = services.thread_for(task)
    services.message_post(
        subject=subject_for(tenant_a.vma),
        thread=thread,
        body="Hello from the practice.",
        purpose_code="appointment-scheduling",
    )
    rotation, _created = rotation_open(tenant=tenant_a.practice, reencrypt=True)
    rotate(rotation)
    text = SealedText.objects.get()
    assert text.dek_version == Patient.objects.get(pk=linked.pk).dek_version == 2
    rows = services.messages_read(
        subject=subject_for(tenant_a.vma), thread=thread, purpose_code="appointment-scheduling"
    )
    assert rows[0]["text"] == "Hello from the practice."


def test_a_moved_message_body_does_not_open(
    tenant_a: Tenant, linked: Patient, patient_b: Patient, appointment_type: TaskType
) -> None:
    from steward.vault.plaintext import VaultIntegrityError, read_texts

    task = make_task(tenant_a, linked)
    thread = services.thread_for(task)
    first = services.message_post(
        subject=subject_for(tenant_a.vma),
        thread=thread,
        body="First.",
        purpose_code="appointment-scheduling",
    )
    second = services.message_post(
        subject=subject_for(tenant_a.vma),
        thread=thread,
        body="Second.",
        purpose_code="appointment-scheduling",
    )
    SealedText.objects.filter(pk=second.body_id).update(
        enc_body=SealedText.objects.get(pk=first.body_id).enc_body
    )
    with pytest.raises(VaultIntegrityError):
        read_texts(linked, [SealedText.objects.get(pk=second.body_id)])


def test_notice_outside_the_portal_respects_consent_and_carries_no_phi(
    tenant_a: Tenant, linked: Patient, appointment_type: TaskType, client: object
) -> None:
    from tests.conftest import sign_in

    publish(tenant_a)
    task = make_task(tenant_a, linked, channel="sms")
    sign_in(client, tenant_a.vma)  # type: ignore[arg-type]
    response = client.post(  # type: ignore[attr-defined]
        f"/work/tasks/{task.pk}/message/",
        {"body": "Your new time is Tuesday 10:00."},
        follow=True,
    )
    assert b"no SMS notice" in response.content
    assert sms.outbox == []
    blocked = OutboundMessage.objects.get()
    assert blocked.status == MessageStatus.BLOCKED
    assert blocked.reasons == ["consent-missing:reminders-sms"]

    choose(tenant_a, linked, "reminders-sms", Decision.GRANTED)
    client.post(  # type: ignore[attr-defined]
        f"/work/tasks/{task.pk}/message/", {"body": "Reminder: bring your insurance card."}
    )
    assert len(sms.outbox) == 1
    text = sms.outbox[0].body
    assert "new message" in text
    assert "insurance" not in text and "Imani" not in text
    choose(tenant_a, linked, "reminders-sms", Decision.WITHDRAWN)
    client.post(  # type: ignore[attr-defined]
        f"/work/tasks/{task.pk}/message/", {"body": "One more thing."}
    )
    assert len(sms.outbox) == 1
    latest = OutboundMessage.objects.order_by("-created_at").first()
    assert latest is not None
    assert (latest.status, latest.reasons) == (
        MessageStatus.BLOCKED,
        ["consent-withdrawn:reminders-sms"],
    )
    assert Message.objects.count() == 3
    assert mail.outbox == []
