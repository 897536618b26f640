from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from steward.audit.models import Outcome
from steward.audit.selectors import AuditFilter
from steward.tenancy.models import Organization


class DateInput(forms.DateInput):
    input_type = "date"


class AuditSearchForm(forms.Form):
    patient = forms.UUIDField(label="Patient id", required=False)
    actor = forms.EmailField(label="Actor (email)", required=False)
    event = forms.ChoiceField(label="Event", required=False)
    outcome = forms.ChoiceField(
        label="Outcome", required=False, choices=[("", "Any"), *Outcome.choices]
    )
    since = forms.DateField(label="From", required=False, widget=DateInput)
    until = forms.DateField(label="To (inclusive)", required=False, widget=DateInput)
    break_glass = forms.ChoiceField(
        label="Break-glass",
        required=False,
        choices=[("", "Any"), ("yes", "Only break-glass"), ("no", "Exclude break-glass")],
    )

    def __init__(
        self, *args: Any, organization: Organization, event_names: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        field = self.fields["event"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("", "Any"), *((name, name) for name in event_names)]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end date is before the start date.")
        return cleaned

    def criteria(self) -> AuditFilter:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        zone = self.organization.zone

        def start_of(day: dt.date | None) -> dt.datetime | None:
            return dt.datetime.combine(day, dt.time.min, tzinfo=zone) if day else None

        until = data.get("until")
        return AuditFilter(
            patient_id=data.get("patient"),
            actor_email=data.get("actor") or "",
            event=data.get("event") or "",
            outcome=data.get("outcome") or "",
            since=start_of(data.get("since")),
            until=start_of(until + dt.timedelta(days=1)) if until else None,
            break_glass={"yes": True, "no": False}.get(data.get("break_glass") or ""),
        )
