"""Screening pages: who sees and acts, filters, bad uploads, and the evidence download."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from steward.audit.models import AuditEvent
from steward.core.dates import add_months
from steward.tenancy.roles import Role
from steward.workforce.models import (
    Adjudication,
    ScreeningCheck,
    ScreeningEvidence,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
)
from steward.workforce.services import screening as services
from tests.conftest import sign_in
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant, with_mfa
from tests.workforce.conftest import Requirements
from tests.workforce.test_screening import PDF, invite, result


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def vendor_auditor(tenant_a: Tenant) -> Any:
    user = with_mfa(UserFactory(full_name="Vendor Auditor A"))
    MembershipFactory(user=user, organization=tenant_a.bpo, role=Role.AUDITOR)
    return user


def as_user(user: Any) -> Client:
    return sign_in(Client(), user)


@pytest.fixture
def evidence(tenant_a: Tenant, media: Path) -> ScreeningEvidence:
    return services.screening_evidence_add(
        check=invite(tenant_a),
        actor=tenant_a.compliance_officer,
        upload=SimpleUploadedFile("report.pdf", PDF),
    )


def test_compliance_staff_and_vendor_auditors_read_the_overview(
    tenant_a: Tenant, requirements_a: Requirements, vendor_auditor: Any
) -> None:
    invite(tenant_a)
    for user, editable in ((tenant_a.compliance_officer, True), (vendor_auditor, False)):
        page = as_user(user).get(reverse("workforce:screening"))
        assert page.status_code == 200
        assert tenant_a.vma.full_name in page.content.decode()
        assert page.context["can_edit"] is editable
        assert (reverse("workforce:screening-new") in page.content.decode()) is editable
    for outsider in (tenant_a.vma, tenant_a.supervisor, tenant_a.client_admin):
        assert as_user(outsider).get(reverse("workforce:screening")).status_code == 403


def test_the_overview_filters_and_stays_within_the_vendor(
    tenant_a: Tenant,
    tenant_b: Tenant,
    requirements_a: Requirements,
    django_assert_max_num_queries: Any,
) -> None:
    result(tenant_a, invite(tenant_a), ScreeningStatus.CONSIDER)
    invite(tenant_a, worker=tenant_a.supervisor, kind=ScreeningKind.IDENTITY)
    invite(tenant_b)
    client = as_user(tenant_a.compliance_officer)
    with django_assert_max_num_queries(20):
        everything = client.get(reverse("workforce:screening"))
    assert everything.context["page"].paginator.count == 2
    assert everything.context["awaiting"] == 1
    review = client.get(reverse("workforce:screening"), {"review": "on"})
    assert [c.worker for c in review.context["page"].object_list] == [tenant_a.vma]
    by_name = client.get(reverse("workforce:screening"), {"q": "supervisor"})
    assert [c.worker for c in by_name.context["page"].object_list] == [tenant_a.supervisor]
    by_kind = client.get(reverse("workforce:screening"), {"kind": "identity", "status": "invited"})
    assert by_kind.context["page"].paginator.count == 1
    nonsense = client.get(reverse("workforce:screening"), {"status": "nope", "page": "x"})
    assert nonsense.status_code == 200


def test_requirements_are_edited_on_the_overview(tenant_a: Tenant) -> None:
    client = as_user(tenant_a.compliance_officer)
    url = reverse("workforce:screening-requirements")
    saved = client.post(url, {"kind": "identity", "roles": ["vma"], "rescreen_months": "0"})
    assert saved.status_code == 302
    assert ScreeningRequirement.objects.get(tenant=tenant_a.bpo).roles == ["vma"]
    bad = client.post(url, {"kind": "identity", "roles": [], "rescreen_months": "-3"})
    assert bad.status_code == 400
    assert set(bad.context["requirement_form"].errors) == {"roles", "rescreen_months"}
    assert as_user(tenant_a.trainer).post(url, {"kind": "identity"}).status_code == 403


def test_a_new_check_is_recorded_from_its_page(tenant_a: Tenant, tenant_b: Tenant) -> None:
    client = as_user(tenant_a.compliance_officer)
    url = reverse("workforce:screening-new")
    assert client.get(url).status_code == 200
    invited_on = tenant_a.bpo.local_today().isoformat()
    made = client.post(
        url,
        {
            "worker": tenant_a.vma.pk,
            "kind": "identity",
            "vendor": "Checkr",
            "invited_on": invited_on,
        },
    )
    check = ScreeningCheck.objects.get(tenant=tenant_a.bpo)
    assert made.url == reverse("workforce:screening-check", args=[check.pk])
    # Vendor B's worker is not among the choices: the form refuses them.
    refused = client.post(
        url,
        {
            "worker": tenant_b.vma.pk,
            "kind": "identity",
            "vendor": "Checkr",
            "invited_on": invited_on,
        },
    )
    assert refused.status_code == 400
    assert "worker" in refused.context["form"].errors
    assert as_user(tenant_a.supervisor).get(url).status_code == 403


def test_status_update_through_the_page_computes_the_expiry(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = invite(tenant_a)
    client = as_user(tenant_a.compliance_officer)
    url = reverse("workforce:screening-status", args=[check.pk])
    missing_date = client.post(url, {"status": "clear"})
    assert missing_date.status_code == 400
    assert "completed_on" in missing_date.context["status_form"].errors
    completed = tenant_a.bpo.local_today() - dt.timedelta(days=3)
    assert (
        client.post(url, {"status": "clear", "completed_on": completed.isoformat()}).status_code
        == 302
    )
    check.refresh_from_db()
    assert check.expires_on == add_months(completed, 24)
    page = client.get(reverse("workforce:screening-check", args=[check.pk]))
    expires = add_months(completed, 24)
    assert f"{expires.day} {expires:%b %Y}" in page.content.decode()


def test_only_the_compliance_officer_gets_the_adjudication_form_and_may_post_it(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.ADVERSE)
    detail = reverse("workforce:screening-check", args=[check.pk])
    url = reverse("workforce:screening-adjudicate", args=[check.pk])
    admin = as_user(tenant_a.bpo_admin)
    assert admin.get(detail).context["can_adjudicate"] is False
    assert admin.post(url, {"decision": "cleared", "note": "ok"}).status_code == 403
    officer = as_user(tenant_a.compliance_officer)
    assert officer.get(detail).context["can_adjudicate"] is True
    no_note = officer.post(url, {"decision": "cleared", "note": ""})
    assert no_note.status_code == 400
    assert "note" in no_note.context["adjudication_form"].errors
    done = officer.post(url, {"decision": "not-cleared", "note": "Recent and related to the role."})
    assert done.status_code == 302
    check.refresh_from_db()
    assert check.adjudication == Adjudication.NOT_CLEARED
    history = officer.get(detail).context["history"]
    assert [row["decision"] for row in history] == ["not-cleared"]
    assert history[0]["by"] == tenant_a.compliance_officer.full_name


def test_a_wrong_upload_shows_the_reason_and_saves_nothing(tenant_a: Tenant, media: Path) -> None:
    check = invite(tenant_a)
    client = as_user(tenant_a.compliance_officer)
    url = reverse("workforce:screening-evidence-add", args=[check.pk])
    response = client.post(
        url, {"upload": SimpleUploadedFile("report.pdf", b"MZ not really", "application/pdf")}
    )
    assert response.status_code == 400
    assert "PDF, PNG or JPEG" in " ".join(response.context["evidence_form"].errors["upload"])
    assert "PDF, PNG or JPEG" in response.content.decode()
    empty = client.post(url, {"upload": SimpleUploadedFile("empty.pdf", b"")})
    assert empty.status_code == 400
    assert "empty" in " ".join(empty.context["evidence_form"].errors["upload"])
    assert not ScreeningEvidence.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    good = client.post(url, {"upload": SimpleUploadedFile("report.pdf", PDF)})
    assert good.status_code == 302
    assert ScreeningEvidence.objects.filter(screening=check).count() == 1


def test_evidence_downloads_as_an_attachment_and_is_audited(
    tenant_a: Tenant, evidence: ScreeningEvidence
) -> None:
    response = as_user(tenant_a.compliance_officer).get(
        reverse("workforce:evidence", args=[evidence.pk])
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    viewed = AuditEvent.objects.get(event="workforce.evidence-viewed")
    assert viewed.actor_id == tenant_a.compliance_officer.pk
    assert viewed.record["entity"]["id"] == str(evidence.pk)


def test_evidence_is_not_served_to_others(
    tenant_a: Tenant, tenant_b: Tenant, evidence: ScreeningEvidence, vendor_auditor: Any
) -> None:
    url = reverse("workforce:evidence", args=[evidence.pk])
    for user in (tenant_a.supervisor, tenant_a.vma, vendor_auditor, tenant_a.privacy_officer):
        assert as_user(user).get(url).status_code == 403
    assert as_user(tenant_b.compliance_officer).get(url).status_code == 404
    missing = reverse("workforce:evidence", args=["00000000-0000-0000-0000-000000000000"])
    assert as_user(tenant_a.compliance_officer).get(missing).status_code == 404
    assert not AuditEvent.objects.filter(event="workforce.evidence-viewed").exists()


def test_vendor_bs_people_get_404_for_vendor_as_check(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements, media: Path
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.CONSIDER)
    outsider = as_user(tenant_b.compliance_officer)
    assert outsider.get(reverse("workforce:screening-check", args=[check.pk])).status_code == 404
    posts = {
        "workforce:screening-status": {"status": "clear", "completed_on": "2020-01-01"},
        "workforce:screening-adjudicate": {"decision": "cleared", "note": "mine now"},
        "workforce:screening-evidence-add": {"upload": SimpleUploadedFile("r.pdf", PDF)},
    }
    for name, data in posts.items():
        assert outsider.post(reverse(name, args=[check.pk]), data).status_code == 404
    check.refresh_from_db()
    assert (check.status, check.adjudication) == (ScreeningStatus.CONSIDER, "")
    assert not ScreeningEvidence.objects.exists()


def test_a_vendor_auditor_reads_a_check_without_acting(
    tenant_a: Tenant, evidence: ScreeningEvidence, vendor_auditor: Any
) -> None:
    client = as_user(vendor_auditor)
    page = client.get(reverse("workforce:screening-check", args=[evidence.screening_id]))
    assert page.status_code == 200
    assert page.context["can_act"] is False
    assert reverse("workforce:evidence", args=[evidence.pk]) not in page.content.decode()
    url = reverse("workforce:screening-status", args=[evidence.screening_id])
    assert client.post(url, {"status": "in-progress"}).status_code == 403


def test_nobody_records_a_result_on_their_own_check_through_the_page(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    own = invite(tenant_a, worker=tenant_a.compliance_officer)
    client = as_user(tenant_a.compliance_officer)
    page = client.get(reverse("workforce:screening-check", args=[own.pk]))
    assert page.status_code == 200 and not page.context["can_record"]
    today = tenant_a.bpo.local_today().isoformat()
    url = reverse("workforce:screening-status", args=[own.pk])
    assert client.post(url, {"status": "clear", "completed_on": today}).status_code == 403
    own.refresh_from_db()
    assert own.status == ScreeningStatus.INVITED
