"""Start-up check: every key version the stored data needs is present and is the right key.

`steward check` (and every command that runs system checks, the server
included) then fails with a clear message instead of serving garbage or
tracebacks later.
"""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.db import DatabaseError

from steward.core.keyfiles import KeyFileError


@register("vault")
def keys_present(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from steward.vault.documents import document_key_check
    from steward.vault.envelope import unwrap_key
    from steward.vault.models import Patient, PatientStatus

    try:
        samples = list(
            Patient.objects.filter(status=PatientStatus.ACTIVE)
            .order_by("tenant_id", "kek_version", "pk")
            .distinct("tenant_id", "kek_version")
            if _supports_distinct_on()
            else _one_per_key_version()
        )
    except DatabaseError:
        return []  # no schema yet (before migrate): nothing to check
    errors: list[CheckMessage] = []
    for sample in [*samples, *_one_document_per_key_version()]:
        try:
            unwrap_key(sample) if isinstance(sample, Patient) else document_key_check(sample)
        except KeyFileError as exc:
            errors.append(
                Error(
                    str(exc),
                    id="steward.vault.E001",
                    hint="See docs/security.md, 'Backing up and restoring keys'.",
                )
            )
    return errors


def _supports_distinct_on() -> bool:
    from django.db import connection

    return connection.features.can_distinct_on_fields


def _one_per_key_version() -> list[Any]:
    from steward.vault.models import Patient, PatientStatus

    seen: set[tuple[object, object]] = set()
    samples = []
    pairs = (
        Patient.objects.filter(status=PatientStatus.ACTIVE)
        .values_list("tenant_id", "kek_version")
        .distinct()
    )
    for tenant_id, version in pairs:
        if (tenant_id, version) not in seen:
            seen.add((tenant_id, version))
            found = Patient.objects.filter(
                tenant_id=tenant_id, kek_version=version, status=PatientStatus.ACTIVE
            ).first()
            if found is not None:
                samples.append(found)
    return samples


def _one_document_per_key_version() -> list[Any]:
    """A sealed document (key columns only) for each owner and key version in use."""
    from steward.vault.models import SealedDocument

    try:
        pairs = list(SealedDocument.objects.values_list("tenant_id", "kek_version").distinct())
    except DatabaseError:
        return []
    found = (
        SealedDocument.objects.filter(tenant_id=tenant_id, kek_version=version)
        .only("pk", "tenant_id", "kek_version", "wrapped_key")
        .first()
        for tenant_id, version in pairs
    )
    return [document for document in found if document is not None]
