"""Audit events as FHIR R4 AuditEvent resources, and a Bundle of them for export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings

from steward.audit.codes import DCM, DISPLAY
from steward.audit.models import AuditEvent

_OUTCOME = {"success": "0", "denied": "4", "error": "8"}
_ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
_OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
_SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
_ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"


def _instant(microseconds: int) -> str:
    moment = dt.datetime.fromtimestamp(microseconds / 1_000_000, tz=dt.UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _coding(code: str) -> dict[str, str]:
    return {"system": DCM, "code": code, "display": DISPLAY.get(code, code)}


def audit_event_resource(event: AuditEvent) -> dict[str, Any]:
    record = event.record
    actor = record["actor"]
    agent: dict[str, Any] = {
        "requestor": True,
        "who": {"identifier": {"system": "urn:steward:user", "value": actor["user"] or "system"}},
    }
    if actor.get("role"):
        agent["type"] = {"text": actor["role"]}
    if actor.get("ip"):
        agent["network"] = {"address": actor["ip"], "type": "2"}
    resource: dict[str, Any] = {
        "resourceType": "AuditEvent",
        "id": record["id"],
        "type": _coding(record["type"]),
        "action": record["action"],
        "recorded": _instant(record["time_us"]),
        "outcome": _OUTCOME[record["outcome"]],
        "agent": [agent],
        "source": {
            "observer": {"display": settings.STEWARD_INSTALLATION_NAME},
            "type": [{"system": _SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
    }
    if record.get("subtype"):
        resource["subtype"] = [_coding(record["subtype"])]
    if record["reasons"]:
        resource["outcomeDesc"] = ", ".join(record["reasons"])
    purposes = []
    if record.get("purpose"):
        purposes.append({"text": record["purpose"]})
    if record.get("break_glass"):
        purposes.append(
            {"coding": [{"system": _ACT_REASON, "code": "BTG", "display": "break the glass"}]}
        )
    if purposes:
        resource["purposeOfEvent"] = purposes
    entities = []
    if record.get("patient"):
        entities.append(
            {
                "what": {
                    "identifier": {"system": "urn:steward:patient", "value": record["patient"]}
                },
                "type": {"system": _ENTITY_TYPE, "code": "1", "display": "Person"},
                "role": {"system": _OBJECT_ROLE, "code": "1", "display": "Patient"},
            }
        )
    entity = record["entity"]
    if entity.get("type"):
        described: dict[str, Any] = {
            "what": {
                "identifier": {
                    "system": f"urn:steward:{entity['type']}",
                    "value": entity["id"] or "-",
                }
            },
            "type": {"system": _ENTITY_TYPE, "code": "2", "display": "System Object"},
        }
        if entity["fields"]:
            described["detail"] = [{"type": "fields", "valueString": ",".join(entity["fields"])}]
        entities.append(described)
    if entities:
        resource["entity"] = entities
    return resource


def bundle(events: Iterable[AuditEvent]) -> dict[str, Any]:
    entries = [
        {"fullUrl": f"urn:uuid:{event.event_id}", "resource": audit_event_resource(event)}
        for event in events
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": dt.datetime.now(tz=dt.UTC)
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
        "entry": entries,
    }
