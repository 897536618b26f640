"""A VMA takes the next task, follows the protocol, messages the patient and resolves the
task; the patient reads the reply in the portal."""

from __future__ import annotations

import pytest

from steward.access.models import PurposeOfUse
from steward.vault.services import patient_create
from steward.work import services
from steward.work.models import Source, Task, TaskStatus, TaskType
from tests.e2e.conftest import screenshot, sign_in
from tests.personas import build_tenant
from tests.vault.conftest import values
from tests.work.conftest import PROTOCOL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_vma_works_a_task_and_the_patient_reads_the_reply(page: object, key_folder: object) -> None:
    tenant = build_tenant("A")
    patient = patient_create(
        tenant=tenant.practice,
        actor=None,
        values=values(given_name="Imani", family_name="Ward", notes="Allergic to latex"),
    )
    patient.portal_user = tenant.patient
    patient.save(update_fields=["portal_user"])
    TaskType.objects.create(
        tenant=tenant.practice,
        code="appointment-request",
        name="Appointment request",
        service="Appointments",
        purpose=PurposeOfUse.objects.get(code="appointment-scheduling"),
        team=tenant.team,
        protocol=PROTOCOL,
        patient_requestable=True,
    )
    # The patient asked through the portal.
    sign_in(page, tenant.patient.email, totp=False)
    page.get_by_role("link", name="Requests & messages").click()  # type: ignore[attr-defined]
    page.get_by_label("What do you need?").select_option("appointment-request")  # type: ignore[attr-defined]
    page.get_by_label("Your message").fill("Could I come in next Tuesday morning?")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Send").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Sent. We will answer here.").is_visible()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]

    sign_in(page, tenant.vma.email)
    page.get_by_role("link", name="My work").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Take the next task").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/work/tasks/**")  # type: ignore[attr-defined]
    assert page.get_by_test_id("patient-name").inner_text() == "Imani Ward"  # type: ignore[attr-defined]
    assert "Allergic to latex" not in page.content()  # type: ignore[attr-defined]
    assert "next Tuesday morning" in page.content()  # type: ignore[attr-defined]
    screenshot(page, "30-task-assigned")
    page.get_by_role("button", name="Done: Verify identity").click()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Done: Offer slots").click()  # type: ignore[attr-defined]
    page.get_by_label("Reply").fill("Tuesday at 9:30 with Dr. Osei is booked for you.")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Send to the patient").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Message sent").is_visible()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Resolve the task").click()  # type: ignore[attr-defined]
    assert page.get_by_test_id("task-status").inner_text() == "Resolved"  # type: ignore[attr-defined]
    screenshot(page, "31-task-resolved")
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]

    sign_in(page, tenant.patient.email, totp=False)
    page.get_by_role("link", name="Requests & messages").click()  # type: ignore[attr-defined]
    page.get_by_role("link", name="Appointment request").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Tuesday at 9:30 with Dr. Osei is booked for you.").is_visible()  # type: ignore[attr-defined]
    screenshot(page, "32-patient-reads-reply")

    task = Task.objects.get()
    assert task.status == TaskStatus.RESOLVED
    assert task.assignee == tenant.vma
    assert services.adherence(task)["score"] == 100
    assert task.source == Source.PORTAL
    assert page.problems == []  # type: ignore[attr-defined]
