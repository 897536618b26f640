"""steward work_sla_sweep: alert supervisors once about each task past a due time."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from steward.core.context import command_context
from steward.work.alerts import sweep


class Command(BaseCommand):
    help = "Record SLA breaches and email the team supervisor once per task."

    def handle(self, *args: Any, **options: Any) -> None:
        with command_context("work_sla_sweep"):
            count = sweep()
        self.stdout.write(f"{count} breach alert{'s' if count != 1 else ''} sent.")
