"""Forms for editing the draft catalogue."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.catalog.models import Channel, Priority


class ServiceForm(forms.Form):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In plain language: what patients and staff can expect.",
    )
    does = forms.CharField(
        max_length=4000,
        label="What assistants do",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line.",
    )
    does_not = forms.CharField(
        max_length=4000,
        label="What assistants never do",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One item per line, e.g. “Give medical advice: clinical questions go to a "
        "clinician.”",
    )
    hours = forms.CharField(
        max_length=200, help_text="E.g. Monday to Friday, 08:00 to 18:00 practice time."
    )
    languages = forms.CharField(
        max_length=300, help_text="Separated by commas, e.g. English, Spanish, Tagalog."
    )
    escalation = forms.CharField(
        max_length=2000,
        label="Escalation path",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who takes over when the assistant cannot help, and how fast.",
    )

    def clean_languages(self) -> list[str]:
        names = [part.strip() for part in self.cleaned_data["languages"].split(",")]
        return list(dict.fromkeys(name for name in names if name))


class TargetForm(forms.Form):
    channel = forms.ChoiceField(choices=Channel.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    first_response_minutes = forms.IntegerField(
        min_value=1, max_value=60 * 24 * 30, label="First response (minutes)"
    )
    resolution_minutes = forms.IntegerField(
        min_value=1, max_value=60 * 24 * 90, label="Resolution (minutes)"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, resolution = data.get("first_response_minutes"), data.get("resolution_minutes")
        if first and resolution and resolution < first:
            self.add_error(
                "resolution_minutes", "Resolution cannot come before the first response."
            )
        return data


TargetFormSet = forms.formset_factory(TargetForm, extra=2, can_delete=True, max_num=32)


class PublishForm(forms.Form):
    summary = forms.CharField(
        max_length=500, label="What changed", help_text="One sentence, shown with the version."
    )
