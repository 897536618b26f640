"""Forms of the screening pages."""

from __future__ import annotations

from typing import Any

from django import forms

from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Role
from steward.workforce.models import Adjudication, ScreeningKind, ScreeningStatus
from steward.workforce.models.base import WORKFORCE_ROLES
from steward.workforce.services.screening import EVIDENCE_MAX_BYTES, MAX_RESCREEN_MONTHS


class DateInput(forms.DateInput):
    input_type = "date"


ROLE_CHOICES = [(role.value, role.label) for role in Role if role.value in WORKFORCE_ROLES]


class ScreeningFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *ScreeningKind.choices], required=False, label="Kind"
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ScreeningStatus.choices], required=False, label="Status"
    )
    review = forms.BooleanField(required=False, label="Needs adjudication")
    q = forms.CharField(required=False, max_length=100, label="Worker name contains")


class ScreeningRequirementForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Choose the kind of check"), *ScreeningKind.choices],
        label="Kind of check",
        help_text="A kind that is already required has its rule replaced by this one.",
    )
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, label="Required for"
    )
    rescreen_months = forms.IntegerField(
        min_value=0,
        max_value=MAX_RESCREEN_MONTHS,
        initial=12,
        label="Re-screen every (months)",
        help_text="0: a clear result never lapses.",
    )


class ScreeningCheckForm(forms.Form):
    worker = forms.ChoiceField(label="Worker")
    kind = forms.ChoiceField(choices=ScreeningKind.choices, label="Kind of check")
    vendor = forms.CharField(max_length=120, label="Screening vendor")
    vendor_reference = forms.CharField(max_length=120, required=False, label="Vendor's reference")
    invited_on = forms.DateField(widget=DateInput, label="Invited on")

    def __init__(self, *args: Any, tenant: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            Membership.objects.current()
            .filter(organization=tenant)
            .select_related("user")
            .order_by("user__full_name")
        )
        self.fields["worker"].choices = [  # type: ignore[attr-defined]
            ("", "Choose a worker"),
            *((str(m.user_id), f"{m.user.full_name} ({m.get_role_display()})") for m in people),
        ]


class ScreeningStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ScreeningStatus.choices, label="Status")
    completed_on = forms.DateField(
        widget=DateInput,
        required=False,
        label="Completed on",
        help_text="Needed for a result (clear, consider, adverse).",
    )


class AdjudicationForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[c for c in Adjudication.choices if c[0]],
        widget=forms.RadioSelect,
        label="Decision",
    )
    note = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Reasons",
        help_text="What was weighed (relevance to the job, time passed, the worker's account).",
    )


class EvidenceForm(forms.Form):
    upload = forms.FileField(
        label="Evidence file",
        help_text=f"PDF, PNG or JPEG, at most {EVIDENCE_MAX_BYTES // (1024 * 1024)} MB.",
    )
