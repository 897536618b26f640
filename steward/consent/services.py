"""Publishing notices, recording patients' choices, and the practice's consent policy.

Each function is one transaction: it checks its invariants (raising
``ValidationError`` keyed by form field), writes, and appends its audit event
before committing — a change that cannot be audited does not happen.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from steward.access.models import PurposeOfUse
from steward.accounts.models import User
from steward.audit.services import event_record
from steward.consent.models import (
    NOTICE_SECTIONS,
    AcknowledgmentOutcome,
    ConsentMethod,
    ConsentRecord,
    Decision,
    Notice,
    NoticeAcknowledgment,
    Provision,
    PurposePolicy,
    ReconsentCampaign,
    ReconsentRecipient,
    RecordedAs,
)
from steward.consent.state import choosable, current_notice
from steward.core.dbscope import tenant_scope
from steward.tenancy.models import Organization
from steward.vault.fields import Category
from steward.vault.models import Patient

logger = logging.getLogger(__name__)

CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_address")


def notice_publish(
    *,
    tenant: Organization,
    actor: User | None,
    material: bool,
    summary: str,
    sections: dict[str, str],
    contact: dict[str, str],
    grace_days: int | None = None,
) -> Notice:
    """Publish the next version of ``tenant``'s notice; a material change starts a re-consent
    campaign for every patient whose consents were given under an earlier version."""
    missing = [key for key, _title in NOTICE_SECTIONS if not sections.get(key, "").strip()]
    missing += [key for key in CONTACT_FIELDS if not contact.get(key, "").strip()]
    if missing:
        raise ValidationError(dict.fromkeys(missing, "This section is required."))
    if not summary.strip():
        raise ValidationError({"summary": "Say what changed, in a sentence."})
    grace = settings.STEWARD_RECONSENT_GRACE_DAYS if grace_days is None else grace_days
    if not 0 <= grace <= 365:
        raise ValidationError({"grace_days": "The grace period is between 0 and 365 days."})
    with transaction.atomic():
        # One publisher at a time per practice, so version numbers never collide.
        Organization.objects.select_for_update().filter(pk=tenant.pk).first()
        last = Notice.objects.filter(tenant=tenant).aggregate(v=Max("version"))["v"] or 0
        notice = Notice.objects.create(
            tenant=tenant,
            version=last + 1,
            material=material,
            summary=summary.strip(),
            published_by=actor,
            **{key: sections[key].strip() for key, _title in NOTICE_SECTIONS},
            **{key: contact[key].strip() for key in CONTACT_FIELDS},
        )
        event_record(
            event="notice.published",
            actor=actor,
            tenant=tenant,
            entity_type="notice",
            entity_id=str(notice.pk),
            detail={"version": notice.version, "material": material},
        )
        if material and last > 0:
            campaign_start(notice=notice, actor=actor, grace_days=grace)
    return notice


def _affected_patients(tenant: Organization, version: int) -> list[Any]:
    """Patients whose choice in force for some purpose is a grant under an older notice."""
    from steward.consent.selectors import latest_decisions

    return sorted(
        {
            patient_id
            for (patient_id, _purpose), (decision, notice_version, _pk) in latest_decisions(
                tenant
            ).items()
            if decision == Decision.GRANTED and notice_version < version
        },
        key=str,
    )


def campaign_start(*, notice: Notice, actor: User | None, grace_days: int) -> ReconsentCampaign:
    tenant = notice.tenant
    with transaction.atomic():
        campaign = ReconsentCampaign.objects.create(
            tenant=tenant,
            notice=notice,
            grace_ends_at=timezone.now() + dt.timedelta(days=grace_days),
            started_by=actor,
        )
        affected = _affected_patients(tenant, notice.version)
        with tenant_scope([tenant.pk]):
            portal = dict(
                Patient.objects.filter(tenant=tenant, pk__in=affected).values_list(
                    "pk", "portal_user__email"
                )
            )
        recipients = []
        for patient_id in affected:
            email = portal.get(patient_id)
            channel = ReconsentRecipient.Channel.EMAIL if email else ReconsentRecipient.Channel.NONE
            recipients.append(
                ReconsentRecipient(campaign=campaign, patient_id=patient_id, channel=channel)
            )
        ReconsentRecipient.objects.bulk_create(recipients, batch_size=1000)
        event_record(
            event="consent.campaign-started",
            actor=actor,
            tenant=tenant,
            entity_type="reconsent-campaign",
            entity_id=str(campaign.pk),
            detail={
                "notice_version": notice.version,
                "affected": len(affected),
                "grace_days": grace_days,
            },
        )
        emails = [portal[p] for p in affected if portal.get(p)]
        transaction.on_commit(lambda: _notify(campaign, emails))
    return campaign


def _notify(campaign: ReconsentCampaign, emails: Iterable[str]) -> None:
    """Tell patients by email (no health details: only that the notice changed, and where)."""
    tenant = campaign.tenant
    subject = f"{tenant.short_name} has updated its privacy notice"
    body = (
        f"{tenant.short_name} has changed how it handles your information. Please sign in to "
        f"your patient portal and review your choices at {settings.STEWARD_PUBLIC_URL}"
        f"{reverse('privacy:home')} before "
        f"{campaign.grace_ends_at:%d %B %Y}. Until you do, uses that need your consent stop "
        "after that date."
    )
    messages = [(subject, body, None, [email]) for email in emails]
    try:
        send_mass_mail(messages, fail_silently=False)
    except (OSError, smtplib.SMTPException):
        # The notice is published; the campaign page shows nobody was emailed yet.
        logger.exception("Re-consent emails for campaign %s could not be sent", campaign.pk)
        return
    ReconsentRecipient.objects.filter(
        campaign=campaign, channel=ReconsentRecipient.Channel.EMAIL
    ).update(notified_at=timezone.now())


def _mark_answered(tenant: Organization, patient: Patient) -> None:
    """A campaign's recipient has answered once no grant given under an older notice than the
    campaign's is still their choice in force, for any purpose."""
    waiting = list(
        ReconsentRecipient.objects.filter(
            campaign__tenant=tenant, patient=patient, responded_at__isnull=True
        ).select_related("campaign__notice")
    )
    if not waiting:
        return
    in_force: dict[str, tuple[str, int]] = {}
    records = (
        ConsentRecord.objects.filter(tenant=tenant, patient=patient, provision=Provision.CONSENT)
        .order_by("created_at", "id")
        .values_list("purpose_id", "decision", "notice__version")
    )
    for purpose_id, decision, version in records:
        in_force[purpose_id] = (decision, version)
    now = timezone.now()
    for recipient in waiting:
        version = recipient.campaign.notice.version
        if not any(d == Decision.GRANTED and v < version for d, v in in_force.values()):
            recipient.responded_at = now
            recipient.save(update_fields=["responded_at"])


def acknowledgment_record(
    *,
    tenant: Organization,
    patient: Patient,
    notice: Notice,
    outcome: str,
    method: str,
    actor: User | None,
    effort: str = "",
) -> NoticeAcknowledgment:
    if notice.tenant_id != tenant.pk or patient.tenant_id != tenant.pk:
        raise ValidationError({"notice": "That notice is not this practice's."})
    if outcome not in AcknowledgmentOutcome.values:
        raise ValidationError({"outcome": "Choose acknowledged or good-faith effort."})
    if method not in ConsentMethod.values:
        raise ValidationError({"method": "Choose how it was obtained."})
    if outcome == AcknowledgmentOutcome.GOOD_FAITH_EFFORT and not effort.strip():
        raise ValidationError({"effort": "Describe what was tried and why it failed."})
    with transaction.atomic():
        acknowledgment = NoticeAcknowledgment.objects.create(
            tenant=tenant,
            patient=patient,
            notice=notice,
            outcome=outcome,
            method=method,
            effort=effort.strip(),
            recorded_by=actor,
        )
        event_record(
            event=f"notice.{outcome}",
            actor=actor,
            tenant=tenant,
            patient_id=patient.pk,
            entity_type="notice-acknowledgment",
            entity_id=str(acknowledgment.pk),
            detail={"notice_version": notice.version, "method": method},
        )
    return acknowledgment


def consent_record(
    *,
    tenant: Organization,
    patient: Patient,
    purpose: PurposeOfUse,
    decision: str,
    method: str,
    recorded_as: str,
    actor: User | None,
    provision: str = Provision.CONSENT,
    representative_name: str = "",
    representative_authority: str = "",
    attestation: str = "",
    evidence_reference: str = "",
) -> ConsentRecord:
    """Append a patient's choice about one purpose; it is in force from the next decision."""
    from steward.consent.state import latest, policy_for

    errors = _choice_errors(
        patient=patient,
        purpose=purpose,
        decision=decision,
        method=method,
        recorded_as=recorded_as,
        actor=actor,
        provision=provision,
        representative_name=representative_name,
        representative_authority=representative_authority,
        attestation=attestation,
        evidence_reference=evidence_reference,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        notice = current_notice(tenant)
        if notice is None:
            raise ValidationError({"purpose": "The practice has not published a notice yet."})
        before = latest(tenant, patient.pk, purpose, provision)
        if decision == Decision.WITHDRAWN and (
            before is None or before.decision != Decision.GRANTED
        ):
            raise ValidationError({"decision": "There is nothing in force to withdraw."})
        policy = policy_for(tenant, purpose)
        expires_at = None
        if decision == Decision.GRANTED and policy.consent_valid_days:
            expires_at = timezone.now() + dt.timedelta(days=policy.consent_valid_days)
        record = ConsentRecord.objects.create(
            tenant=tenant,
            patient=patient,
            purpose=purpose,
            provision=provision,
            decision=decision,
            notice=notice,
            method=method,
            recorded_as=recorded_as,
            recorded_by=actor,
            representative_name=representative_name.strip(),
            representative_authority=representative_authority.strip(),
            attestation=attestation.strip(),
            evidence_reference=evidence_reference.strip(),
            expires_at=expires_at,
        )
        if provision == Provision.CONSENT:
            _mark_answered(tenant, patient)
        noun = "restriction" if provision == Provision.RESTRICTION else "consent"
        event_record(
            event=f"{noun}.{decision}",
            actor=actor,
            tenant=tenant,
            patient_id=patient.pk,
            entity_type="consent-record",
            entity_id=str(record.pk),
            purpose=purpose.code,
            detail={
                "method": method,
                "recorded_as": recorded_as,
                "notice_version": notice.version,
                "previous": before.decision if before is not None else None,
            },
        )
    return record


def _choice_errors(
    *,
    patient: Patient,
    purpose: PurposeOfUse,
    decision: str,
    method: str,
    recorded_as: str,
    actor: User | None,
    provision: str,
    representative_name: str,
    representative_authority: str,
    attestation: str,
    evidence_reference: str,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not choosable(purpose):
        errors["purpose"] = "Patients do not give or refuse consent for this purpose."
    if provision not in Provision.values:
        errors["provision"] = "Unknown kind of choice."
    allowed = (
        (Decision.GRANTED, Decision.WITHDRAWN)
        if provision == Provision.RESTRICTION
        else tuple(Decision)
    )
    if decision not in allowed:
        errors["decision"] = "Choose one of the offered answers."
    if method not in ConsentMethod.values:
        errors["method"] = "Choose how the answer was given."
    if recorded_as not in RecordedAs.values:
        errors["recorded_as"] = "Choose who gave the answer."
    if method == ConsentMethod.PORTAL:
        if (
            recorded_as != RecordedAs.PATIENT
            or actor is None
            or (patient.portal_user_id != actor.pk)
        ):
            errors["method"] = "Only the patient answers through the portal."
    elif recorded_as == RecordedAs.PATIENT:
        errors["recorded_as"] = (
            "Staff record answers on the patient's or a representative's behalf."
        )
    errors.update(
        _evidence_errors(
            method=method,
            recorded_as=recorded_as,
            representative_name=representative_name,
            representative_authority=representative_authority,
            attestation=attestation,
            evidence_reference=evidence_reference,
        )
    )
    return errors


def _evidence_errors(
    *,
    method: str,
    recorded_as: str,
    representative_name: str,
    representative_authority: str,
    attestation: str,
    evidence_reference: str,
) -> dict[str, str]:
    """What an answer not given in the portal must carry to be trusted later."""
    errors: dict[str, str] = {}
    if recorded_as == RecordedAs.REPRESENTATIVE:
        if not representative_name.strip():
            errors["representative_name"] = "Name the representative."
        if not representative_authority.strip():
            errors["representative_authority"] = (
                "State their authority (e.g. parent of a minor, health care power of attorney)."
            )
    if method == ConsentMethod.VERBAL and not attestation.strip():
        errors["attestation"] = "Attest to what the patient or representative said, and when."
    if method == ConsentMethod.PAPER and not evidence_reference.strip():
        errors["evidence_reference"] = "Say where the signed form is filed."
    return errors


def policy_update(
    *,
    tenant: Organization,
    purpose: PurposeOfUse,
    actor: User | None,
    consent_required: bool,
    data_categories: list[str],
    plain_language: str,
    consent_valid_days: int | None,
) -> PurposePolicy:
    """Change the practice's policy for one purpose (a security setting: audited)."""
    unknown = sorted(set(data_categories) - {c.value for c in Category})
    errors: dict[str, str] = {}
    if unknown:
        errors["data_categories"] = f"Unknown categories: {', '.join(unknown)}."
    if not plain_language.strip():
        errors["plain_language"] = "Describe the purpose in words a patient understands."
    if consent_valid_days is not None and not 1 <= consent_valid_days <= 3650:
        errors["consent_valid_days"] = "Between 1 and 3650 days, or empty for no expiry."
    if not choosable(purpose):
        errors["consent_required"] = "This purpose cannot depend on consent."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy, created = PurposePolicy.objects.select_for_update().get_or_create(
            tenant=tenant,
            purpose=purpose,
            defaults={
                "consent_required": consent_required,
                "data_categories": sorted(data_categories),
                "plain_language": plain_language.strip(),
                "consent_valid_days": consent_valid_days,
            },
        )
        before = None
        if not created:
            before = {
                "consent_required": policy.consent_required,
                "consent_valid_days": policy.consent_valid_days,
            }
            policy.consent_required = consent_required
            policy.data_categories = sorted(data_categories)
            policy.plain_language = plain_language.strip()
            policy.consent_valid_days = consent_valid_days
            policy.save()
        event_record(
            event="consent.policy-changed",
            actor=actor,
            tenant=tenant,
            entity_type="purpose-policy",
            entity_id=purpose.code,
            purpose=purpose.code,
            detail={
                "before": before,
                "consent_required": consent_required,
                "consent_valid_days": consent_valid_days,
            },
        )
    return policy
