"""steward create_operator EMAIL NAME --base-url URL: bootstrap a platform operator."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from steward.core.context import command_context
from steward.tenancy import services
from steward.tenancy.models import Organization
from steward.tenancy.roles import OrganizationKind, Role


class Command(BaseCommand):
    help = (
        "Create the platform operator's organisation (if needed) and invite an operator. "
        "Prints a one-time link to choose a password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("name")
        parser.add_argument("--base-url", required=True, help="e.g. https://steward.example.org")
        parser.add_argument("--organization", default="Steward Operations")

    def handle(self, *args: Any, **options: Any) -> None:
        base_url = options["base_url"].rstrip("/")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError("--base-url must start with https:// (or http:// locally).")
        with command_context("create_operator"), transaction.atomic():
            platform = Organization.objects.filter(kind=OrganizationKind.PLATFORM).first()
            if platform is None:
                platform = services.organization_create(
                    kind=OrganizationKind.PLATFORM,
                    legal_name=options["organization"],
                    short_name=options["organization"],
                    actor=None,
                )
            try:
                membership = services.membership_invite(
                    organization=platform,
                    email=options["email"],
                    full_name=options["name"],
                    role=Role.PLATFORM_OPERATOR,
                    actor=None,
                    notify=False,
                )
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
            user = membership.user
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        path = reverse(
            "accounts:accept-invitation",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        self.stdout.write(f"Operator {user.email} invited to {platform.short_name}.")
        self.stdout.write(f"One-time link to choose a password (valid 3 days):\n{base_url}{path}")
