"""Patients in the JSON API: the same gate, the same minimum-necessary fields, JSON reasons."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from steward.access import gate, reasons
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE
from steward.access.registry import gated
from steward.access.subject import subject_from_request

router = Router(tags=["patients"], auth=django_auth)


class PatientOut(Schema):
    id: uuid.UUID
    purpose: str
    fields: dict[str, Any]


class PatientWrite(Schema):
    fields: dict[str, Any]


def _purpose(request: HttpRequest, purpose: str | None) -> str:
    membership = getattr(request, "membership", None)
    return purpose or DEFAULT_PURPOSE_FOR_ROLE.get(membership.role if membership else "", "")


def _refused(request: HttpRequest, error: gate.AccessDenied) -> HttpResponse:
    if error.concealed:
        hidden = {"reason": "not-found", "detail": error.message}
        return JsonResponse(hidden, status=404)
    body: dict[str, Any] = {
        "reason": reasons.primary(error.decision.reasons),
        "reasons": list(error.decision.reasons),
        "detail": error.message,
        "advice": error.advice,
    }
    return JsonResponse(body, status=403)


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return JsonResponse({"reason": "invalid-input", "detail": problems}, status=422)


@router.get("/{patient_id}", response=PatientOut)
@gated(action="read")
def read(request: HttpRequest, patient_id: uuid.UUID, purpose: str | None = None) -> Any:
    """A patient's fields for ``purpose``: only those the purpose allows are in the answer."""
    code = _purpose(request, purpose)
    try:
        reading = gate.read(
            subject=subject_from_request(request), patient_id=patient_id, purpose_code=code
        )
    except gate.AccessDenied as error:
        return _refused(request, error)
    return {"id": reading.patient.pk, "purpose": code, "fields": reading.values}


@router.patch("/{patient_id}", response=PatientOut)
@gated(action="update")
def update(
    request: HttpRequest, patient_id: uuid.UUID, body: PatientWrite, purpose: str | None = None
) -> Any:
    """Change fields; each must be within the purpose (otherwise 403 fields-outside-purpose)."""
    code = _purpose(request, purpose)
    try:
        gate.update(
            subject=subject_from_request(request),
            patient_id=patient_id,
            purpose_code=code,
            changes=body.fields,
        )
        reading = gate.read(
            subject=subject_from_request(request),
            patient_id=patient_id,
            purpose_code=code,
            fields=list(body.fields),
        )
    except gate.AccessDenied as error:
        return _refused(request, error)
    except ValidationError as exc:
        return _invalid(request, exc)
    return {"id": reading.patient.pk, "purpose": code, "fields": reading.values}


@router.post("/", response={201: PatientOut})
@gated(action="create")
def create(request: HttpRequest, body: PatientWrite) -> Any:
    """Register a patient of your practice (purpose: registration)."""
    membership = getattr(request, "membership", None)
    try:
        patient = gate.create(
            subject=subject_from_request(request),
            tenant=membership.organization if membership else None,  # type: ignore[arg-type]
            purpose_code="registration",
            values=body.fields,
        )
    except gate.AccessDenied as error:
        return _refused(request, error)
    except ValidationError as exc:
        return _invalid(request, exc)
    return Status(201, {"id": patient.pk, "purpose": "registration", "fields": {}})


class SearchQuery(Schema):
    purpose: str | None = None
    mrn: str | None = None
    phone: str | None = None
    email: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None


@router.get("/", response=list[PatientOut])
@gated(action="search")
def search(request: HttpRequest, query: Query[SearchQuery]) -> Any:
    """Exact-match search; each hit carries only the purpose's fields."""
    code = _purpose(request, query.purpose)
    criteria = query.dict(exclude={"purpose"})
    if not (query.mrn or query.phone or query.email or (query.family_name and query.date_of_birth)):
        return _invalid(
            request, ValidationError("Give mrn, phone, email, or family_name with date_of_birth.")
        )
    try:
        readings = gate.search(subject=subject_from_request(request), purpose_code=code, **criteria)
    except gate.AccessDenied as error:
        return _refused(request, error)
    except ValidationError as exc:
        return _invalid(request, exc)
    return [{"id": r.patient.pk, "purpose": code, "fields": r.values} for r in readings]
