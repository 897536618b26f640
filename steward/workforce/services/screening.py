"""Background screening: what each role needs checked, the checks, their adjudication and
evidence. Each function is one audited transaction and raises ``ValidationError`` keyed by
form field; who may act is checked here as well as on the pages."""

from __future__ import annotations

import datetime as dt
import io
import os
import uuid
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from steward.accounts.models import User
from steward.core.dates import add_months
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Role
from steward.vault.documents import DocumentDamaged, document_open, document_seal
from steward.workforce.models import (
    Adjudication,
    ScreeningCheck,
    ScreeningEvidence,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
)
from steward.workforce.models.base import validate_roles
from steward.workforce.services.common import record, vendor_membership

RESULT_STATUSES = frozenset(
    {ScreeningStatus.CLEAR, ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE}
)
ADJUDICABLE = frozenset({ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE})
SCREENING_MANAGERS = frozenset({Role.COMPLIANCE_OFFICER, Role.BPO_ADMIN})
MAX_RESCREEN_MONTHS = 120

# Evidence is a screening vendor's report or a scanned document. The type is judged by the
# file's first bytes: a name or a browser's declared type says nothing about what it holds.
EVIDENCE_KIND = "screening-evidence"  # the vault document kind, bound into its ciphertext
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_TYPES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)
EXTENSION_FOR = {content_type: ext for _magic, content_type, ext in EVIDENCE_TYPES}


def _manager(actor: User | None, tenant: Organization | Any) -> None:
    """``None`` is the system (seed, import); a person must manage the vendor's screening."""
    if actor is None:
        return
    allowed = (
        Membership.objects.current()
        .filter(user=actor, organization_id=tenant.pk, role__in=SCREENING_MANAGERS)
        .exists()
    )
    if not allowed:
        raise PermissionDenied("Only the vendor's compliance officer or administrator does this.")


def _expiry(tenant: Organization | Any, kind: str, completed_on: dt.date) -> dt.date | None:
    requirement = ScreeningRequirement.objects.filter(tenant=tenant, kind=kind).first()
    if requirement is None or not requirement.rescreen_months:
        return None
    return add_months(completed_on, requirement.rescreen_months)


def screening_requirement_save(
    *,
    tenant: Organization,
    actor: User | None,
    kind: str,
    roles: list[str],
    rescreen_months: int,
) -> ScreeningRequirement:
    """Require ``kind`` for ``roles``, re-screened every ``rescreen_months`` (0: never lapses).

    One requirement per kind: saving a kind again updates it. Checks already recorded keep
    the expiry computed when their result came in.
    """
    _manager(actor, tenant)
    errors: dict[str, Any] = {}
    if kind not in ScreeningKind.values:
        errors["kind"] = "Choose a kind of check."
    roles = sorted({str(role) for role in roles}) if isinstance(roles, list | tuple) else roles
    try:
        validate_roles(roles)
    except ValidationError as exc:
        errors["roles"] = exc.messages
    if not isinstance(rescreen_months, int) or not 0 <= rescreen_months <= MAX_RESCREEN_MONTHS:
        errors["rescreen_months"] = f"Give 0 to {MAX_RESCREEN_MONTHS} months (0: never lapses)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = (
            ScreeningRequirement.objects.select_for_update(of=("self",))
            .filter(tenant=tenant, kind=kind)
            .first()
        )
        requirement = existing or ScreeningRequirement(tenant=tenant, kind=kind)
        requirement.roles = roles
        requirement.rescreen_months = rescreen_months
        requirement.save()
        record(
            "screening-requirement-saved",
            actor=actor,
            tenant=tenant,
            entity=requirement,
            kind=kind,
            roles=",".join(roles),
            rescreen_months=rescreen_months,
            created=existing is None,
        )
    return requirement


def screening_check_create(
    *,
    tenant: Organization,
    actor: User | None,
    worker: User,
    kind: str,
    vendor: str,
    invited_on: dt.date,
    vendor_reference: str = "",
) -> ScreeningCheck:
    """Record that ``worker`` was invited to a check of ``kind`` run by ``vendor``.

    The worker must be an active member of the vendor; the invitation cannot be dated in the
    future (the vendor's calendar).
    """
    _manager(actor, tenant)
    errors: dict[str, str] = {}
    try:
        vendor_membership(worker=worker, tenant=tenant)
    except ValidationError as exc:
        errors["worker"] = " ".join(exc.messages)
    if kind not in ScreeningKind.values:
        errors["kind"] = "Choose a kind of check."
    vendor = (vendor or "").strip()
    if not vendor:
        errors["vendor"] = "Name who runs the check."
    if invited_on is None:
        errors["invited_on"] = "Give the day the worker was invited."
    elif invited_on > tenant.local_today():
        errors["invited_on"] = "The invitation date cannot be in the future."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check = ScreeningCheck.objects.create(
            tenant=tenant,
            worker=worker,
            kind=kind,
            vendor=vendor[:120],
            vendor_reference=(vendor_reference or "").strip()[:120],
            invited_on=invited_on,
            recorded_by=actor,
        )
        record(
            "screening-check-created",
            actor=actor,
            tenant=tenant,
            entity=check,
            worker=worker.pk,
            kind=kind,
            status=check.status,
        )
    return check


def screening_check_update(
    *,
    check: ScreeningCheck,
    actor: User | None,
    status: str,
    completed_on: dt.date | None = None,
) -> ScreeningCheck:
    """Move a check to ``status``; a result (clear, consider, adverse) needs ``completed_on``.

    The result is current until ``completed_on`` plus the kind's re-screen cadence (no expiry
    when the cadence is 0 or the kind is not required). A changed result clears an earlier
    adjudication: the compliance officer decides again on what the vendor now reports.
    """
    if status not in ScreeningStatus.values:
        raise ValidationError({"status": "Choose a status."})
    with transaction.atomic():
        locked = (
            ScreeningCheck.objects.select_for_update(of=("self",))
            .select_related("tenant")
            .get(pk=check.pk)
        )
        tenant = locked.tenant
        _manager(actor, tenant)
        if actor is not None and locked.worker_id == actor.pk:
            # Recording "clear" on one's own check would clear oneself for PHI.
            raise PermissionDenied("Nobody records the results of their own screening.")
        if status in RESULT_STATUSES:
            if completed_on is None:
                raise ValidationError({"completed_on": "A result needs the day it was completed."})
            if completed_on < locked.invited_on:
                raise ValidationError(
                    {"completed_on": "A check cannot be completed before the invitation."}
                )
            if completed_on > tenant.local_today():
                raise ValidationError(
                    {"completed_on": "The completion date cannot be in the future."}
                )
            expires_on = _expiry(tenant, locked.kind, completed_on)
        else:
            completed_on, expires_on = None, None
        old_status, old_completed = locked.status, locked.completed_on
        if (old_status, old_completed) == (status, completed_on):
            return locked
        locked.status = status
        locked.completed_on = completed_on
        locked.expires_on = expires_on
        cleared_adjudication = locked.adjudication
        if cleared_adjudication or locked.adjudicated_at:
            locked.adjudication = Adjudication.PENDING
            locked.adjudicated_by = None
            locked.adjudicated_at = None
            locked.adjudication_note = ""
        locked.save()
        record(
            "screening-check-updated",
            actor=actor,
            tenant=tenant,
            entity=locked,
            worker=locked.worker_id,
            kind=locked.kind,
            old_status=old_status,
            new_status=status,
            completed_on=completed_on,
            expires_on=expires_on,
            adjudication_cleared=cleared_adjudication or None,
        )
    return locked


def screening_adjudicate(
    *, check: ScreeningCheck, actor: User, decision: str, note: str
) -> ScreeningCheck:
    """The compliance officer's decision on a "consider" or "adverse" result, with a note.

    Only a current compliance officer of the check's vendor decides. A decision may be
    revised; each one is its own audit event, so the trail keeps the history.
    """
    if decision not in (Adjudication.CLEARED, Adjudication.NOT_CLEARED):
        raise ValidationError({"decision": "Choose cleared or not cleared."})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Record the reasons for the decision."})
    with transaction.atomic():
        locked = (
            ScreeningCheck.objects.select_for_update(of=("self",))
            .select_related("tenant")
            .get(pk=check.pk)
        )
        is_officer = (
            actor is not None
            and Membership.objects.current()
            .filter(user=actor, organization=locked.tenant, role=Role.COMPLIANCE_OFFICER)
            .exists()
        )
        if not is_officer:
            raise PermissionDenied("Only the vendor's compliance officer adjudicates results.")
        if locked.status not in ADJUDICABLE:
            raise ValidationError(
                {"decision": "Only a “consider” or “adverse” result is adjudicated."}
            )
        if locked.worker_id == actor.pk:
            raise PermissionDenied("Nobody adjudicates their own screening.")
        previous = locked.adjudication
        locked.adjudication = decision
        locked.adjudicated_by = actor
        locked.adjudicated_at = timezone.now()
        locked.adjudication_note = note[:2000]
        locked.save()
        record(
            "screening-adjudicated",
            actor=actor,
            tenant=locked.tenant,
            entity=locked,
            worker=locked.worker_id,
            kind=locked.kind,
            status=locked.status,
            decision=decision,
            previous=previous or None,
        )
    return locked


def _sniff(head: bytes) -> str | None:
    return next((ctype for magic, ctype, _ext in EVIDENCE_TYPES if head.startswith(magic)), None)


def _download_name(original: str, content_type: str) -> str:
    stem = slugify(os.path.splitext(original)[0])[:60] or "evidence"
    return f"{stem}{EXTENSION_FOR[content_type]}"


def screening_evidence_add(
    *, check: ScreeningCheck, actor: User, upload: UploadedFile
) -> ScreeningEvidence:
    """Attach a PDF, PNG or JPEG (judged by its first bytes) of at most 5 MiB to a check.

    A refused file leaves nothing behind. An accepted one is sealed in the vault under the
    vendor's key (``vault.documents``) with its SHA-256, in the same transaction as its row
    and audit event; the uploader's file name is kept only for display.
    """
    tenant = check.tenant
    if actor is None:
        raise PermissionDenied("Evidence is uploaded by a person.")
    _manager(actor, tenant)
    declared = upload.size
    if declared is not None and declared > EVIDENCE_MAX_BYTES:
        raise ValidationError({"upload": "The file is larger than 5 MB."})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head:
        raise ValidationError({"upload": "The file is empty."})
    content_type = _sniff(head)
    if content_type is None:
        raise ValidationError(
            {"upload": "Upload a PDF, PNG or JPEG file (this file is none of them)."}
        )
    data = bytearray()
    for chunk in upload.chunks():
        data += chunk
        if len(data) > EVIDENCE_MAX_BYTES:  # a declared size may lie: stop reading at once
            raise ValidationError({"upload": "The file is larger than 5 MB."})
    original = os.path.basename((upload.name or "").replace("\\", "/")).strip()[:200]
    with transaction.atomic():
        # Sealed under the vendor's key in the same transaction as the row and its audit
        # event: a failure anywhere leaves neither behind.
        evidence_id = uuid.uuid4()
        document = document_seal(
            owner=tenant, kind=EVIDENCE_KIND, data=bytes(data), bound_to=evidence_id
        )
        evidence = ScreeningEvidence.objects.create(
            id=evidence_id,
            screening=check,
            document=document,
            original_name=original or _download_name("", content_type),
            content_type=content_type,
            size=document.size,
            sha256=document.sha256,
            uploaded_by=actor,
        )
        record(
            "evidence-added",
            actor=actor,
            tenant=tenant,
            entity=evidence,
            check=check.pk,
            content_type=content_type,
            size=document.size,
            sha256=document.sha256,
        )
    return evidence


def screening_evidence_open(*, evidence: ScreeningEvidence, actor: User) -> tuple[IO[bytes], str]:
    """Open an evidence file for download and record who viewed it; (handle, file name).

    ``DocumentDamaged`` when the sealed bytes fail authentication (nothing is recorded then).
    """
    document = evidence.document
    if document.tenant_id != evidence.screening.tenant_id:
        raise DocumentDamaged(f"Evidence {evidence.pk} points at another organisation's document.")
    handle = io.BytesIO(document_open(document, kind=EVIDENCE_KIND, bound_to=evidence.pk))
    with transaction.atomic():
        record(
            "evidence-viewed",
            actor=actor,
            tenant=evidence.screening.tenant_id,
            entity=evidence,
            check=evidence.screening_id,
            worker=evidence.screening.worker_id,
        )
    return handle, _download_name(evidence.original_name, evidence.content_type)
