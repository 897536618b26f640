from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(autouse=True)
def key_folder(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """Each test gets its own key directory, so key files never leak between tests."""
    from steward.audit import keys as audit_keys
    from steward.vault import keys as vault_keys

    settings.STEWARD_KEY_DIR = tmp_path / "keys"
    vault_keys.clear_caches()
    audit_keys.signing_key.cache_clear()
    yield tmp_path / "keys"
    vault_keys.clear_caches()
    audit_keys.signing_key.cache_clear()


@pytest.fixture(autouse=True)
def _default_purposes(request: pytest.FixtureRequest) -> None:
    """The purposes of use a migration creates; a transactional test's flush empties them."""
    if request.node.get_closest_marker("no_db") is not None:
        return
    from steward.access.models import PurposeOfUse
    from steward.access.purposes import DEFAULT_PURPOSES

    if not PurposeOfUse.objects.exists():
        for purpose in DEFAULT_PURPOSES:
            PurposeOfUse.objects.create(
                code=purpose["code"],
                name=purpose["name"],
                description=purpose["description"],
                fields=list(purpose["fields"]),
                roles=[str(r) for r in purpose["roles"]],
                emergency_only=purpose.get("emergency_only", False),
            )


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
