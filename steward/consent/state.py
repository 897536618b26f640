"""Where a patient's choices stand: the policy per purpose, and each consent's status now.

Status is worked out at the moment it is asked, from the append-only records,
so a withdrawal, an expiry or the end of a re-consent grace period takes
effect at the next decision without any batch job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max
from django.utils import timezone

from steward.access.models import PurposeOfUse
from steward.consent.defaults import DEFAULT_POLICIES, FALLBACK
from steward.consent.models import (
    ConsentRecord,
    Decision,
    Notice,
    Provision,
    PurposePolicy,
    ReconsentCampaign,
)


class Status:
    ACTIVE = "active"
    MISSING = "missing"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    STALE = "stale"

    LABELS = {
        ACTIVE: "Given",
        MISSING: "Not asked yet",
        DENIED: "Declined",
        WITHDRAWN: "Withdrawn",
        EXPIRED: "Expired",
        STALE: "Needs your answer again (the notice changed)",
    }


@dataclass(frozen=True)
class Policy:
    purpose: PurposeOfUse
    consent_required: bool
    data_categories: tuple[str, ...]
    plain_language: str
    consent_valid_days: int | None
    customised: bool


@dataclass(frozen=True)
class PurposeState:
    policy: Policy
    status: str
    record: ConsentRecord | None
    restriction: ConsentRecord | None

    @property
    def purpose(self) -> PurposeOfUse:
        return self.policy.purpose

    @property
    def label(self) -> str:
        if self.status == Status.MISSING and not self.policy.consent_required:
            return "Not needed"
        return Status.LABELS[self.status]

    @property
    def allows(self) -> bool:
        """Whether the purpose may be used for this patient, as far as consent goes."""
        if self.restriction is not None:
            return False
        return self.status == Status.ACTIVE or not self.policy.consent_required


def _policy(purpose: PurposeOfUse, row: PurposePolicy | None) -> Policy:
    if row is not None:
        return Policy(
            purpose,
            row.consent_required,
            tuple(row.data_categories),
            row.plain_language,
            row.consent_valid_days,
            customised=True,
        )
    default = DEFAULT_POLICIES.get(purpose.code, FALLBACK)
    return Policy(
        purpose,
        default.consent_required,
        default.data_categories,
        default.plain_language or purpose.description,
        None,
        customised=False,
    )


def policy_for(tenant: Any, purpose: PurposeOfUse) -> Policy:
    row = PurposePolicy.objects.filter(tenant=tenant, purpose=purpose).first()
    return _policy(purpose, row)


def policies_for(tenant: Any) -> list[Policy]:
    """The practice's purpose catalogue: every active purpose, with its policy."""
    rows = {row.purpose_id: row for row in PurposePolicy.objects.filter(tenant=tenant)}
    purposes = PurposeOfUse.objects.filter(is_active=True).order_by("name")
    return [_policy(purpose, rows.get(purpose.pk)) for purpose in purposes]


def current_notice(tenant: Any) -> Notice | None:
    return Notice.objects.filter(tenant=tenant).order_by("-version").first()


def stale_before(tenant: Any, now: dt.datetime | None = None) -> int:
    """Consents given under a notice version below this one are stale: a later material
    version's re-consent grace period has ended."""
    ended = ReconsentCampaign.objects.filter(
        tenant=tenant, grace_ends_at__lte=now or timezone.now()
    ).aggregate(version=Max("notice__version"))["version"]
    return ended or 0


def status_of(record: ConsentRecord | None, *, threshold: int, now: dt.datetime) -> str:
    if record is None:
        return Status.MISSING
    if record.decision == Decision.DENIED:
        return Status.DENIED
    if record.decision == Decision.WITHDRAWN:
        return Status.WITHDRAWN
    if record.expires_at is not None and record.expires_at <= now:
        return Status.EXPIRED
    if record.notice.version < threshold:
        return Status.STALE
    return Status.ACTIVE


def latest(tenant: Any, patient_id: Any, purpose: Any, provision: str) -> ConsentRecord | None:
    return (
        ConsentRecord.objects.filter(
            tenant=tenant, patient_id=patient_id, purpose=purpose, provision=provision
        )
        .select_related("notice")
        .order_by("-created_at", "-id")
        .first()
    )


def restriction_in_force(tenant: Any, patient_id: Any, purpose: Any) -> ConsentRecord | None:
    record = latest(tenant, patient_id, purpose, Provision.RESTRICTION)
    return record if record is not None and record.decision == Decision.GRANTED else None


def state_of(tenant: Any, patient_id: Any, policy: Policy, *, threshold: int) -> PurposeState:
    now = timezone.now()
    record = latest(tenant, patient_id, policy.purpose, Provision.CONSENT)
    return PurposeState(
        policy,
        status_of(record, threshold=threshold, now=now),
        record,
        restriction_in_force(tenant, patient_id, policy.purpose),
    )


def choosable(purpose: PurposeOfUse) -> bool:
    """Whether patients have a say about ``purpose`` (not emergencies, not their own access)."""
    return purpose.is_active and not purpose.emergency_only and purpose.code != "patient-access"


def states_for(tenant: Any, patient_id: Any) -> list[PurposeState]:
    """Every purpose a patient could have a say about, and where their choice stands."""
    threshold = stale_before(tenant)
    return [
        state_of(tenant, patient_id, policy, threshold=threshold)
        for policy in policies_for(tenant)
        if choosable(policy.purpose)
    ]


def history(tenant: Any, patient_id: Any) -> Any:
    return (
        ConsentRecord.objects.filter(tenant=tenant, patient_id=patient_id)
        .select_related("purpose", "notice", "recorded_by")
        .order_by("-created_at", "-id")
    )
