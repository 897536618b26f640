"""Signing in: password then TOTP, throttling per account and per address, idle logoff,
and deactivation ending live sessions."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from steward.accounts.services import user_deactivate
from steward.tenancy.middleware import LAST_ACTIVITY_KEY
from steward.tenancy.services import membership_end
from tests.conftest import sign_in
from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET

LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


def current_code() -> str:
    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


def password_then_code(client: Client, email: str, password: str = PASSWORD) -> object:
    response = client.post(LOGIN, {"login": email, "password": password})
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": current_code()})


def test_staff_sign_in_needs_password_and_code(client: Client, tenant_a: object) -> None:
    response = password_then_code(client, tenant_a.supervisor.email)  # type: ignore[attr-defined]
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_wrong_code_does_not_sign_in(
    client: Client, tenant_a: object, security_events: list
) -> None:
    client.post(LOGIN, {"login": tenant_a.vma.email, "password": PASSWORD})  # type: ignore[attr-defined]
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert client.get(reverse("web:dashboard")).status_code == 302
    assert any(e.action == "mfa.failed" for e in security_events)


def test_five_wrong_passwords_lock_the_account(
    client: Client, tenant_a: object, security_events: list
) -> None:
    email = tenant_a.vma.email  # type: ignore[attr-defined]
    for _ in range(5):
        response = client.post(LOGIN, {"login": email, "password": "wrong-password-123"})
        assert response.status_code == 200
    response = client.post(LOGIN, {"login": email, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert [e.action for e in security_events].count("login.failed") == 5
    assert any(e.action == "login.locked-out" for e in security_events)
    # Another account from the same address is not locked by this one.
    response = client.post(LOGIN, {"login": tenant_a.supervisor.email, "password": PASSWORD})  # type: ignore[attr-defined]
    assert response.status_code == 302


def test_one_address_trying_many_accounts_is_throttled(client: Client) -> None:
    for number in range(30):
        client.post(
            LOGIN,
            {"login": f"nobody{number}@example.test", "password": "x" * 12},
            REMOTE_ADDR="203.0.113.9",
        )
    response = client.post(
        LOGIN, {"login": "another@example.test", "password": "x" * 12}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    other = client.post(
        LOGIN, {"login": "another@example.test", "password": "x" * 12}, REMOTE_ADDR="198.51.100.7"
    )
    assert "Too many failed login attempts" not in other.content.decode()


def _idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def test_idle_session_is_signed_out_after_the_organisations_limit(
    client: Client, tenant_a: object, security_events: list
) -> None:
    vendor = tenant_a.bpo  # type: ignore[attr-defined]
    vendor.idle_logoff_minutes = 5
    vendor.save()
    sign_in(client, tenant_a.vma)  # type: ignore[attr-defined]
    assert client.get(reverse("web:dashboard")).status_code == 200
    _idle_for(client, 4 * 60)
    assert client.get(reverse("web:dashboard")).status_code == 200  # still inside the limit
    _idle_for(client, 5 * 60 + 5)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert client.get(reverse("web:dashboard")).url.startswith(LOGIN)  # session is gone
    assert any(e.action == "session.idle-timeout" for e in security_events)


def test_idle_api_session_gets_json_401(client: Client, tenant_a: object) -> None:
    sign_in(client, tenant_a.vma)  # type: ignore[attr-defined]
    client.get("/api/me")
    _idle_for(client, 16 * 60)
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["reason"] == "session-idle-timeout"


def test_deactivation_ends_live_sessions(tenant_a: object) -> None:
    vma = tenant_a.vma  # type: ignore[attr-defined]
    first, second = Client(), Client()
    for browser in (first, second):
        sign_in(browser, vma)
        assert browser.get(reverse("web:dashboard")).status_code == 200
    from allauth.usersessions.models import UserSession

    assert UserSession.objects.filter(user=vma).count() == 2
    with pytest.MonkeyPatch.context():
        from django.test import TestCase

        with TestCase.captureOnCommitCallbacks(execute=True):
            user_deactivate(user=vma, actor=tenant_a.bpo_admin, reason="left the company")  # type: ignore[attr-defined]
    assert UserSession.objects.filter(user=vma).count() == 0
    for browser in (first, second):
        response = browser.get(reverse("web:dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_ending_a_membership_ends_sessions(tenant_a: object) -> None:
    from django.test import TestCase

    vma = tenant_a.vma  # type: ignore[attr-defined]
    browser = sign_in(Client(), vma)
    assert browser.get(reverse("web:dashboard")).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        membership_end(
            membership=tenant_a.membership(vma),
            actor=tenant_a.bpo_admin,  # type: ignore[attr-defined]
            reason="contract ended",
        )
    response = browser.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_deactivated_user_cannot_sign_in(client: Client, tenant_a: object) -> None:
    vma = tenant_a.vma  # type: ignore[attr-defined]
    user_deactivate(user=vma, actor=None)
    response = client.post(LOGIN, {"login": vma.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_inactive")
    assert client.get(reverse("web:dashboard")).status_code == 302
