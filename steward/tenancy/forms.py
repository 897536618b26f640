from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings

from steward.tenancy.models import WEEKDAYS, Organization, PatientMfaPolicy, Team
from steward.tenancy.roles import ROLES_BY_KIND, Role
from steward.tenancy.selectors import business_associates, supervisors_of

DAY_LABELS = dict(
    zip(
        WEEKDAYS,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)


def _role_choices(organization: Organization) -> list[tuple[str, str]]:
    allowed = ROLES_BY_KIND[organization.kind]
    return [(value, label) for value, label in Role.choices if value in allowed]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error otherwise
    return field


class DateInput(forms.DateInput):
    input_type = "date"


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    role = forms.ChoiceField(label="Role", required=False)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any"), ("current", "Current"), ("ended", "Ended")],
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "role").choices = [("", "Any role"), *_role_choices(organization)]


class MemberInviteForm(forms.Form):
    full_name = forms.CharField(label="Full name", max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField(label="Role")
    team = forms.ModelChoiceField(
        label="Team", queryset=Team.objects.none(), required=False, empty_label="No team"
    )
    valid_until = forms.DateField(
        label="Access ends on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for open-ended access. Access ends at the start of this day.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        _choice_field(self, "role").choices = _role_choices(organization)
        self.fields["team"].queryset = Team.objects.for_organization(organization)  # type: ignore[attr-defined]

    def clean_valid_until(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("valid_until")
        if value is not None and value <= self.organization.local_today():
            raise forms.ValidationError("Choose a date after today.")
        return value

    def valid_until_moment(self) -> dt.datetime | None:
        value = self.cleaned_data.get("valid_until")
        if value is None:
            return None
        return dt.datetime.combine(value, dt.time.min, tzinfo=self.organization.zone)


class MemberChangeForm(MemberInviteForm):
    """The same fields as the invitation, without the person's identity."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["full_name"]
        del self.fields["email"]


class EndMembershipForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(label="Description", max_length=300, required=False)
    supervisor = forms.ModelChoiceField(
        label="Supervisor",
        queryset=Team.objects.none(),
        required=False,
        empty_label="No supervisor yet",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors_of(organization)  # type: ignore[attr-defined]


class AgreementForm(forms.Form):
    business_associate = forms.ModelChoiceField(
        label="Business associate", queryset=Organization.objects.none()
    )
    effective_on = forms.DateField(label="Effective from", widget=DateInput)
    terminates_on = forms.DateField(
        label="Ends on",
        required=False,
        widget=DateInput,
        help_text="Leave empty for an agreement without an end date.",
    )
    signed_on = forms.DateField(label="Signed on", required=False, widget=DateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["business_associate"].queryset = business_associates()  # type: ignore[attr-defined]


class AgreementDocumentForm(forms.Form):
    document = forms.FileField(
        label="Signed agreement (PDF)",
        help_text=f"PDF, at most {settings.STEWARD_MAX_DOCUMENT_BYTES // (1024 * 1024)} MB.",
    )


class TerminateAgreementForm(forms.Form):
    reason = forms.CharField(
        label="Reason", max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


def _parse_hours(text: str) -> list[list[str]]:
    """'09:00-12:30, 13:30-17:00' → [["09:00","12:30"],["13:30","17:00"]]; empty is closed."""
    spans = []
    for part in (p.strip() for p in text.split(",")):
        if not part or part.lower() == "closed":
            continue
        pieces = [p.strip() for p in part.split("-")]
        if len(pieces) != 2:
            raise forms.ValidationError(f"“{part}” is not a range like 09:00-17:00.")
        try:
            start, end = (dt.time.fromisoformat(p) for p in pieces)
        except ValueError:
            raise forms.ValidationError(f"“{part}” has a time that is not HH:MM.") from None
        if start >= end:
            raise forms.ValidationError(f"In “{part}” the start must be before the end.")
        spans.append([start.strftime("%H:%M"), end.strftime("%H:%M")])
    return spans


class OrganizationSettingsForm(forms.Form):
    legal_name = forms.CharField(label="Legal name", max_length=200)
    short_name = forms.CharField(label="Short name", max_length=60)
    time_zone = forms.ChoiceField(label="Time zone")
    idle_logoff_minutes = forms.IntegerField(
        label="Idle sign-out after (minutes)",
        min_value=1,
        max_value=settings.STEWARD_IDLE_LOGOFF_MAX_MINUTES,
        help_text=f"Between 1 and {settings.STEWARD_IDLE_LOGOFF_MAX_MINUTES} minutes.",
    )
    patient_mfa = forms.ChoiceField(
        label="Two-factor sign-in for patients", choices=PatientMfaPolicy.choices
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        _choice_field(self, "time_zone").choices = [
            (z, z) for z in sorted(zoneinfo.available_timezones())
        ]
        for day in WEEKDAYS:
            spans = organization.business_hours.get(day, [])
            self.fields[f"hours_{day}"] = forms.CharField(
                label=DAY_LABELS[day],
                required=False,
                max_length=100,
                initial=", ".join(f"{a}-{b}" for a, b in spans),
                help_text="e.g. 09:00-17:00; empty means closed" if day == "mon" else "",
            )
        if organization.kind != "covered-entity":
            del self.fields["patient_mfa"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours = {}
        for day in WEEKDAYS:
            try:
                hours[day] = _parse_hours(cleaned.get(f"hours_{day}", "") or "")
            except forms.ValidationError as exc:
                self.add_error(f"hours_{day}", exc)
        cleaned["business_hours"] = hours
        return cleaned

    def changes(self) -> dict[str, Any]:
        keys = ["legal_name", "short_name", "time_zone", "idle_logoff_minutes", "business_hours"]
        if "patient_mfa" in self.fields:
            keys.append("patient_mfa")
        return {key: self.cleaned_data[key] for key in keys}
