"""Organisations, agreements between them, teams, and who belongs where."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from steward.core.models import PublicIdModel
from steward.tenancy.roles import OrganizationKind, Role

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def default_business_hours() -> dict[str, list[list[str]]]:
    return {day: [["09:00", "17:00"]] for day in WEEKDAYS[:5]} | {"sat": [], "sun": []}


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known time zone (use e.g. America/New_York).")


def validate_business_hours(value: Any) -> None:
    """Business hours: weekday → list of [start, end] "HH:MM" pairs, start before end."""
    if not isinstance(value, dict) or set(value) - set(WEEKDAYS):
        raise ValidationError("Business hours must name weekdays mon…sun only.")
    for day, spans in value.items():
        if not isinstance(spans, list):
            raise ValidationError(f"Business hours for {day} must be a list of spans.")
        for span in spans:
            try:
                start, end = (dt.time.fromisoformat(part) for part in span)
            except (TypeError, ValueError):
                raise ValidationError(f"{day}: {span!r} is not a pair of HH:MM times.") from None
            if start >= end:
                raise ValidationError(f"{day}: opening time must be before closing time.")


class PatientMfaPolicy(models.TextChoices):
    REQUIRED = "required", "Required for every patient"
    OFFERED = "offered", "Strongly offered (patients may decline)"


class Organization(PublicIdModel):
    kind = models.CharField(max_length=32, choices=OrganizationKind.choices)
    legal_name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    business_hours = models.JSONField(
        default=default_business_hours, validators=[validate_business_hours]
    )
    idle_logoff_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Sign members out after this many idle minutes (1 to 60)."
    )
    patient_mfa = models.CharField(
        max_length=16, choices=PatientMfaPolicy.choices, default=PatientMfaPolicy.OFFERED
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ("short_name",)
        constraints = [
            models.CheckConstraint(
                condition=Q(idle_logoff_minutes__gte=1, idle_logoff_minutes__lte=60),
                name="tenancy_org_idle_logoff_1_to_60",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="tenancy_org_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def local_today(self) -> dt.date:
        return timezone.localdate(timezone=self.zone)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    TERMINATED = "terminated", "Terminated"
    EXPIRED = "expired", "Expired"


class AgreementQuerySet(models.QuerySet["BusinessAssociateAgreement"]):
    def involving(self, organization: Organization) -> AgreementQuerySet:
        """Agreements ``organization`` is a party to: the only way to list them."""
        return self.filter(
            Q(covered_entity=organization) | Q(business_associate=organization)
        ).select_related("covered_entity", "business_associate")


def agreement_upload_path(instance: BusinessAssociateAgreement, filename: str) -> str:
    # The stored name is the agreement's id: never the uploader's file name.
    return f"agreements/{instance.covered_entity_id}/{instance.pk}.pdf"


class BusinessAssociateAgreement(PublicIdModel):
    """A BAA between a covered entity (the tenant that owns it) and a BPO."""

    covered_entity = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements_as_covered_entity"
    )
    business_associate = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="agreements_as_associate"
    )
    status = models.CharField(
        max_length=16, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    signed_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField()
    terminates_on = models.DateField(
        null=True, blank=True, help_text="The agreement expires at the start of this day."
    )
    terminated_at = models.DateTimeField(null=True, blank=True)
    termination_reason = models.CharField(max_length=300, blank=True)
    document = models.FileField(upload_to=agreement_upload_path, null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects: ClassVar[AgreementQuerySet] = AgreementQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("-effective_on",)
        verbose_name = "business associate agreement"
        constraints = [
            models.UniqueConstraint(
                fields=["covered_entity", "business_associate"],
                condition=Q(status="active"),
                name="tenancy_one_active_baa_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(terminates_on__isnull=True)
                | Q(terminates_on__gt=models.F("effective_on")),
                name="tenancy_baa_terminates_after_effective",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="tenancy_baa_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"BAA {self.covered_entity} ↔ {self.business_associate}"

    def in_force(self, on: dt.date | None = None) -> bool:
        """Active and within its dates, judged in the covered entity's time zone."""
        if self.status != AgreementStatus.ACTIVE:
            return False
        today = on or self.covered_entity.local_today()
        return self.effective_on <= today and (
            self.terminates_on is None or today < self.terminates_on
        )

    @property
    def effective_status(self) -> str:
        """The status a reader should see: an active BAA past its end date is expired."""
        if self.status == AgreementStatus.ACTIVE:
            today = self.covered_entity.local_today()
            if self.terminates_on is not None and today >= self.terminates_on:
                return AgreementStatus.EXPIRED
            if today < self.effective_on:
                return "scheduled"
        return self.status


class TeamQuerySet(models.QuerySet["Team"]):
    def for_organization(self, organization: Organization) -> TeamQuerySet:
        return self.filter(organization=organization)


class Team(PublicIdModel):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_teams",
    )

    objects: ClassVar[TeamQuerySet] = TeamQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"], name="tenancy_team_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_organization(self, organization: Organization) -> MembershipQuerySet:
        return self.filter(organization=organization)

    def current(self, at: dt.datetime | None = None) -> MembershipQuerySet:
        """Memberships in force now: active, within their dates, of an active user."""
        moment = at or timezone.now()
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=moment),
            is_active=True,
            valid_from__lte=moment,
            user__is_active=True,
            organization__is_active=True,
        )


class Membership(PublicIdModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )
    valid_from = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)

    objects: ClassVar[MembershipQuerySet] = MembershipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ("organization__short_name", "user__full_name")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                condition=Q(is_active=True),
                name="tenancy_one_active_membership_per_org",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="tenancy_membership_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="tenancy_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"

    def is_current(self, at: dt.datetime | None = None) -> bool:
        moment = at or timezone.now()
        return (
            self.is_active
            and self.valid_from <= moment
            and (self.valid_until is None or moment < self.valid_until)
        )

    @property
    def status(self) -> str:
        if not self.is_active:
            return "ended"
        now = timezone.now()
        if now < self.valid_from:
            return "scheduled"
        if self.valid_until is not None and now >= self.valid_until:
            return "lapsed"
        return "current"
