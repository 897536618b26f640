"""Users in the operator's admin. Deactivation goes through the service, so it is audited."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from steward.accounts.models import User
from steward.accounts.services import user_deactivate


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "date_joined", "last_login")
    list_filter = ("is_active",)
    search_fields = ("email", "full_name")
    readonly_fields = (
        "id",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
        "deactivated_at",
    )
    fields = (*readonly_fields[:2], "full_name", *readonly_fields[2:])
    actions = ("deactivate",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people are invited by their organisation

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail names them

    @admin.action(description="Deactivate and end their sessions")
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset.filter(is_active=True):
            user_deactivate(user=user, actor=request.user, reason="deactivated by operator")  # type: ignore[arg-type]
        messages.success(request, "The selected accounts are deactivated.")
