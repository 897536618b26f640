"""My compliance, the team matrix, the overview and a worker's record, through the views."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from steward.core.markdown import render
from steward.vault.models import Patient
from steward.workforce.models import TrainingAssignment
from tests.access.conftest import patient_a, vma_task  # noqa: F401
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.workforce.conftest import Requirements


def expire_training(tenant: Tenant) -> None:
    TrainingAssignment.objects.filter(worker=tenant.vma).update(
        expires_on=timezone.localdate() - dt.timedelta(days=2)
    )


def test_my_compliance_says_what_blocks_me_and_links_to_it(
    client: Client, tenant_a: Tenant, cleared_a: Requirements
) -> None:
    sign_in(client, tenant_a.vma)
    page = client.get(reverse("workforce:me")).content.decode()
    assert "You are cleared to work with patient data" in page

    expire_training(tenant_a)
    # An expired pass with no open assignment: the course must be assigned again to be taken.
    renewal = TrainingAssignment.objects.create(
        tenant=tenant_a.bpo,
        worker=tenant_a.vma,
        course=cleared_a.course,
        version=cleared_a.version,
        assigned_on=timezone.localdate() - dt.timedelta(days=1),
        due_on=timezone.localdate(),
        reason="renewal",
    )
    page = client.get(reverse("workforce:me")).content.decode()
    assert "You cannot open patient records until these are done" in page
    assert "HIPAA privacy and security" in page
    assert reverse("workforce:assignment", args=[renewal.pk]) in page


def test_a_denied_patient_page_links_to_my_compliance(
    client: Client,
    tenant_a: Tenant,
    patient_a: Patient,  # noqa: F811
    vma_task: Any,  # noqa: F811
    cleared_a: Requirements,
) -> None:
    expire_training(tenant_a)
    sign_in(client, tenant_a.vma)
    response = client.get(reverse("access:patient", args=[patient_a.pk]))
    assert response.status_code == 403
    body = response.content.decode()
    assert "A required course you completed has expired" in body
    assert reverse("workforce:me") in body


def test_the_team_matrix_shows_a_supervisors_people_only(
    client: Client, tenant_a: Tenant, cleared_a: Requirements
) -> None:
    expire_training(tenant_a)
    sign_in(client, tenant_a.supervisor)
    response = client.get(reverse("workforce:team"))
    assert response.status_code == 200
    body = response.content.decode()
    assert tenant_a.vma.full_name in body
    assert tenant_a.trainer.full_name not in body  # not in the supervisor's team
    assert "1 of 2</strong> cleared today" in body
    assert "Course expired" in body  # the reasons chart
    blocked = client.get(reverse("workforce:team"), {"show": "blocked"}).content.decode()
    assert "0 of 1</strong>" in blocked or "0 of 1" in blocked


def test_the_team_matrix_tolerates_a_bad_team_filter(
    client: Client, tenant_a: Tenant, cleared_a: Requirements
) -> None:
    sign_in(client, tenant_a.bpo_admin)
    response = client.get(reverse("workforce:team"), {"team": "not-a-team", "page": "x"})
    assert response.status_code == 200
    assert "No workers match." in response.content.decode()


@pytest.mark.parametrize("role", ["vma", "trainer"])
def test_the_team_matrix_is_not_for_workers(client: Client, tenant_a: Tenant, role: str) -> None:
    sign_in(client, getattr(tenant_a, role))
    assert client.get(reverse("workforce:team")).status_code == 403


def test_practice_staff_have_no_workforce_pages(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.privacy_officer)
    assert client.get(reverse("workforce:me")).status_code == 403
    assert client.get(reverse("workforce:home")).status_code == 403


def test_the_overview_counts_what_needs_doing(
    client: Client, tenant_a: Tenant, cleared_a: Requirements
) -> None:
    expire_training(tenant_a)
    sign_in(client, tenant_a.compliance_officer)
    body = client.get(reverse("workforce:home")).content.decode()
    assert "Cleared today" in body
    assert "Workers cleared, week by week" in body


def test_the_overview_warns_when_nothing_is_required(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.compliance_officer)
    body = client.get(reverse("workforce:home")).content.decode()
    assert "the gate has no workforce condition to check" in body


def test_a_worker_record_is_hidden_from_other_vendors_and_other_teams(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, cleared_a: Requirements
) -> None:
    url = reverse("workforce:worker", args=[tenant_a.vma.pk])
    sign_in(client, tenant_a.compliance_officer)
    page = client.get(url)
    assert page.status_code == 200
    assert "HIPAA privacy and security" in page.content.decode()
    sign_in(client, tenant_b.compliance_officer)
    assert client.get(url).status_code == 404
    sign_in(client, tenant_a.supervisor)
    assert client.get(reverse("workforce:worker", args=[tenant_a.trainer.pk])).status_code == 404


def test_navigation_shows_vendor_pages_to_vendor_roles_only(
    client: Client, tenant_a: Tenant
) -> None:
    sign_in(client, tenant_a.vma)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert "My compliance" in body and "Team compliance" not in body
    sign_in(client, tenant_a.compliance_officer)
    body = client.get(reverse("web:dashboard")).content.decode()
    assert "Screening" in body and "Access reviews" in body
    sign_in(client, tenant_a.auditor)  # the practice's auditor
    assert "My compliance" not in client.get(reverse("web:dashboard")).content.decode()


@pytest.mark.no_db
def test_markdown_leaves_html_and_script_links_inert() -> None:
    html = render("# Title\n\n<script>alert(1)</script> [x](javascript:alert(1)) **bold**")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert "<strong>bold</strong>" in html


def test_only_compliance_staff_see_a_workers_screening_results(
    client: Client, tenant_a: Tenant, cleared_a: Requirements
) -> None:
    url = reverse("workforce:worker", args=[tenant_a.vma.pk])
    sign_in(client, tenant_a.compliance_officer)
    assert "Identity verification" in client.get(url).content.decode()
    for reader in (tenant_a.trainer, tenant_a.supervisor):
        sign_in(client, reader)
        page = client.get(url)
        assert page.status_code == 200
        assert page.context["checks"] is None
        assert "<h2>Screening</h2>" not in page.content.decode()
