"""A patient's consent records as FHIR R4 ``Consent`` resources, in a collection Bundle.

Every record becomes one resource, so the history is exported as well as what
is in force: the record in force for its purpose is ``active``, earlier ones
are ``inactive``. A grant is a ``permit`` provision; a refusal, a withdrawal or
an agreed restriction is a ``deny`` provision for that purpose.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from steward.consent.models import ConsentRecord, Decision, Provision, RecordedAs
from steward.consent.receipts import notice_url
from steward.consent.state import Status, status_of

PURPOSE_SYSTEM = "urn:steward:purpose-of-use"
LOINC = "http://loinc.org"
SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"


def _permits(record: ConsentRecord) -> bool:
    if record.provision == Provision.RESTRICTION:
        return record.decision == Decision.WITHDRAWN  # a lifted restriction
    return record.decision == Decision.GRANTED


def consent_resource(record: ConsentRecord, *, active: bool) -> dict[str, Any]:
    permit = _permits(record)
    provision: dict[str, Any] = {
        "type": "permit" if permit else "deny",
        "purpose": [
            {"system": PURPOSE_SYSTEM, "code": record.purpose_id, "display": record.purpose.name}
        ],
    }
    if record.expires_at is not None:
        provision["period"] = {
            "start": record.created_at.isoformat(),
            "end": record.expires_at.isoformat(),
        }
    performer: dict[str, Any] = {"reference": f"Patient/{record.patient_id}"}
    if record.recorded_as == RecordedAs.REPRESENTATIVE:
        performer = {"display": f"{record.representative_name} ({record.representative_authority})"}
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(record.pk),
        "status": "active" if active else "inactive",
        "scope": {"coding": [{"system": SCOPE, "code": "patient-privacy"}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]}
        ],
        "patient": {"reference": f"Patient/{record.patient_id}"},
        "dateTime": record.created_at.isoformat(),
        "performer": [performer],
        "organization": [{"display": record.tenant.legal_name}],
        "policy": [{"uri": notice_url(record)}],
        "policyRule": {"coding": [{"system": ACT_CODE, "code": "OPTIN" if permit else "OPTOUT"}]},
        "provision": provision,
    }
    if record.recorded_as != RecordedAs.PATIENT:
        resource["verification"] = [
            {
                "verified": True,
                "verificationDate": record.created_at.isoformat(),
            }
        ]
    return resource


def consent_bundle(records: list[ConsentRecord], *, threshold: int) -> dict[str, Any]:
    """``records`` newest first, as ``state.history`` returns them; ``threshold`` is the
    practice's ``state.stale_before``. Only the newest record per purpose can be active, and a
    grant only while it has neither expired nor gone stale."""
    now = timezone.now()
    seen: set[tuple[str, str]] = set()
    entries = []
    for record in records:
        key = (record.purpose_id, record.provision)
        active = key not in seen
        if active and record.provision == Provision.CONSENT:
            current = status_of(record, threshold=threshold, now=now)
            active = current in (Status.ACTIVE, Status.DENIED, Status.WITHDRAWN)
        entries.append({"resource": consent_resource(record, active=active)})
        seen.add(key)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
