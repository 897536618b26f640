"""Forms of the work pages."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.work.models import Channel, Priority, TaskStatus
from steward.work.services import ESCALATION_REASONS, ESCALATION_TARGETS

LANGUAGES = ["", "English", "Spanish", "Tagalog", "Vietnamese", "Chinese", "Arabic", "Korean"]


class TaskForm(forms.Form):
    task_type = forms.ChoiceField(label="Task")
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(choices=Channel.choices, initial=Channel.PHONE)
    language = forms.ChoiceField(
        choices=[(name, name or "Any (English)") for name in LANGUAGES],
        required=False,
        help_text="Route to an assistant who speaks it.",
    )
    message = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Note for the assistant",
        help_text="Stored encrypted with the patient's record; no clinical instructions.",
    )

    def __init__(self, *args: Any, task_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task_type"].choices = task_types  # type: ignore[attr-defined]


class PortalRequestForm(forms.Form):
    task_type = forms.ChoiceField(label="What do you need?")
    message = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your message",
        help_text="For a medical emergency call 911. Questions about symptoms or medicines go "
        "to your care team.",
    )

    def __init__(self, *args: Any, task_types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task_type"].choices = task_types  # type: ignore[attr-defined]


class MessageForm(forms.Form):
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Reply")


class StepForm(forms.Form):
    step = forms.SlugField(max_length=60)
    skipped = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=300, required=False)


class WaitForm(forms.Form):
    on = forms.ChoiceField(
        choices=[
            (TaskStatus.WAITING_PATIENT, "Waiting on the patient (clock pauses)"),
            (TaskStatus.WAITING_CLINIC, "Waiting on the clinic"),
        ]
    )


class EscalateForm(forms.Form):
    to = forms.ChoiceField(
        choices=[(key, key.title()) for key in ESCALATION_TARGETS], label="Escalate to"
    )
    reason = forms.ChoiceField(choices=list(ESCALATION_REASONS.items()))


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=300)


class ReassignForm(forms.Form):
    worker = forms.UUIDField()


def parse_protocol(text: str) -> list[dict[str, object]]:
    """One step per line: ``key | title | script | required`` (the last part ``yes``/``no``)."""
    steps: list[dict[str, object]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4 or not parts[0] or not parts[1]:
            raise forms.ValidationError(f"Line {number}: write key | title | script | yes/no.")
        key, title, script, required = parts
        if not key.replace("-", "").isalnum() or key != key.lower():
            raise forms.ValidationError(f"Line {number}: the key is lowercase letters, digits, -.")
        if key in seen:
            raise forms.ValidationError(f"Line {number}: the key {key!r} is used twice.")
        if required.lower() not in ("yes", "no"):
            raise forms.ValidationError(f"Line {number}: say yes or no for required.")
        seen.add(key)
        steps.append(
            {"key": key, "title": title, "script": script, "required": required.lower() == "yes"}
        )
    if not steps:
        raise forms.ValidationError("A protocol has at least one step.")
    return steps


def protocol_text(steps: list[dict[str, object]]) -> str:
    lines = []
    for step in steps:
        required = "yes" if step.get("required") else "no"
        lines.append(f"{step['key']} | {step['title']} | {step.get('script', '')} | {required}")
    return "\n".join(lines)


class TaskTypeForm(forms.Form):
    name = forms.CharField(max_length=120)
    code = forms.SlugField(max_length=60, help_text="A short id, e.g. appointment-request.")
    service = forms.ChoiceField(label="Catalogue service", help_text="Its commitments set the SLA.")
    purpose = forms.ChoiceField(label="Purpose of use", help_text="What the assistant may see.")
    team = forms.ChoiceField(label="Vendor team", required=False)
    skill = forms.SlugField(max_length=40, required=False, help_text="Empty: any assistant.")
    default_priority = forms.ChoiceField(choices=Priority.choices)
    default_channel = forms.ChoiceField(choices=Channel.choices)
    fallback_first_response_minutes = forms.IntegerField(min_value=1, max_value=60 * 24 * 30)
    fallback_resolution_minutes = forms.IntegerField(min_value=1, max_value=60 * 24 * 90)
    patient_requestable = forms.BooleanField(required=False, label="Patients may ask for it")
    is_active = forms.BooleanField(required=False, initial=True, label="Offered")
    protocol = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One step per line: key | title | script | required (yes/no).",
    )

    def __init__(
        self,
        *args: Any,
        services: list[str],
        purposes: list[tuple[str, str]],
        teams: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s, s) for s in services]  # type: ignore[attr-defined]
        self.fields["purpose"].choices = purposes  # type: ignore[attr-defined]
        self.fields["team"].choices = [("", "No team yet"), *teams]  # type: ignore[attr-defined]

    def clean_protocol(self) -> list[dict[str, object]]:
        return parse_protocol(self.cleaned_data["protocol"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first = data.get("fallback_first_response_minutes")
        resolution = data.get("fallback_resolution_minutes")
        if first and resolution and resolution < first:
            self.add_error("fallback_resolution_minutes", "Resolution cannot come first.")
        return data


class ProfileForm(forms.Form):
    languages = forms.CharField(max_length=300, required=False, help_text="Separated by commas.")
    skills = forms.CharField(max_length=300, required=False, help_text="Separated by commas.")
    max_open_tasks = forms.IntegerField(min_value=1, max_value=50, label="Tasks at once")

    @staticmethod
    def _list(value: str) -> list[str]:
        return list(dict.fromkeys(p.strip() for p in value.split(",") if p.strip()))

    def clean_languages(self) -> list[str]:
        return self._list(self.cleaned_data["languages"])

    def clean_skills(self) -> list[str]:
        return [s.lower() for s in self._list(self.cleaned_data["skills"])]
