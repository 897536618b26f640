"""Editing the draft catalogue and publishing it. Each function is one audited transaction
and raises ``ValidationError`` keyed by form field."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from steward.accounts.models import User
from steward.audit.services import event_record
from steward.catalog.models import Catalogue, CatalogueStatus, ResponseTarget, Service
from steward.tenancy.models import Organization

SERVICE_FIELDS = ("name", "description", "does", "does_not", "hours", "languages", "escalation")


def _event(action: str, catalogue: Catalogue, actor: User | None, **detail: Any) -> None:
    event_record(
        event=f"catalog.{action}",
        actor=actor,
        tenant=catalogue.tenant,
        entity_type="catalogue",
        entity_id=str(catalogue.pk),
        detail=detail,
    )


def _lock_draft(draft: Catalogue) -> Catalogue:
    """Lock the catalogue row and check it is still a draft: publishing takes the same lock,
    so an edit cannot land in a version that was published meanwhile."""
    locked = Catalogue.objects.select_for_update().filter(pk=draft.pk).first()
    if locked is None or not locked.is_draft:
        raise ValidationError(
            {"summary": "This draft was published or discarded meanwhile: start a new one."}
        )
    return locked


def draft_start(*, tenant: Organization, actor: User | None) -> Catalogue:
    """The practice's draft: the one open, or a new one copied from the current version."""
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=tenant.pk).first()
        draft = Catalogue.objects.filter(tenant=tenant, status=CatalogueStatus.DRAFT).first()
        if draft is not None:
            return draft
        draft = Catalogue.objects.create(tenant=tenant, created_by=actor)
        current = (
            Catalogue.objects.filter(tenant=tenant, status=CatalogueStatus.PUBLISHED)
            .order_by("-version")
            .first()
        )
        if current is not None:
            for service in current.services.prefetch_related("targets"):
                copy = Service.objects.create(
                    catalogue=draft,
                    position=service.position,
                    **{f: getattr(service, f) for f in SERVICE_FIELDS},
                )
                ResponseTarget.objects.bulk_create(
                    ResponseTarget(
                        service=copy,
                        channel=t.channel,
                        priority=t.priority,
                        first_response_minutes=t.first_response_minutes,
                        resolution_minutes=t.resolution_minutes,
                    )
                    for t in service.targets.all()
                )
        _event("draft-started", draft, actor, based_on=current.version if current else None)
    return draft


def _service_errors(values: dict[str, Any], targets: list[dict[str, Any]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name in ("name", "description", "does", "does_not", "hours", "escalation"):
        if not str(values.get(name, "")).strip():
            errors[name] = "This field is required."
    if not values.get("languages"):
        errors["languages"] = "Name at least one language."
    if not targets:
        errors["targets"] = "Give at least one response-time commitment."
    seen = set()
    for target in targets:
        key = (target["channel"], target["priority"])
        if key in seen:
            errors["targets"] = "One commitment per channel and priority."
        seen.add(key)
        if target["resolution_minutes"] < target["first_response_minutes"]:
            errors["targets"] = "Resolution cannot come before the first response."
        if target["first_response_minutes"] < 1:
            errors["targets"] = "Times are at least one minute."
    return errors


def service_save(
    *,
    draft: Catalogue,
    actor: User | None,
    values: dict[str, Any],
    targets: list[dict[str, Any]],
    service: Service | None = None,
) -> Service:
    """Add a service to the draft (or replace one), with its response-time commitments."""
    if not draft.is_draft:
        raise ValidationError("A published catalogue cannot be changed: start a new draft.")
    errors = _service_errors(values, targets)
    duplicate = Service.objects.filter(catalogue=draft, name=values.get("name", "").strip())
    if service is not None:
        duplicate = duplicate.exclude(pk=service.pk)
    if duplicate.exists():
        errors["name"] = "The catalogue already has a service with this name."
    if errors:
        raise ValidationError(errors)
    cleaned = {
        f: values[f].strip() if isinstance(values[f], str) else values[f] for f in SERVICE_FIELDS
    }
    with transaction.atomic():
        draft = _lock_draft(draft)
        if service is None:
            position = (
                Service.objects.filter(catalogue=draft).aggregate(p=Max("position"))["p"] or 0
            )
            service = Service.objects.create(catalogue=draft, position=position + 1, **cleaned)
        else:
            for field, value in cleaned.items():
                setattr(service, field, value)
            service.save()
            for old in service.targets.all():
                old.delete()
        for target in targets:
            ResponseTarget.objects.create(service=service, **target)
        _event("service-saved", draft, actor, service=service.name)
    return service


def service_delete(*, service: Service, actor: User | None) -> None:
    with transaction.atomic():
        draft = _lock_draft(service.catalogue)
        name = service.name
        for target in service.targets.all():
            target.delete()
        service.delete()
        _event("service-removed", draft, actor, service=name)


def draft_discard(*, draft: Catalogue, actor: User | None) -> None:
    with transaction.atomic():
        draft = _lock_draft(draft)
        _event("draft-discarded", draft, actor)
        draft.delete()


def publish(*, draft: Catalogue, actor: User | None, summary: str) -> Catalogue:
    """Make the draft the practice's current catalogue, as its next version."""
    if not summary.strip():
        raise ValidationError({"summary": "Say what changed, in a sentence."})
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=draft.tenant_id).first()
        draft = _lock_draft(draft)
        # Checked under the lock, so no edit can slip in between the check and the publish.
        services = list(draft.services.prefetch_related("targets"))
        if not services:
            raise ValidationError({"services": "Add at least one service before publishing."})
        if any(not s.targets.all() for s in services):
            raise ValidationError(
                {"services": "Every service needs at least one response-time commitment."}
            )
        last = (
            Catalogue.objects.filter(
                tenant=draft.tenant_id, status=CatalogueStatus.PUBLISHED
            ).aggregate(v=Max("version"))["v"]
            or 0
        )
        draft.status = CatalogueStatus.PUBLISHED
        draft.version = last + 1
        draft.summary = summary.strip()
        draft.published_by = actor
        draft.published_at = timezone.now()
        draft.save()
        _event("published", draft, actor, version=draft.version, services=len(services))
    return draft
