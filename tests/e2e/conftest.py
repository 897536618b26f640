"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Screenshots go to test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET

# Playwright's sync API keeps an event loop in this thread; the ORM calls the
# tests make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("STEWARD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `make test` (it installs Debian's "
            "chromium) or `apt-get install chromium`."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object, live_server: object) -> Iterator[object]:
    context = browser.new_context(base_url=live_server.url)  # type: ignore[attr-defined]
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    page.problems = problems  # CSP violations surface as console errors
    yield page
    context.close()


def screenshot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def sign_in(page: object, email: str, *, totp: bool = True) -> None:
    """Sign in through the real pages; staff then enter their current authenticator code."""
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Email").fill(email)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    if totp:
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)  # type: ignore[attr-defined]
        page.get_by_role("button", name="Sign In").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/dashboard/")  # type: ignore[attr-defined]
