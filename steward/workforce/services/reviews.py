"""Access reviews: campaigns in which each worker's role, team and client access is recertified.

A campaign snapshots every active membership of the vendor into an item for a reviewer
(the worker's supervisor, else an administrator). Reviewers approve, revoke (the membership
ends at once) or escalate (the compliance officer decides instead). Whatever is still
undecided when the deadline has passed is revoked automatically: an access review that nobody
answers must not leave access in place.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import OrganizationKind, Role
from steward.tenancy.services import membership_end
from steward.work.models import TaskType
from steward.workforce.models import (
    AccessReviewCampaign,
    AccessReviewDecision,
    AccessReviewItem,
    ReviewDecision,
)
from steward.workforce.services.common import record

INACTIVE_DAYS = 30
DEADLINE_REASON = "Access review deadline passed without a decision"

# The flags a reviewer sees next to an item, in the words the item page uses.
FLAGS: dict[str, str] = {
    "inactive-30-days": f"Has not signed in for {INACTIVE_DAYS} days or more (or never).",
    "terminated": "The account is deactivated or the membership has ended.",
    "contractor-end-passed": "The contract end date on the membership has passed.",
    "privileged": "Holds a privileged role (administration, compliance, supervision or "
    "break-glass).",
}
PRIVILEGED_ROLES = frozenset({Role.BPO_ADMIN, Role.COMPLIANCE_OFFICER, Role.SUPERVISOR})
# Who may decide any item of their vendor's campaigns (besides the item's reviewer).
DECIDERS = frozenset({Role.BPO_ADMIN, Role.COMPLIANCE_OFFICER})
# Items the deadline revokes: nobody gave a final answer.
UNDECIDED = (ReviewDecision.PENDING, ReviewDecision.ESCALATE)
FINAL = (ReviewDecision.APPROVE, ReviewDecision.REVOKE)
MAX_DAYS_TO_DECIDE = 90


def review_flags(membership: Membership, *, at: dt.datetime | None = None) -> list[str]:
    """The flags of one membership at ``at`` (now): what a reviewer should look at twice."""
    moment = at or timezone.now()
    user = membership.user
    flags = []
    if user.last_login is None or user.last_login <= moment - dt.timedelta(days=INACTIVE_DAYS):
        flags.append("inactive-30-days")
    if not user.is_active or not membership.is_active or membership.ended_at is not None:
        flags.append("terminated")
    if membership.valid_until is not None and membership.valid_until <= moment:
        flags.append("contractor-end-passed")
    privileged = PRIVILEGED_ROLES | set(settings.STEWARD_BREAK_GLASS_ROLES)
    if membership.role in privileged:
        flags.append("privileged")
    return flags


def _quarter_name(today: dt.date) -> str:
    return f"Access review Q{(today.month - 1) // 3 + 1} {today.year}"


def _clients_by_team(tenant: Organization) -> dict[Any, list[str]]:
    """The practices whose task types route to each of the vendor's teams (one query)."""
    clients: dict[Any, set[str]] = {}
    rows = TaskType.objects.filter(team__organization=tenant).values_list(
        "team_id", "tenant__short_name"
    )
    for team_id, practice in rows:
        clients.setdefault(team_id, set()).add(practice)
    return {team_id: sorted(names) for team_id, names in clients.items()}


def _current_roles(tenant: Organization) -> dict[Any, str]:
    """user id → role of each current member of the vendor."""
    return dict(
        Membership.objects.current().filter(organization=tenant).values_list("user_id", "role")
    )


def _first(user_ids: Iterable[Any], *, excluding: Iterable[Any]) -> Any:
    skip = set(excluding)
    return next((pk for pk in user_ids if pk not in skip), None)


def _members_with(roles: dict[Any, str], role: str) -> list[Any]:
    return sorted((pk for pk, held in roles.items() if held == role), key=str)


def _reviewer_for(membership: Membership, *, roles: dict[Any, str], actor: User | None) -> Any:
    """The worker's team supervisor, else an administrator (the actor if they are one), else
    the compliance officer; never the worker themself."""
    worker = membership.user_id
    supervisor = membership.team.supervisor_id if membership.team else None
    if supervisor is not None and supervisor != worker and supervisor in roles:
        return supervisor
    admins = _members_with(roles, Role.BPO_ADMIN)
    if actor is not None and actor.pk in admins and actor.pk != worker:
        return actor.pk
    return _first(admins, excluding={worker}) or _first(
        _members_with(roles, Role.COMPLIANCE_OFFICER), excluding={worker}
    )


def _check_vendor(tenant: Organization) -> None:
    if tenant.kind != OrganizationKind.BUSINESS_ASSOCIATE:
        raise ValidationError("Access reviews belong to a vendor (business associate).")


def review_campaign_open(
    *,
    tenant: Organization,
    actor: User | None,
    name: str = "",
    deadline: dt.date | None = None,
    today: dt.date | None = None,
) -> AccessReviewCampaign:
    """Open a campaign: one item per active membership of the vendor, with its access and flags.

    One campaign at a time per vendor. The deadline defaults to
    ``STEWARD_ACCESS_REVIEW_DAYS_TO_DECIDE`` days from today (the vendor's today) and may be
    1 to 90 days ahead. ``actor`` None means the scheduler opened it.
    """
    _check_vendor(tenant)
    today = today or tenant.local_today()
    name = (name or "").strip() or _quarter_name(today)
    if len(name) > 160:
        raise ValidationError({"name": "Keep the name to 160 characters."})
    deadline = deadline or today + dt.timedelta(days=settings.STEWARD_ACCESS_REVIEW_DAYS_TO_DECIDE)
    if not today < deadline <= today + dt.timedelta(days=MAX_DAYS_TO_DECIDE):
        raise ValidationError(
            {
                "deadline": f"Choose a deadline after today and at most {MAX_DAYS_TO_DECIDE} days "
                "ahead."
            }
        )
    with transaction.atomic():
        # The vendor's row serialises openings, so two clicks cannot open two campaigns.
        Organization.objects.select_for_update(of=("self",)).filter(pk=tenant.pk).first()
        roles = _current_roles(tenant)
        if actor is not None and roles.get(actor.pk) not in DECIDERS:
            raise ValidationError(
                "Only the vendor's administrator or compliance officer opens an access review."
            )
        running = AccessReviewCampaign.objects.filter(tenant=tenant, closed_at__isnull=True).first()
        if running is not None:
            raise ValidationError(
                f"“{running.name}” is still open (deadline {running.deadline:%d %b %Y}): "
                "finish it before opening another."
            )
        campaign = AccessReviewCampaign.objects.create(
            tenant=tenant, name=name, opened_on=today, deadline=deadline, created_by=actor
        )
        clients = _clients_by_team(tenant)
        now = timezone.now()
        memberships = (
            Membership.objects.filter(organization=tenant, is_active=True)
            .select_related("user", "team")
            .order_by("pk")
        )
        items = [
            AccessReviewItem(
                campaign=campaign,
                membership=membership,
                reviewer_id=_reviewer_for(membership, roles=roles, actor=actor),
                access={
                    "role": membership.role,
                    "team": membership.team.name if membership.team else None,
                    "clients": clients.get(membership.team_id, []) if membership.team else [],
                    "valid_until": membership.valid_until.isoformat()
                    if membership.valid_until
                    else None,
                },
                flags=review_flags(membership, at=now),
            )
            for membership in memberships
        ]
        AccessReviewItem.objects.bulk_create(items)
        record(
            "review.campaign-opened",
            actor=actor,
            tenant=tenant,
            entity=campaign,
            items=len(items),
            deadline=deadline.isoformat(),
        )
    return campaign


def _escalation_target(item: AccessReviewItem, *, actor: User, roles: dict[Any, str]) -> Any:
    """The vendor's compliance officer, else an administrator: neither the worker nor the
    person escalating."""
    skip = {item.membership.user_id, actor.pk}
    return _first(_members_with(roles, Role.COMPLIANCE_OFFICER), excluding=skip) or _first(
        _members_with(roles, Role.BPO_ADMIN), excluding=skip
    )


def _lock(item: AccessReviewItem) -> tuple[AccessReviewCampaign, AccessReviewItem]:
    """Lock the campaign, then the item: the deadline sweep takes them in the same order."""
    campaign = AccessReviewCampaign.objects.select_for_update(of=("self",)).get(pk=item.campaign_id)
    locked = (
        AccessReviewItem.objects.select_for_update(of=("self",))
        .select_related("membership__user")
        .get(pk=item.pk)
    )
    return campaign, locked


def review_decide(
    *, item: AccessReviewItem, actor: User, decision: str, note: str = ""
) -> AccessReviewItem:
    """Approve, revoke or escalate one item, and keep the history.

    The item's reviewer decides, or the vendor's administrator or compliance officer; nobody
    decides their own item. Revoke and escalate need a note. Revoke ends the membership at
    once. Escalate hands the item to the compliance officer and leaves it undecided (the
    deadline still revokes it). Approve and revoke are final.
    """
    note = (note or "").strip()
    if decision not in (*FINAL, ReviewDecision.ESCALATE):
        raise ValidationError({"decision": "Choose approve, revoke or escalate."})
    if decision != ReviewDecision.APPROVE and not note:
        raise ValidationError({"note": f"Say why you {decision} this access."})
    if len(note) > 500:
        raise ValidationError({"note": "Keep the note to 500 characters."})
    with transaction.atomic():
        campaign, locked = _lock(item)
        if not campaign.is_open:
            raise ValidationError("This campaign is closed: its items can no longer be decided.")
        if campaign.deadline < campaign.tenant.local_today():
            # The sweep runs hourly: until it closes the campaign, an approval after the
            # deadline must not keep access that the deadline has already revoked.
            raise ValidationError(
                f"The deadline ({campaign.deadline:%d %b %Y}) has passed: what was not "
                "decided by then is revoked."
            )
        if locked.decision in FINAL:
            raise ValidationError(
                f"This item was already decided ({locked.get_decision_display().lower()}); "
                "a decision is final."
            )
        worker = locked.membership.user
        if actor.pk == worker.pk:
            raise ValidationError("You cannot decide the review of your own access.")
        roles = _current_roles(campaign.tenant)
        if actor.pk not in roles or (
            actor.pk != locked.reviewer_id and roles[actor.pk] not in DECIDERS
        ):
            raise ValidationError("Only this item's reviewer or the compliance officer decides it.")
        now = timezone.now()
        if decision == ReviewDecision.ESCALATE:
            target = _escalation_target(locked, actor=actor, roles=roles)
            if target is None:
                raise ValidationError(
                    "There is no compliance officer or administrator to "
                    "escalate to: decide it yourself."
                )
            locked.reviewer_id = target
        locked.decision = decision
        locked.decided_by = actor
        locked.decided_at = now
        locked.note = note
        locked.save(update_fields=["reviewer", "decision", "decided_by", "decided_at", "note"])
        AccessReviewDecision.objects.create(
            item=locked, decision=decision, decided_by=actor, decided_at=now, note=note
        )
        if decision == ReviewDecision.REVOKE:
            membership_end(
                membership=locked.membership, actor=actor, reason=f"Access review: {note}"
            )
        record(
            "review.decided",
            actor=actor,
            tenant=campaign.tenant,
            entity=locked,
            campaign=campaign.pk,
            membership=locked.membership_id,
            decision=decision,
            reviewer=locked.reviewer_id,
        )
    return locked


def _revoke_undecided(campaign: AccessReviewCampaign) -> int:
    """Inside the caller's transaction, with the campaign locked: revoke what is undecided."""
    items = list(
        AccessReviewItem.objects.select_for_update(of=("self",))
        .filter(campaign=campaign, decision__in=UNDECIDED)
        .select_related("membership")
        .order_by("pk")
    )
    now = timezone.now()
    for item in items:
        item.decision = ReviewDecision.REVOKE
        item.automatic = True
        item.decided_by = None
        item.decided_at = now
        item.note = DEADLINE_REASON
        item.save(update_fields=["decision", "automatic", "decided_by", "decided_at", "note"])
        AccessReviewDecision.objects.create(
            item=item,
            decision=ReviewDecision.REVOKE,
            decided_by=None,
            decided_at=now,
            note=DEADLINE_REASON,
            automatic=True,
        )
        membership_end(membership=item.membership, actor=None, reason=DEADLINE_REASON)
        record(
            "review.revoked-at-deadline",
            actor=None,
            tenant=campaign.tenant,
            entity=item,
            campaign=campaign.pk,
            membership=item.membership_id,
        )
    return len(items)


def review_deadline_sweep(*, today: dt.date | None = None) -> int:
    """Close every open campaign whose deadline has passed, revoking what is undecided
    (pending or escalated). The deadline is the end of its day in the vendor's time zone.
    Returns how many items were revoked; running it again revokes nothing more."""
    latest = today or timezone.localdate() + dt.timedelta(days=1)
    candidates = AccessReviewCampaign.objects.filter(
        closed_at__isnull=True, deadline__lt=latest
    ).select_related("tenant")
    revoked = 0
    for candidate in candidates.order_by("pk"):
        if candidate.deadline >= (today or candidate.tenant.local_today()):
            continue
        with transaction.atomic():
            campaign = (
                AccessReviewCampaign.objects.select_for_update(of=("self",))
                .select_related("tenant")
                .get(pk=candidate.pk)
            )
            if not campaign.is_open:
                continue
            count = _revoke_undecided(campaign)
            campaign.closed_at = timezone.now()
            campaign.save(update_fields=["closed_at"])
            record(
                "review.campaign-closed",
                actor=None,
                tenant=campaign.tenant,
                entity=campaign,
                revoked=count,
            )
        revoked += count
    return revoked


def review_campaign_schedule(*, today: dt.date | None = None) -> int:
    """Open a campaign for every vendor that is due one: its latest opened at least
    ``STEWARD_ACCESS_REVIEW_EVERY_DAYS`` days ago, or none yet while it has a VMA. A vendor
    with a campaign still open is skipped. Returns how many were opened."""
    every = dt.timedelta(days=settings.STEWARD_ACCESS_REVIEW_EVERY_DAYS)
    opened = 0
    vendors = Organization.objects.filter(
        kind=OrganizationKind.BUSINESS_ASSOCIATE, is_active=True
    ).order_by("pk")
    for vendor in vendors:
        on = today or vendor.local_today()
        latest = AccessReviewCampaign.objects.filter(tenant=vendor).order_by("-opened_on").first()
        if latest is None:
            due = Membership.objects.current().filter(organization=vendor, role=Role.VMA).exists()
        else:
            due = not latest.is_open and on - latest.opened_on >= every
        if not due:
            continue
        try:
            review_campaign_open(tenant=vendor, actor=None, today=on)
        except ValidationError:
            # Opened meanwhile by someone else: nothing to do for this vendor today.
            continue
        opened += 1
    return opened


def review_report(*, campaign: AccessReviewCampaign) -> dict[str, Any]:
    """The campaign's figures: decisions (automatic revokes apart), flags, reviewers'
    progress, how much people decided, and how many days it has taken."""
    items = list(campaign.items.select_related("reviewer"))
    decisions: Counter[str] = Counter()
    flags: Counter[str] = Counter(dict.fromkeys(FLAGS, 0))
    reviewers: dict[Any, dict[str, Any]] = {}
    for item in items:
        key = "automatic-revoke" if item.automatic else item.decision
        decisions[key] += 1
        flags.update(item.flags)
        row = reviewers.setdefault(
            item.reviewer_id,
            {
                "reviewer": str(item.reviewer) if item.reviewer else "Nobody",
                "decided": 0,
                "undecided": 0,
            },
        )
        decided_by_person = item.decision in FINAL and not item.automatic
        row["decided" if decided_by_person else "undecided"] += 1
    total = len(items)
    by_person = decisions[ReviewDecision.APPROVE] + decisions[ReviewDecision.REVOKE]
    zone = campaign.tenant.zone
    end = (
        campaign.closed_at.astimezone(zone).date()
        if campaign.closed_at
        else campaign.tenant.local_today()
    )
    return {
        "campaign": campaign,
        "total": total,
        "decisions": {
            code: decisions[code]
            for code in ("approve", "revoke", "automatic-revoke", "escalate", "pending")
        },
        "flags": dict(flags),
        "reviewers": sorted(reviewers.values(), key=lambda row: row["reviewer"]),
        "decided": by_person,
        "completion_percent": round(100 * by_person / total) if total else 100,
        "days_taken": (end - campaign.opened_on).days,
        "closed": not campaign.is_open,
    }
