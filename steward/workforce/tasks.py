"""Background work: the workforce sweep (hourly; every step is idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="steward.workforce.tasks.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    from steward.workforce import sweep as workforce_sweep

    return workforce_sweep.run()
