"""Steward's URLs. Each app owns its own; allauth provides sign-in, MFA and sessions."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from steward.api.api import api

urlpatterns = [
    path("", include("steward.web.urls")),
    path("org/", include("steward.tenancy.urls")),
    path("audit/", include("steward.audit.urls")),
    path("records/", include("steward.vault.urls")),
    path("patients/", include("steward.access.urls")),
    path("portal/privacy/", include("steward.consent.portal_urls")),
    path("portal/services/", include("steward.catalog.portal_urls")),
    path("portal/requests/", include("steward.work.portal_urls")),
    path("portal/", include("steward.access.portal_urls")),
    path("consent/", include("steward.consent.urls")),
    path("services/", include("steward.catalog.urls")),
    path("work/", include("steward.work.urls")),
    path("workforce/", include("steward.workforce.urls")),
    path("accounts/", include("steward.accounts.urls")),
    # Sign-in addresses are managed by each organisation's administrator, so
    # allauth's self-service email page is replaced by the account page.
    path("accounts/email/", RedirectView.as_view(pattern_name="web:account"), name="account_email"),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("ops/admin/", admin.site.urls),
]

handler400 = "steward.web.views.bad_request"
handler403 = "steward.web.views.permission_denied"
handler404 = "steward.web.views.page_not_found"
handler500 = "steward.web.views.server_error"
