"""Settings shared by every environment. Values that differ come from the environment."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

from steward.settings.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parents[2]
# Runtime state that must never be committed: the SQLite file, generated
# development secrets, key files, uploaded documents.
VAR_DIR = Path(env_str("STEWARD_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "steward.web.admin_site.StewardAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Steward's web app comes before allauth so its templates (layout, sign-in)
    # take precedence over allauth's defaults.
    "steward.web",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "steward.core",
    "steward.accounts",
    "steward.tenancy",
    "steward.audit",
    "steward.vault",
    "steward.access",
    "steward.consent",
    "steward.catalog",
    "steward.work",
    "steward.workforce",
    "steward.api",
    "steward.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "steward.core.middleware.RequestContextMiddleware",
    "steward.core.middleware.RequestSizeLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "steward.tenancy.middleware.SessionPolicyMiddleware",
    "steward.audit.middleware.SealerMiddleware",
]

ROOT_URLCONF = "steward.urls"
WSGI_APPLICATION = "steward.wsgi.application"
ASGI_APPLICATION = "steward.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "steward.web.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# SQLite under var/ is the zero-set-up default; PostgreSQL is production's.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'steward.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # IMMEDIATE takes the write lock when a transaction starts, so two
            # writers queue instead of failing with "database is locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits and lockouts live here) ---------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:dashboard"

ACCOUNT_ADAPTER = "steward.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Accounts are provisioned by an organisation's administrator; the invitation
# link proves the address, so allauth's own verification mail is not needed.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # Per client IP and per account: five wrong passwords lock the account for
    # fifteen minutes; thirty failures from one address in fifteen minutes
    # lock that address out.
    "login_failed": "30/900s/ip,5/900s/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("STEWARD_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5)

MFA_ADAPTER = "steward.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Steward"
MFA_PASSKEY_LOGIN_ENABLED = False
USERSESSIONS_TRACK_ACTIVITY = True

SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute cap; idle logoff is much shorter
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "steward_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_NAME = "steward_csrf"
CSRF_FAILURE_VIEW = "steward.web.views.csrf_failure"

# Idle logoff (HIPAA §164.312(a)(2)(iii)): each organisation sets its own
# limit, never above the ceiling.
STEWARD_IDLE_LOGOFF_DEFAULT_MINUTES = 15
STEWARD_IDLE_LOGOFF_MAX_MINUTES = 60

# --- HTTP hardening shared by every environment ---------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # allauth renders the TOTP enrolment QR code as a data: image.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Bodies above this size are refused with 413 before any view reads them.
STEWARD_MAX_REQUEST_BYTES = env_int(
    "STEWARD_MAX_REQUEST_BYTES", 15 * 1024 * 1024, minimum=1024 * 1024
)
STEWARD_MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# --- Static and uploaded files --------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded documents (signed BAAs) are served only through permission-checked
# views, never from a public URL.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media-not-public/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Mail -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("STEWARD_FROM_EMAIL", "Steward <no-reply@steward.invalid>")
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Keys ---------------------------------------------------------------------
# Encryption and signing keys live in files outside the database (mode 0600).
STEWARD_KEY_DIR = Path(env_str("STEWARD_KEY_DIR", str(VAR_DIR / "keys"))).resolve()
# Only development and tests create missing keys; production must restore them.
STEWARD_KEYS_AUTOCREATE = False
# Where key-encryption keys come from; a cloud KMS provider implements the same protocol.
STEWARD_KEY_PROVIDER = env_str("STEWARD_KEY_PROVIDER", "steward.vault.keys.FileKeyProvider")

# --- Audit trail ------------------------------------------------------------------
# How sealing runs: "thread" (periodically inside each web process), "celery"
# (a beat-scheduled task; the default when a broker is configured) or "off"
# (only `steward audit seal`).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
STEWARD_AUDIT_SEALER = env_choice(
    "STEWARD_AUDIT_SEALER", ("thread", "celery", "off"), "celery" if CELERY_BROKER_URL else "thread"
)
STEWARD_AUDIT_SEAL_INTERVAL_SECONDS = env_int(
    "STEWARD_AUDIT_SEAL_INTERVAL_SECONDS", 2, minimum=1, maximum=300
)
STEWARD_AUDIT_SEAL_BATCH = env_int("STEWARD_AUDIT_SEAL_BATCH", 5000, minimum=1)
# Committed events older than this and still unsealed are reported as a fault.
STEWARD_AUDIT_MAX_SEAL_LAG_SECONDS = env_int("STEWARD_AUDIT_MAX_SEAL_LAG_SECONDS", 300, minimum=10)
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE = {
    "audit-seal": {
        "task": "steward.audit.tasks.seal_pending",
        "schedule": float(STEWARD_AUDIT_SEAL_INTERVAL_SECONDS),
    },
    "work-sla-sweep": {"task": "steward.work.tasks.sweep", "schedule": 60.0},
    "workforce-sweep": {"task": "steward.workforce.tasks.sweep", "schedule": 3600.0},
}

# --- The gate -----------------------------------------------------------------------
# Roles that may request emergency access; the window; how soon a review is due.
STEWARD_BREAK_GLASS_ROLES = env_list(
    "STEWARD_BREAK_GLASS_ROLES", ["practitioner", "supervisor", "privacy-officer"]
)
STEWARD_BREAK_GLASS_MINUTES = env_int("STEWARD_BREAK_GLASS_MINUTES", 30, minimum=5, maximum=240)
STEWARD_BREAK_GLASS_REVIEW_HOURS = env_int("STEWARD_BREAK_GLASS_REVIEW_HOURS", 72, minimum=1)
# Exports and break-glass need an authentication at most this old.
STEWARD_REAUTHENTICATION_SECONDS = 300
# PostgreSQL: the role web processes switch to, which row-level security binds
# (empty: the connecting role; see docs/deploy.md).
STEWARD_DB_APP_ROLE = env_str("STEWARD_DB_APP_ROLE", "")

# --- Steward ----------------------------------------------------------------
# The name of this installation: shown in the header and, later, in the
# origin line of signed audit checkpoints.
STEWARD_INSTALLATION_NAME = env_str("STEWARD_INSTALLATION_NAME", "steward.local")
# `seed_demo` and `demo_code` only work where this is on (development).
STEWARD_DEMO_TOOLS = env_bool("STEWARD_DEMO_TOOLS", False)

# Where people reach this installation: links in emails, consent receipts' policy URL.
STEWARD_PUBLIC_URL = env_str("STEWARD_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# After a material notice change, older consents stay valid this long (re-consent window).
STEWARD_RECONSENT_GRACE_DAYS = env_int("STEWARD_RECONSENT_GRACE_DAYS", 30, minimum=0, maximum=365)
# After a task closes, its assistant keeps access this long (to finish notes, answer a reply).
STEWARD_WORK_ACCESS_TAIL_MINUTES = env_int(
    "STEWARD_WORK_ACCESS_TAIL_MINUTES", 10, minimum=0, maximum=240
)
# A task is "at risk" when a due time is this close and not yet met.
STEWARD_WORK_AT_RISK_MINUTES = env_int("STEWARD_WORK_AT_RISK_MINUTES", 30, minimum=1)
# Workforce clearance: days an expired course or an unaccepted new policy version is
# forgiven before the gate denies (0: none); reminders go this many days before expiry;
# access-review campaigns open every this many days with this many days to decide.
STEWARD_WORKFORCE_GRACE_DAYS = env_int("STEWARD_WORKFORCE_GRACE_DAYS", 0, minimum=0, maximum=90)
STEWARD_WORKFORCE_REMINDER_DAYS = env_int(
    "STEWARD_WORKFORCE_REMINDER_DAYS", 30, minimum=1, maximum=180
)
STEWARD_ACCESS_REVIEW_EVERY_DAYS = env_int(
    "STEWARD_ACCESS_REVIEW_EVERY_DAYS", 91, minimum=7, maximum=366
)
STEWARD_ACCESS_REVIEW_DAYS_TO_DECIDE = env_int(
    "STEWARD_ACCESS_REVIEW_DAYS_TO_DECIDE", 14, minimum=1, maximum=90
)
# How text messages leave Steward (the console backend prints a redacted line).
STEWARD_SMS_BACKEND = env_str("STEWARD_SMS_BACKEND", "steward.core.sms.ConsoleBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        # Log lines carry ids and reason codes, never request bodies or PHI.
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("STEWARD_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
