"""Messages to patients: every one is decided by the gate for its channel's purpose first.

A reminder by SMS is a use of the patient's phone number for ``reminders-sms``;
the gate (with the consent rule) decides it like any other access. A refused
message is not sent, and both the refusal and its reasons are recorded: in the
audit trail (the gate's denied read, then ``communication.blocked``) and as an
``OutboundMessage`` the practice can list. No address or text is stored.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import formats

from steward.access import gate
from steward.audit.services import event_record
from steward.consent import reasons
from steward.consent.models import MessageStatus, OutboundMessage
from steward.core.dbscope import tenant_scope
from steward.core.policy import Subject
from steward.core.sms import send_sms
from steward.vault.models import Patient

CHANNELS = {
    "sms": ("reminders-sms", "phone"),
    "email": ("reminders-email", "email"),
}
KINDS = {"appointment": "Appointment reminder"}
# What staff may send from the patient's page; "new-message" is sent by the work queue.
SENDABLE = {**KINDS, "new-message": "New message in the portal"}


def _text(kind: str, *, name: str, practice: str, when: dt.datetime | None) -> tuple[str, str]:
    """(email subject, text) of a message; a new-message notice carries no health details
    and not even the patient's name."""
    if kind == "new-message":
        return (
            f"New message from {practice}",
            f"You have a new message from {practice}. Sign in to your patient portal to read it.",
        )
    moment = formats.date_format(when, "l j F Y, H:i") if when else "your next visit"
    return (
        f"Your appointment at {practice}",
        f"Hello {name}, this is {practice}: a reminder of your appointment on {moment}. "
        "Reply or call us to change it.",
    )


def reminder_send(
    *, subject: Subject, patient_id: object, channel: str, kind: str, when: dt.datetime
) -> OutboundMessage:
    """Remind a patient of an appointment (see ``contact_send``)."""
    if kind not in KINDS:
        raise ValidationError({"kind": "Choose what the reminder is about."})
    return contact_send(
        subject=subject, patient_id=patient_id, channel=channel, kind=kind, when=when
    )


def contact_send(
    *,
    subject: Subject,
    patient_id: object,
    channel: str,
    kind: str,
    when: dt.datetime | None = None,
) -> OutboundMessage:
    """Send a patient a message by ``channel`` if, and only if, the gate allows it.

    Raises ``gate.AccessDenied`` only for a concealed denial (no such patient in reach);
    any other refusal is returned as a blocked message with its reasons.
    """
    if channel not in CHANNELS:
        raise ValidationError({"channel": "Choose SMS or email."})
    if kind not in SENDABLE:
        raise ValidationError({"kind": "Choose what the message is about."})
    purpose, address_field = CHANNELS[channel]
    try:
        reading = gate.read(
            subject=subject,
            patient_id=patient_id,
            purpose_code=purpose,
            fields={"given_name", "preferred_name", address_field},
        )
    except gate.AccessDenied as denial:
        if denial.concealed:
            raise
        return _blocked(
            subject=subject,
            patient_id=patient_id,
            channel=channel,
            purpose=purpose,
            kind=kind,
            codes=denial.decision.reasons,
        )
    values = reading.values
    address = values.get(address_field)
    if not address:
        return _log(
            subject=subject,
            patient=reading.patient,
            channel=channel,
            purpose=purpose,
            kind=kind,
            status=MessageStatus.FAILED,
            codes=(reasons.NO_ADDRESS.code,),
        )
    name = values.get("preferred_name") or values.get("given_name") or "there"
    practice = reading.patient.tenant.short_name
    title, body = _text(kind, name=name, practice=practice, when=when)
    with transaction.atomic():
        message = _log(
            subject=subject,
            patient=reading.patient,
            channel=channel,
            purpose=purpose,
            kind=kind,
            status=MessageStatus.SENT,
            codes=(),
        )
        if channel == "sms":
            send_sms(address, body)
        else:
            send_mail(title, body, None, [address])
    return message


def _blocked(
    *,
    subject: Subject,
    patient_id: object,
    channel: str,
    purpose: str,
    kind: str,
    codes: tuple[str, ...],
) -> OutboundMessage:
    with tenant_scope(gate.reachable_tenants(subject)):
        patient = Patient.objects.select_related("tenant").get(pk=str(patient_id))
    return _log(
        subject=subject,
        patient=patient,
        channel=channel,
        purpose=purpose,
        kind=kind,
        status=MessageStatus.BLOCKED,
        codes=codes,
    )


def _log(
    *,
    subject: Subject,
    patient: Patient,
    channel: str,
    purpose: str,
    kind: str,
    status: str,
    codes: tuple[str, ...],
) -> OutboundMessage:
    with transaction.atomic():
        message = OutboundMessage.objects.create(
            tenant=patient.tenant,
            patient_id=patient.pk,
            channel=channel,
            purpose=purpose,
            kind=kind,
            status=status,
            reasons=list(codes),
            requested_by=subject.user,
        )
        event_record(
            event="communication.sent" if status == MessageStatus.SENT else "communication.blocked",
            outcome="success" if status == MessageStatus.SENT else "denied",
            reasons=codes,
            actor=subject.user,
            tenant=patient.tenant,
            patient_id=patient.pk,
            entity_type="outbound-message",
            entity_id=str(message.pk),
            purpose=purpose,
            detail={"channel": channel, "kind": kind},
        )
    return message
