from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from steward.accounts.models import User
from steward.tenancy.models import Membership


def test_create_operator_prints_a_working_invitation_link(client: Client) -> None:
    output = StringIO()
    call_command(
        "create_operator",
        "ops@example.test",
        "Op Erator",
        "--base-url",
        "https://steward.test",
        stdout=output,
    )
    link = output.getvalue().strip().splitlines()[-1]
    assert link.startswith("https://steward.test/accounts/welcome/")
    user = User.objects.get(email="ops@example.test")
    assert user.is_staff and Membership.objects.get(user=user).role == "platform-operator"
    assert client.get(link.removeprefix("https://steward.test")).status_code == 200


def test_create_operator_refuses_duplicates_clearly() -> None:
    call_command(
        "create_operator",
        "ops@example.test",
        "Op",
        "--base-url",
        "https://steward.test",
        stdout=StringIO(),
    )
    with pytest.raises(CommandError, match="already a member"):
        call_command(
            "create_operator",
            "ops@example.test",
            "Op",
            "--base-url",
            "https://steward.test",
            stdout=StringIO(),
        )


def test_create_operator_needs_a_web_address() -> None:
    with pytest.raises(CommandError, match="base-url"):
        call_command("create_operator", "ops@example.test", "Op", "--base-url", "steward.test")
