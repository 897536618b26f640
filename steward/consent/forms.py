"""Forms for notices, the practice's consent policy, and recording patients' choices."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from steward.consent.models import (
    NOTICE_SECTIONS,
    AcknowledgmentOutcome,
    ConsentMethod,
    Decision,
    Provision,
    RecordedAs,
)
from steward.consent.outbound import CHANNELS, KINDS
from steward.vault.fields import Category

STAFF_METHODS = [(m.value, m.label) for m in ConsentMethod if m != ConsentMethod.PORTAL]
STAFF_RECORDED_AS = [(r.value, r.label) for r in RecordedAs if r != RecordedAs.PATIENT]


class NoticeForm(forms.Form):
    summary = forms.CharField(
        max_length=500, label="What changed", help_text="One sentence patients will read first."
    )
    material = forms.BooleanField(
        required=False,
        label="This is a material change",
        help_text="Patients who consented under an earlier version are asked again; their "
        "consents stop counting after the grace period.",
    )
    grace_days = forms.IntegerField(
        min_value=0,
        max_value=365,
        label="Grace period (days)",
        help_text="For a material change: how long earlier consents stay in force.",
    )
    contact_name = forms.CharField(max_length=200, label="Privacy contact")
    contact_email = forms.EmailField(label="Privacy contact email")
    contact_phone = forms.CharField(max_length=40, label="Privacy contact phone")
    contact_address = forms.CharField(max_length=300, label="Privacy contact postal address")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grace_days"].initial = settings.STEWARD_RECONSENT_GRACE_DAYS
        for key, title in NOTICE_SECTIONS:
            self.fields[key] = forms.CharField(
                label=title, max_length=8000, widget=forms.Textarea(attrs={"rows": 4})
            )

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data[key] for key, _title in NOTICE_SECTIONS}

    def contact(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[key]
            for key in ("contact_name", "contact_email", "contact_phone", "contact_address")
        }


class PolicyForm(forms.Form):
    consent_required = forms.BooleanField(
        required=False,
        label="Requires the patient's explicit consent",
        help_text="Without an active consent the gate refuses this purpose for the patient.",
    )
    data_categories = forms.MultipleChoiceField(
        choices=[(c.value, c.value.replace("-", " ").capitalize()) for c in Category],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Data categories it covers",
    )
    plain_language = forms.CharField(
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Plain-language description",
        help_text="What patients read in the portal and on their consent receipts.",
    )
    consent_valid_days = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=3650,
        label="Consent lasts (days)",
        help_text="Leave empty for consent that lasts until withdrawn.",
    )


class StaffChoiceForm(forms.Form):
    """A choice given on paper or by telephone, recorded by staff."""

    purpose = forms.ChoiceField(label="Purpose")
    provision = forms.ChoiceField(
        choices=Provision.choices, initial=Provision.CONSENT, label="Kind"
    )
    decision = forms.ChoiceField(
        choices=Decision.choices,
        label="Answer",
        help_text="For a restriction: “Granted” means the practice agreed to it; “Withdrawn” "
        "lifts it.",
    )
    method = forms.ChoiceField(choices=STAFF_METHODS, label="How it was given")
    recorded_as = forms.ChoiceField(choices=STAFF_RECORDED_AS, label="Given by")
    representative_name = forms.CharField(
        max_length=200, required=False, label="Representative's name"
    )
    representative_authority = forms.CharField(
        max_length=300,
        required=False,
        label="Representative's authority",
        help_text="E.g. parent of a minor, health care power of attorney, legal guardian.",
    )
    attestation = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Attestation",
        help_text="For a verbal answer: what was said, by whom, when. You are recorded as "
        "attesting it.",
    )
    evidence_reference = forms.CharField(
        max_length=200,
        required=False,
        label="Where the signed form is filed",
        help_text="For a paper form: the document system's reference.",
    )

    def __init__(
        self, *args: Any, purposes: list[tuple[str, str]], may_restrict: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = purposes  # type: ignore[attr-defined]
        if not may_restrict:
            self.fields["provision"].choices = [  # type: ignore[attr-defined]
                (Provision.CONSENT, Provision.CONSENT.label)
            ]


class AcknowledgmentForm(forms.Form):
    outcome = forms.ChoiceField(choices=AcknowledgmentOutcome.choices, label="Outcome")
    method = forms.ChoiceField(choices=STAFF_METHODS, label="How")
    effort = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Good-faith effort",
        help_text="If no acknowledgment: what was tried and why it was not obtained.",
    )


class ReminderForm(forms.Form):
    channel = forms.ChoiceField(
        choices=[(c, "SMS" if c == "sms" else "Email") for c in CHANNELS], label="Channel"
    )
    kind = forms.ChoiceField(choices=list(KINDS.items()), label="About")
    when = forms.DateTimeField(
        label="Appointment time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class PortalChoiceForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
