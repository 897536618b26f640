"""The work pages through the web, for each role that uses them."""

from __future__ import annotations

from django.test import Client

from steward.vault.models import Patient
from steward.work.models import RoutingDecision, Task, TaskStatus, TaskType, Thread
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.work.conftest import make_task


def test_vma_takes_the_next_task_and_works_it(
    client: Client, tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    make_task(tenant_a, patient_a, assign=False)
    sign_in(client, tenant_a.vma)
    assert client.get("/work/").status_code == 200
    response = client.post("/work/next/")
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/work/tasks/{task.pk}/"
    page = client.get(f"/work/tasks/{task.pk}/")
    assert page.status_code == 200
    assert b"Imani" in page.content  # the minimum-necessary card
    assert b"XYZ123" not in page.content and b"Likes mornings" not in page.content
    assert client.post(f"/work/tasks/{task.pk}/resolve/").status_code == 400  # steps missing
    for step in ("verify", "offer"):
        client.post(f"/work/tasks/{task.pk}/step/", {"step": step})
    bad = client.post(f"/work/tasks/{task.pk}/step/", {"step": "interpreter", "skipped": "on"})
    assert bad.status_code == 302  # optional step: no reason needed
    client.post(f"/work/tasks/{task.pk}/message/", {"body": "Booked for Tuesday 10:00."})
    assert client.post(f"/work/tasks/{task.pk}/resolve/").status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.RESOLVED
    assert task.first_responded_at is not None
    assert RoutingDecision.objects.filter(mode="next-task", outcome="assigned").count() == 1


def test_nothing_to_take_says_so(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    response = client.post("/work/next/", follow=True)
    assert b"No task you can take is waiting" in response.content


def test_others_cannot_see_a_task(
    client: Client,
    tenant_a: Tenant,
    tenant_b: Tenant,
    patient_a: Patient,
    appointment_type: TaskType,
) -> None:
    task = make_task(tenant_a, patient_a)
    for user in (tenant_b.vma, tenant_b.supervisor, tenant_b.client_admin, tenant_a.trainer):
        sign_in(client, user)
        assert client.get(f"/work/tasks/{task.pk}/").status_code in (403, 404)
    sign_in(client, tenant_a.patient, mfa=False)
    assert client.get(f"/work/tasks/{task.pk}/").status_code in (403, 404)
    assert client.get("/work/tasks/not-a-uuid/").status_code == 404


def test_escalation_from_the_page(
    client: Client, tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a)
    sign_in(client, tenant_a.vma)
    bad = client.post(f"/work/tasks/{task.pk}/escalate/", {"to": "janitor", "reason": "x"})
    assert bad.status_code == 400
    ok = client.post(
        f"/work/tasks/{task.pk}/escalate/", {"to": "practitioner", "reason": "symptoms"}
    )
    assert ok.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.ESCALATED
    sign_in(client, tenant_a.practitioner)
    listing = client.get("/work/practice/?escalated=me")
    assert listing.status_code == 200
    assert str(task.pk).encode() in listing.content


def test_supervisor_board_reassign_distribute_and_sla(
    client: Client, tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    task = make_task(tenant_a, patient_a, assign=False)
    sign_in(client, tenant_a.supervisor)
    board = client.get("/work/board/")
    assert board.status_code == 200
    assert board.context["queued"] == 1
    assert client.get("/work/board/?status=bogus&only=breached").status_code == 200
    client.post(f"/work/board/distribute/{tenant_a.team.pk}/")
    task.refresh_from_db()
    assert task.assignee == tenant_a.vma
    bad = client.post(f"/work/tasks/{task.pk}/reassign/", {"worker": "not-a-uuid"})
    assert bad.status_code == 400
    assert client.get("/work/sla/").status_code == 200
    sign_in(client, tenant_a.vma)
    assert client.get("/work/board/").status_code == 403


def test_practice_staff_create_tasks_from_the_patient(
    client: Client, tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    sign_in(client, tenant_a.client_admin)
    form = client.get(f"/work/new/{patient_a.pk}/")
    assert form.status_code == 200
    bad = client.post(
        f"/work/new/{patient_a.pk}/",
        {"task_type": "nope", "priority": "normal", "channel": "phone"},
    )
    assert bad.status_code == 400
    ok = client.post(
        f"/work/new/{patient_a.pk}/",
        {
            "task_type": "appointment-request",
            "priority": "high",
            "channel": "phone",
            "language": "Spanish",
            "message": "Patient prefers afternoons.",
        },
    )
    assert ok.status_code == 302
    task = Task.objects.get()
    assert (task.priority, task.language, task.team) == ("high", "Spanish", tenant_a.team)
    assert Thread.objects.get(task=task).messages.count() == 1
    assert client.get("/work/practice/").status_code == 200
    sign_in(client, tenant_a.vma)
    assert client.get(f"/work/new/{patient_a.pk}/").status_code == 403


def test_patient_asks_in_the_portal_and_reads_the_reply(
    client: Client, tenant_a: Tenant, patient_a: Patient, appointment_type: TaskType
) -> None:
    patient_a.portal_user = tenant_a.patient
    patient_a.save(update_fields=["portal_user"])
    sign_in(client, tenant_a.patient, mfa=False)
    assert client.get("/portal/requests/").status_code == 200
    empty = client.post("/portal/requests/", {"task_type": "appointment-request", "message": ""})
    assert empty.status_code == 400
    response = client.post(
        "/portal/requests/",
        {"task_type": "appointment-request", "message": "I have chest pain, can I come today?"},
        follow=True,
    )
    assert b"call 911" in response.content
    thread = Thread.objects.get()
    assert "urgent-symptom" in thread.messages.get().flags
    task = thread.task
    assert task is not None and task.source == "portal"
    other = Client()
    sign_in(other, tenant_a.vma)
    # The assistant takes it and sees why it was flagged.
    other.post("/work/next/")
    page = other.get(f"/work/tasks/{task.pk}/")
    assert b"Possible emergency" in page.content
    other.post(f"/work/tasks/{task.pk}/message/", {"body": "Please call 911 now."})
    reply = client.get(f"/portal/requests/{thread.pk}/")
    assert b"Please call 911 now." in reply.content


def test_client_admin_defines_task_types(
    client: Client, tenant_a: Tenant, appointment_type: TaskType
) -> None:
    sign_in(client, tenant_a.client_admin)
    assert client.get("/work/types/").status_code == 200
    form = client.get("/work/types/appointment-request/")
    assert form.status_code == 200
    data = {
        "name": "Billing question",
        "code": "billing-question",
        "service": "",
        "purpose": "billing-insurance",
        "team": str(tenant_a.team.pk),
        "skill": "billing",
        "default_priority": "normal",
        "default_channel": "phone",
        "fallback_first_response_minutes": "60",
        "fallback_resolution_minutes": "600",
        "patient_requestable": "on",
        "is_active": "on",
        "protocol": "verify | Verify identity | Name and DOB | yes\ncheck | Check claim | | no",
    }
    bad = client.post("/work/types/new/", {**data, "protocol": "just words"})
    assert bad.status_code == 400
    assert b"key | title | script | yes/no" in bad.content
    treatment = client.post("/work/types/new/", {**data, "purpose": "treatment"})
    assert treatment.status_code == 400
    # No catalogue is published yet, so there is no service to choose: refused.
    assert client.post("/work/types/new/", data).status_code == 400
    from tests.work.test_lifecycle import publish_catalogue

    publish_catalogue(tenant_a)
    ok = client.post("/work/types/new/", {**data, "service": "Appointments"})
    assert ok.status_code == 302, ok.content
    created = TaskType.objects.get(code="billing-question")
    assert created.protocol[0] == {
        "key": "verify",
        "title": "Verify identity",
        "script": "Name and DOB",
        "required": True,
    }
    sign_in(client, tenant_a.practitioner)
    assert client.get("/work/types/new/").status_code == 403


def test_supervisor_sets_assistant_profiles(client: Client, tenant_a: Tenant) -> None:
    from steward.tenancy.models import Membership
    from steward.work.models import WorkerProfile

    sign_in(client, tenant_a.supervisor)
    assert client.get("/work/assistants/").status_code == 200
    membership = Membership.objects.get(user=tenant_a.vma, is_active=True)
    bad = client.post(
        "/work/assistants/",
        {"membership": str(membership.pk), "languages": "English", "max_open_tasks": "0"},
    )
    assert bad.status_code == 400
    ok = client.post(
        "/work/assistants/",
        {
            "membership": str(membership.pk),
            "languages": "English, Spanish, English",
            "skills": "Billing",
            "max_open_tasks": "4",
        },
    )
    assert ok.status_code == 302
    profile = WorkerProfile.objects.get(membership=membership)
    assert (profile.languages, profile.skills, profile.max_open_tasks) == (
        ["English", "Spanish"],
        ["billing"],
        4,
    )
    other = client.post("/work/assistants/", {"membership": "nope", "max_open_tasks": "3"})
    assert other.status_code == 403
