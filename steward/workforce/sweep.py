"""The daily workforce sweep: assign required training, remind before expiry, open access
reviews when due and revoke what was not decided by a review's deadline.

Every step is idempotent, so running it twice a day (or after a missed day) is safe.
"""

from __future__ import annotations

from collections.abc import Callable

from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.workforce.services import reviews, training


def run(*, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Run every step for every active vendor; returns counts by step."""
    counts = {"assigned": 0, "reminded": 0, "reviews-opened": 0, "revoked": 0}
    vendors = Organization.objects.filter(
        kind=OrganizationKind.BUSINESS_ASSOCIATE, is_active=True
    ).order_by("short_name")
    for vendor in vendors:
        counts["assigned"] += training.training_assign_required(tenant=vendor)
        counts["reminded"] += training.training_remind_expiring(tenant=vendor)
        if progress:
            progress(vendor.short_name, 1)
    # Close what is past its deadline first, so a vendor whose campaign just closed can be
    # given its next one in the same run.
    counts["revoked"] = reviews.review_deadline_sweep()
    counts["reviews-opened"] = reviews.review_campaign_schedule()
    return counts
