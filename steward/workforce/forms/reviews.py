"""Forms of the access review pages."""

from __future__ import annotations

from django import forms

from steward.workforce.models import ReviewDecision


class CampaignForm(forms.Form):
    name = forms.CharField(
        max_length=160,
        required=False,
        help_text="Leave empty to name it after the quarter, e.g. “Access review Q1 2027”.",
    )
    deadline = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Undecided items are revoked after this day. Leave empty for the usual period.",
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            (ReviewDecision.APPROVE, "Approve: the access is still needed"),
            (ReviewDecision.REVOKE, "Revoke: end the membership now"),
            (ReviewDecision.ESCALATE, "Escalate to the compliance officer"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to revoke or escalate: say why.",
    )
