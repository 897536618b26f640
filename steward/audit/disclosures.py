"""Accounting of disclosures (HIPAA §164.528): recording them, and the six-year accounting."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from steward.accounts.models import User
from steward.audit.models import Disclosure
from steward.audit.services import event_record
from steward.tenancy.models import Organization

LOOK_BACK_YEARS = 6


def disclosure_record(
    *,
    tenant: Organization,
    patient_id: uuid.UUID,
    disclosed_on: dt.date,
    recipient_name: str,
    recipient_address: str,
    description: str,
    purpose: str,
    recorded_by: User,
) -> Disclosure:
    """Record one disclosure; the audit event names the patient, not what was disclosed."""
    errors = {}
    if disclosed_on > tenant.local_today():
        errors["disclosed_on"] = "A disclosure cannot be in the future."
    for name, value in (
        ("recipient_name", recipient_name),
        ("description", description),
        ("purpose", purpose),
    ):
        if not value.strip():
            errors[name] = "This is required."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        disclosure = Disclosure.objects.create(
            tenant=tenant,
            patient_id=patient_id,
            disclosed_on=disclosed_on,
            recipient_name=recipient_name.strip(),
            recipient_address=recipient_address.strip(),
            description=description.strip(),
            purpose=purpose.strip(),
            recorded_by=recorded_by,
        )
        event_record(
            event="disclosure.recorded",
            actor=recorded_by,
            tenant=tenant,
            patient_id=patient_id,
            entity_type="disclosure",
            entity_id=str(disclosure.pk),
        )
    return disclosure


def accounting(
    *,
    tenant: Organization,
    patient_id: uuid.UUID | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Disclosure]:
    """Disclosures of ``tenant`` (of one patient when given) within the look-back period."""
    today = tenant.local_today()
    floor = (
        today.replace(year=today.year - LOOK_BACK_YEARS)
        if not (today.month == 2 and today.day == 29)
        else dt.date(today.year - LOOK_BACK_YEARS, 2, 28)
    )
    found = Disclosure.objects.filter(tenant=tenant, disclosed_on__gte=max(since or floor, floor))
    if patient_id is not None:
        found = found.filter(patient_id=patient_id)
    if until is not None:
        found = found.filter(disclosed_on__lte=until)
    return found.select_related("recorded_by")


COLUMNS = ("Date", "Recipient", "Recipient address", "Information disclosed", "Purpose")


def as_csv(disclosures: Any) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(("Patient id", *COLUMNS))
    for d in disclosures:
        writer.writerow(
            (
                d.patient_id,
                d.disclosed_on.isoformat(),
                d.recipient_name,
                d.recipient_address,
                d.description,
                d.purpose,
            )
        )
    return buffer.getvalue()
