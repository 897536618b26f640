"""Development: `make run`. Secrets are generated into var/ on first start."""

from steward.settings.base import *  # noqa: F403
from steward.settings.base import VAR_DIR
from steward.settings.env import env_list, generated_secret

DEBUG = True
SECRET_KEY = generated_secret(VAR_DIR / "secret_key")
STEWARD_MFA_SECRET_KEY = generated_secret(VAR_DIR / "mfa_secret_key")
ALLOWED_HOSTS = env_list("STEWARD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
STEWARD_DEMO_TOOLS = True
# WebAuthn needs a secure origin; http://127.0.0.1 is only acceptable locally.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True

# WhiteNoise looks for the collected-static folder even when it serves from the apps.
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

STEWARD_KEYS_AUTOCREATE = True
