"""The workforce sweep: assign required training, remind before expiry, hand back the tasks
of workers whose clearance lapsed, open access reviews when due and revoke what was not
decided by a review's deadline.

Every step is idempotent, so running it twice a day (or after a missed day) is safe.
"""

from __future__ import annotations

from collections.abc import Callable

from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import OrganizationKind
from steward.work import services as work_services
from steward.work.models import ACTIVE_STATUSES, Task
from steward.workforce import clearance
from steward.workforce.services import reviews, training


def run(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Run every step for every active vendor; returns counts by step."""
    counts = {"assigned": 0, "reminded": 0, "returned": 0, "reviews-opened": 0, "revoked": 0}
    vendors = Organization.objects.filter(
        kind=OrganizationKind.BUSINESS_ASSOCIATE, is_active=True
    ).order_by("short_name")
    for vendor in vendors:
        counts["assigned"] += training.training_assign_required(tenant=vendor)
        counts["reminded"] += training.training_remind_expiring(tenant=vendor)
        counts["returned"] += return_work_of_the_uncleared(vendor)
        if progress:
            progress(vendor.short_name, 1)
    # Close what is past its deadline first, so a vendor whose campaign just closed can be
    # given its next one in the same run.
    counts["revoked"] = reviews.review_deadline_sweep()
    counts["reviews-opened"] = reviews.review_campaign_schedule()
    return counts


def return_work_of_the_uncleared(vendor: Organization) -> int:
    """Tasks in the hands of someone the gate now refuses go back to the queue; how many.

    The worker could not open the patient anyway, and the task's clocks are running.
    """
    holders = list(
        Membership.objects.current()
        .filter(
            organization=vendor,
            user__in=Task.objects.filter(status__in=ACTIVE_STATUSES).values("assignee"),
        )
        .select_related("organization", "user")
    )
    blocked = clearance.blocking_reasons_for(holders)
    returned = 0
    for membership in holders:
        if not blocked.get(membership.pk):
            continue
        for task in Task.objects.filter(
            assignee=membership.user, status__in=ACTIVE_STATUSES, team__organization=vendor
        ).order_by("pk"):
            work_services.task_return(task=task, actor=None, why="not-cleared")
            returned += 1
    return returned
