"""Django's `flush`, able to empty the append-only audit tables.

Only tests and development flush a database. On SQLite the append-only
triggers stand aside while a row sits in `audit_trail_maintenance`; on
PostgreSQL flush truncates, which row triggers do not see.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(FlushCommand):
    def handle(self, **options: Any) -> None:
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "sqlite":
            super().handle(**options)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'audit_trail_maintenance'")
            guarded = cursor.fetchone() is not None
            if guarded:
                cursor.execute("INSERT INTO audit_trail_maintenance (reason) VALUES ('flush')")
        try:
            super().handle(**options)
        finally:
            if guarded:
                with connection.cursor() as cursor:
                    cursor.execute("DELETE FROM audit_trail_maintenance")
