"""Forms of the policy pages: a policy, a new version, a worker's signature."""

from __future__ import annotations

from django import forms

from steward.workforce.forms.training import ROLE_CHOICES


class PolicyForm(forms.Form):
    title = forms.CharField(max_length=160)
    code = forms.SlugField(
        max_length=60,
        help_text="Short stable name shown in clearance reasons, e.g. code-of-conduct.",
    )
    required_for = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Required for",
        help_text="Workers in these roles must accept the current version.",
    )


class PolicyVersionForm(forms.Form):
    body = forms.CharField(
        max_length=40000,
        widget=forms.Textarea(attrs={"rows": 20}),
        label="Policy text",
        help_text="Markdown. Publishing asks every required worker to accept it again.",
    )
    summary = forms.CharField(
        max_length=300, required=False, help_text="What changed, shown to workers who sign."
    )


class AcceptForm(forms.Form):
    typed_name = forms.CharField(
        max_length=200, label="Type your full name to sign", help_text="As it appears on Steward."
    )
    agree = forms.BooleanField(
        label="I have read this policy and agree to follow it.",
        error_messages={"required": "Tick the box to confirm you read and agree."},
    )
