"""Screening services: results and their expiry, adjudication, evidence uploads, and what
each state does to a worker's clearance."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from steward.audit.models import AuditEvent
from steward.core.dates import add_months
from steward.vault.documents import DocumentDamaged, document_open
from steward.vault.models import SealedDocument
from steward.workforce.clearance import clearance_for
from steward.workforce.models import (
    Adjudication,
    ScreeningCheck,
    ScreeningEvidence,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
)
from steward.workforce.services import screening as services
from steward.workforce.services.screening import EVIDENCE_MAX_BYTES
from tests.personas import Tenant
from tests.workforce.conftest import Requirements

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def today(tenant: Tenant) -> dt.date:
    return tenant.bpo.local_today()


def invite(
    tenant: Tenant,
    *,
    kind: str = ScreeningKind.CRIMINAL,
    worker: Any = None,
    days_ago: int = 30,
) -> ScreeningCheck:
    return services.screening_check_create(
        tenant=tenant.bpo,
        actor=tenant.compliance_officer,
        worker=worker or tenant.vma,
        kind=kind,
        vendor="Sterling",
        invited_on=today(tenant) - dt.timedelta(days=days_ago),
        vendor_reference="ST-1",
    )


def result(tenant: Tenant, check: ScreeningCheck, status: str, days_ago: int = 5) -> ScreeningCheck:
    return services.screening_check_update(
        check=check,
        actor=tenant.compliance_officer,
        status=status,
        completed_on=today(tenant) - dt.timedelta(days=days_ago),
    )


def events(name: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event=name).order_by("occurred_us"))


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


# --- Requirements and results ---------------------------------------------------------------


@pytest.mark.no_db
@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 15), 24, dt.date(2028, 3, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
    ],
)
def test_months_are_added_by_the_calendar(start: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(start, months) == expected


def test_a_requirement_is_saved_once_per_kind_and_audited(tenant_a: Tenant) -> None:
    first = services.screening_requirement_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.compliance_officer,
        kind=ScreeningKind.EXCLUSION,
        roles=["vma"],
        rescreen_months=12,
    )
    again = services.screening_requirement_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.bpo_admin,
        kind=ScreeningKind.EXCLUSION,
        roles=["vma", "supervisor"],
        rescreen_months=1,
    )
    assert again.pk == first.pk
    assert ScreeningRequirement.objects.get(pk=first.pk).rescreen_months == 1
    assert [
        e.record["detail"]["created"] for e in events("workforce.screening-requirement-saved")
    ] == [
        "True",
        "False",
    ]


def test_a_requirement_with_bad_input_names_each_field(tenant_a: Tenant) -> None:
    with pytest.raises(ValidationError) as error:
        services.screening_requirement_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.compliance_officer,
            kind="astrology",
            roles=["patient"],
            rescreen_months=999,
        )
    assert set(error.value.message_dict) == {"kind", "roles", "rescreen_months"}
    assert not ScreeningRequirement.objects.exists()


def test_only_compliance_staff_set_requirements(tenant_a: Tenant, tenant_b: Tenant) -> None:
    for actor in (tenant_a.supervisor, tenant_a.vma, tenant_b.compliance_officer):
        with pytest.raises(PermissionDenied):
            services.screening_requirement_save(
                tenant=tenant_a.bpo,
                actor=actor,
                kind=ScreeningKind.IDENTITY,
                roles=["vma"],
                rescreen_months=0,
            )


def test_a_check_is_only_for_an_active_member_and_not_dated_ahead(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    with pytest.raises(ValidationError) as error:
        services.screening_check_create(
            tenant=tenant_a.bpo,
            actor=tenant_a.compliance_officer,
            worker=tenant_b.vma,
            kind="palm-reading",
            vendor="  ",
            invited_on=today(tenant_a) + dt.timedelta(days=2),
        )
    assert set(error.value.message_dict) == {"worker", "kind", "vendor", "invited_on"}
    assert not ScreeningCheck.objects.exists()


def test_a_result_sets_its_expiry_from_the_kinds_rescreen_cadence(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    criminal = result(tenant_a, invite(tenant_a), ScreeningStatus.CLEAR)  # every 24 months
    identity = result(tenant_a, invite(tenant_a, kind=ScreeningKind.IDENTITY), "clear")  # 0
    unrequired = result(tenant_a, invite(tenant_a, kind=ScreeningKind.EXCLUSION), "clear")
    completed = today(tenant_a) - dt.timedelta(days=5)
    assert criminal.completed_on == completed
    assert criminal.expires_on == add_months(completed, 24)
    assert identity.expires_on is None
    assert unrequired.expires_on is None
    assert ScreeningCheck.objects.get(pk=criminal.pk).expires_on == add_months(completed, 24)


def test_a_result_needs_a_completion_date_after_the_invitation_and_not_ahead(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = invite(tenant_a, days_ago=10)
    for completed_on in (
        None,
        today(tenant_a) - dt.timedelta(days=11),
        today(tenant_a) + dt.timedelta(days=1),
    ):
        with pytest.raises(ValidationError) as error:
            services.screening_check_update(
                check=check,
                actor=tenant_a.compliance_officer,
                status=ScreeningStatus.CLEAR,
                completed_on=completed_on,
            )
        assert "completed_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.screening_check_update(
            check=check, actor=tenant_a.compliance_officer, status="fabulous"
        )
    check.refresh_from_db()
    assert (check.status, check.completed_on) == (ScreeningStatus.INVITED, None)
    assert not events("workforce.screening-check-updated")


def test_a_status_change_is_audited_with_old_and_new_status(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = invite(tenant_a)
    services.screening_check_update(
        check=check, actor=tenant_a.compliance_officer, status=ScreeningStatus.IN_PROGRESS
    )
    result(tenant_a, check, ScreeningStatus.CONSIDER)
    details = [e.record["detail"] for e in events("workforce.screening-check-updated")]
    assert [(d["old_status"], d["new_status"]) for d in details] == [
        ("invited", "in-progress"),
        ("in-progress", "consider"),
    ]


def test_a_changed_result_clears_the_earlier_adjudication(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.CONSIDER)
    services.screening_adjudicate(
        check=check,
        actor=tenant_a.compliance_officer,
        decision=Adjudication.CLEARED,
        note="Offence unrelated to the role, 12 years ago.",
    )
    changed = result(tenant_a, check, ScreeningStatus.ADVERSE, days_ago=2)
    assert changed.adjudication == Adjudication.PENDING
    assert changed.adjudicated_by is None
    assert changed.adjudication_note == ""
    assert changed.needs_adjudication


# --- Adjudication ---------------------------------------------------------------------------


def test_only_the_vendors_compliance_officer_adjudicates(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.ADVERSE)
    for actor in (tenant_a.bpo_admin, tenant_a.supervisor, tenant_b.compliance_officer):
        with pytest.raises(PermissionDenied):
            services.screening_adjudicate(
                check=check, actor=actor, decision=Adjudication.CLEARED, note="Looks fine."
            )
    check.refresh_from_db()
    assert check.needs_adjudication
    assert not events("workforce.screening-adjudicated")


def test_only_consider_or_adverse_results_are_adjudicated(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    pending = invite(tenant_a)
    clear = result(tenant_a, invite(tenant_a, kind=ScreeningKind.IDENTITY), ScreeningStatus.CLEAR)
    for check in (pending, clear):
        with pytest.raises(ValidationError) as error:
            services.screening_adjudicate(
                check=check,
                actor=tenant_a.compliance_officer,
                decision=Adjudication.CLEARED,
                note="n/a",
            )
        assert "decision" in error.value.message_dict
    assert not events("workforce.screening-adjudicated")


def test_an_adjudication_needs_reasons_and_a_real_decision(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.CONSIDER)
    with pytest.raises(ValidationError) as error:
        services.screening_adjudicate(
            check=check, actor=tenant_a.compliance_officer, decision="cleared", note="   "
        )
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.screening_adjudicate(
            check=check, actor=tenant_a.compliance_officer, decision="", note="Because."
        )
    assert "decision" in error.value.message_dict


def test_a_decision_is_recorded_and_may_be_revised_with_history(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    check = result(tenant_a, invite(tenant_a), ScreeningStatus.CONSIDER)
    first = services.screening_adjudicate(
        check=check,
        actor=tenant_a.compliance_officer,
        decision=Adjudication.CLEARED,
        note="Minor, old, unrelated.",
    )
    assert first.adjudicated_by == tenant_a.compliance_officer
    assert first.adjudicated_at is not None
    revised = services.screening_adjudicate(
        check=check,
        actor=tenant_a.compliance_officer,
        decision=Adjudication.NOT_CLEARED,
        note="The vendor corrected the date: it is recent.",
    )
    assert revised.adjudication == Adjudication.NOT_CLEARED
    details = [e.record["detail"] for e in events("workforce.screening-adjudicated")]
    assert [(d["decision"], d["previous"]) for d in details] == [
        ("cleared", None),
        ("not-cleared", "cleared"),
    ]


# --- Clearance -------------------------------------------------------------------------------


def criminal_reasons(tenant: Tenant) -> set[str]:
    reasons = clearance_for(tenant.membership(tenant.vma)).reasons
    return {r for r in reasons if r.endswith(":criminal-background")}


def test_each_screening_state_gives_its_clearance_reason(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    assert clearance_for(tenant_a.membership(tenant_a.vma)).cleared
    ScreeningCheck.objects.filter(worker=tenant_a.vma, kind=ScreeningKind.CRIMINAL).delete()
    assert criminal_reasons(tenant_a) == {"screening-missing:criminal-background"}

    check = invite(tenant_a, days_ago=800)
    assert criminal_reasons(tenant_a) == {"screening-pending:criminal-background"}
    services.screening_check_update(
        check=check, actor=tenant_a.compliance_officer, status=ScreeningStatus.IN_PROGRESS
    )
    assert criminal_reasons(tenant_a) == {"screening-pending:criminal-background"}

    result(tenant_a, check, ScreeningStatus.CONSIDER)
    assert criminal_reasons(tenant_a) == {"screening-under-review:criminal-background"}

    services.screening_adjudicate(
        check=check, actor=tenant_a.compliance_officer, decision="cleared", note="Unrelated."
    )
    assert clearance_for(tenant_a.membership(tenant_a.vma)).cleared

    services.screening_adjudicate(
        check=check, actor=tenant_a.compliance_officer, decision="not-cleared", note="Revised."
    )
    assert criminal_reasons(tenant_a) == {"screening-adverse:criminal-background"}

    # A clear result 25 months old is past its 24-month re-screen.
    result(tenant_a, check, ScreeningStatus.CLEAR, days_ago=25 * 31)
    assert criminal_reasons(tenant_a) == {"screening-expired:criminal-background"}


# --- Evidence -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("scan.png", PNG, "image/png"),
        ("licence.txt", JPEG, "image/jpeg"),  # judged by content, not the name
    ],
)
def test_evidence_is_accepted_by_its_content_and_fingerprinted(
    tenant_a: Tenant, media: Path, name: str, content: bytes, content_type: str
) -> None:
    import hashlib

    check = invite(tenant_a)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    evidence = services.screening_evidence_add(
        check=check, actor=tenant_a.compliance_officer, upload=upload
    )
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.original_name == name
    # Sealed in the vault: nothing on disk, and the stored bytes are not the file's.
    assert stored_files(media) == []
    sealed = bytes(SealedDocument.objects.get(pk=evidence.document_id).ciphertext)
    assert content not in sealed
    assert (
        document_open(evidence.document, kind="screening-evidence", bound_to=evidence.pk) == content
    )
    assert events("workforce.evidence-added")[0].record["entity"]["id"] == str(evidence.pk)


@pytest.mark.parametrize(
    ("name", "content", "declared", "message"),
    [
        (
            "report.pdf",
            b"This is only text pretending to be a PDF.",
            "application/pdf",
            "PDF, PNG or JPEG",
        ),
        (
            "setup.exe",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            "application/x-msdownload",
            "PDF, PNG or JPEG",
        ),
        ("photo.png", b"GIF89a\x01\x00\x01\x00", "image/png", "PDF, PNG or JPEG"),
        ("empty.pdf", b"", "application/pdf", "empty"),
        ("huge.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES, "application/pdf", "larger than 5 MB"),
    ],
)
def test_bad_evidence_is_refused_with_a_clear_message_and_leaves_nothing(
    tenant_a: Tenant, media: Path, name: str, content: bytes, declared: str, message: str
) -> None:
    check = invite(tenant_a)
    with pytest.raises(ValidationError) as error:
        services.screening_evidence_add(
            check=check,
            actor=tenant_a.compliance_officer,
            upload=SimpleUploadedFile(name, content, content_type=declared),
        )
    assert message in " ".join(error.value.message_dict["upload"])
    assert not ScreeningEvidence.objects.exists()
    assert stored_files(media) == []
    assert not events("workforce.evidence-added")


def test_evidence_of_exactly_the_limit_is_accepted(tenant_a: Tenant, media: Path) -> None:
    content = PDF + b"0" * (EVIDENCE_MAX_BYTES - len(PDF))
    evidence = services.screening_evidence_add(
        check=invite(tenant_a),
        actor=tenant_a.compliance_officer,
        upload=SimpleUploadedFile("big.pdf", content),
    )
    assert evidence.size == EVIDENCE_MAX_BYTES


def test_a_failure_after_the_file_is_sealed_keeps_nothing(
    tenant_a: Tenant, media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check = invite(tenant_a)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        services.screening_evidence_add(
            check=check,
            actor=tenant_a.compliance_officer,
            upload=SimpleUploadedFile("report.pdf", PDF),
        )
    assert not ScreeningEvidence.objects.exists()
    assert not SealedDocument.objects.exists()
    assert stored_files(media) == []


def test_tampered_evidence_is_never_served(tenant_a: Tenant, media: Path) -> None:
    evidence = services.screening_evidence_add(
        check=invite(tenant_a),
        actor=tenant_a.compliance_officer,
        upload=SimpleUploadedFile("report.pdf", PDF),
    )
    document = SealedDocument.objects.get(pk=evidence.document_id)
    flipped = bytearray(document.ciphertext)
    flipped[-1] ^= 1
    SealedDocument.objects.filter(pk=document.pk).update(ciphertext=bytes(flipped))
    evidence.refresh_from_db()
    with pytest.raises(DocumentDamaged):
        services.screening_evidence_open(evidence=evidence, actor=tenant_a.compliance_officer)
    assert events("workforce.evidence-viewed") == []


def test_evidence_pointing_at_another_vendors_document_is_refused(
    tenant_a: Tenant, tenant_b: Tenant, media: Path
) -> None:
    mine = services.screening_evidence_add(
        check=invite(tenant_a),
        actor=tenant_a.compliance_officer,
        upload=SimpleUploadedFile("mine.pdf", PDF),
    )
    theirs = services.screening_evidence_add(
        check=invite(tenant_b),
        actor=tenant_b.compliance_officer,
        upload=SimpleUploadedFile("theirs.pdf", PDF + b" secret"),
    )
    # Someone with write access to the database re-points vendor A's row.
    swapped_document = theirs.document_id
    ScreeningEvidence.objects.filter(pk=theirs.pk).delete()
    ScreeningEvidence.objects.filter(pk=mine.pk).update(document_id=swapped_document)
    mine.refresh_from_db()
    with pytest.raises(DocumentDamaged):
        services.screening_evidence_open(evidence=mine, actor=tenant_a.compliance_officer)


def test_only_compliance_staff_upload_evidence(tenant_a: Tenant, media: Path) -> None:
    with pytest.raises(PermissionDenied):
        services.screening_evidence_add(
            check=invite(tenant_a),
            actor=tenant_a.supervisor,
            upload=SimpleUploadedFile("report.pdf", PDF),
        )
    assert stored_files(media) == []


def test_opening_evidence_is_audited(tenant_a: Tenant, media: Path) -> None:
    evidence = services.screening_evidence_add(
        check=invite(tenant_a),
        actor=tenant_a.compliance_officer,
        upload=SimpleUploadedFile("Background Report (final).pdf", PDF),
    )
    handle, filename = services.screening_evidence_open(
        evidence=evidence, actor=tenant_a.compliance_officer
    )
    with handle:
        assert handle.read() == PDF
    assert filename == "background-report-final.pdf"
    viewed = events("workforce.evidence-viewed")
    assert len(viewed) == 1
    assert viewed[0].actor_id == tenant_a.compliance_officer.pk
    assert viewed[0].record["entity"]["id"] == str(evidence.pk)


def test_a_newer_adverse_result_blocks_despite_an_older_clear_one(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    # The older clear criminal-background check stays current for 700 more days.
    check = result(tenant_a, invite(tenant_a, days_ago=10), ScreeningStatus.ADVERSE, days_ago=2)
    assert criminal_reasons(tenant_a) == {"screening-under-review:criminal-background"}
    services.screening_adjudicate(
        check=check, actor=tenant_a.compliance_officer, decision="not-cleared", note="Recent."
    )
    assert criminal_reasons(tenant_a) == {"screening-adverse:criminal-background"}
    services.screening_adjudicate(
        check=check, actor=tenant_a.compliance_officer, decision="cleared", note="Revised."
    )
    assert clearance_for(tenant_a.membership(tenant_a.vma)).cleared


def test_a_rescreen_in_progress_leaves_the_current_result_in_force(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    invite(tenant_a, days_ago=3)
    assert clearance_for(tenant_a.membership(tenant_a.vma)).cleared


def test_nobody_records_the_results_of_their_own_screening(tenant_a: Tenant) -> None:
    own = invite(tenant_a, worker=tenant_a.compliance_officer)
    with pytest.raises(PermissionDenied):
        result(tenant_a, own, ScreeningStatus.CLEAR)
    own.refresh_from_db()
    assert own.status == ScreeningStatus.INVITED
    assert not events("workforce.screening-check-updated")
