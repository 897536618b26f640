"""Emergency access (HIPAA §164.312(a)(2)(ii)): asked for with a reason after re-authenticating,
granted for a short window, announced to the privacy officers, always reviewed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from steward.access import gate
from steward.access.decision import Decision
from steward.access.models import (
    BreakGlassGrant,
    BreakGlassReason,
    BreakGlassReview,
    CorrectiveAction,
    ReviewStatus,
    review_due,
)
from steward.accounts.models import User
from steward.audit.services import event_record
from steward.core.dbscope import tenant_scope
from steward.core.policy import Action, Subject
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Role

EMERGENCY_PURPOSE = "emergency-access"
MIN_JUSTIFICATION = 20


def request_access(
    *, subject: Subject, patient_id: object, reason_code: str, justification: str
) -> BreakGlassGrant:
    """Grant emergency access to one patient if the gate allows it; raises AccessDenied."""
    errors: dict[str, str] = {}
    if reason_code not in BreakGlassReason.values:
        errors["reason_code"] = "Choose a reason."
    if len(justification.strip()) < MIN_JUSTIFICATION:
        errors["justification"] = (
            f"Write at least {MIN_JUSTIFICATION} characters: what is "
            "happening and why normal access is not enough."
        )
    if errors:
        raise ValidationError(errors)
    purpose = gate.purpose_named(EMERGENCY_PURPOSE)
    grant = None
    with tenant_scope(gate.reachable_tenants(subject)):
        patient = gate._patient(patient_id)
        request, decision = gate._ask(
            subject,
            Action.BREAK_GLASS,
            patient=patient,
            tenant=patient.tenant if patient else None,
            purpose=purpose,
            fields=purpose.fields if purpose else (),
        )
        if decision.allowed and patient is not None:
            now = timezone.now()
            grant = BreakGlassGrant.objects.create(
                user=subject.user,
                tenant=patient.tenant,
                patient_id=patient.pk,
                reason_code=reason_code,
                justification=justification.strip(),
                expires_at=now + dt.timedelta(minutes=settings.STEWARD_BREAK_GLASS_MINUTES),
            )
            BreakGlassReview.objects.create(
                grant=grant, tenant=patient.tenant, due_at=review_due(now)
            )
            decision = Decision(
                True, decision.fields_allowed, (), ("break-glass-review",), break_glass=True
            )
            tenant = patient.tenant
            transaction.on_commit(lambda: _notify_privacy_officers(tenant, subject.user))
        gate._record(
            "break-glass.started" if grant else "break-glass.requested",
            request,
            decision,
            reason=reason_code,
            grant=str(grant.pk) if grant else None,
        )
    if grant is None:
        raise gate.AccessDenied(decision)
    return grant


def _notify_privacy_officers(tenant: Organization, user: Any) -> None:
    officers = Membership.objects.current().filter(organization=tenant, role=Role.PRIVACY_OFFICER)
    addresses = list(officers.values_list("user__email", flat=True))
    if addresses:
        # No PHI in mail: who, where, and where to review.
        send_mail(
            subject="Steward: emergency access used — review needed",
            message=(
                f"{user.full_name} used emergency (break-glass) access to a patient record "
                f"of {tenant.short_name}.\n\nReview it in Steward under Emergency access "
                f"reviews within {settings.STEWARD_BREAK_GLASS_REVIEW_HOURS} hours."
            ),
            from_email=None,
            recipient_list=addresses,
        )


def review_close(
    *, review: BreakGlassReview, reviewer: User, justified: bool, note: str
) -> BreakGlassReview:
    """A privacy officer's verdict; "not justified" opens a corrective action."""
    if review.status != ReviewStatus.OPEN:
        raise ValidationError("This review is closed already.")
    if review.grant.user_id == reviewer.pk:
        raise ValidationError("Nobody reviews their own emergency access.")
    if not justified and len(note.strip()) < 10:
        raise ValidationError({"note": "Explain why the access was not justified."})
    with transaction.atomic():
        review.status = ReviewStatus.JUSTIFIED if justified else ReviewStatus.NOT_JUSTIFIED
        review.reviewer, review.reviewed_at, review.note = reviewer, timezone.now(), note.strip()
        review.save()
        if not justified:
            CorrectiveAction.objects.create(
                tenant=review.tenant,
                subject_user=review.grant.user,
                opened_by=reviewer,
                source_review=review,
                due_on=timezone.localdate() + dt.timedelta(days=14),
                description=f"Emergency access judged not justified: {note.strip()}",
            )
        event_record(
            event="break-glass.reviewed",
            actor=reviewer,
            tenant=review.tenant,
            patient_id=review.grant.patient_id,
            entity_type="break-glass-review",
            entity_id=str(review.pk),
            outcome="success",
            detail={"verdict": review.status, "grant": str(review.grant_id)},
        )
    return review
