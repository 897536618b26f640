"""Production settings: `check --deploy` is clean, and missing secrets stop start-up clearly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from steward.settings import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "steward.settings.production",
    "SECRET_KEY": "k3Y-" + "a1B2c3D4e5F6g7H8i9J0" * 3,
    "STEWARD_MFA_SECRET_KEY": "mfa-" + "Z9y8X7w6V5" * 3,
    "ALLOWED_HOSTS": "steward.example.org",
    "DATABASE_URL": "sqlite:////tmp/steward-deploy-check.sqlite3",
    "STEWARD_PUBLIC_URL": "https://steward.example.org",
    "STEWARD_SMS_BACKEND": "steward.core.sms.LocmemBackend",
}


def run_steward(
    *args: str, extra: dict[str, str] | None = None, drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    # Only what a production process would have: not the test run's own switches.
    inherited = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", *drop}
    environment = {k: v for k, v in os.environ.items() if k not in inherited}
    environment.update(PRODUCTION_ENV)
    environment.update(extra or {})
    for name in drop:
        environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "steward", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_prints_no_warnings() -> None:
    result = run_steward("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_start_without_secret_key_fails_clearly() -> None:
    result = run_steward("check", drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "is required and is not set" in result.stderr


def test_malformed_boolean_stops_start_up() -> None:
    result = run_steward("check", extra={"SECURE_SSL_REDIRECT": "maybe"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='maybe' is not a boolean" in result.stderr


class TestEnvironmentHelpers:
    def test_bool(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FLAG", "Yes")
        assert env.env_bool("FLAG") is True
        monkeypatch.setenv("FLAG", "off")
        assert env.env_bool("FLAG") is False
        monkeypatch.setenv("FLAG", "2")
        with pytest.raises(env.ImproperlyConfigured):
            env.env_bool("FLAG")

    def test_int_range(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("COUNT", "70")
        with pytest.raises(env.ImproperlyConfigured, match="above the maximum"):
            env.env_int("COUNT", maximum=60)
        monkeypatch.setenv("COUNT", "x")
        with pytest.raises(env.ImproperlyConfigured, match="not a whole number"):
            env.env_int("COUNT", 5)

    def test_missing_required_value(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("NEEDED", raising=False)
        with pytest.raises(env.ImproperlyConfigured, match="NEEDED"):
            env.env_str("NEEDED")
        assert env.env_str("NEEDED", "fallback") == "fallback"

    def test_secret_from_file(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        secret = tmp_path / "secret"
        secret.write_text("s3cr3t\n")
        monkeypatch.delenv("TOKEN", raising=False)
        monkeypatch.setenv("TOKEN_FILE", str(secret))
        assert env.env_str("TOKEN") == "s3cr3t"
        monkeypatch.setenv("TOKEN", "also")
        with pytest.raises(env.ImproperlyConfigured, match="not both"):
            env.env_str("TOKEN")
        monkeypatch.delenv("TOKEN")
        monkeypatch.setenv("TOKEN_FILE", str(tmp_path / "missing"))
        with pytest.raises(env.ImproperlyConfigured, match="cannot be read"):
            env.env_str("TOKEN")

    def test_list(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
        assert env.env_list("HOSTS") == ["a.example", "b.example"]

    def test_generated_secret_is_private_and_stable(self, tmp_path: Path) -> None:
        path = tmp_path / "var" / "secret"
        first = env.generated_secret(path)
        assert env.generated_secret(path) == first
        assert oct(path.stat().st_mode & 0o777) == "0o600"
