"""A patient withdraws consent to SMS reminders in the portal; the next reminder an assistant
tries to send is not sent, and the attempt is recorded with its reason."""

from __future__ import annotations

import pytest

from steward.audit.models import AuditEvent
from steward.consent.models import Decision, MessageStatus, OutboundMessage
from steward.core import sms
from steward.vault.services import patient_create
from tests.access.conftest import assign_task
from tests.consent.conftest import choose, publish
from tests.e2e.conftest import screenshot, sign_in
from tests.personas import build_tenant
from tests.vault.conftest import values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_patient_withdraws_sms_consent_and_the_next_reminder_is_blocked(
    page: object, key_folder: object
) -> None:
    tenant = build_tenant("A")
    patient = patient_create(
        tenant=tenant.practice,
        actor=None,
        values=values(given_name="Imani", family_name="Ward"),
    )
    patient.portal_user = tenant.patient
    patient.save(update_fields=["portal_user"])
    publish(tenant, summary="First version.")
    assign_task(tenant, patient, tenant.vma)  # the assistant works through a task
    choose(tenant, patient, "reminders-sms", Decision.GRANTED)
    sms.outbox.clear()

    sign_in(page, tenant.patient.email, totp=False)
    page.get_by_role("link", name="My privacy choices").click()  # type: ignore[attr-defined]
    status = page.get_by_test_id("status-reminders-sms")  # type: ignore[attr-defined]
    assert status.inner_text() == "Given"
    screenshot(page, "20-portal-choices")
    page.get_by_role("button", name="Withdraw consent: Reminders by SMS").click()  # type: ignore[attr-defined]
    assert page.get_by_text("Saved: Reminders by SMS").is_visible()  # type: ignore[attr-defined]
    assert status.inner_text() == "Withdrawn"
    screenshot(page, "21-portal-withdrawn")
    page.get_by_role("link", name="See every choice you have made").click()  # type: ignore[attr-defined]
    history = page.get_by_test_id("consent-history")  # type: ignore[attr-defined]
    assert "Withdrawn" in history.inner_text()
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]

    sign_in(page, tenant.vma.email)
    page.goto(f"/consent/patients/{patient.pk}/")  # type: ignore[attr-defined]
    page.get_by_label("Channel").select_option("sms")  # type: ignore[attr-defined]
    page.get_by_label("Appointment time").fill("2026-12-03T10:30")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Send reminder").click()  # type: ignore[attr-defined]
    assert page.get_by_text("The reminder was not sent").is_visible()  # type: ignore[attr-defined]
    messages = page.get_by_test_id("messages")  # type: ignore[attr-defined]
    assert "consent-withdrawn:reminders-sms" in messages.inner_text()
    screenshot(page, "22-reminder-blocked")

    assert sms.outbox == []
    message = OutboundMessage.objects.get()
    assert message.status == MessageStatus.BLOCKED
    assert message.reasons == ["consent-withdrawn:reminders-sms"]
    assert message.requested_by == tenant.vma
    blocked = AuditEvent.objects.get(event="communication.blocked")
    assert blocked.record["reasons"] == ["consent-withdrawn:reminders-sms"]
    assert page.problems == []  # type: ignore[attr-defined]
