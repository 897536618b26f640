"""Defence in depth on PostgreSQL: row-level security keyed by the transaction's tenants.

The patient table carries a policy that shows a row only when its tenant is
listed in the transaction-local setting ``app.tenant_ids`` (and the table is
FORCE ROW LEVEL SECURITY). The gate (and any page that counts patients)
opens ``tenant_scope`` with the tenants the subject may reach before it
touches a patient, so a query that forgot a
tenant filter still cannot return another practice's rows. Web processes
switch to a role that does not bypass row-level security
(``STEWARD_DB_APP_ROLE``); SQLite, the development database, has no such layer.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.dispatch import receiver

_scoped: ContextVar[tuple[str, ...] | None] = ContextVar("steward_tenant_scope", default=None)


@contextlib.contextmanager
def tenant_scope(tenant_ids: Iterable[Any]) -> Iterator[None]:
    """A transaction in which the database shows patients of ``tenant_ids`` only."""
    listed = tuple(str(tenant_id) for tenant_id in tenant_ids)
    token = _scoped.set(listed)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('app.tenant_ids', %s, true)", [",".join(listed)]
                    )
            yield
    finally:
        _scoped.reset(token)


def in_tenant_scope() -> bool:
    """Whether the current code runs inside ``tenant_scope`` (the guard tests check it)."""
    return _scoped.get() is not None


_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@receiver(connection_created)
def _switch_to_application_role(sender: Any, connection: Any, **kwargs: Any) -> None:
    role = settings.STEWARD_DB_APP_ROLE
    if not role or connection.vendor != "postgresql":
        return
    if not _ROLE_NAME.match(role):
        raise ImproperlyConfigured(f"STEWARD_DB_APP_ROLE={role!r} is not a plain role name.")
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {role}")  # a checked identifier, not user input
