"""Workforce policies: versions published by the compliance officer, accepted by workers.

Versions and acceptances are written once. Publishing a new version re-opens acceptance:
clearance asks for the newest version, so every required worker must sign again.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Organization
from steward.workforce.models import Policy, PolicyAcceptance, PolicyVersion
from steward.workforce.models.base import validate_roles
from steward.workforce.services.common import record, vendor_membership

MAX_BODY = 40000


def policy_save(
    *,
    tenant: Organization,
    actor: User | None,
    code: str,
    title: str,
    required_for: list[str],
    policy: Policy | None = None,
) -> Policy:
    """Create a policy of the vendor ``tenant``, or edit ``policy``.

    ``code`` appears in clearance reasons (``policy-not-accepted:<code>``): unique per
    vendor, and fixed once a version is published.
    """
    code, title = (code or "").strip(), (title or "").strip()
    roles = sorted({str(role) for role in required_for or []})
    errors: dict[str, str] = {}
    try:
        validate_slug(code)
    except ValidationError:
        errors["code"] = "Use lower-case letters, digits and hyphens (e.g. code-of-conduct)."
    if not title:
        errors["title"] = "Give the policy a title."
    elif len(title) > 160:
        errors["title"] = "Keep the title under 160 characters."
    if roles:
        try:
            validate_roles(roles)
        except ValidationError as exc:
            errors["required_for"] = " ".join(exc.messages)
    with transaction.atomic():
        if policy is not None:
            policy = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk, tenant=tenant)
        taken = Policy.objects.filter(tenant=tenant, code=code)
        if policy is not None:
            taken = taken.exclude(pk=policy.pk)
        if "code" not in errors and taken.exists():
            errors["code"] = f"Another policy already uses the code “{code}”."
        if (
            policy is not None
            and policy.code != code
            and "code" not in errors
            and policy.versions.exists()
        ):
            errors["code"] = "The code is fixed once a version is published."
        if errors:
            raise ValidationError(errors)
        created = policy is None
        if policy is None:
            policy = Policy.objects.create(
                tenant=tenant, code=code, title=title, required_for=roles
            )
        else:
            policy.code, policy.title, policy.required_for = code, title, roles
            policy.save(update_fields=["code", "title", "required_for"])
        record(
            "policy-created" if created else "policy-changed",
            actor=actor,
            tenant=tenant,
            entity=policy,
            code=code,
            required_for=",".join(roles),
        )
    return policy


def newest_version(policy: Policy) -> PolicyVersion | None:
    return policy.versions.order_by("-version").first()


def policy_version_publish(
    *, policy: Policy, actor: User | None, body: str, summary: str
) -> PolicyVersion:
    """Publish the next version of ``policy``; every required worker must accept it anew."""
    body, summary = (body or "").strip(), (summary or "").strip()
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = "Write the policy text."
    elif len(body) > MAX_BODY:
        errors["body"] = f"Keep the policy under {MAX_BODY} characters."
    if len(summary) > 300:
        errors["summary"] = "Keep the summary under 300 characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Acceptance takes the same lock: nobody signs a version that was just replaced.
        policy = Policy.objects.select_for_update(of=("self",)).get(pk=policy.pk)
        number = (policy.versions.aggregate(n=Max("version"))["n"] or 0) + 1
        version = PolicyVersion.objects.create(
            policy=policy, version=number, summary=summary, body=body, published_by=actor
        )
        record(
            "policy-published",
            actor=actor,
            tenant=policy.tenant_id,
            entity=version,
            policy=policy.code,
            version=number,
        )
    return version


def _same_name(typed: str, full_name: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip().casefold()

    return bool(norm(typed)) and norm(typed) == norm(full_name)


def policy_accept(*, version: PolicyVersion, worker: User, typed_name: str) -> PolicyAcceptance:
    """The worker signs ``version`` by typing their full name.

    Only the newest version of an active policy of the worker's own vendor can be
    signed. Signing again returns the first acceptance (no duplicate, no error).
    """
    with transaction.atomic():
        policy = (
            Policy.objects.select_for_update(of=("self",))
            .select_related("tenant")
            .get(pk=version.policy_id)
        )
        vendor_membership(worker=worker, tenant=policy.tenant)
        existing = PolicyAcceptance.objects.filter(version=version, worker=worker).first()
        if existing is not None:
            return existing
        if not policy.is_active:
            raise ValidationError("This policy is no longer in force.")
        newest = newest_version(policy)
        if newest is None or newest.pk != version.pk:
            number = newest.version if newest else version.version
            raise ValidationError(
                f"A newer version (version {number}) replaced this one: read and accept that."
            )
        if not _same_name(typed_name or "", worker.full_name):
            raise ValidationError(
                {"typed_name": f"Type your full name exactly as “{worker.full_name}” to sign."}
            )
        acceptance = PolicyAcceptance.objects.create(
            version=version,
            worker=worker,
            accepted_at=timezone.now(),
            typed_name=re.sub(r"\s+", " ", typed_name).strip()[:200],
        )
        record(
            "policy-accepted",
            actor=worker,
            tenant=policy.tenant_id,
            entity=acceptance,
            policy=policy.code,
            version=version.version,
        )
    return acceptance
