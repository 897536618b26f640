"""Notices are versioned, a material change starts a re-consent campaign, patients are told."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from steward.audit.models import AuditEvent
from steward.consent import services
from steward.consent.models import (
    AcknowledgmentOutcome,
    ConsentMethod,
    Decision,
    Notice,
    ReconsentRecipient,
)
from steward.vault.models import Patient
from tests.consent.conftest import CONTACT, choose, publish
from tests.personas import Tenant


def test_versions_count_up_per_practice_and_are_audited(tenant_a: Tenant, tenant_b: Tenant) -> None:
    first = publish(tenant_a)
    second = publish(tenant_a)
    other = publish(tenant_b)
    assert (first.version, second.version, other.version) == (1, 2, 1)
    events = AuditEvent.objects.filter(event="notice.published").order_by("sequence")
    assert [e.record["detail"]["version"] for e in events] == [1, 2, 1]


def test_every_section_and_contact_is_required(tenant_a: Tenant) -> None:
    with pytest.raises(ValidationError) as caught:
        services.notice_publish(
            tenant=tenant_a.practice,
            actor=tenant_a.privacy_officer,
            material=False,
            summary="x",
            sections={"collection": "We collect…"},
            contact={**CONTACT, "contact_email": " "},
        )
    assert {"handlers", "retention", "rights", "contact_email"} <= set(caught.value.message_dict)
    assert not Notice.objects.exists()


def test_material_change_notifies_affected_patients_only_and_tracks_answers(
    tenant_a: Tenant,
    portal_patient: Patient,
    patient_b: Patient,
    notice: Notice,
    django_capture_on_commit_callbacks: object,
) -> None:
    choose(tenant_a, portal_patient, "reminders-email", Decision.GRANTED)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        changed = publish(tenant_a, material=True, summary="New vendor.")
    recipients = list(changed.campaign.recipients.all())
    assert [r.patient_id for r in recipients] == [portal_patient.pk]
    assert recipients[0].channel == ReconsentRecipient.Channel.EMAIL
    assert recipients[0].notified_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tenant_a.patient.email]
    assert "https://steward.example.test/portal/privacy/" in message.body
    # No health details and no record content in the email.
    assert "Imani" not in message.body
    started = AuditEvent.objects.get(event="consent.campaign-started")
    assert started.record["detail"]["affected"] == 1

    choose(tenant_a, portal_patient, "reminders-email", Decision.GRANTED)
    recipients[0].refresh_from_db()
    assert recipients[0].responded_at is not None


def test_good_faith_effort_needs_its_account(
    tenant_a: Tenant, patient_a: Patient, notice: Notice
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.acknowledgment_record(
            tenant=tenant_a.practice,
            patient=patient_a,
            notice=notice,
            outcome=AcknowledgmentOutcome.GOOD_FAITH_EFFORT,
            method=ConsentMethod.PAPER,
            actor=tenant_a.client_admin,
        )
    assert "effort" in caught.value.message_dict
    services.acknowledgment_record(
        tenant=tenant_a.practice,
        patient=patient_a,
        notice=notice,
        outcome=AcknowledgmentOutcome.GOOD_FAITH_EFFORT,
        method=ConsentMethod.PAPER,
        actor=tenant_a.client_admin,
        effort="Handed the notice at check-in; the patient declined to sign.",
    )
    event = AuditEvent.objects.get(event="notice.good-faith-effort")
    assert event.patient_id == patient_a.pk


def test_a_campaign_counts_an_answer_only_when_no_old_grant_remains(
    tenant_a: Tenant, portal_patient: Patient, notice: Notice
) -> None:
    choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    choose(tenant_a, portal_patient, "reminders-email", Decision.GRANTED)
    changed = publish(tenant_a, material=True, summary="New vendor.")
    recipient = changed.campaign.recipients.get()
    # A later minor version does not stop answers counting for the material one.
    publish(tenant_a, material=False, summary="Typo.")
    choose(tenant_a, portal_patient, "fairness-analytics", Decision.DENIED)  # unrelated
    recipient.refresh_from_db()
    assert recipient.responded_at is None
    choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    recipient.refresh_from_db()
    assert recipient.responded_at is None  # the email grant is still from version 1
    choose(tenant_a, portal_patient, "reminders-email", Decision.WITHDRAWN)
    recipient.refresh_from_db()
    assert recipient.responded_at is not None


def test_campaign_emails_failing_do_not_undo_the_notice(
    tenant_a: Tenant,
    portal_patient: Patient,
    notice: Notice,
    settings: object,
    django_capture_on_commit_callbacks: object,
) -> None:
    settings.EMAIL_BACKEND = "tests.consent.test_notices.FailingBackend"  # type: ignore[attr-defined]
    choose(tenant_a, portal_patient, "reminders-sms", Decision.GRANTED)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        changed = publish(tenant_a, material=True, summary="New vendor.")
    assert Notice.objects.filter(pk=changed.pk).exists()
    assert changed.campaign.recipients.get().notified_at is None


class FailingBackend:
    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def send_messages(self, messages: object) -> int:
        raise OSError("mail server unreachable")
