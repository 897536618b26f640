"""The shell: dashboards per role with real figures, navigation, error pages, the admin."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from steward.tenancy.models import Membership
from steward.tenancy.roles import OrganizationKind, Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.personas import Tenant, with_mfa

ROLES = [
    "client_admin",
    "practitioner",
    "privacy_officer",
    "auditor",
    "patient",
    "bpo_admin",
    "supervisor",
    "vma",
    "trainer",
    "compliance_officer",
]


@pytest.mark.parametrize("persona", ROLES)
def test_every_role_has_a_dashboard(client: Client, tenant_a: Tenant, persona: str) -> None:
    user = getattr(tenant_a, persona)
    sign_in(client, user, mfa=persona != "patient")
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    membership = tenant_a.membership(user)
    assert membership.organization.short_name.encode() in response.content
    assert membership.get_role_display().encode() in response.content


def test_admin_dashboard_shows_figures_from_the_database(client: Client, tenant_a: Tenant) -> None:
    for _ in range(4):
        MembershipFactory(organization=tenant_a.bpo, role=Role.VMA)
    sign_in(client, tenant_a.bpo_admin)
    response = client.get(reverse("web:dashboard"))
    current = Membership.objects.current().filter(organization=tenant_a.bpo).count()
    assert response.context["figures"].members_total == current == 9
    assert f'data-testid="figure-members">{current}<'.encode() in response.content
    assert dict(response.context["figures"].members_by_role)["Virtual medical assistant"] == 5
    assert response.context["figures"].teams == 1
    assert b"<meter" in response.content


def test_supervisor_dashboard_lists_their_team(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.supervisor)
    response = client.get(reverse("web:dashboard"))
    assert f"Your team: {tenant_a.team.name}".encode() in response.content
    assert tenant_a.vma.full_name.encode() in response.content


def test_navigation_follows_the_role(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    labels = [item["label"] for item in client.get(reverse("web:dashboard")).context["navigation"]]
    assert labels == [
        "Dashboard",
        "My work",
        "Patients",
        "My compliance",
        "Scenarios",
        "Teams",
        "Purposes of use",
        "Service catalogue",
        "My account",
    ]
    sign_in(client, tenant_a.patient, mfa=False)
    labels = [item["label"] for item in client.get(reverse("web:dashboard")).context["navigation"]]
    assert labels == [
        "Dashboard",
        "My record",
        "Who looked at my record",
        "Requests & messages",
        "My privacy choices",
        "Our services",
        "My account",
    ]
    sign_in(client, tenant_a.client_admin)
    labels = [item["label"] for item in client.get(reverse("web:dashboard")).context["navigation"]]
    assert "Members" in labels
    assert "Agreements" in labels
    assert "Organisation settings" in labels


def test_not_found_page_uses_the_layout_and_reveals_nothing(
    client: Client, tenant_a: Tenant
) -> None:
    sign_in(client, tenant_a.vma)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b'class="topbar"' in response.content
    assert b"Traceback" not in response.content
    assert b"urlpatterns" not in response.content


def test_malformed_uuid_in_a_url_is_404(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.client_admin)
    assert client.get("/org/members/12345/").status_code == 404


def test_server_error_page_is_plain_and_safe(rf: object) -> None:
    from steward.web.views import server_error

    response = server_error(rf.get("/boom/"))  # type: ignore[attr-defined]
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


def test_api_404_is_json(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["reason"] == "not-found"


def test_oversized_bodies_are_refused_before_any_view(
    client: Client, tenant_a: Tenant, settings: object
) -> None:
    settings.STEWARD_MAX_REQUEST_BYTES = 1024 * 1024  # type: ignore[attr-defined]
    sign_in(client, tenant_a.client_admin)
    body = "x" * (1024 * 1024 + 10)
    response = client.post(reverse("tenancy:settings"), data=body, content_type="text/plain")
    assert response.status_code == 413
    assert b"larger than" in response.content
    api = client.post("/api/me", data=body, content_type="application/json")
    assert api.status_code == 413
    assert api.json()["reason"] == "request-too-large"


def test_expired_csrf_token_gets_a_friendly_page(tenant_a: Tenant) -> None:
    browser = Client(enforce_csrf_checks=True)
    sign_in(browser, tenant_a.client_admin)
    response = browser.post(reverse("tenancy:settings"), {"legal_name": "x"})
    assert response.status_code == 403
    assert b"Form expired" in response.content


class TestAdmin:
    def operator(self) -> object:
        platform = OrganizationFactory(kind=OrganizationKind.PLATFORM)
        user = with_mfa(UserFactory(is_staff=True, is_superuser=True))
        MembershipFactory(user=user, organization=platform, role=Role.PLATFORM_OPERATOR)
        return user

    def test_operator_with_mfa_enters_the_admin(self, client: Client) -> None:
        sign_in(client, self.operator())
        assert client.get(reverse("admin:index")).status_code == 200

    def test_operator_session_without_mfa_is_held_back(self, client: Client) -> None:
        sign_in(client, self.operator(), mfa=False)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "reauthenticate" in response.url

    def test_superuser_flag_alone_is_not_enough(self, client: Client, tenant_a: Tenant) -> None:
        user = tenant_a.client_admin
        user.is_staff = user.is_superuser = True
        user.save()
        sign_in(client, user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "login" in response.url

    def test_other_roles_never_reach_the_admin(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.client_admin)
        assert client.get(reverse("admin:index")).status_code == 302

    def test_operator_creates_an_organisation_through_the_service(
        self, client: Client, security_events: list
    ) -> None:
        sign_in(client, self.operator())
        response = client.post(
            reverse("admin:tenancy_organization_add"),
            {
                "kind": OrganizationKind.COVERED_ENTITY,
                "legal_name": "Harbor Clinic, LLC",
                "short_name": "Harbor Clinic",
                "time_zone": "America/Denver",
            },
        )
        assert response.status_code == 302
        assert security_events[-1].action == "organization.created"


def test_signed_in_pages_are_never_cached(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.vma)
    response = client.get(reverse("web:dashboard"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
