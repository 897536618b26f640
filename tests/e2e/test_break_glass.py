"""The emergency-access journey: a supervisor breaks glass with a justification and sees the
record; the privacy officer is told and closes the review."""

from __future__ import annotations

import pytest

from steward.access.models import BreakGlassReview, ReviewStatus
from steward.vault.services import patient_create
from tests.e2e.conftest import screenshot, sign_in
from tests.personas import build_tenant
from tests.vault.conftest import values

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_breaks_glass_and_privacy_officer_reviews(
    page: object, key_folder: object
) -> None:
    tenant = build_tenant("A")
    patient = patient_create(
        tenant=tenant.practice,
        actor=None,
        values=values(given_name="Imani", family_name="Ward", notes="Allergic to latex"),
    )

    sign_in(page, tenant.supervisor.email)
    page.goto(f"/patients/{patient.pk}/")  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Imani Ward").is_visible()  # type: ignore[attr-defined]
    assert "Allergic to latex" not in page.content()  # type: ignore[attr-defined]
    screenshot(page, "10-supervisor-scheduling-view")
    page.get_by_role("link", name="Emergency access…").click()  # type: ignore[attr-defined]
    page.get_by_label("Reason").select_option("urgent-care")  # type: ignore[attr-defined]
    page.get_by_label("Justification").fill(  # type: ignore[attr-defined]
        "Patient collapsed during a scheduling call; the practice is closed and EMS needs "
        "her allergies."
    )
    screenshot(page, "11-break-glass-form")
    page.get_by_role("button", name="Open emergency access").click()  # type: ignore[attr-defined]
    page.wait_for_url("**purpose=emergency-access")  # type: ignore[attr-defined]
    assert "Allergic to latex" in page.content()  # type: ignore[attr-defined]
    assert page.get_by_text("Emergency access.").is_visible()  # type: ignore[attr-defined]
    screenshot(page, "12-emergency-view")
    page.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]

    sign_in(page, tenant.privacy_officer.email)
    page.get_by_role("link", name="Emergency access reviews").click()  # type: ignore[attr-defined]
    assert page.get_by_test_id("figure-open").inner_text() == "1"  # type: ignore[attr-defined]
    screenshot(page, "13-reviews")
    page.locator("table a").first.click()  # type: ignore[attr-defined]
    page.get_by_label("Justified", exact=True).check()  # type: ignore[attr-defined]
    page.get_by_label("Note").fill("EMS call confirmed with the practice.")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Close the review").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/emergency-reviews/")  # type: ignore[attr-defined]
    screenshot(page, "14-review-closed")
    review = BreakGlassReview.objects.get()
    assert review.status == ReviewStatus.JUSTIFIED
    assert review.reviewer == tenant.privacy_officer
    assert page.problems == []  # type: ignore[attr-defined]
