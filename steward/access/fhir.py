"""A patient's allowed fields as a FHIR R4 Patient resource (nothing beyond them)."""

from __future__ import annotations

from typing import Any

from steward.vault.models import Patient

_GENDER = {"female": "female", "male": "male", "intersex": "other", "unknown": "unknown"}


def patient_resource(patient: Patient, values: dict[str, Any]) -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Patient", "id": str(patient.pk)}
    if values.get("mrn"):
        resource["identifier"] = [
            {"system": f"urn:steward:mrn:{patient.tenant_id}", "value": values["mrn"]}
        ]
    names = _names(values)
    if names:
        resource["name"] = names
    if values.get("date_of_birth"):
        resource["birthDate"] = values["date_of_birth"]
    if values.get("sex_at_birth"):
        resource["gender"] = _GENDER.get(values["sex_at_birth"], "unknown")
    telecom = [
        {"system": system, "value": values[name]}
        for system, name in (("phone", "phone"), ("email", "email"))
        if values.get(name)
    ]
    if telecom:
        resource["telecom"] = telecom
    if values.get("postal_address"):
        resource["address"] = [_address(values["postal_address"])]
    if values.get("preferred_language"):
        resource["communication"] = [
            {"language": {"text": values["preferred_language"]}, "preferred": True}
        ]
    if values.get("emergency_contact"):
        resource["contact"] = [_contact(values["emergency_contact"])]
    return resource


def _names(values: dict[str, Any]) -> list[dict[str, Any]]:
    official: dict[str, Any] = {}
    if values.get("family_name"):
        official["family"] = values["family_name"]
    if values.get("given_name"):
        official["given"] = [values["given_name"]]
    names = [{"use": "official", **official}] if official else []
    if values.get("preferred_name"):
        names.append({"use": "usual", "given": [values["preferred_name"]]})
    return names


def _address(address: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "line": [line for line in (address.get("line1"), address.get("line2")) if line]
    }
    for key, source in (
        ("city", "city"),
        ("state", "state"),
        ("postalCode", "postal_code"),
        ("country", "country"),
    ):
        if address.get(source):
            result[key] = address[source]
    return result


def _contact(contact: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "relationship": [{"text": contact.get("relationship", "emergency contact")}]
    }
    if contact.get("name"):
        result["name"] = {"text": contact["name"]}
    if contact.get("phone"):
        result["telecom"] = [{"system": "phone", "value": contact["phone"]}]
    return result
