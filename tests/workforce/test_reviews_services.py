"""Access reviews: campaigns, flags, decisions, the deadline sweep, the schedule, the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from steward.access import gate
from steward.audit.models import AuditEvent
from steward.tenancy.models import Membership
from steward.vault.models import Patient
from steward.workforce.models import (
    AccessReviewCampaign,
    AccessReviewDecision,
    AccessReviewItem,
    ReviewDecision,
)
from steward.workforce.services.reviews import (
    DEADLINE_REASON,
    review_campaign_open,
    review_campaign_schedule,
    review_deadline_sweep,
    review_decide,
    review_report,
)
from tests.access.conftest import assign_task, patient_a, subject_for  # noqa: F401
from tests.personas import Tenant

SCHEDULING = "appointment-scheduling"


def _open(tenant: Tenant, **kwargs: Any) -> AccessReviewCampaign:
    return review_campaign_open(tenant=tenant.bpo, actor=tenant.compliance_officer, **kwargs)


def _item(campaign: AccessReviewCampaign, user: Any) -> AccessReviewItem:
    return AccessReviewItem.objects.get(campaign=campaign, membership__user=user)


def _signed_in_recently(*users: Any) -> None:
    for user in users:
        user.last_login = timezone.now() - dt.timedelta(days=1)
        user.save(update_fields=["last_login"])


# --- Opening a campaign --------------------------------------------------------------


def test_opening_snapshots_every_active_membership_of_the_vendor(tenant_a: Tenant) -> None:
    today = tenant_a.bpo.local_today()
    campaign = _open(tenant_a, today=today)
    members = {
        tenant_a.supervisor,
        tenant_a.vma,
        tenant_a.bpo_admin,
        tenant_a.trainer,
        tenant_a.compliance_officer,
    }
    assert {item.membership.user for item in campaign.items.all()} == members
    assert campaign.deadline == today + dt.timedelta(days=14)
    quarter = (today.month - 1) // 3 + 1
    assert campaign.name == f"Access review Q{quarter} {today.year}"
    assert AuditEvent.objects.filter(event="workforce.review.campaign-opened").count() == 1


def test_the_snapshot_holds_role_team_clients_and_contract_end(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
) -> None:
    assign_task(tenant_a, patient_a, tenant_a.vma)
    membership = tenant_a.membership(tenant_a.vma)
    ends = timezone.now() + dt.timedelta(days=60)
    Membership.objects.filter(pk=membership.pk).update(valid_until=ends)
    item = _item(_open(tenant_a), tenant_a.vma)
    assert item.access == {
        "role": "vma",
        "team": tenant_a.team.name,
        "clients": ["Practice A"],
        "valid_until": ends.isoformat(),
    }
    assert _item(item.campaign, tenant_a.trainer).access["clients"] == []


def test_reviewers_are_the_supervisor_else_an_administrator_never_the_worker(
    tenant_a: Tenant,
) -> None:
    campaign = _open(tenant_a)
    assert _item(campaign, tenant_a.vma).reviewer == tenant_a.supervisor
    # The supervisor supervises their own team: an administrator reviews them.
    assert _item(campaign, tenant_a.supervisor).reviewer == tenant_a.bpo_admin
    assert _item(campaign, tenant_a.trainer).reviewer == tenant_a.bpo_admin
    # The only administrator is reviewed by the compliance officer.
    assert _item(campaign, tenant_a.bpo_admin).reviewer == tenant_a.compliance_officer


def test_flags_name_each_case(tenant_a: Tenant, settings: Any) -> None:
    settings.STEWARD_BREAK_GLASS_ROLES = ["practitioner", "supervisor", "privacy-officer"]
    _signed_in_recently(tenant_a.vma, tenant_a.supervisor, tenant_a.compliance_officer)
    # The trainer never signed in; the admin's account was deactivated; the compliance
    # officer is a contractor whose end date has passed.
    tenant_a.bpo_admin.is_active = False
    tenant_a.bpo_admin.save(update_fields=["is_active"])
    Membership.objects.filter(user=tenant_a.compliance_officer).update(
        valid_until=timezone.now() - dt.timedelta(hours=1)
    )
    campaign = review_campaign_open(tenant=tenant_a.bpo, actor=None)
    assert _item(campaign, tenant_a.vma).flags == []
    assert _item(campaign, tenant_a.trainer).flags == ["inactive-30-days"]
    assert _item(campaign, tenant_a.supervisor).flags == ["privileged"]
    assert _item(campaign, tenant_a.bpo_admin).flags == [
        "inactive-30-days",
        "terminated",
        "privileged",
    ]
    assert _item(campaign, tenant_a.compliance_officer).flags == [
        "contractor-end-passed",
        "privileged",
    ]


def test_a_sign_in_31_days_ago_counts_as_inactive(tenant_a: Tenant) -> None:
    tenant_a.vma.last_login = timezone.now() - dt.timedelta(days=31)
    tenant_a.vma.save(update_fields=["last_login"])
    assert "inactive-30-days" in _item(_open(tenant_a), tenant_a.vma).flags


def test_break_glass_roles_count_as_privileged(tenant_a: Tenant, settings: Any) -> None:
    settings.STEWARD_BREAK_GLASS_ROLES = ["trainer"]
    assert "privileged" in _item(_open(tenant_a), tenant_a.trainer).flags
    assert "privileged" not in _item(AccessReviewCampaign.objects.get(), tenant_a.vma).flags


def test_only_one_campaign_is_open_at_a_time(tenant_a: Tenant) -> None:
    first = _open(tenant_a)
    with pytest.raises(ValidationError, match="still open"):
        _open(tenant_a)
    assert list(AccessReviewCampaign.objects.all()) == [first]


@pytest.mark.parametrize("days", [0, -1, 91])
def test_a_deadline_must_be_ahead_and_within_90_days(tenant_a: Tenant, days: int) -> None:
    today = tenant_a.bpo.local_today()
    with pytest.raises(ValidationError) as error:
        _open(tenant_a, today=today, deadline=today + dt.timedelta(days=days))
    assert "deadline" in error.value.message_dict
    assert not AccessReviewCampaign.objects.exists()


def test_only_compliance_and_administrators_open_a_campaign(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    for actor in (tenant_a.supervisor, tenant_a.vma, tenant_b.compliance_officer):
        with pytest.raises(ValidationError, match="Only the vendor"):
            review_campaign_open(tenant=tenant_a.bpo, actor=actor)
    with pytest.raises(ValidationError, match="vendor"):
        review_campaign_open(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    assert not AccessReviewCampaign.objects.exists()


# --- Deciding ---------------------------------------------------------------------------


def test_approve_keeps_the_access_and_records_history(tenant_a: Tenant) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    decided = review_decide(item=item, actor=tenant_a.supervisor, decision="approve")
    assert decided.decision == ReviewDecision.APPROVE
    assert decided.decided_by == tenant_a.supervisor and decided.decided_at is not None
    assert tenant_a.membership(tenant_a.vma).is_active
    history = list(decided.history.values_list("decision", "decided_by", "automatic"))
    assert history == [("approve", tenant_a.supervisor.pk, False)]
    event = AuditEvent.objects.get(event="workforce.review.decided")
    assert event.record["detail"]["decision"] == "approve"


def test_revoke_ends_the_membership_at_once(tenant_a: Tenant) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    review_decide(
        item=item, actor=tenant_a.supervisor, decision="revoke", note="Moved to billing vendor"
    )
    membership = Membership.objects.get(pk=item.membership_id)
    assert not membership.is_active and membership.ended_at is not None
    assert membership.end_reason == "Access review: Moved to billing vendor"
    item.refresh_from_db()
    assert item.decision == "revoke" and item.note == "Moved to billing vendor"
    assert item.history.get().decision == "revoke"


def test_escalate_hands_the_item_to_the_compliance_officer(tenant_a: Tenant) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    escalated = review_decide(
        item=item, actor=tenant_a.supervisor, decision="escalate", note="Unsure about client B"
    )
    assert escalated.decision == "escalate"
    assert escalated.reviewer == tenant_a.compliance_officer
    assert tenant_a.membership(tenant_a.vma).is_active
    # The supervisor handed it on and may no longer decide it; the compliance officer does.
    with pytest.raises(ValidationError, match="reviewer"):
        review_decide(item=escalated, actor=tenant_a.supervisor, decision="approve")
    final = review_decide(item=escalated, actor=tenant_a.compliance_officer, decision="approve")
    assert final.decision == "approve"
    assert list(final.history.values_list("decision", "decided_by")) == [
        ("escalate", tenant_a.supervisor.pk),
        ("approve", tenant_a.compliance_officer.pk),
    ]


def test_nobody_decides_their_own_item(tenant_a: Tenant) -> None:
    campaign = _open(tenant_a)
    item = _item(campaign, tenant_a.compliance_officer)
    with pytest.raises(ValidationError, match="your own"):
        review_decide(item=item, actor=tenant_a.compliance_officer, decision="approve")
    item.refresh_from_db()
    assert item.decision == "pending" and not item.history.exists()


def test_only_the_reviewer_or_compliance_decides(tenant_a: Tenant, tenant_b: Tenant) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    for actor in (tenant_a.trainer, tenant_b.compliance_officer, tenant_b.supervisor):
        with pytest.raises(ValidationError, match="Only this item's reviewer"):
            review_decide(item=item, actor=actor, decision="approve")
    item.refresh_from_db()
    assert item.decision == "pending" and not item.history.exists()
    assert review_decide(item=item, actor=tenant_a.bpo_admin, decision="approve").decision == (
        "approve"
    )


@pytest.mark.parametrize(
    ("decision", "note", "field"),
    [
        ("delete", "", "decision"),
        ("pending", "", "decision"),
        ("revoke", "", "note"),
        ("revoke", "   ", "note"),
        ("escalate", "", "note"),
        ("approve", "x" * 501, "note"),
    ],
)
def test_bad_decisions_are_refused_and_change_nothing(
    tenant_a: Tenant, decision: str, note: str, field: str
) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    with pytest.raises(ValidationError) as error:
        review_decide(item=item, actor=tenant_a.supervisor, decision=decision, note=note)
    assert field in error.value.message_dict
    item.refresh_from_db()
    assert item.decision == "pending" and item.reviewer == tenant_a.supervisor
    assert not AccessReviewDecision.objects.exists()
    assert tenant_a.membership(tenant_a.vma).is_active


def test_a_final_decision_cannot_be_changed(tenant_a: Tenant) -> None:
    item = _item(_open(tenant_a), tenant_a.vma)
    review_decide(item=item, actor=tenant_a.supervisor, decision="approve")
    with pytest.raises(ValidationError, match="already decided"):
        review_decide(item=item, actor=tenant_a.bpo_admin, decision="revoke", note="Changed mind")
    item.refresh_from_db()
    assert item.decision == "approve" and item.history.count() == 1
    assert tenant_a.membership(tenant_a.vma).is_active


def test_a_closed_campaign_takes_no_decision(tenant_a: Tenant) -> None:
    campaign = _open(tenant_a)
    review_deadline_sweep(today=campaign.deadline + dt.timedelta(days=1))
    item = _item(campaign, tenant_a.vma)
    with pytest.raises(ValidationError, match="closed"):
        review_decide(item=item, actor=tenant_a.compliance_officer, decision="approve")
    item.refresh_from_db()
    assert item.decision == "revoke" and item.history.count() == 1


# --- The deadline -----------------------------------------------------------------------


def test_undecided_items_are_revoked_at_the_deadline_and_the_worker_loses_access(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
) -> None:
    assign_task(tenant_a, patient_a, tenant_a.vma)
    reading = gate.read(
        subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
    )
    assert reading.values["given_name"] == "Imani"

    campaign = _open(tenant_a)
    review_decide(
        item=_item(campaign, tenant_a.trainer), actor=tenant_a.bpo_admin, decision="approve"
    )
    review_decide(
        item=_item(campaign, tenant_a.supervisor),
        actor=tenant_a.bpo_admin,
        decision="escalate",
        note="Two teams?",
    )
    # Nobody decides the VMA's item; the deadline day itself is still open.
    assert review_deadline_sweep(today=campaign.deadline) == 0
    assert gate.read(
        subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
    )

    # Pending (VMA, admin, compliance officer) and escalated (supervisor) items are revoked.
    assert review_deadline_sweep(today=campaign.deadline + dt.timedelta(days=1)) == 4
    campaign.refresh_from_db()
    assert campaign.closed_at is not None
    item = _item(campaign, tenant_a.vma)
    assert item.decision == "revoke" and item.automatic and item.decided_by is None
    assert list(item.history.values_list("decision", "automatic", "note")) == [
        ("revoke", True, DEADLINE_REASON)
    ]
    escalated = _item(campaign, tenant_a.supervisor)
    assert escalated.decision == "revoke" and escalated.automatic
    assert list(escalated.history.values_list("decision", flat=True)) == ["escalate", "revoke"]
    approved = _item(campaign, tenant_a.trainer)
    assert approved.decision == "approve" and not approved.automatic
    assert tenant_a.membership(tenant_a.trainer).is_active

    ended = Membership.objects.get(pk=item.membership_id)
    assert not ended.is_active and ended.end_reason == DEADLINE_REASON
    with pytest.raises(gate.AccessDenied) as denied:
        gate.read(
            subject=subject_for(tenant_a.vma), patient_id=patient_a.pk, purpose_code=SCHEDULING
        )
    assert "no-current-membership" in denied.value.decision.reasons
    assert AuditEvent.objects.filter(event="workforce.review.revoked-at-deadline").count() == 4
    assert AuditEvent.objects.filter(event="workforce.review.campaign-closed").count() == 1


def test_the_sweep_runs_once(tenant_a: Tenant) -> None:
    campaign = _open(tenant_a)
    after = campaign.deadline + dt.timedelta(days=1)
    assert review_deadline_sweep(today=after) == 5
    assert review_deadline_sweep(today=after + dt.timedelta(days=3)) == 0
    assert AccessReviewDecision.objects.count() == 5


def test_the_sweep_judges_the_deadline_in_the_vendors_time_zone(tenant_a: Tenant) -> None:
    today = tenant_a.bpo.local_today()
    campaign = _open(tenant_a, today=today - dt.timedelta(days=3), deadline=today)
    assert review_deadline_sweep() == 0
    AccessReviewCampaign.objects.filter(pk=campaign.pk).update(
        deadline=today - dt.timedelta(days=1)
    )
    assert review_deadline_sweep() == 5


# --- The schedule -------------------------------------------------------------------------


def test_the_schedule_opens_a_first_campaign_for_a_vendor_with_assistants(
    tenant_a: Tenant,
) -> None:
    assert review_campaign_schedule() == 1
    campaign = AccessReviewCampaign.objects.get()
    assert campaign.tenant == tenant_a.bpo and campaign.created_by is None
    assert campaign.items.count() == 5
    # Open already: nothing more.
    assert review_campaign_schedule() == 0


def test_the_schedule_skips_a_vendor_without_assistants(tenant_a: Tenant) -> None:
    Membership.objects.filter(user=tenant_a.vma).update(is_active=False)
    assert review_campaign_schedule() == 0
    assert not AccessReviewCampaign.objects.exists()


def test_the_schedule_opens_the_next_campaign_only_when_due(tenant_a: Tenant) -> None:
    today = tenant_a.bpo.local_today()
    opened = today - dt.timedelta(days=90)
    campaign = _open(tenant_a, today=opened)
    review_deadline_sweep(today=campaign.deadline + dt.timedelta(days=1))
    assert review_campaign_schedule(today=today) == 0
    assert review_campaign_schedule(today=today + dt.timedelta(days=1)) == 1
    latest = AccessReviewCampaign.objects.order_by("-opened_on").first()
    assert latest is not None and latest.opened_on == today + dt.timedelta(days=1)


# --- The report ---------------------------------------------------------------------------


def test_the_report_counts_decisions_flags_and_reviewers(tenant_a: Tenant) -> None:
    _signed_in_recently(tenant_a.vma)
    campaign = _open(tenant_a)
    review_decide(item=_item(campaign, tenant_a.vma), actor=tenant_a.supervisor, decision="approve")
    review_decide(
        item=_item(campaign, tenant_a.trainer),
        actor=tenant_a.bpo_admin,
        decision="revoke",
        note="Left",
    )
    review_decide(
        item=_item(campaign, tenant_a.supervisor),
        actor=tenant_a.bpo_admin,
        decision="escalate",
        note="Check",
    )
    report = review_report(campaign=campaign)
    assert report["total"] == 5
    assert report["decisions"] == {
        "approve": 1,
        "revoke": 1,
        "automatic-revoke": 0,
        "escalate": 1,
        "pending": 2,
    }
    assert report["completion_percent"] == 40
    assert report["flags"]["inactive-30-days"] == 4
    assert report["flags"]["privileged"] == 3
    assert report["flags"]["terminated"] == 0
    by_reviewer = {
        row["reviewer"]: (row["decided"], row["undecided"]) for row in report["reviewers"]
    }
    assert by_reviewer[str(tenant_a.supervisor)] == (1, 0)
    assert by_reviewer[str(tenant_a.bpo_admin)] == (1, 1)  # the trainer's; the officer's
    assert by_reviewer[str(tenant_a.compliance_officer)] == (0, 2)
    assert report["days_taken"] == 0 and not report["closed"]

    review_deadline_sweep(today=campaign.deadline + dt.timedelta(days=1))
    report = review_report(campaign=AccessReviewCampaign.objects.get(pk=campaign.pk))
    assert report["decisions"]["automatic-revoke"] == 3
    assert report["decisions"]["pending"] == 0 and report["decisions"]["escalate"] == 0
    assert report["completion_percent"] == 40 and report["closed"]


def test_a_decision_after_the_deadline_is_refused_before_the_sweep_runs(
    tenant_a: Tenant,
) -> None:
    today = tenant_a.bpo.local_today()
    campaign = _open(tenant_a, today=today - dt.timedelta(days=5), deadline=today)
    item = _item(campaign, tenant_a.vma)
    review_decide(
        item=_item(campaign, tenant_a.trainer), actor=tenant_a.bpo_admin, decision="approve"
    )
    AccessReviewCampaign.objects.filter(pk=campaign.pk).update(
        deadline=today - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="deadline"):
        review_decide(item=item, actor=tenant_a.bpo_admin, decision="approve")
    item.refresh_from_db()
    assert item.decision == "pending" and item.history.count() == 0
    assert review_deadline_sweep() >= 1
    item.refresh_from_db()
    assert item.decision == "revoke" and item.automatic
