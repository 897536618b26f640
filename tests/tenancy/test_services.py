"""Organisation, membership, team and agreement services: invariants and their events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import TestCase

from steward.accounts.models import User
from steward.tenancy import services
from steward.tenancy.models import AgreementStatus, Membership, Organization
from steward.tenancy.roles import OrganizationKind, Role
from tests.factories import AgreementFactory, OrganizationFactory
from tests.personas import Tenant

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "baa.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestMemberships:
    def test_invite_creates_account_membership_and_sends_link(
        self, tenant_a: Tenant, security_events: list
    ) -> None:
        with TestCase.captureOnCommitCallbacks(execute=True):
            membership = services.membership_invite(
                organization=tenant_a.bpo,
                email="New.Person@Example.test",
                full_name="New Person",
                role=Role.VMA,
                team=tenant_a.team,
                actor=tenant_a.bpo_admin,
                invitation_url=lambda user: f"https://steward.test/welcome/{user.pk}/",
            )
        assert membership.user.email == "new.person@example.test"
        assert not membership.user.has_usable_password()
        assert len(mail.outbox) == 1
        assert f"/welcome/{membership.user.pk}/" in mail.outbox[0].body
        assert [e.action for e in security_events] == ["user.created", "membership.created"]

    def test_existing_person_joins_without_a_new_account(
        self, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        before = User.objects.count()
        services.membership_invite(
            organization=tenant_b.practice,
            email=tenant_a.auditor.email,
            full_name="ignored",
            role=Role.AUDITOR,
            actor=tenant_b.client_admin,
        )
        assert User.objects.count() == before
        assert Membership.objects.filter(user=tenant_a.auditor, is_active=True).count() == 2

    @pytest.mark.parametrize("role", [Role.VMA, Role.SUPERVISOR, Role.PLATFORM_OPERATOR])
    def test_practice_roles_are_checked_against_the_organisation_kind(
        self, tenant_a: Tenant, role: str
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.membership_invite(
                organization=tenant_a.practice,
                email="x@example.test",
                full_name="X",
                role=role,
                actor=tenant_a.client_admin,
            )
        assert "role" in error.value.message_dict
        assert not User.objects.filter(email="x@example.test").exists()  # nothing half-saved

    def test_team_must_belong_to_the_same_organisation(
        self, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        with pytest.raises(ValidationError) as error:
            services.membership_invite(
                organization=tenant_a.bpo,
                email="y@example.test",
                full_name="Y",
                role=Role.VMA,
                team=tenant_b.team,
                actor=tenant_a.bpo_admin,
            )
        assert "team" in error.value.message_dict

    def test_a_person_is_a_member_once(self, tenant_a: Tenant) -> None:
        with pytest.raises(ValidationError) as error:
            services.membership_invite(
                organization=tenant_a.bpo,
                email=tenant_a.vma.email,
                full_name="again",
                role=Role.TRAINER,
                actor=tenant_a.bpo_admin,
            )
        assert "already a member" in str(error.value)

    def test_database_refuses_two_active_memberships_in_one_organisation(
        self, tenant_a: Tenant
    ) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(
                user=tenant_a.vma, organization=tenant_a.bpo, role=Role.TRAINER
            )

    def test_end_requires_a_reason_and_is_recorded(
        self, tenant_a: Tenant, security_events: list
    ) -> None:
        membership = tenant_a.membership(tenant_a.vma)
        with pytest.raises(ValidationError):
            services.membership_end(membership=membership, actor=tenant_a.bpo_admin, reason=" ")
        ended = services.membership_end(
            membership=membership, actor=tenant_a.bpo_admin, reason="contract over"
        )
        assert not ended.is_active
        assert ended.ended_at is not None
        assert security_events[-1].action == "membership.ended"
        assert not Membership.objects.current().filter(pk=membership.pk).exists()

    def test_ending_a_supervisor_clears_their_teams(self, tenant_a: Tenant) -> None:
        services.membership_end(
            membership=tenant_a.membership(tenant_a.supervisor),
            actor=tenant_a.bpo_admin,
            reason="moved on",
        )
        tenant_a.team.refresh_from_db()
        assert tenant_a.team.supervisor is None

    def test_update_records_changed_fields(self, tenant_a: Tenant, security_events: list) -> None:
        membership = tenant_a.membership(tenant_a.vma)
        services.membership_update(
            membership=membership,
            actor=tenant_a.bpo_admin,
            role=Role.TRAINER,
            team=None,
            valid_until=None,
        )
        assert security_events[-1].detail["fields"] == ["role", "team"]

    def test_lapsed_membership_is_not_current(self, tenant_a: Tenant) -> None:
        from django.utils import timezone

        membership = tenant_a.membership(tenant_a.vma)
        membership.valid_until = timezone.now() - dt.timedelta(minutes=1)
        membership.save()
        assert membership.status == "lapsed"
        assert not Membership.objects.current().filter(pk=membership.pk).exists()


class TestOrganisationSettings:
    def test_idle_limit_cannot_exceed_sixty_minutes(self, tenant_a: Tenant) -> None:
        with pytest.raises(ValidationError) as error:
            services.organization_update_settings(
                organization=tenant_a.practice, actor=tenant_a.client_admin, idle_logoff_minutes=61
            )
        assert "idle_logoff_minutes" in error.value.message_dict

    def test_database_also_refuses_an_idle_limit_over_sixty(self, tenant_a: Tenant) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            Organization.objects.filter(pk=tenant_a.practice.pk).update(idle_logoff_minutes=90)

    def test_change_is_recorded_with_field_names_only(
        self, tenant_a: Tenant, security_events: list
    ) -> None:
        services.organization_update_settings(
            organization=tenant_a.practice,
            actor=tenant_a.client_admin,
            idle_logoff_minutes=10,
            time_zone="America/Chicago",
        )
        event = security_events[-1]
        assert event.action == "organization.settings-changed"
        assert event.detail == {"fields": ["idle_logoff_minutes", "time_zone"]}

    def test_unknown_time_zone_is_refused_and_nothing_changes(self, tenant_a: Tenant) -> None:
        with pytest.raises(ValidationError):
            services.organization_update_settings(
                organization=tenant_a.practice,
                actor=tenant_a.client_admin,
                time_zone="Mars/Olympus_Mons",
                idle_logoff_minutes=5,
            )
        tenant_a.practice.refresh_from_db()
        assert tenant_a.practice.idle_logoff_minutes == 15


class TestTeams:
    def test_supervisor_must_hold_the_supervisor_role(self, tenant_a: Tenant) -> None:
        with pytest.raises(ValidationError) as error:
            services.team_create(
                organization=tenant_a.bpo,
                name="Night shift",
                supervisor=tenant_a.vma,
                actor=tenant_a.bpo_admin,
            )
        assert "supervisor" in error.value.message_dict

    def test_team_names_are_unique_per_organisation(
        self, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        with pytest.raises(ValidationError):
            services.team_create(
                organization=tenant_a.bpo, name=tenant_a.team.name.upper(), actor=tenant_a.bpo_admin
            )
        services.team_create(
            organization=tenant_b.bpo, name=tenant_a.team.name, actor=tenant_b.bpo_admin
        )


class TestAgreements:
    def draft(self, tenant: Tenant, **extra: object) -> object:
        vendor = OrganizationFactory(kind=OrganizationKind.BUSINESS_ASSOCIATE)
        return services.baa_create(
            covered_entity=tenant.practice,
            business_associate=vendor,
            actor=tenant.client_admin,
            effective_on=dt.date(2026, 1, 1),
            **extra,
        )

    def test_lifecycle_draft_document_activate_terminate(
        self, tenant_a: Tenant, security_events: list
    ) -> None:
        agreement = self.draft(tenant_a, signed_on=dt.date(2025, 12, 1))
        with pytest.raises(ValidationError) as error:
            services.baa_activate(agreement=agreement, actor=tenant_a.client_admin)
        assert "document" in error.value.message_dict
        services.baa_attach_document(
            agreement=agreement, document=pdf(), actor=tenant_a.client_admin
        )
        assert len(agreement.document_sha256) == 64
        services.baa_activate(agreement=agreement, actor=tenant_a.client_admin)
        assert agreement.in_force()
        services.baa_terminate(
            agreement=agreement, actor=tenant_a.client_admin, reason="vendor replaced"
        )
        assert agreement.status == AgreementStatus.TERMINATED
        assert not agreement.in_force()
        assert [e.action for e in security_events] == [
            "agreement.drafted",
            "agreement.document-attached",
            "agreement.activated",
            "agreement.terminated",
        ]

    def test_only_pdfs_are_accepted(self, tenant_a: Tenant) -> None:
        agreement = self.draft(tenant_a)
        with pytest.raises(ValidationError) as error:
            services.baa_attach_document(
                agreement=agreement,
                document=pdf("baa.pdf", b"MZ\x90\x00 not a pdf"),
                actor=tenant_a.client_admin,
            )
        assert "PDF" in str(error.value)

    def test_oversized_documents_are_refused(self, tenant_a: Tenant, settings: object) -> None:
        settings.STEWARD_MAX_DOCUMENT_BYTES = 100  # type: ignore[attr-defined]
        with pytest.raises(ValidationError) as error:
            services.baa_attach_document(
                agreement=self.draft(tenant_a),
                document=pdf(content=PDF + b"x" * 200),
                actor=tenant_a.client_admin,
            )
        assert "larger than" in str(error.value)

    def test_one_active_agreement_per_pair(self, tenant_a: Tenant) -> None:
        second = services.baa_create(
            covered_entity=tenant_a.practice,
            business_associate=tenant_a.bpo,
            actor=tenant_a.client_admin,
            effective_on=dt.date(2026, 1, 1),
            signed_on=dt.date(2025, 12, 1),
        )
        services.baa_attach_document(agreement=second, document=pdf(), actor=tenant_a.client_admin)
        with pytest.raises(ValidationError) as error:
            services.baa_activate(agreement=second, actor=tenant_a.client_admin)
        assert "terminate it first" in str(error.value)

    def test_end_date_must_follow_the_effective_date(self, tenant_a: Tenant) -> None:
        with pytest.raises(ValidationError) as error:
            self.draft(tenant_a, terminates_on=dt.date(2025, 12, 31))
        assert "terminates_on" in error.value.message_dict

    def test_roles_of_the_parties_are_checked(self, tenant_a: Tenant, tenant_b: Tenant) -> None:
        with pytest.raises(ValidationError) as error:
            services.baa_create(
                covered_entity=tenant_a.practice,
                business_associate=tenant_b.practice,
                actor=tenant_a.client_admin,
                effective_on=dt.date(2026, 1, 1),
            )
        assert "business_associate" in error.value.message_dict

    def test_an_agreement_past_its_end_date_is_expired_at_once(self, tenant_a: Tenant) -> None:
        agreement = tenant_a.agreement
        today = tenant_a.practice.local_today()
        agreement.effective_on = today - dt.timedelta(days=400)
        agreement.terminates_on = today
        agreement.save()
        assert agreement.effective_status == AgreementStatus.EXPIRED
        assert not agreement.in_force()
        assert services.baa_expire_due() == 1
        agreement.refresh_from_db()
        assert agreement.status == AgreementStatus.EXPIRED

    def test_scheduled_agreement_is_not_yet_in_force(self) -> None:
        agreement = AgreementFactory(effective_on=dt.date.today() + dt.timedelta(days=10))  # noqa: DTZ011
        assert agreement.effective_status == "scheduled"
        assert not agreement.in_force()
