"""Organisation pages through HTTP: permissions, tenant isolation, inline errors, bad input."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from steward.tenancy.middleware import ACTIVE_MEMBERSHIP_KEY
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Membership, Team
from steward.tenancy.roles import Role
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant
from tests.tenancy.test_services import PDF


def member_url(membership: Membership) -> str:
    return reverse("tenancy:member-detail", args=[membership.pk])


class TestIsolation:
    def test_outsider_gets_404_for_another_tenants_member(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        response = client.get(member_url(tenant_b.membership(tenant_b.practitioner)))
        assert response.status_code == 404
        # The same answer as for an id that exists nowhere.
        missing = client.get(reverse("tenancy:member-detail", args=[uuid.uuid4()]))
        assert missing.status_code == 404
        assert response.content.count(b"not yours") == missing.content.count(b"not yours") == 1

    def test_outsider_cannot_end_another_tenants_membership(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        target = tenant_b.membership(tenant_b.practitioner)
        sign_in(client, tenant_a.client_admin)
        response = client.post(member_url(target), {"action": "end", "reason": "x"})
        assert response.status_code == 404
        target.refresh_from_db()
        assert target.is_active

    @pytest.mark.parametrize(
        "url_name",
        ["tenancy:team-detail", "tenancy:agreement-detail", "tenancy:agreement-document"],
    )
    def test_other_tenants_teams_and_agreements_are_404(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant, url_name: str
    ) -> None:
        sign_in(client, tenant_a.bpo_admin)
        target = tenant_b.team if "team" in url_name else tenant_b.agreement
        assert client.get(reverse(url_name, args=[target.pk])).status_code == 404

    def test_switching_to_an_organisation_without_membership_is_refused(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant, security_events: list
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        client.get(reverse("web:dashboard"))
        response = client.post(
            reverse("tenancy:switch"), {"organization": str(tenant_b.practice.pk)}
        )
        assert response.status_code == 403
        assert b"no current membership in that organisation" in response.content
        assert security_events[-1].outcome == "denied"
        dashboard = client.get(reverse("web:dashboard"))
        assert dashboard.context["organization"] == tenant_a.practice
        assert tenant_b.practice.short_name.encode() not in dashboard.content

    @pytest.mark.parametrize(
        "value", ["", "not-a-uuid", "00000000-0000-4000-8000-000000000000", "'; DROP TABLE"]
    )
    def test_switch_with_bad_or_unknown_ids_is_refused_the_same_way(
        self, client: Client, tenant_a: Tenant, value: str
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        response = client.post(reverse("tenancy:switch"), {"organization": value})
        assert response.status_code == 403

    def test_person_with_two_memberships_switches_and_header_follows(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        MembershipFactory(user=tenant_a.auditor, organization=tenant_b.practice, role=Role.AUDITOR)
        sign_in(client, tenant_a.auditor)
        first = client.get(reverse("web:dashboard"))
        assert b'data-testid="active-organization">Practice A<' in first.content
        response = client.post(
            reverse("tenancy:switch"), {"organization": str(tenant_b.practice.pk)}
        )
        assert response.status_code == 302
        second = client.get(reverse("web:dashboard"))
        assert b'data-testid="active-organization">Practice B<' in second.content

    def test_ended_active_membership_falls_back_to_another(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        other = MembershipFactory(
            user=tenant_a.auditor, organization=tenant_b.practice, role=Role.AUDITOR
        )
        sign_in(client, tenant_a.auditor)
        session = client.session
        session[ACTIVE_MEMBERSHIP_KEY] = str(other.pk)
        session.save()
        other.is_active = False
        other.save()
        response = client.get(reverse("web:dashboard"))
        assert response.context["organization"] == tenant_a.practice

    def test_member_without_any_current_membership_sees_no_access(self, client: Client) -> None:
        user = UserFactory()
        sign_in(client, user)
        response = client.get(reverse("web:dashboard"))
        assert response.status_code == 302
        assert response.url == reverse("web:no-access")
        assert client.get(reverse("web:no-access")).status_code == 403


class TestMembers:
    def test_admin_lists_filters_and_pages_members(self, client: Client, tenant_a: Tenant) -> None:
        for _ in range(30):
            MembershipFactory(organization=tenant_a.bpo, role=Role.VMA)
        sign_in(client, tenant_a.bpo_admin)
        page_one = client.get(reverse("tenancy:member-list"))
        assert page_one.status_code == 200
        assert page_one.context["page"].paginator.count == 35
        page_two = client.get(reverse("tenancy:member-list"), {"page": 2})
        assert len(page_two.context["page"].object_list) == 10
        vmas = client.get(reverse("tenancy:member-list"), {"role": Role.VMA, "page": "zzz"})
        assert vmas.context["page"].paginator.count == 31
        search = client.get(reverse("tenancy:member-list"), {"q": "supervisor"})
        assert [m.user for m in search.context["page"]] == [tenant_a.supervisor]

    def test_list_query_count_does_not_grow_with_members(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        sign_in(client, tenant_a.bpo_admin)
        client.get(reverse("tenancy:member-list"))  # first request records the session
        counts = []
        for _ in range(2):
            for _ in range(20):
                MembershipFactory(organization=tenant_a.bpo, role=Role.VMA)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse("tenancy:member-list")).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1] <= 15

    def test_bad_filter_values_are_ignored_not_errors(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.get(reverse("tenancy:member-list"), {"role": "emperor", "status": "?"})
        assert response.status_code == 200

    def test_vma_cannot_see_the_member_list(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.vma)
        response = client.get(reverse("tenancy:member-list"))
        assert response.status_code == 403
        assert b"cannot see the organisation" in response.content

    def test_invite_through_the_page(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.post(
            reverse("tenancy:member-invite"),
            {
                "full_name": "Ana Reyes",
                "email": "ana@example.test",
                "role": Role.VMA,
                "team": str(tenant_a.team.pk),
            },
        )
        assert response.status_code == 302
        created = Membership.objects.get(user__email="ana@example.test")
        assert created.organization == tenant_a.bpo
        assert created.team == tenant_a.team

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"full_name": "A", "email": "not-an-email", "role": Role.VMA}, "email"),
            ({"full_name": "A", "email": "a@example.test", "role": Role.CLIENT_ADMIN}, "role"),
            ({"full_name": "", "email": "a@example.test", "role": Role.VMA}, "full_name"),
            (
                {
                    "full_name": "A",
                    "email": "a@example.test",
                    "role": Role.VMA,
                    "valid_until": "2001-01-01",
                },
                "valid_until",
            ),
            (
                {
                    "full_name": "A",
                    "email": "a@example.test",
                    "role": Role.VMA,
                    "team": str(uuid.uuid4()),
                },
                "team",
            ),
        ],
    )
    def test_invite_errors_are_shown_inline(
        self, client: Client, tenant_a: Tenant, data: dict, field: str
    ) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.post(reverse("tenancy:member-invite"), data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert b'class="error"' in response.content
        assert not Membership.objects.filter(user__email="a@example.test").exists()

    def test_duplicate_invite_is_a_form_error(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.post(
            reverse("tenancy:member-invite"),
            {"full_name": "Again", "email": tenant_a.vma.email, "role": Role.VMA},
        )
        assert "already a member" in str(response.context["form"].errors["email"])

    def test_admin_ends_a_membership_but_not_their_own(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.bpo_admin)
        own = tenant_a.membership(tenant_a.bpo_admin)
        response = client.post(member_url(own), {"action": "end", "reason": "test"})
        assert b"cannot end your own membership" in response.content
        target = tenant_a.membership(tenant_a.vma)
        response = client.post(member_url(target), {"action": "end", "reason": "left"})
        assert response.status_code == 302
        target.refresh_from_db()
        assert not target.is_active

    def test_supervisor_sees_members_but_cannot_change_them(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.supervisor)
        target = tenant_a.membership(tenant_a.vma)
        assert client.get(member_url(target)).status_code == 200
        response = client.post(member_url(target), {"action": "end", "reason": "x"})
        assert response.status_code == 403

    def test_change_role_and_end_date(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.bpo_admin)
        target = tenant_a.membership(tenant_a.vma)
        until = (dt.date.today() + dt.timedelta(days=90)).isoformat()  # noqa: DTZ011
        response = client.post(
            member_url(target),
            {"action": "change", "role": Role.TRAINER, "team": "", "valid_until": until},
        )
        assert response.status_code == 302
        target.refresh_from_db()
        assert target.role == Role.TRAINER
        assert target.valid_until is not None


class TestTeams:
    def test_bpo_admin_creates_a_team(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.post(
            reverse("tenancy:team-list"),
            {
                "name": "Intake",
                "description": "New patient intake",
                "supervisor": str(tenant_a.supervisor.pk),
            },
        )
        assert response.status_code == 302
        assert Team.objects.get(name="Intake").supervisor == tenant_a.supervisor

    def test_duplicate_team_name_is_an_inline_error(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.bpo_admin)
        response = client.post(reverse("tenancy:team-list"), {"name": tenant_a.team.name})
        assert "name" in response.context["form"].errors

    def test_vma_sees_teams_but_cannot_create(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.vma)
        assert client.get(reverse("tenancy:team-list")).status_code == 200
        assert client.post(reverse("tenancy:team-list"), {"name": "Mine"}).status_code == 403
        detail = client.get(reverse("tenancy:team-detail", args=[tenant_a.team.pk]))
        assert tenant_a.vma.full_name.encode() in detail.content


class TestAgreements:
    def test_client_admin_drafts_uploads_and_activates(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        response = client.post(
            reverse("tenancy:agreement-list"),
            {
                "business_associate": str(tenant_b.bpo.pk),
                "effective_on": "2026-01-01",
                "signed_on": "2025-12-01",
            },
        )
        assert response.status_code == 302
        agreement = BusinessAssociateAgreement.objects.get(
            business_associate=tenant_b.bpo, covered_entity=tenant_a.practice
        )
        url = reverse("tenancy:agreement-detail", args=[agreement.pk])
        bad = client.post(
            url, {"action": "document", "document": SimpleUploadedFile("x.pdf", b"hello")}
        )
        assert "document" in bad.context["document_form"].errors
        client.post(url, {"action": "document", "document": SimpleUploadedFile("baa.pdf", PDF)})
        client.post(url, {"action": "activate"})
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.ACTIVE
        download = client.get(reverse("tenancy:agreement-document", args=[agreement.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")

    def test_activation_errors_are_explained(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        client.post(
            reverse("tenancy:agreement-list"),
            {"business_associate": str(tenant_b.bpo.pk), "effective_on": "2026-01-01"},
        )
        agreement = BusinessAssociateAgreement.objects.get(
            business_associate=tenant_b.bpo, covered_entity=tenant_a.practice
        )
        response = client.post(
            reverse("tenancy:agreement-detail", args=[agreement.pk]), {"action": "activate"}
        )
        assert response.status_code == 200
        assert b"Record the signing date first." in response.content

    def test_vendor_sees_its_agreements_but_cannot_change_them(
        self, client: Client, tenant_a: Tenant
    ) -> None:
        sign_in(client, tenant_a.bpo_admin)
        listing = client.get(reverse("tenancy:agreement-list"))
        assert list(listing.context["page"]) == [tenant_a.agreement]
        url = reverse("tenancy:agreement-detail", args=[tenant_a.agreement.pk])
        assert client.get(url).status_code == 200
        assert client.post(url, {"action": "terminate", "reason": "x"}).status_code == 403

    def test_bad_dates_are_inline_errors(
        self, client: Client, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        response = client.post(
            reverse("tenancy:agreement-list"),
            {"business_associate": str(tenant_b.bpo.pk), "effective_on": "2026-13-45"},
        )
        assert "effective_on" in response.context["form"].errors
        response = client.post(
            reverse("tenancy:agreement-list"),
            {
                "business_associate": str(tenant_b.bpo.pk),
                "effective_on": "2026-05-01",
                "terminates_on": "2026-04-01",
            },
        )
        assert "terminates_on" in response.context["form"].errors


class TestSettings:
    def test_admin_saves_settings(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.client_admin)
        response = client.post(
            reverse("tenancy:settings"),
            {
                "legal_name": "Practice A, P.C.",
                "short_name": "Practice A",
                "time_zone": "America/Chicago",
                "idle_logoff_minutes": "10",
                "patient_mfa": "required",
                "hours_mon": "08:00-12:00, 13:00-18:00",
                "hours_sat": "closed",
            },
        )
        assert response.status_code == 302
        tenant_a.practice.refresh_from_db()
        assert tenant_a.practice.business_hours["mon"] == [["08:00", "12:00"], ["13:00", "18:00"]]
        assert tenant_a.practice.business_hours["sat"] == []
        assert tenant_a.practice.idle_logoff_minutes == 10

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("idle_logoff_minutes", "61"),
            ("idle_logoff_minutes", "zero"),
            ("hours_tue", "17:00-09:00"),
            ("hours_wed", "9am to 5pm"),
            ("time_zone", "Nowhere/City"),
        ],
    )
    def test_bad_settings_are_inline_errors_and_nothing_changes(
        self, client: Client, tenant_a: Tenant, field: str, value: str
    ) -> None:
        sign_in(client, tenant_a.client_admin)
        data = {
            "legal_name": "Practice A, P.C.",
            "short_name": "Practice A",
            "time_zone": "America/New_York",
            "idle_logoff_minutes": "15",
            "patient_mfa": "offered",
            field: value,
        }
        response = client.post(reverse("tenancy:settings"), data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        tenant_a.practice.refresh_from_db()
        assert tenant_a.practice.time_zone == "America/New_York"

    def test_practitioner_cannot_change_settings(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.practitioner)
        assert client.get(reverse("tenancy:settings")).status_code == 403
