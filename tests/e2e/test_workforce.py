"""A VMA whose HIPAA course has expired is refused a patient, takes and passes the quiz, and
is let in; the supervisor's team matrix shows the change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from steward.vault.services import patient_create
from steward.workforce.models import TrainingAssignment
from tests.access.conftest import assign_task
from tests.e2e.conftest import screenshot, sign_in
from tests.personas import build_tenant
from tests.vault.conftest import values
from tests.workforce.conftest import clear_worker, vendor_requirements

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_expired_course_blocks_until_the_quiz_is_passed(
    page: object, browser: object, live_server: object, key_folder: object
) -> None:
    tenant = build_tenant("A")
    requirements = vendor_requirements(tenant)
    clear_worker(tenant, tenant.vma, requirements)
    clear_worker(tenant, tenant.supervisor, requirements)
    today = timezone.localdate()
    TrainingAssignment.objects.filter(worker=tenant.vma).update(
        expires_on=today - dt.timedelta(days=3)
    )
    TrainingAssignment.objects.create(
        tenant=tenant.bpo,
        worker=tenant.vma,
        course=requirements.course,
        version=requirements.version,
        assigned_on=today - dt.timedelta(days=33),
        due_on=today - dt.timedelta(days=3),
        reason="renewal",
    )
    patient = patient_create(
        tenant=tenant.practice, actor=None, values=values(given_name="Imani", family_name="Ward")
    )
    assign_task(tenant, patient, tenant.vma)

    # The supervisor watches the team matrix in a browser of their own.
    context = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    supervisor = context.new_page()
    sign_in(supervisor, tenant.supervisor.email)
    supervisor.get_by_role("link", name="Team compliance").click()
    assert supervisor.get_by_text("1 of 2 cleared today").is_visible()

    sign_in(page, tenant.vma.email)
    page.goto(f"/patients/{patient.pk}/")  # type: ignore[attr-defined]
    assert page.get_by_text("A required course you completed has expired").is_visible()  # type: ignore[attr-defined]
    assert "Imani" not in page.content()  # type: ignore[attr-defined]
    screenshot(page, "40-denied-training-expired")
    page.get_by_role("link", name="See what to do").click()  # type: ignore[attr-defined]
    page.get_by_role("alert").get_by_role("link", name="Take the course").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Minimum necessary").first.is_visible()  # type: ignore[attr-defined]
    page.get_by_role("button", name="Start the quiz").click()  # type: ignore[attr-defined]
    page.get_by_label("Only what the task needs").check()  # type: ignore[attr-defined]
    page.get_by_label("Decline and explain").check()  # type: ignore[attr-defined]
    screenshot(page, "41-quiz")
    page.get_by_role("button", name="Submit answers").click()  # type: ignore[attr-defined]
    assert page.get_by_text("100% — passed").is_visible()  # type: ignore[attr-defined]

    page.goto(f"/patients/{patient.pk}/")  # type: ignore[attr-defined]
    assert page.get_by_text("Imani Ward").first.is_visible()  # type: ignore[attr-defined]

    supervisor.reload()
    assert supervisor.get_by_text("2 of 2 cleared today").is_visible()
    screenshot(supervisor, "42-team-matrix")
    context.close()
    # The refusal is a 403 on purpose; anything else in the console (a CSP violation) is not.
    assert [p for p in page.problems if "403" not in p] == []  # type: ignore[attr-defined]
