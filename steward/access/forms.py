"""Forms over patient fields, built for exactly the fields a purpose allows."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms

from steward.access.models import BreakGlassReason
from steward.vault.fields import (
    CONTACT_CHANNELS,
    OMB_ETHNICITIES,
    OMB_RACES,
    PATIENT_FIELDS,
    SEXES,
)

_ADDRESS = ("line1", "line2", "city", "state", "postal_code", "country")
_CONTACT = ("name", "relationship", "phone")
_CHOICES = {
    "sex_at_birth": SEXES,
    "ethnicity": OMB_ETHNICITIES,
    "contact_channel": CONTACT_CHANNELS,
}


class DateInput(forms.DateInput):
    input_type = "date"


def _grouped(name: str, parts: tuple[str, ...]) -> dict[str, forms.Field]:
    label = PATIENT_FIELDS[name].label
    return {
        f"{name}__{part}": forms.CharField(
            label=f"{label}: {part.replace('_', ' ')}", required=False, max_length=200
        )
        for part in parts
    }


def _text(name: str) -> dict[str, forms.Field]:
    spec = PATIENT_FIELDS[name]
    if name in _CHOICES:
        return {
            name: forms.ChoiceField(
                label=spec.label,
                required=False,
                choices=[("", "—"), *((c, c) for c in _CHOICES[name])],
            )
        }
    widget = forms.Textarea(attrs={"rows": 3}) if spec.max_length > 300 else None
    return {
        name: forms.CharField(
            label=spec.label, required=False, max_length=spec.max_length, widget=widget
        )
    }


_BY_KIND: dict[str, Callable[[str], dict[str, forms.Field]]] = {
    "bool": lambda name: {
        name: forms.BooleanField(label=PATIENT_FIELDS[name].label, required=False)
    },
    "date": lambda name: {
        name: forms.DateField(label=PATIENT_FIELDS[name].label, required=False, widget=DateInput)
    },
    "list": lambda name: {
        name: forms.MultipleChoiceField(
            label=PATIENT_FIELDS[name].label,
            required=False,
            choices=[(r, r) for r in OMB_RACES],
            widget=forms.CheckboxSelectMultiple,
        )
    },
    "address": lambda name: _grouped(name, _ADDRESS),
    "contact": lambda name: _grouped(name, _CONTACT),
    "text": _text,
}


def _field_for(name: str) -> dict[str, forms.Field]:
    return _BY_KIND[PATIENT_FIELDS[name].kind](name)


class PatientForm(forms.Form):
    """Inputs for ``allowed`` fields only: a hidden field has no input, no value, no label."""

    def __init__(
        self,
        *args: Any,
        allowed: Iterable[str],
        values: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = [name for name in PATIENT_FIELDS if name in set(allowed)]
        for name in self.allowed:
            self.fields.update(_field_for(name))
        for name, value in (values or {}).items():
            if isinstance(value, dict):
                for part, text in value.items():
                    self.initial[f"{name}__{part}"] = text
            elif name in self.fields:
                self.initial[name] = value

    def changes(self) -> dict[str, Any]:
        """The submitted values in the vault's shape (only fields that were offered)."""
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for name in self.allowed:
            kind = PATIENT_FIELDS[name].kind
            if kind in ("address", "contact"):
                parts = _ADDRESS if kind == "address" else _CONTACT
                result[name] = {
                    p: data.get(f"{name}__{p}") for p in parts if data.get(f"{name}__{p}")
                } or None
            elif kind == "date":
                result[name] = data[name].isoformat() if data.get(name) else None
            elif kind == "list":
                result[name] = data.get(name) or None
            else:
                result[name] = data.get(name) if data.get(name) not in ("",) else None
        return result

    def changed_only(self, before: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in self.changes().items() if before.get(name) != value}


class SearchForm(forms.Form):
    mrn = forms.CharField(label="MRN", required=False, max_length=40)
    phone = forms.CharField(label="Phone", required=False, max_length=30)
    email = forms.EmailField(label="Email", required=False)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DateInput)
    purpose = forms.ChoiceField(label="Purpose of use")

    def __init__(self, *args: Any, purposes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = purposes

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        family, born = cleaned.get("family_name"), cleaned.get("date_of_birth")
        if bool(family) != bool(born):
            self.add_error(
                "family_name" if not family else "date_of_birth",
                "Family name and date of birth are searched together.",
            )
        if not any(cleaned.get(k) for k in ("mrn", "phone", "email")) and not (family and born):
            raise forms.ValidationError(
                "Enter an MRN, a phone number, an email address, or a "
                "family name with a date of birth."
            )
        return cleaned

    def criteria(self) -> dict[str, Any]:
        data = self.cleaned_data
        born = data.get("date_of_birth")
        return {
            "mrn": data.get("mrn") or None,
            "phone": data.get("phone") or None,
            "email": data.get("email") or None,
            "family_name": data.get("family_name") or None,
            "date_of_birth": born.isoformat() if born else None,
        }


class BreakGlassForm(forms.Form):
    reason_code = forms.ChoiceField(label="Reason", choices=BreakGlassReason.choices)
    justification = forms.CharField(
        label="Justification",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text="What is happening and why normal access is not enough. The privacy officer "
        "reviews every emergency access.",
    )


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=[
            ("justified", "Justified"),
            ("not-justified", "Not justified (opens a corrective action)"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )
