"""Tests: fast hashing, in-memory mail and cache, the database named by DATABASE_URL."""

import os

from steward.settings.base import *  # noqa: F403
from steward.settings.base import BASE_DIR, DATABASES

# Tests keep their generated files apart from a developer's var/.
VAR_DIR = BASE_DIR / "var" / "test"
MEDIA_ROOT = VAR_DIR / "media"

SECRET_KEY = "test-only-secret-key-never-used-outside-the-test-suite-0123456789"  # noqa: S105
STEWARD_MFA_SECRET_KEY = "test-only-mfa-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STEWARD_DEMO_TOOLS = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

if "DATABASE_URL" not in os.environ:
    # SQLite's test database lives in memory; the WAL pragma is meaningless there.
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
    # Never the developer's database, even if a test ran outside the test database.
    DATABASES["default"]["NAME"] = str(VAR_DIR / "never-used.sqlite3")

# WhiteNoise looks for the collected-static folder even when it serves from the apps.
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

STEWARD_KEYS_AUTOCREATE = True
STEWARD_KEY_DIR = VAR_DIR / "keys"
# Tests seal explicitly; no background thread races them.
STEWARD_AUDIT_SEALER = "off"
# Browser tests type codes under load; accept the neighbouring 30-second window too.
MFA_TOTP_TOLERANCE = 1
STEWARD_SMS_BACKEND = "steward.core.sms.LocmemBackend"
STEWARD_PUBLIC_URL = "https://steward.example.test"
