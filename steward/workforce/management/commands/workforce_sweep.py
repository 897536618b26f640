"""``steward workforce_sweep``: the daily workforce sweep, run by hand (it also runs hourly
under Celery beat)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind
from steward.workforce import sweep


class Command(BaseCommand):
    help = "Assign required training, send expiry reminders, open and close access reviews."

    def handle(self, *args: Any, **options: Any) -> None:
        total = Organization.objects.filter(
            kind=OrganizationKind.BUSINESS_ASSOCIATE, is_active=True
        ).count()
        with tqdm(total=total, unit="vendor", disable=options["verbosity"] == 0) as bar:
            counts = sweep.run(progress=lambda _name, step: bar.update(step))
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
