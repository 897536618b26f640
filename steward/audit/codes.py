"""FHIR AuditEvent type and subtype codes for Steward's event names.

Types and subtypes come from DICOM (system http://dicom.nema.org/resources/ontology/DCM),
as FHIR R4's audit-event-type and audit-event-sub-type value sets use them.
"""

from __future__ import annotations

from dataclasses import dataclass

DCM = "http://dicom.nema.org/resources/ontology/DCM"
REST = "http://hl7.org/fhir/restful-interaction"

DISPLAY = {
    "110100": "Application Activity",
    "110106": "Export",
    "110110": "Patient Record",
    "110112": "Query",
    "110113": "Security Alert",
    "110114": "User Authentication",
    "110122": "Login",
    "110123": "Logout",
    "110127": "Emergency Override Started",
    "110129": "Security Configuration",
    "110136": "Security Roles Changed",
    "110137": "User security Attributes Changed",
}


@dataclass(frozen=True)
class EventCodes:
    action: str  # C R U D E
    type_code: str
    subtype_code: str | None


# Longest matching prefix wins.
_BY_PREFIX: dict[str, EventCodes] = {
    "login.succeeded": EventCodes("E", "110114", "110122"),
    "login.": EventCodes("E", "110114", "110122"),
    "logout": EventCodes("E", "110114", "110123"),
    "session.": EventCodes("E", "110114", None),
    "mfa.failed": EventCodes("E", "110114", None),
    "mfa.": EventCodes("U", "110113", "110137"),
    "password.": EventCodes("U", "110113", "110137"),
    "user.created": EventCodes("C", "110113", "110137"),
    "user.": EventCodes("U", "110113", "110137"),
    "membership.created": EventCodes("C", "110113", "110136"),
    "membership.": EventCodes("U", "110113", "110136"),
    "organization.created": EventCodes("C", "110113", "110129"),
    "organization.": EventCodes("U", "110113", "110129"),
    "team.created": EventCodes("C", "110113", "110136"),
    "team.": EventCodes("U", "110113", "110136"),
    "agreement.drafted": EventCodes("C", "110113", "110129"),
    "agreement.": EventCodes("U", "110113", "110129"),
    "key.": EventCodes("E", "110113", "110129"),
    "break-glass.started": EventCodes("E", "110113", "110127"),
    "break-glass.": EventCodes("E", "110113", None),
    "audit.exported": EventCodes("E", "110106", None),
    "audit.": EventCodes("E", "110100", None),
    "patient.created": EventCodes("C", "110110", None),
    "patient.read": EventCodes("R", "110110", None),
    "patient.searched": EventCodes("E", "110112", None),
    "patient.exported": EventCodes("E", "110106", None),
    "patient.texts-read": EventCodes("R", "110110", None),
    "patient.disposed": EventCodes("D", "110110", None),
    "patient.": EventCodes("U", "110110", None),
    "vault.": EventCodes("E", "110113", None),
    "disclosure.": EventCodes("C", "110106", None),
    "notice.published": EventCodes("C", "110100", None),
    "notice.": EventCodes("C", "110110", None),
    "consent.policy-changed": EventCodes("U", "110113", "110129"),
    "consent.campaign-started": EventCodes("E", "110100", None),
    "consent.": EventCodes("U", "110110", None),
    "restriction.": EventCodes("U", "110110", None),
    "communication.": EventCodes("E", "110100", None),
    "catalog.": EventCodes("U", "110100", None),
    "workforce.": EventCodes("U", "110113", "110137"),
}


def codes_for(event: str) -> EventCodes:
    match = max((p for p in _BY_PREFIX if event.startswith(p)), key=len, default=None)
    if match is None:
        return EventCodes("E", "110100", None)
    return _BY_PREFIX[match]
