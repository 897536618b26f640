"""Background work of the audit trail, as Celery tasks (run by beat when a broker exists)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="steward.audit.tasks.seal_pending", ignore_result=True)
def seal_pending() -> int:
    from steward.audit.sealing import seal_pending as seal

    return seal().sealed
