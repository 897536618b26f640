"""Policies: versions, acceptance by typed name, re-opening on a new version, and the pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from steward.audit.models import AuditEvent
from steward.tenancy.roles import Role
from steward.workforce.clearance import clearance_for
from steward.workforce.models import Policy, PolicyAcceptance, PolicyVersion
from steward.workforce.services import policies
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.workforce.conftest import Requirements

# Services.


def test_policy_save_refuses_a_duplicate_code_and_unknown_roles(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    with pytest.raises(ValidationError) as error:
        policies.policy_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.compliance_officer,
            code="code-of-conduct",
            title="Again",
            required_for=[Role.VMA],
        )
    assert "code" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        policies.policy_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.compliance_officer,
            code="acceptable-use",
            title="Acceptable use",
            required_for=["practitioner"],
        )
    assert "required_for" in error.value.message_dict


def test_publishing_numbers_versions_and_needs_a_body(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    policy = requirements_a.policy
    with pytest.raises(ValidationError) as error:
        policies.policy_version_publish(
            policy=policy, actor=tenant_a.compliance_officer, body="   ", summary=""
        )
    assert "body" in error.value.message_dict
    version = policies.policy_version_publish(
        policy=policy, actor=tenant_a.compliance_officer, body="New text", summary="Clearer"
    )
    assert version.version == 2
    assert AuditEvent.objects.filter(event="workforce.policy-published").count() == 1


def test_a_new_policy_version_reopens_acceptance(tenant_a: Tenant, cleared_a: Requirements) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    assert clearance_for(membership).cleared

    version = policies.policy_version_publish(
        policy=cleared_a.policy, actor=tenant_a.compliance_officer, body="Be kinder.", summary=""
    )
    assert clearance_for(membership).reasons == ("policy-not-accepted:code-of-conduct",)

    policies.policy_accept(version=version, worker=tenant_a.vma, typed_name="  vma   a ")
    assert clearance_for(membership).cleared


def test_a_mismatched_typed_name_is_refused(tenant_a: Tenant, requirements_a: Requirements) -> None:
    with pytest.raises(ValidationError) as error:
        policies.policy_accept(
            version=requirements_a.policy_version, worker=tenant_a.vma, typed_name="Someone Else"
        )
    assert "typed_name" in error.value.message_dict
    assert not PolicyAcceptance.objects.exists()


def test_accepting_twice_returns_the_first_acceptance(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    version = requirements_a.policy_version
    first = policies.policy_accept(version=version, worker=tenant_a.vma, typed_name="Vma A")
    again = policies.policy_accept(version=version, worker=tenant_a.vma, typed_name="Vma A")
    assert again.pk == first.pk
    assert PolicyAcceptance.objects.filter(worker=tenant_a.vma).count() == 1
    assert AuditEvent.objects.filter(event="workforce.policy-accepted").count() == 1


def test_a_replaced_version_cannot_be_accepted(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    policies.policy_version_publish(
        policy=requirements_a.policy, actor=tenant_a.compliance_officer, body="v2", summary=""
    )
    with pytest.raises(ValidationError, match="newer version"):
        policies.policy_accept(
            version=requirements_a.policy_version, worker=tenant_a.vma, typed_name="Vma A"
        )


def test_another_vendors_worker_cannot_accept(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    with pytest.raises(ValidationError, match="not an active member"):
        policies.policy_accept(
            version=requirements_a.policy_version, worker=tenant_b.vma, typed_name="Vma B"
        )


# Pages.


def test_compliance_officer_creates_and_publishes_a_policy(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_a.compliance_officer)
    response = client.post(
        reverse("workforce:policy-new"),
        {"title": "Acceptable use", "code": "acceptable-use", "required_for": ["vma"]},
    )
    policy = Policy.objects.get(code="acceptable-use")
    assert response.status_code == 302
    response = client.post(
        reverse("workforce:policy-publish", args=[policy.pk]),
        {"body": "# Acceptable use\n\nNo personal e-mail.", "summary": "First version"},
    )
    assert response.status_code == 302
    version = PolicyVersion.objects.get(policy=policy)
    page = client.get(reverse("workforce:policy", args=[policy.pk])).content.decode()
    assert "Vma A" in page  # has not accepted yet
    listing = client.get(reverse("workforce:policies")).content.decode()
    assert "Acceptable use" in listing
    assert "0 of 1" in listing
    assert version.version == 1


def test_publish_form_refuses_an_empty_body(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_a.compliance_officer)
    response = client.post(
        reverse("workforce:policy-publish", args=[requirements_a.policy.pk]),
        {"body": "", "summary": ""},
    )
    assert response.status_code == 400
    assert PolicyVersion.objects.filter(policy=requirements_a.policy).count() == 1


def test_worker_reads_and_signs_a_policy(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    url = reverse("workforce:policy-accept", args=[requirements_a.policy_version.pk])
    sign_in(client, tenant_a.vma)
    page = client.get(url).content.decode()
    assert "<p>Protect privacy.</p>" in page

    response = client.post(url, {"typed_name": "Not Me", "agree": "on"})
    assert response.status_code == 400
    assert "Type your full name" in response.content.decode()
    response = client.post(url, {"typed_name": "Vma A"})
    assert response.status_code == 400
    assert not PolicyAcceptance.objects.exists()

    response = client.post(url, {"typed_name": "Vma A", "agree": "on"})
    assert response.status_code == 302
    assert PolicyAcceptance.objects.get().worker == tenant_a.vma
    assert "You accepted this version" in client.get(url).content.decode()


def test_a_replaced_version_page_links_to_the_newest(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    newest = policies.policy_version_publish(
        policy=requirements_a.policy, actor=tenant_a.compliance_officer, body="v2", summary=""
    )
    sign_in(client, tenant_a.vma)
    url = reverse("workforce:policy-accept", args=[requirements_a.policy_version.pk])
    page = client.get(url).content.decode()
    assert "A newer version replaced this one" in page
    assert reverse("workforce:policy-accept", args=[newest.pk]) in page
    client.post(url, {"typed_name": "Vma A", "agree": "on"})
    assert not PolicyAcceptance.objects.exists()


def test_workers_cannot_author_policies(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_a.vma)
    assert client.get(reverse("workforce:policies")).status_code == 403
    assert client.get(reverse("workforce:policy-new")).status_code == 403
    response = client.post(
        reverse("workforce:policy-publish", args=[requirements_a.policy.pk]),
        {"body": "Mine now", "summary": ""},
    )
    assert response.status_code == 403
    assert PolicyVersion.objects.count() == 1


def test_another_vendor_gets_404_on_our_policies(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_b.compliance_officer)
    assert (
        client.get(reverse("workforce:policy", args=[requirements_a.policy.pk])).status_code == 404
    )
    publish = reverse("workforce:policy-publish", args=[requirements_a.policy.pk])
    assert client.post(publish, {"body": "x", "summary": ""}).status_code == 404
    client.logout()
    sign_in(client, tenant_b.vma)
    accept = reverse("workforce:policy-accept", args=[requirements_a.policy_version.pk])
    assert client.get(accept).status_code == 404
    assert client.post(accept, {"typed_name": "Vma B", "agree": "on"}).status_code == 404
    assert not PolicyAcceptance.objects.exists()


def test_the_policy_list_loads_in_a_fixed_number_of_queries(
    client: Client, tenant_a: Tenant, requirements_a: Requirements, django_assert_max_num_queries
) -> None:
    for n in range(5):
        policy = policies.policy_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.compliance_officer,
            code=f"policy-{n}",
            title=f"Policy {n}",
            required_for=["vma"],
        )
        policies.policy_version_publish(
            policy=policy, actor=tenant_a.compliance_officer, body="Text", summary=""
        )
    sign_in(client, tenant_a.compliance_officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workforce:policies")).status_code == 200
