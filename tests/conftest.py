from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.test import Client

from steward.accounts.models import User
from steward.core.events import SecurityEvent, security_event
from tests.personas import Tenant, build_tenant


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test may use the (test) database, rolled back after it, unless marked ``no_db``."""
    for item in items:
        if (
            item.get_closest_marker("no_db") is None
            and item.get_closest_marker("django_db") is None
        ):
            item.add_marker(pytest.mark.django_db)


@pytest.fixture
def tenant_a() -> Tenant:
    return build_tenant("A")


@pytest.fixture
def tenant_b() -> Tenant:
    return build_tenant("B")


def sign_in(client: Client, user: User, *, mfa: bool = True) -> Client:
    """Sign ``user`` in as if through the login page; ``mfa`` says the session passed MFA."""
    client.force_login(user)
    session = client.session
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if mfa:
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def security_events() -> Iterator[list[SecurityEvent]]:
    """The security events announced during the test, in order."""
    seen: list[SecurityEvent] = []

    def collect(sender: object, event: SecurityEvent, **kwargs: object) -> None:
        seen.append(event)

    security_event.connect(collect, dispatch_uid="tests-collect")
    yield seen
    security_event.disconnect(dispatch_uid="tests-collect")


@pytest.fixture
def signed_in(client: Client):  # type: ignore[no-untyped-def]
    def _sign_in(user: User, *, mfa: bool = True) -> Client:
        return sign_in(client, user, mfa=mfa)

    return _sign_in
