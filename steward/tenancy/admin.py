"""The operator's admin for organisations. Changes go through services so they are audited;
everything else is read-only here and managed in the organisation's own pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from steward.accounts.invitations import invitation_link_builder
from steward.core.admin import ReadOnlyAdmin
from steward.tenancy import services
from steward.tenancy.models import BusinessAssociateAgreement, Membership, Organization, Team


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "short_name",
        "legal_name",
        "kind",
        "time_zone",
        "idle_logoff_minutes",
        "is_active",
    )
    list_filter = ("kind", "is_active")
    search_fields = ("legal_name", "short_name")
    fields = ("kind", "legal_name", "short_name", "time_zone")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # Settings of an existing organisation are its administrators' to change.
        return self.fields if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Organization, form: Any, change: bool) -> None:
        if change:
            return
        created = services.organization_create(
            kind=obj.kind,
            legal_name=obj.legal_name,
            short_name=obj.short_name,
            time_zone=obj.time_zone,
            actor=request.user,  # type: ignore[arg-type]
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Operators add an organisation's first administrator here; the rest is the org's job."""

    list_display = (
        "user",
        "organization",
        "role",
        "team",
        "valid_from",
        "valid_until",
        "is_active",
    )
    list_filter = ("role", "is_active", "organization")
    search_fields = ("user__email", "user__full_name")
    fields = ("organization", "role", "invitee_email", "invitee_name")
    raw_id_fields = ()

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        from django import forms

        class InviteForm(forms.ModelForm):
            invitee_email = forms.EmailField(label="Email address")
            invitee_name = forms.CharField(label="Full name", max_length=150)

            class Meta:
                model = Membership
                fields = ("organization", "role")

        kwargs["form"] = InviteForm
        kwargs["fields"] = None
        return super().get_form(request, obj, change, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        created = services.membership_invite(
            organization=obj.organization,
            role=obj.role,
            email=form.cleaned_data["invitee_email"],
            full_name=form.cleaned_data["invitee_name"],
            actor=request.user,  # type: ignore[arg-type]
            invitation_url=invitation_link_builder(request),
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ("name", "organization", "supervisor")
    list_filter = ("organization",)


@admin.register(BusinessAssociateAgreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = (
        "covered_entity",
        "business_associate",
        "status",
        "effective_on",
        "terminates_on",
    )
    list_filter = ("status",)
    exclude = ("document",)
