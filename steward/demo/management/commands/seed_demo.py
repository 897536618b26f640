"""steward seed_demo: build (or complete) the synthetic demo world and print its logins."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from steward.core.context import command_context
from steward.demo.world import DEMO_PASSWORD, VMA_COUNT, DemoWorld


class Command(BaseCommand):
    help = "Seed the synthetic demo world (idempotent). Development installations only."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.STEWARD_DEMO_TOOLS:
            raise CommandError(
                "seed_demo is disabled: demo accounts have published passwords, "
                "so it only runs where STEWARD_DEMO_TOOLS is on (development)."
            )
        steps = [
            "organisations",
            "operator and practice staff",
            "BPO leadership and teams",
            "virtual medical assistants",
            "business associate agreements",
            "patients",
            "notices and consents",
            "service catalogues",
            "work queue and 90 days of history",
            "workforce: screening, training, policies",
        ]
        with (
            command_context("seed_demo"),
            tqdm(
                total=len(steps),
                desc="Seeding demo world",
                unit="step",
                disable=options["verbosity"] < 1,
                file=self.stderr,
            ) as bar,
        ):
            started: list[str] = []

            def progress(step: str) -> None:
                if started:
                    bar.update(1)
                started.append(step)
                bar.set_postfix_str(step)

            logins = DemoWorld(progress=progress).build()
            bar.update(bar.total - bar.n)
        self.stdout.write(
            self.style.SUCCESS("\nDemo world ready. Sign in at http://127.0.0.1:8000")
        )
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}\n")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.role} — {login.organization}")
        self.stdout.write(f"  (and vma04 … vma{VMA_COUNT:02d}@bayanihan.demo)\n")
        self.stdout.write(
            "One-time codes: every account has an authenticator enrolled; print the\n"
            "current code with:  .venv/bin/steward demo_code EMAIL\n"
        )
