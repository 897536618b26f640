"""Shared set-up: a throw-away PostgreSQL database with Steward's schema."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/steward_bench"


def prepare_database(url: str | None = None) -> str:
    """Recreate the benchmark database, migrate it, and configure Django to use it."""
    url = url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "steward.settings.test"
    os.environ.setdefault("STEWARD_VAR_DIR", str(ROOT / "var" / "bench"))
    subprocess.run(
        [sys.executable, "-m", "steward", "migrate", "--noinput", "-v0"],
        check=True,
        cwd=ROOT,
        env=os.environ,
    )
    import django

    django.setup()
    return url
