"""Helpers shared by forms across apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

F = TypeVar("F", bound=forms.BaseForm)
T = TypeVar("T")


def errors_to_form(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: on the field it names (or the field
    whose name starts with it, like ``address`` for ``address__city``), else above the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        target = (
            name
            if name in form.fields
            else next((f for f in form.fields if f.startswith(f"{name}__")), None)
        )
        form.add_error(target, errors)


def submit(form: F, call: Callable[[F], T]) -> T | None:
    """Run a service with a valid ``form``'s data; its ``ValidationError`` lands on the form.

    Returns what the service returned, or None when the form (now showing its errors) must
    be rendered again: the one shape every form-backed action view shares.
    """
    if not form.is_valid():
        return None
    try:
        return call(form)
    except ValidationError as exc:
        errors_to_form(form, exc)
        return None
