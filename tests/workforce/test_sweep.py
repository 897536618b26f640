"""The workforce sweep: idempotent steps for every vendor, including handing back the work of
someone whose clearance lapsed."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

from steward.audit.models import AuditEvent
from steward.vault.models import Patient
from steward.work.models import TaskStatus
from steward.workforce import sweep
from steward.workforce.models import AccessReviewCampaign, TrainingAssignment
from tests.access.conftest import assign_task, patient_a  # noqa: F401
from tests.personas import Tenant
from tests.workforce.conftest import Requirements


def test_a_lapsed_worker_s_tasks_go_back_to_the_queue(
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    cleared_a: Requirements,
) -> None:
    task = assign_task(tenant_a, patient_a, tenant_a.vma)
    assert sweep.return_work_of_the_uncleared(tenant_a.bpo) == 0  # cleared: kept
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    assert sweep.return_work_of_the_uncleared(tenant_a.bpo) == 1
    task.refresh_from_db()
    assert task.status == TaskStatus.QUEUED and task.assignee is None
    event = AuditEvent.objects.get(event="task.returned")
    assert event.record["detail"]["why"] == "not-cleared"
    assert sweep.return_work_of_the_uncleared(tenant_a.bpo) == 0  # nothing left to return


def test_the_sweep_assigns_training_and_opens_a_review_once(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    first = sweep.run()
    assert first["assigned"] >= 2  # the VMA's and the supervisor's HIPAA course
    assert first["reviews-opened"] >= 1
    assert AccessReviewCampaign.objects.filter(tenant=tenant_a.bpo, closed_at=None).count() == 1
    again = sweep.run()
    assert again["assigned"] == 0 and again["reviews-opened"] == 0


def test_the_command_prints_what_it_did(tenant_a: Tenant, capsys: object) -> None:
    call_command("workforce_sweep", verbosity=0)
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "assigned:" in out and "revoked:" in out and "returned:" in out
