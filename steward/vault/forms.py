from __future__ import annotations

from django import forms


class RetentionForm(forms.Form):
    years_after_last_activity = forms.IntegerField(
        label="Keep records for (years after last activity)",
        min_value=1,
        max_value=100,
        help_text="HIPAA asks for six years; state law may ask for more (minors often longer).",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and destroy"), ("reject", "Reject")], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
