"""The service catalogue: drafts, immutable published versions, public and portal pages, and the
response-time commitments the work queue reads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from steward.audit.models import AuditEvent
from steward.catalog import selectors, services
from steward.catalog.models import Catalogue, CatalogueStatus, ResponseTarget, human_minutes
from steward.core.models import ImmutableRecordError
from steward.vault.models import Patient
from tests.access.conftest import patient_a  # noqa: F401
from tests.conftest import sign_in
from tests.personas import Tenant

SERVICE = {
    "name": "Appointments",
    "description": "Booking and moving appointments.",
    "does": "Book appointments\nMove appointments",
    "does_not": "Give medical advice: clinical questions go to a clinician.",
    "hours": "Mon to Fri 08:00 to 18:00",
    "languages": ["English", "Spanish"],
    "escalation": "The triage nurse, within 30 minutes.",
}
TARGETS = [
    {
        "channel": "phone",
        "priority": "urgent",
        "first_response_minutes": 5,
        "resolution_minutes": 60,
    },
    {
        "channel": "portal",
        "priority": "normal",
        "first_response_minutes": 240,
        "resolution_minutes": 1440,
    },
]


def published(tenant: Tenant, summary: str = "First.") -> Catalogue:
    draft = services.draft_start(tenant=tenant.practice, actor=tenant.client_admin)
    if not draft.services.exists():
        services.service_save(
            draft=draft, actor=tenant.client_admin, values=dict(SERVICE), targets=TARGETS
        )
    return services.publish(draft=draft, actor=tenant.client_admin, summary=summary)


def test_draft_publish_and_next_version_copies_the_current_one(tenant_a: Tenant) -> None:
    first = published(tenant_a)
    assert (first.version, first.status) == (1, CatalogueStatus.PUBLISHED)
    draft = services.draft_start(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    assert draft.pk != first.pk
    copied = draft.services.get()
    assert copied.name == "Appointments"
    assert copied.targets.count() == 2
    # Starting again returns the same draft: one per practice.
    again = services.draft_start(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    assert again.pk == draft.pk
    second = services.publish(draft=draft, actor=tenant_a.client_admin, summary="Same again.")
    assert second.version == 2
    assert selectors.current(tenant_a.practice) == second
    events = [e.event for e in AuditEvent.objects.filter(event__startswith="catalog.")]
    assert events.count("catalog.published") == 2


def test_published_versions_are_never_changed(tenant_a: Tenant) -> None:
    catalogue = published(tenant_a)
    service = catalogue.services.get()
    service.name = "Changed"
    with pytest.raises(ImmutableRecordError):
        service.save()
    with pytest.raises(ImmutableRecordError):
        service.targets.first().delete()
    catalogue.summary = "Rewritten"
    with pytest.raises(ImmutableRecordError):
        catalogue.save()
    with pytest.raises(ValidationError):
        services.service_save(
            draft=catalogue, actor=tenant_a.client_admin, values=SERVICE, targets=TARGETS
        )


@pytest.mark.parametrize(
    ("values", "targets", "field"),
    [
        ({**SERVICE, "does_not": " "}, TARGETS, "does_not"),
        ({**SERVICE, "languages": []}, TARGETS, "languages"),
        (SERVICE, [], "targets"),
        (SERVICE, [{**TARGETS[0], "resolution_minutes": 1}], "targets"),
        (SERVICE, [TARGETS[0], TARGETS[0]], "targets"),
    ],
)
def test_service_validation(
    tenant_a: Tenant, values: dict[str, Any], targets: list[dict[str, Any]], field: str
) -> None:
    draft = services.draft_start(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    with pytest.raises(ValidationError) as caught:
        services.service_save(
            draft=draft, actor=tenant_a.client_admin, values=values, targets=targets
        )
    assert field in caught.value.message_dict
    assert not draft.services.exists()


def test_publishing_twice_is_refused_cleanly(tenant_a: Tenant) -> None:
    draft = services.draft_start(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    services.service_save(
        draft=draft, actor=tenant_a.client_admin, values=dict(SERVICE), targets=TARGETS
    )
    stale_copy = Catalogue.objects.get(pk=draft.pk)
    services.publish(draft=draft, actor=tenant_a.client_admin, summary="First.")
    with pytest.raises(ValidationError):
        services.publish(draft=stale_copy, actor=tenant_a.client_admin, summary="Again.")
    with pytest.raises(ValidationError):
        services.service_save(
            draft=stale_copy, actor=tenant_a.client_admin, values=dict(SERVICE), targets=TARGETS
        )
    assert Catalogue.objects.get().version == 1


def test_an_empty_draft_cannot_be_published(tenant_a: Tenant) -> None:
    draft = services.draft_start(tenant=tenant_a.practice, actor=tenant_a.client_admin)
    with pytest.raises(ValidationError) as caught:
        services.publish(draft=draft, actor=tenant_a.client_admin, summary="Nothing")
    assert "services" in caught.value.message_dict


def test_response_target_is_what_work_measures_against(tenant_a: Tenant) -> None:
    assert (
        selectors.response_target(
            tenant_a.practice, service="Appointments", channel="phone", priority="urgent"
        )
        is None
    )
    published(tenant_a)
    target = selectors.response_target(
        tenant_a.practice, service="Appointments", channel="phone", priority="urgent"
    )
    assert isinstance(target, ResponseTarget)
    assert (target.first_response_minutes, target.resolution_minutes) == (5, 60)
    assert (target.first_response, target.resolution) == ("5 min", "1 h")


def test_human_minutes() -> None:
    assert [human_minutes(m) for m in (45, 90, 1440, 2880, 1500)] == [
        "45 min",
        "1 h 30 min",
        "1 day",
        "2 days",
        "1 d 1 h",
    ]


class TestPages:
    def test_admin_edits_a_draft_through_the_pages(self, client: Client, tenant_a: Tenant) -> None:
        sign_in(client, tenant_a.client_admin)
        assert client.get("/services/").status_code == 200
        assert client.post("/services/draft/start/").status_code == 302
        form = {
            **{k: v for k, v in SERVICE.items() if k != "languages"},
            "languages": "English, Spanish, English",
            "targets-TOTAL_FORMS": "2",
            "targets-INITIAL_FORMS": "0",
            "targets-0-channel": "phone",
            "targets-0-priority": "urgent",
            "targets-0-first_response_minutes": "5",
            "targets-0-resolution_minutes": "60",
        }
        response = client.post("/services/draft/services/new/", form)
        assert response.status_code == 302, response.content
        draft = Catalogue.objects.get(status=CatalogueStatus.DRAFT)
        service = draft.services.get()
        assert service.languages == ["English", "Spanish"]
        bad = client.post(
            f"/services/draft/services/{service.pk}/",
            {**form, "targets-0-resolution_minutes": "1"},
        )
        assert bad.status_code == 400
        assert b"Resolution cannot come before the first response" in bad.content
        assert client.post("/services/draft/", {"summary": ""}).status_code == 400
        assert client.post("/services/draft/", {"summary": "First."}).status_code == 302
        assert selectors.current(tenant_a.practice).version == 1

    def test_only_the_client_admin_edits(self, client: Client, tenant_a: Tenant) -> None:
        published(tenant_a)
        sign_in(client, tenant_a.privacy_officer)
        assert client.get("/services/").status_code == 200
        assert client.get("/services/v1/").status_code == 200
        assert client.post("/services/draft/start/").status_code == 403
        sign_in(client, tenant_a.vma)
        page = client.get("/services/")
        assert page.status_code == 200
        assert tenant_a.practice.short_name.encode() in page.content
        sign_in(client, tenant_a.patient, mfa=False)
        assert client.get("/services/").status_code == 403

    def test_public_page_needs_no_login(self, client: Client, tenant_a: Tenant) -> None:
        url = f"/services/public/{tenant_a.practice.pk}/"
        assert client.get(url).status_code == 404
        published(tenant_a)
        page = client.get(url)
        assert page.status_code == 200
        assert b"Give medical advice" in page.content
        assert b"5 min" in page.content
        assert client.get(f"/services/public/{tenant_a.bpo.pk}/").status_code == 404

    def test_portal_shows_the_practice_catalogue(
        self,
        client: Client,
        tenant_a: Tenant,
        patient_a: Patient,  # noqa: F811
    ) -> None:
        patient_a.portal_user = tenant_a.patient
        patient_a.save(update_fields=["portal_user"])
        published(tenant_a)
        sign_in(client, tenant_a.patient, mfa=False)
        page = client.get("/portal/services/")
        assert page.status_code == 200
        assert b"Appointments" in page.content
