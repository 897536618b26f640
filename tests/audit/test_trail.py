"""Recording: same transaction as the action, append-only, no PHI, security events captured."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from steward.audit import canonical
from steward.audit.models import AuditEvent, AuditPending
from steward.audit.services import event_record
from steward.core.events import NoAuditTrail, SecurityEvent, record, security_event
from steward.tenancy.models import Membership
from steward.tenancy.services import membership_end
from tests.audit.helpers import record_some
from tests.conftest import sign_in
from tests.personas import Tenant


def test_an_event_is_queued_for_sealing_with_its_canonical_record(tenant_a: Tenant) -> None:
    event = event_record(
        event="membership.ended",
        actor=tenant_a.bpo_admin,
        tenant=tenant_a.bpo,
        entity_type="membership",
        entity_id="abc",
        fields=("role", "team"),
    )
    assert AuditPending.objects.filter(event=event).exists()
    parsed = canonical.loads(event.canonical)
    assert parsed["event"] == "membership.ended"
    assert parsed["type"] == "110113" and parsed["subtype"] == "110136"
    assert parsed["entity"] == {"type": "membership", "id": "abc", "fields": ["role", "team"]}
    assert parsed["actor"]["user"] == str(tenant_a.bpo_admin.pk)
    assert canonical.dumps(parsed) == event.canonical  # the serialisation is canonical


def test_an_action_whose_audit_write_fails_leaves_nothing_committed(
    tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    membership = tenant_a.membership(tenant_a.vma)

    def broken(*args: object, **kwargs: object) -> None:
        raise DatabaseError("the audit table is unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", broken)
    with pytest.raises(DatabaseError):
        membership_end(membership=membership, actor=tenant_a.bpo_admin, reason="left")
    membership.refresh_from_db()
    assert membership.is_active
    assert not AuditEvent.objects.filter(event="membership.ended").exists()


def test_nothing_is_done_unrecorded_when_no_trail_listens(tenant_a: Tenant) -> None:
    from steward.audit import receivers

    security_event.disconnect(dispatch_uid="steward-audit-security-events")
    try:
        with pytest.raises(NoAuditTrail):
            membership_end(membership=tenant_a.membership(tenant_a.vma), actor=None, reason="x")
        assert Membership.objects.get(pk=tenant_a.membership(tenant_a.vma).pk).is_active
    finally:
        receivers.connect()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET outcome = 'denied'",
        "DELETE FROM audit_auditevent",
    ],
)
def test_the_database_refuses_to_edit_or_delete_events(statement: str) -> None:
    record_some(2)
    with (
        pytest.raises((IntegrityError, DatabaseError)),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2


def test_the_orm_cannot_edit_events_either() -> None:
    event = record_some(1)[0]
    event.outcome = "denied"
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        event.save()


def test_values_are_never_recorded_only_field_names(tenant_a: Tenant, client: Client) -> None:
    sign_in(client, tenant_a.client_admin)
    client.post(
        reverse("tenancy:settings"),
        {
            "legal_name": "Secret Legal Name LLC",
            "short_name": "Practice A",
            "time_zone": "America/Chicago",
            "idle_logoff_minutes": "9",
            "patient_mfa": "offered",
        },
    )
    changed = AuditEvent.objects.get(event="organization.settings-changed")
    assert "Secret Legal Name" not in changed.canonical
    # Hours were left empty in the post, so they changed to "closed" too.
    assert changed.record["detail"]["fields"] == [
        "business_hours",
        "idle_logoff_minutes",
        "legal_name",
        "time_zone",
    ]


def test_detail_cannot_hold_floats_or_objects() -> None:
    with pytest.raises(TypeError):
        event_record(event="test.float", detail={"ratio": 0.5})


def test_sign_in_events_are_recorded_with_request_context(client: Client, tenant_a: Tenant) -> None:
    client.post(
        reverse("account_login"),
        {"login": tenant_a.vma.email, "password": "nope-nope-1"},
        HTTP_USER_AGENT="pytest-browser",
        REMOTE_ADDR="198.51.100.23",
    )
    failed = AuditEvent.objects.get(event="login.failed")
    assert failed.outcome == "denied" and failed.actor_id == tenant_a.vma.pk
    assert failed.record["actor"]["ip"] == "198.51.100.23"
    assert failed.record["actor"]["user_agent"] == "pytest-browser"
    assert failed.record["reasons"] == ["wrong-credentials"]
    assert len(failed.record["request"]["id"]) == 32


def test_every_service_change_reaches_the_trail(tenant_a: Tenant, client: Client) -> None:
    sign_in(client, tenant_a.bpo_admin)
    client.post(
        reverse("tenancy:member-invite"),
        {"full_name": "N", "email": "n@example.test", "role": "vma"},
    )
    client.post(reverse("tenancy:team-list"), {"name": "Night"})
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"user.created", "membership.created", "team.created"} <= events
    created = AuditEvent.objects.get(event="membership.created")
    assert created.tenant_id == tenant_a.bpo.pk
    assert created.record["actor"]["role"] == "bpo-admin"
    assert created.actor_organization_id == tenant_a.bpo.pk


def test_security_event_from_any_layer_is_recorded() -> None:
    record(
        SecurityEvent(
            action="vault.integrity-failure", outcome="error", reasons=("ciphertext-mismatch",)
        )
    )
    event = AuditEvent.objects.get(event="vault.integrity-failure")
    assert event.outcome == "error" and event.record["type"] == "110113"
