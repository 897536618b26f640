"""Forms of the checklist pages."""

from __future__ import annotations

from django import forms

from steward.workforce.models import ChecklistKind


class ChecklistFilterForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *ChecklistKind.choices], required=False, label="Kind"
    )
    state = forms.ChoiceField(
        choices=[("", "Any state"), ("open", "Open"), ("complete", "Complete")],
        required=False,
        label="State",
    )


class TickForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Note")


class OffboardForm(forms.Form):
    reason = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason",
        help_text="Recorded on the membership and in the audit trail.",
    )
