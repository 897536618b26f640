from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from steward.tenancy.roles import Role


class StewardAdminSite(admin.AdminSite):
    site_header = "Steward operations"
    site_title = "Steward operations"
    index_title = "Platform administration (no patient data here)"

    def has_permission(self, request: HttpRequest) -> bool:
        """Platform operators only, in a session that has passed MFA.

        The session policy middleware already holds sessions without MFA back;
        this check stands on its own so the admin is safe even without it.
        """
        from steward.accounts.mfa import session_passed_mfa

        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        membership = getattr(request, "membership", None)
        return (
            membership is not None
            and membership.role == Role.PLATFORM_OPERATOR
            and session_passed_mfa(request)
        )


class StewardAdminConfig(AdminConfig):
    """Django's admin, on a site that only MFA-verified platform operators can enter."""

    default_site = "steward.web.admin_site.StewardAdminSite"
