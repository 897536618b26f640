"""Small typed readers of environment variables that fail closed.

A malformed value never falls back to a default: it stops start-up with
``ImproperlyConfigured`` naming the variable. Secrets may be given as
``NAME_FILE`` (a path whose contents are the value), as container secret
stores do.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from steward.core.files import write_private_once

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED = _Required()


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        if name in os.environ:
            raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"{name}_FILE points at {file_name!r}, which cannot be read: {exc.strerror}."
            ) from exc
    return os.environ.get(name)


def env_str(name: str, default: str | _Required = REQUIRED) -> str:
    value = _raw(name)
    if value is None or value == "":
        if isinstance(default, _Required):
            raise ImproperlyConfigured(
                f"The environment variable {name} (or {name}_FILE) is required and is not set."
            )
        return default
    return value


def env_bool(name: str, default: bool | _Required = REQUIRED) -> bool:
    value = _raw(name)
    if value is None or value == "":
        if isinstance(default, _Required):
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean; use one of: true, false, 1, 0, yes, no, on, off."
    )


def env_int(
    name: str,
    default: int | _Required = REQUIRED,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    value = _raw(name)
    if value is None or value == "":
        if isinstance(default, _Required):
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    if maximum is not None and number > maximum:
        raise ImproperlyConfigured(f"{name}={number} is above the maximum of {maximum}.")
    return number


def env_choice(name: str, choices: tuple[str, ...], default: str | _Required = REQUIRED) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}.")
    return value


def env_list(name: str, default: list[str] | _Required = REQUIRED) -> list[str]:
    value = _raw(name)
    if value is None or value.strip() == "":
        if isinstance(default, _Required):
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def generated_secret(path: Path, *, length: int = 50) -> str:
    """Return the development secret kept at ``path``, creating it (mode 0600) on first use.

    Only development and test settings call this; production reads its
    secrets from the environment and refuses to start without them.
    """
    import secrets

    if not path.exists():
        write_private_once(path, secrets.token_urlsafe(length).encode())
    return path.read_text(encoding="utf-8").strip()
