"""Breach alerts go once to the team's supervisor; the tasks API queues work like the pages."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from steward.vault.models import Patient
from steward.work.models import Task, TaskType
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.work.conftest import make_task


def test_breaches_are_alerted_once_without_patient_details(
    tenant_a: Tenant,
    patient_a: Patient,
    appointment_type: TaskType,
    django_capture_on_commit_callbacks: object,
) -> None:
    late = make_task(tenant_a, patient_a)
    make_task(tenant_a, patient_a)  # not late
    Task.objects.filter(pk=late.pk).update(
        first_response_due=timezone.now() - dt.timedelta(minutes=5)
    )
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("work_sla_sweep", stdout=out)
    assert "1 breach alert sent" in out.getvalue()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [tenant_a.supervisor.email]
    assert "Imani" not in mail.outbox[0].body and str(late.pk) in mail.outbox[0].body
    assert late.events.filter(kind="breach").count() == 1
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        call_command("work_sla_sweep", stdout=StringIO())
    assert len(mail.outbox) == 1


def test_api_creates_and_reads_tasks(
    client: Client,
    tenant_a: Tenant,
    tenant_b: Tenant,
    patient_a: Patient,
    appointment_type: TaskType,
) -> None:
    sign_in(client, tenant_a.client_admin)
    created = client.post(
        "/api/tasks/",
        {"patient_id": str(patient_a.pk), "task_type": "appointment-request", "priority": "high"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["priority"] == "high" and body["status"] == "queued"
    assert client.get(f"/api/tasks/{body['id']}").json()["id"] == body["id"]
    bad = client.post(
        "/api/tasks/",
        {"patient_id": str(patient_a.pk), "task_type": "nope"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["reason"] == "invalid-input"
    worse = client.post("/api/tasks/", {"patient_id": "x"}, content_type="application/json")
    assert worse.status_code == 422
    other = Client()
    sign_in(other, tenant_b.client_admin)
    hidden = other.post(
        "/api/tasks/",
        {"patient_id": str(patient_a.pk), "task_type": "appointment-request"},
        content_type="application/json",
    )
    assert hidden.status_code == 404
    assert other.get(f"/api/tasks/{body['id']}").status_code == 404
    sign_in(other, tenant_a.vma)
    assert other.get(f"/api/tasks/{body['id']}").status_code == 403
