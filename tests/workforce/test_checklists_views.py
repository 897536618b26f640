"""Checklist pages: who sees which checklists, ticking, starting onboarding, offboarding."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from steward.tenancy.models import Membership
from steward.tenancy.roles import Role
from steward.workforce.models import Checklist, ChecklistKind
from steward.workforce.services import checklists as services
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant
from tests.workforce.conftest import Requirements


def as_user(user: Any) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def onboarding_a(tenant_a: Tenant, requirements_a: Requirements) -> Checklist:
    return services.onboarding_start(
        membership=tenant_a.membership(tenant_a.vma), actor=tenant_a.compliance_officer
    )


def test_compliance_staff_start_onboarding_from_the_list(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    client = as_user(tenant_a.compliance_officer)
    page = client.get(reverse("workforce:checklists"))
    assert page.status_code == 200
    membership = tenant_a.membership(tenant_a.vma)
    assert membership in list(page.context["to_onboard"])
    started = client.post(reverse("workforce:onboarding-start", args=[membership.pk]))
    checklist = Checklist.objects.get(membership=membership, kind=ChecklistKind.ONBOARDING)
    assert started.url == reverse("workforce:checklist", args=[checklist.pk])
    again = client.post(reverse("workforce:onboarding-start", args=[membership.pk]), follow=True)
    assert "already has an onboarding checklist" in again.content.decode()
    assert Checklist.objects.count() == 1


def test_supervisors_see_only_their_teams_checklists(
    tenant_a: Tenant, requirements_a: Requirements, onboarding_a: Checklist
) -> None:
    loner = UserFactory(full_name="Teamless Worker")
    MembershipFactory(user=loner, organization=tenant_a.bpo, role=Role.VMA)
    other = services.onboarding_start(
        membership=tenant_a.membership(loner), actor=tenant_a.compliance_officer
    )
    supervisor = as_user(tenant_a.supervisor)
    listed = supervisor.get(reverse("workforce:checklists"))
    assert listed.status_code == 200
    assert list(listed.context["page"].object_list) == [onboarding_a]
    assert listed.context["can_manage"] is False
    assert supervisor.get(reverse("workforce:checklist", args=[onboarding_a.pk])).status_code == 200
    assert supervisor.get(reverse("workforce:checklist", args=[other.pk])).status_code == 404
    everything = as_user(tenant_a.compliance_officer).get(reverse("workforce:checklists"))
    assert everything.context["page"].paginator.count == 2
    for outsider in (tenant_a.vma, tenant_a.trainer, tenant_a.client_admin):
        assert as_user(outsider).get(reverse("workforce:checklists")).status_code == 403


def test_the_checklist_page_ticks_manual_steps_and_refuses_live_ones(
    tenant_a: Tenant, onboarding_a: Checklist
) -> None:
    client = as_user(tenant_a.supervisor)
    steps = {i.code: i for i in onboarding_a.items.all()}
    page = client.get(reverse("workforce:checklist", args=[onboarding_a.pk]))
    assert reverse("workforce:checklist-tick", args=[steps["supervisor-introduced"].pk]) in (
        page.content.decode()
    )
    assert reverse("workforce:checklist-tick", args=[steps["team-assigned"].pk]) not in (
        page.content.decode()
    )
    ticked = client.post(
        reverse("workforce:checklist-tick", args=[steps["supervisor-introduced"].pk]),
        {"note": "Met on Monday."},
    )
    assert ticked.status_code == 302
    steps["supervisor-introduced"].refresh_from_db()
    assert steps["supervisor-introduced"].note == "Met on Monday."
    refused = client.post(
        reverse("workforce:checklist-tick", args=[steps["team-assigned"].pk]), follow=True
    )
    assert "cannot be ticked by hand" in refused.content.decode()
    too_long = client.post(
        reverse("workforce:checklist-tick", args=[steps["security-briefing"].pk]),
        {"note": "x" * 301},
        follow=True,
    )
    assert "300 characters" in too_long.content.decode()
    steps["security-briefing"].refresh_from_db()
    assert steps["security-briefing"].done_at is None


def test_vendor_bs_people_get_404_on_vendor_as_checklists(
    tenant_a: Tenant, tenant_b: Tenant, onboarding_a: Checklist
) -> None:
    item = onboarding_a.items.get(code="equipment-issued")
    membership = tenant_a.membership(tenant_a.vma)
    for user in (tenant_b.compliance_officer, tenant_b.supervisor):
        client = as_user(user)
        assert client.get(reverse("workforce:checklist", args=[onboarding_a.pk])).status_code == 404
        assert client.post(reverse("workforce:checklist-tick", args=[item.pk])).status_code == 404
    outsider = as_user(tenant_b.compliance_officer)
    assert outsider.get(reverse("workforce:offboard", args=[membership.pk])).status_code == 404
    assert (
        outsider.post(
            reverse("workforce:offboard", args=[membership.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    assert (
        outsider.post(reverse("workforce:onboarding-start", args=[membership.pk])).status_code
        == 404
    )
    item.refresh_from_db()
    assert item.done_at is None
    assert Membership.objects.get(pk=membership.pk).is_active


def test_the_offboard_page_shows_what_will_happen_then_does_it(tenant_a: Tenant) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    client = as_user(tenant_a.bpo_admin)
    url = reverse("workforce:offboard", args=[membership.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    text = confirm.content.decode()
    assert confirm.context["preview"]["tasks"] == 0
    assert "0 tasks in hand go back to the team's queue" in text
    assert "Reminded of continuing confidentiality duties" in text
    assert Membership.objects.get(pk=membership.pk).is_active  # a GET changes nothing
    no_reason = client.post(url, {"reason": ""})
    assert no_reason.status_code == 400
    assert "reason" in no_reason.context["form"].errors
    done = client.post(url, {"reason": "Contract ended."})
    checklist = Checklist.objects.get(membership=membership, kind=ChecklistKind.OFFBOARDING)
    assert done.url == reverse("workforce:checklist", args=[checklist.pk])
    assert not Membership.objects.get(pk=membership.pk).is_active
    again = client.post(url, {"reason": "Again."})
    assert again.status_code == 400
    assert "This membership has already ended." in again.content.decode()
    assert "already offboarded" in " ".join(again.context["form"].non_field_errors())


def test_only_compliance_staff_offboard_and_never_themselves(tenant_a: Tenant) -> None:
    vma = tenant_a.membership(tenant_a.vma)
    for user in (tenant_a.supervisor, tenant_a.vma, tenant_a.trainer):
        client = as_user(user)
        assert client.get(reverse("workforce:offboard", args=[vma.pk])).status_code == 403
        assert (
            client.post(reverse("workforce:offboard", args=[vma.pk]), {"reason": "x"}).status_code
            == 403
        )
    own = tenant_a.membership(tenant_a.compliance_officer)
    client = as_user(tenant_a.compliance_officer)
    assert (
        "cannot offboard yourself"
        in client.get(reverse("workforce:offboard", args=[own.pk])).content.decode()
    )
    refused = client.post(reverse("workforce:offboard", args=[own.pk]), {"reason": "Bye."})
    assert refused.status_code == 400
    assert Membership.objects.get(pk=own.pk).is_active
    assert Membership.objects.get(pk=vma.pk).is_active
