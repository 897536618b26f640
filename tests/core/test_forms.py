"""``submit``: a service's refusal lands on the form, and an invalid form never calls it."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from steward.core.forms import submit

pytestmark = pytest.mark.no_db


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


def test_a_valid_form_returns_what_the_service_returned() -> None:
    assert submit(NameForm({"name": "Ana"}), lambda f: f.cleaned_data["name"].upper()) == "ANA"


def test_a_service_refusal_is_shown_on_its_field() -> None:
    form = NameForm({"name": "Ana"})

    def refuse(_form: NameForm) -> str:
        raise ValidationError({"name": "Taken."})

    assert submit(form, refuse) is None
    assert form.errors["name"] == ["Taken."]


def test_an_invalid_or_unbound_form_never_reaches_the_service() -> None:
    called: list[bool] = []
    assert submit(NameForm({"name": ""}), lambda f: called.append(True)) is None
    assert submit(NameForm(None), lambda f: called.append(True)) is None
    assert called == []
