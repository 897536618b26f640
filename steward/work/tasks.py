"""Background work of the queue, as Celery tasks (run by beat when a broker exists)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="steward.work.tasks.sweep", ignore_result=True)
def sweep() -> int:
    from steward.work.alerts import sweep as run

    return run()
