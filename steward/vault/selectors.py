"""Reads of the vault that reveal no plaintext: look-ups by blind index, counts, tombstones."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.http import Http404

from steward.core.dbscope import tenant_scope
from steward.tenancy.models import Organization
from steward.vault import blind
from steward.vault.envelope import PatientCipher
from steward.vault.models import (
    DisposalCertificate,
    DisposalRequest,
    DisposalRequestStatus,
    Patient,
    PatientStatus,
)


def patient_get(*, tenant: Organization, patient_id: object) -> Patient:
    """One patient of ``tenant``; the same 404 for "no such patient" and "not yours"."""
    try:
        wanted = uuid.UUID(str(patient_id))
    except ValueError:
        raise Http404("No such patient.") from None
    found = Patient.objects.for_tenant(tenant).filter(pk=wanted).first()
    if found is None:
        raise Http404("No such patient.")
    return found


def patients_matching(
    *,
    tenant: Organization,
    mrn: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    family_name: str | None = None,
    date_of_birth: dt.date | str | None = None,
) -> list[Patient]:
    """Exact-match search through the blind indexes, re-checked after decryption.

    A truncated index can, rarely, match another value: the re-check drops such
    rows, so callers only ever get true matches.
    """
    wanted: dict[str, str] = {}
    expected: dict[str, str] = {}
    if mrn:
        expected["mrn"] = blind.normalise_mrn(mrn)
        wanted["bi_mrn"] = blind.digest("mrn", tenant.pk, expected["mrn"])
    if phone:
        expected["phone"] = blind.normalise_phone(phone)
        wanted["bi_phone"] = blind.digest("phone", tenant.pk, expected["phone"])
    if email:
        expected["email"] = blind.normalise_email(email)
        wanted["bi_email"] = blind.digest("email", tenant.pk, expected["email"])
    if family_name and date_of_birth:
        pair = blind.normalise_family_and_birth(family_name, date_of_birth)
        wanted["bi_family_dob"] = blind.digest("family-dob", tenant.pk, pair)
        expected["family_dob"] = pair
    if not wanted:
        return []
    candidates = Patient.objects.for_tenant(tenant).filter(status=PatientStatus.ACTIVE, **wanted)
    return [patient for patient in candidates if _still_matches(patient, expected)]


def _still_matches(patient: Patient, expected: dict[str, str]) -> bool:
    cipher = PatientCipher(patient)

    def value(name: str) -> object:
        blob = getattr(patient, f"enc_{name}")
        return cipher.open(name, bytes(blob)) if blob is not None else None

    for name, normalised in expected.items():
        actual: object
        if name == "family_dob":
            family, born = value("family_name"), value("date_of_birth")
            actual = (
                blind.normalise_family_and_birth(str(family), str(born))
                if family and born
                else None
            )
        else:
            actual = value(name)
        if actual != normalised:
            return False
    return True


def patient_count(*, tenant: Organization) -> dict[str, int]:
    with tenant_scope([tenant.pk]):
        patients = Patient.objects.for_tenant(tenant)
        return {
            "active": patients.filter(status=PatientStatus.ACTIVE).count(),
            "disposed": patients.filter(status=PatientStatus.DISPOSED).count(),
        }


def disposal_requests(*, tenant: Organization, status: str = "") -> QuerySet[DisposalRequest]:
    requests = DisposalRequest.objects.filter(tenant=tenant).select_related(
        "requested_by", "decided_by"
    )
    return requests.filter(status=status) if status else requests


def disposal_request_get(*, tenant: Organization, request_id: object) -> DisposalRequest:
    try:
        wanted = uuid.UUID(str(request_id))
    except ValueError:
        raise Http404("No such request.") from None
    found = disposal_requests(tenant=tenant).filter(pk=wanted).first()
    if found is None:
        raise Http404("No such request.")
    return found


def pending_disposal_count(*, tenant: Organization) -> int:
    return disposal_requests(tenant=tenant, status=DisposalRequestStatus.PENDING).count()


def disposal_certificates(*, tenant: Organization) -> QuerySet[DisposalCertificate]:
    return DisposalCertificate.objects.filter(tenant=tenant).select_related("approved_by")
