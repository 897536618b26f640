from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from steward.accounts.invitations import invitation_link_builder
from steward.accounts.services import user_create


def invitation_path(rf: object, user: object) -> str:
    url = invitation_link_builder(rf.get("/"))(user)  # type: ignore[attr-defined]
    return url.removeprefix("http://testserver")


def test_invitation_sets_password_and_verifies_address(client: Client, rf: object) -> None:
    user = user_create(email="newbie@example.test", full_name="New Bie")
    path = invitation_path(rf, user)
    assert client.get(path).status_code == 200
    short = client.post(path, {"password1": "short", "password2": "short"})
    assert "password1" in short.context["form"].errors
    response = client.post(
        path, {"password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"}
    )
    assert response.status_code == 302
    assert response.url == reverse("account_login")
    user.refresh_from_db()
    assert user.check_password("a-long-enough-passphrase")
    assert EmailAddress.objects.get(user=user).verified
    assert client.get(path).status_code == 404  # the link works once


def test_mismatched_passwords_are_an_inline_error(client: Client, rf: object) -> None:
    user = user_create(email="newbie2@example.test", full_name="New Bie")
    response = client.post(
        invitation_path(rf, user),
        {"password1": "a-long-enough-passphrase", "password2": "a-different-passphrase"},
    )
    assert "password2" in response.context["form"].errors


def test_forged_or_malformed_links_are_404(client: Client) -> None:
    assert client.get("/accounts/welcome/xx/yy/").status_code == 404
    assert client.get("/accounts/welcome/%%%/zz/").status_code == 404


def test_totp_secrets_are_encrypted_at_rest() -> None:
    from steward.accounts.totp import totp_current_code, totp_enrol

    user = user_create(email="mfa@example.test", full_name="M F A")
    totp_enrol(user=user, secret="JBSWY3DPEHPK3PXP")
    stored = Authenticator.objects.get(user=user, type="totp").data["secret"]
    assert stored.startswith("v1:")
    assert "JBSWY3DPEHPK3PXP" not in stored
    code, seconds = totp_current_code(user=user)  # type: ignore[misc]
    assert len(code) == 6
    assert 0 < seconds <= 30
