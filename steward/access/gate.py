"""The gate: the only way to read or change patient data.

Every operation here does the same four things, in one database transaction:

1. scope the transaction to the tenants the subject may reach (PostgreSQL RLS);
2. ask every registered rule (``decide``): deny by default, deny overrides;
3. write the decision — allowed or denied, with its reasons — to the audit trail;
4. only if allowed, touch the vault: decrypt exactly ``fields_allowed``, or seal the change.

A denial is raised as ``AccessDenied`` after its audit event has committed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied

from steward.access import reasons
from steward.access.decision import Decision, decide
from steward.access.models import PurposeOfUse
from steward.audit.services import event_record
from steward.core.dbscope import tenant_scope
from steward.core.policy import AccessRequest, Action, Subject
from steward.core.reasons import describe
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Organization
from steward.tenancy.roles import OrganizationKind
from steward.vault import plaintext
from steward.vault import services as vault_services
from steward.vault.models import Patient, SealedText


class AccessDenied(PermissionDenied):
    """The gate said no. ``concealed`` denials must be shown exactly like "not found"."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        # A concealed denial says exactly what "no such patient" says, whatever its cause.
        code = reasons.NOT_FOUND.code if decision.concealed else reasons.primary(decision.reasons)
        first = describe(code)
        self.message = first.message
        self.advice = first.advice
        # Every other reason too, so a worker sees all that stands between them and the record.
        self.others = (
            ()
            if decision.concealed
            else tuple(describe(other) for other in decision.reasons if other != code)
        )
        self.url_name = first.url_name or next((o.url_name for o in self.others if o.url_name), "")
        super().__init__(self.message)

    @property
    def concealed(self) -> bool:
        return self.decision.concealed


class RecordIntegrityError(Exception):
    """The record's stored ciphertext failed authentication (already audited and alerted)."""


@dataclass(frozen=True)
class Reading:
    patient: Patient
    values: dict[str, Any]
    decision: Decision


def purpose_named(code: str) -> PurposeOfUse | None:
    return PurposeOfUse.objects.filter(code=code, is_active=True).first()


def reachable_tenants(subject: Subject) -> list[uuid.UUID]:
    """The practices whose patients the subject's organisation may reach at all."""
    organization = subject.organization
    if organization is None:
        return []
    if organization.kind == OrganizationKind.COVERED_ENTITY:
        return [organization.pk]
    if organization.kind == OrganizationKind.BUSINESS_ASSOCIATE:
        agreements = BusinessAssociateAgreement.objects.filter(
            business_associate=organization, status=AgreementStatus.ACTIVE
        ).select_related("covered_entity")
        return [a.covered_entity_id for a in agreements if a.in_force()]
    return []


def _ask(
    subject: Subject,
    action: str,
    *,
    patient: Patient | None,
    tenant: Organization | None,
    purpose: PurposeOfUse | None,
    fields: Iterable[str],
) -> tuple[AccessRequest, Decision]:
    request = AccessRequest(
        subject=subject,
        action=action,
        patient=patient,
        tenant=tenant,
        purpose=purpose,
        fields=frozenset(fields),
    )
    if patient is None and action in (
        Action.READ,
        Action.UPDATE,
        Action.EXPORT,
        Action.BREAK_GLASS,
    ):
        return request, Decision(False, frozenset(), (reasons.NOT_FOUND.code,), ())
    return request, decide(request)


def _ask_about(
    subject: Subject,
    action: str,
    patient_id: object,
    *,
    purpose: PurposeOfUse | None,
    fields: Iterable[str],
) -> tuple[Patient | None, AccessRequest, Decision]:
    """Find one patient (inside the caller's tenant scope) and ask the rules about them."""
    patient = _patient(patient_id)
    request, decision = _ask(
        subject,
        action,
        patient=patient,
        tenant=patient.tenant if patient else None,
        purpose=purpose,
        fields=fields,
    )
    return patient, request, decision


def _record(event: str, request: AccessRequest, decision: Decision, **detail: Any) -> None:
    subject = request.subject
    event_record(
        event=event,
        outcome="success" if decision.allowed else "denied",
        reasons=decision.reasons,
        actor=subject.user if getattr(subject.user, "is_authenticated", False) else None,
        actor_role=subject.role or "",
        actor_organization=subject.organization,
        tenant=request.tenant,
        patient_id=request.patient.pk if request.patient is not None else None,
        entity_type="patient",
        entity_id=str(request.patient.pk) if request.patient is not None else "",
        fields=sorted(decision.fields_allowed if decision.allowed else request.fields),
        purpose=request.purpose.code if request.purpose is not None else "",
        break_glass=decision.break_glass,
        detail={
            "policy": decision.policy_version,
            "obligations": list(decision.obligations),
            **detail,
        },
    )


def _purpose_fields(purpose: PurposeOfUse | None, fields: Iterable[str] | None) -> set[str]:
    if fields is not None:
        return set(fields)
    return set(purpose.fields) if purpose is not None else set()


def read(
    *, subject: Subject, patient_id: object, purpose_code: str, fields: Iterable[str] | None = None
) -> Reading:
    """Open one patient's record for ``purpose_code``; only its fields are decrypted."""
    purpose = purpose_named(purpose_code)
    wanted = _purpose_fields(purpose, fields)
    with tenant_scope(reachable_tenants(subject)):
        patient, request, decision = _ask_about(
            subject, Action.READ, patient_id, purpose=purpose, fields=wanted
        )
        _record("patient.read", request, decision)
        values, damaged = {}, False
        if decision.allowed and patient is not None:
            try:
                values = plaintext.read_fields(patient, sorted(decision.fields_allowed))
            except plaintext.VaultIntegrityError:
                # Caught inside the transaction so the integrity event commits with the read.
                damaged = True
    if not decision.allowed or patient is None:
        raise AccessDenied(decision)
    if damaged:
        raise RecordIntegrityError(describe(reasons.INTEGRITY_FAILURE.code).message)
    return Reading(patient, values, decision)


def export(*, subject: Subject, patient_id: object, purpose_code: str) -> Reading:
    """Like ``read``, for taking the record out of Steward: needs a fresh authentication."""
    purpose = purpose_named(purpose_code)
    with tenant_scope(reachable_tenants(subject)):
        patient, request, decision = _ask_about(
            subject,
            Action.EXPORT,
            patient_id,
            purpose=purpose,
            fields=_purpose_fields(purpose, None),
        )
        _record("patient.exported", request, decision, format="fhir-r4-patient")
        values = (
            plaintext.read_fields(patient, sorted(decision.fields_allowed))
            if decision.allowed and patient is not None
            else {}
        )
    if not decision.allowed or patient is None:
        raise AccessDenied(decision)
    return Reading(patient, values, decision)


def update(
    *, subject: Subject, patient_id: object, purpose_code: str, changes: dict[str, Any]
) -> Reading:
    """Change fields of a patient; every changed field must be within the purpose."""
    purpose = purpose_named(purpose_code)
    with tenant_scope(reachable_tenants(subject)):
        patient, request, decision = _ask_about(
            subject, Action.UPDATE, patient_id, purpose=purpose, fields=changes
        )
        if decision.allowed and decision.fields_allowed != set(changes):
            decision = Decision(False, frozenset(), (reasons.FIELDS_OUTSIDE_PURPOSE.code,), ())
        _record("patient.update-decided", request, decision)
        if decision.allowed and patient is not None:
            patient = vault_services.patient_update(
                patient=patient, changes=changes, actor=subject.user
            )
    if not decision.allowed or patient is None:
        raise AccessDenied(decision)
    return Reading(patient, {}, decision)


def create(
    *, subject: Subject, tenant: Organization, purpose_code: str, values: dict[str, Any]
) -> Patient:
    """Register a new patient of ``tenant``."""
    purpose = purpose_named(purpose_code)
    with tenant_scope(reachable_tenants(subject)):
        request, decision = _ask(
            subject, Action.CREATE, patient=None, tenant=tenant, purpose=purpose, fields=values
        )
        if decision.allowed and decision.fields_allowed != set(values):
            decision = Decision(False, frozenset(), (reasons.FIELDS_OUTSIDE_PURPOSE.code,), ())
        _record("patient.create-decided", request, decision)
        if decision.allowed:
            patient = vault_services.patient_create(
                tenant=tenant, values=values, actor=subject.user
            )
    if not decision.allowed:
        raise AccessDenied(decision)
    return patient


def search(
    *,
    subject: Subject,
    purpose_code: str,
    fields: Iterable[str] | None = None,
    **criteria: str | None,
) -> list[Reading]:
    """Exact-match search in every practice the subject may reach; each hit is decided and
    decrypted (purpose fields only) like a read, and the search itself is recorded."""
    from steward.vault.selectors import patients_matching

    purpose = purpose_named(purpose_code)
    wanted = _purpose_fields(purpose, fields)
    asked = sorted(key for key, value in criteria.items() if value)
    readings: list[Reading] = []
    tenants = reachable_tenants(subject)
    denial: Decision | None = None
    with tenant_scope(tenants):
        practices: list[Organization | None] = list(
            Organization.objects.filter(pk__in=tenants).order_by("pk")
        )
        for tenant in practices or [None]:  # no practice in reach: the rules still answer
            probe, decision = _ask(
                subject, Action.SEARCH, patient=None, tenant=tenant, purpose=purpose, fields=wanted
            )
            if not decision.allowed:
                _record("patient.searched", probe, decision, matches=0, criteria=asked)
                denial = decision
                break
            matches = _matching(patients_matching, tenant, criteria)
            for patient in matches:
                request, verdict = _ask(
                    subject,
                    Action.READ,
                    patient=patient,
                    tenant=tenant,
                    purpose=purpose,
                    fields=wanted,
                )
                _record("patient.read", request, verdict, via="search")
                if verdict.allowed:
                    values = plaintext.read_fields(patient, sorted(verdict.fields_allowed))
                    readings.append(Reading(patient, values, verdict))
            _record("patient.searched", probe, decision, matches=len(matches), criteria=asked)
    if denial is not None:
        # Raised after the transaction, so the denial's audit event is kept.
        raise AccessDenied(denial)
    return readings


def write_text(
    *, subject: Subject, patient_id: object, purpose_code: str, kind: str, body: str
) -> SealedText:
    """Add a free text (a message body) to a patient's record, sealed under their key."""
    purpose = purpose_named(purpose_code)
    with tenant_scope(reachable_tenants(subject)):
        patient, request, decision = _ask_about(
            subject, Action.WRITE_TEXT, patient_id, purpose=purpose, fields=()
        )
        if patient is None:
            decision = Decision(False, frozenset(), (reasons.NOT_FOUND.code,), ())
        _record("patient.text-write-decided", request, decision, kind=kind)
        text = None
        if decision.allowed and patient is not None:
            text = vault_services.sealed_text_create(
                patient=patient, kind=kind, body=body, actor=subject.user
            )
    if text is None:
        raise AccessDenied(decision)
    return text


def read_texts(
    *, subject: Subject, patient_id: object, purpose_code: str, texts: Iterable[SealedText]
) -> dict[Any, str]:
    """Open sealed texts of one patient (id → text), decided and recorded like a read."""
    purpose = purpose_named(purpose_code)
    wanted = list(texts)
    with tenant_scope(reachable_tenants(subject)):
        patient, request, decision = _ask_about(
            subject, Action.READ, patient_id, purpose=purpose, fields=()
        )
        _record(
            "patient.texts-read",
            request,
            decision,
            texts=[str(text.pk) for text in wanted][:100],
            count=len(wanted),
        )
        opened = (
            plaintext.read_texts(patient, wanted)
            if decision.allowed and patient is not None
            else {}
        )
    if not decision.allowed or patient is None:
        raise AccessDenied(decision)
    return opened


def _matching(find: Any, tenant: Organization | None, criteria: dict[str, Any]) -> list[Patient]:
    from django.core.exceptions import ValidationError

    from steward.vault.blind import NormalisationError

    try:
        found: list[Patient] = find(tenant=tenant, **criteria)
    except NormalisationError as exc:
        raise ValidationError({"phone": [str(exc)]}) from None
    return found


def _patient(patient_id: object) -> Patient | None:
    try:
        wanted = uuid.UUID(str(patient_id))
    except ValueError:
        return None
    return Patient.objects.select_related("tenant").filter(pk=wanted).first()
