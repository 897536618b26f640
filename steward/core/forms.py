"""Helpers shared by forms across apps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


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
