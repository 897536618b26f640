"""steward demo_code EMAIL: print a demo user's current one-time code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from steward.accounts.models import User
from steward.accounts.totp import totp_current_code


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (development installations only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.STEWARD_DEMO_TOOLS:
            raise CommandError(
                "demo_code is disabled: it only runs where STEWARD_DEMO_TOOLS is on (development)."
            )
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError(f"No account has the address {options['email']!r}.")
        current = totp_current_code(user=user)
        if current is None:
            raise CommandError(f"{user.email} has no authenticator app enrolled.")
        code, seconds_left = current
        self.stdout.write(f"{code}  (valid for {seconds_left} more seconds)")
