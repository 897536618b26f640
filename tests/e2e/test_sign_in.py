"""The first journeys: a seeded supervisor signs in; a new staff member must enrol MFA."""

from __future__ import annotations

import time
from io import StringIO

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management import call_command

from steward.accounts.models import User
from steward.accounts.totp import totp_current_code
from steward.demo.world import DEMO_PASSWORD
from steward.tenancy.models import Organization
from steward.tenancy.services import membership_invite
from tests.e2e.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fresh_code(user: User) -> str:
    code, seconds_left = totp_current_code(user=user)  # type: ignore[misc]
    if seconds_left < 4:  # do not race the end of the 30-second window
        time.sleep(seconds_left + 1)
        code, _ = totp_current_code(user=user)  # type: ignore[misc]
    return code


def test_seeded_supervisor_signs_in_with_password_and_code(page: object) -> None:
    call_command("seed_demo", stdout=StringIO(), verbosity=0)
    email = "supervisor.maple@bayanihan.demo"
    page.goto("/")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(DEMO_PASSWORD)  # type: ignore[attr-defined]
    screenshot(page, "01-sign-in")
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.get_by_label("Code").fill(fresh_code(User.objects.get(email=email)))  # type: ignore[attr-defined]
    screenshot(page, "02-code")
    page.get_by_role("button", name="Sign In").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/dashboard/")  # type: ignore[attr-defined]
    assert page.get_by_test_id("active-organization").inner_text() == "Bayanihan Health Support"  # type: ignore[attr-defined]
    assert page.get_by_role("heading", name="Your team: Scheduling — Maple Grove").is_visible()  # type: ignore[attr-defined]
    screenshot(page, "03-supervisor-dashboard")
    assert page.problems == []  # type: ignore[attr-defined]


def test_new_staff_member_is_forced_through_totp_enrolment(page: object) -> None:
    vendor = Organization.objects.create(
        kind="business-associate",
        legal_name="Vendor E2E, Inc.",
        short_name="Vendor E2E",
        time_zone="Asia/Manila",
    )
    membership = membership_invite(
        organization=vendor,
        email="new.vma@example.test",
        full_name="New VMA",
        role="vma",
        actor=None,
        notify=False,
    )
    user = membership.user
    user.set_password("a-long-enough-passphrase")
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=user).update(verified=True)

    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill("new.vma@example.test")  # type: ignore[attr-defined]
    page.get_by_label("Password").fill("a-long-enough-passphrase")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/2fa/totp/activate/")  # type: ignore[attr-defined]
    assert "requires two-factor authentication" in page.content()  # type: ignore[attr-defined]
    screenshot(page, "04-forced-enrolment")

    for elsewhere in ("/dashboard/", "/org/teams/", "/account/", "/api/me"):
        page.goto(elsewhere)  # type: ignore[attr-defined]
        if elsewhere.startswith("/api/"):
            assert "mfa-enrolment-required" in page.content()  # type: ignore[attr-defined]
        else:
            assert page.url.endswith("/accounts/2fa/totp/activate/")  # type: ignore[attr-defined]

    page.goto("/accounts/2fa/totp/activate/")  # type: ignore[attr-defined]
    # The activation page makes a new secret each time it is served. Chromium sometimes
    # re-sends a navigation on a fresh connection to the test server, so the page shown may
    # be one secret behind the session; after a refused code the page shows the session's
    # own secret, exactly as a person would re-scan it.
    for _attempt in range(2):
        secret = page.locator("#authenticator_secret").input_value()  # type: ignore[attr-defined]
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        page.get_by_label("Authenticator code").fill(code)  # type: ignore[attr-defined]
        with page.expect_navigation():  # type: ignore[attr-defined]
            page.get_by_role("button", name="Activate").click()  # type: ignore[attr-defined]
        if "/2fa/totp/activate/" not in page.url:  # type: ignore[attr-defined]
            break
    page.wait_for_load_state()  # type: ignore[attr-defined]
    screenshot(page, "05-after-enrolment")
    page.goto("/dashboard/")  # type: ignore[attr-defined]
    assert page.url.endswith("/dashboard/")  # type: ignore[attr-defined]
    assert page.get_by_test_id("active-organization").inner_text() == "Vendor E2E"  # type: ignore[attr-defined]
    screenshot(page, "06-vma-dashboard")
