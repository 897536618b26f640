"""Invitation links: a one-time link for a new person to choose their password."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from steward.accounts.models import User


def invitation_link_builder(request: HttpRequest) -> Callable[[User], str]:
    """A function giving the absolute invitation URL for a user, on this request's host.

    The token is Django's password-reset token: it stops working once the
    password is set, and after PASSWORD_RESET_TIMEOUT (three days).
    """

    def build(user: User) -> str:
        path = reverse(
            "accounts:accept-invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        return request.build_absolute_uri(path)

    return build
