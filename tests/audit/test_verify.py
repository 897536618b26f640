"""`audit verify` detects every kind of after-the-fact change and names the first bad leaf.

Each test first does what an attacker with the database owner's rights would:
drop the append-only triggers. Events are sealed one per checkpoint here, so even
a tamperer who recomputes the stored leaf hashes is pinned to the exact leaf.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from steward.audit import canonical
from steward.audit.models import AuditEvent, AuditLeaf, AuditPending
from steward.audit.sealing import seal_pending
from steward.audit.verification import verify_log
from tests.audit.helpers import drop_append_only_guard, record_some


@pytest.fixture
def sealed_log() -> list[AuditEvent]:
    events = []
    for _ in range(8):
        events += record_some(1)
        seal_pending()
    return events


def sql(statement: str, params: tuple[object, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def leaf_event(index: int) -> int:
    return AuditLeaf.objects.get(index=index).event_id


def test_an_untouched_log_verifies(sealed_log: list[AuditEvent]) -> None:
    report = verify_log()
    assert report.ok, report.findings
    assert (report.events, report.checkpoints) == (8, 8)
    output = StringIO()
    call_command("audit", "verify", stdout=output, stderr=StringIO())
    assert "The audit log verifies." in output.getvalue()


def test_an_edited_field_is_found_at_its_leaf(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    record = canonical.loads(AuditEvent.objects.get(sequence=leaf_event(3)).canonical)
    record["outcome"] = "denied"
    sql(
        "UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s",
        (canonical.dumps(record), leaf_event(3)),
    )
    assert verify_log().first_bad_index == 3
    with pytest.raises(CommandError, match="first bad leaf index is 3"):
        call_command("audit", "verify", stdout=StringIO(), stderr=StringIO())


def test_search_columns_cannot_be_edited_apart_from_the_record(
    sealed_log: list[AuditEvent],
) -> None:
    from django.db import DatabaseError, transaction

    drop_append_only_guard()
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE audit_auditevent SET outcome = 'denied' WHERE sequence = %s", (leaf_event(5),))


def test_a_search_column_turned_into_a_plain_one_is_found(sealed_log: list[AuditEvent]) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite cannot turn a generated column into a plain one in place.")
    drop_append_only_guard()
    sql("ALTER TABLE audit_auditevent ALTER COLUMN outcome DROP EXPRESSION")
    sql("UPDATE audit_auditevent SET outcome = 'denied' WHERE sequence = %s", (leaf_event(5),))
    report = verify_log()
    assert any("no longer derived" in f.problem and "outcome" in f.problem for f in report.findings)


def test_the_schema_check_names_a_column_that_is_not_generated(
    sealed_log: list[AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.audit import verification

    monkeypatch.setattr(
        verification, "_GENERATED_COLUMNS", verification._GENERATED_COLUMNS | {"canonical"}
    )
    assert any("canonical" in f.problem for f in verify_log().findings)


def test_an_edit_with_recomputed_leaf_hashes_is_still_found(sealed_log: list[AuditEvent]) -> None:
    from steward.audit import merkle

    drop_append_only_guard()
    record = canonical.loads(AuditEvent.objects.get(sequence=leaf_event(4)).canonical)
    record["actor"]["ip"] = "10.9.9.9"
    text = canonical.dumps(record)
    sql("UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s", (text, leaf_event(4)))
    sql(
        'UPDATE audit_auditleaf SET hash = %s WHERE "index" = 4', (merkle.leaf_hash(text.encode()),)
    )
    report = verify_log()
    assert report.first_bad_index == 4
    assert "rewritten" in report.findings[0].problem


def test_a_deleted_event_is_found(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    victim = leaf_event(2)
    sql('DELETE FROM audit_auditleaf WHERE "index" = 2')
    sql("DELETE FROM audit_auditpending WHERE event_id = %s", (victim,))
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", (victim,))
    assert verify_log().first_bad_index == 2


def test_a_deleted_and_renumbered_event_is_found(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    victim = leaf_event(6)
    sql('DELETE FROM audit_auditleaf WHERE "index" = 6')
    sql("DELETE FROM audit_auditevent WHERE sequence = %s", (victim,))
    sql('UPDATE audit_auditleaf SET "index" = 6 WHERE "index" = 7')
    assert verify_log().first_bad_index == 6


def test_an_inserted_event_is_found(sealed_log: list[AuditEvent]) -> None:
    from steward.audit import merkle
    from steward.audit.services import event_record

    drop_append_only_guard()
    forged = event_record(event="login.succeeded")
    sql("DELETE FROM audit_auditpending WHERE event_id = %s", (forged.sequence,))
    # Slip it in at leaf 1, shifting the rest up, with a correct-looking leaf hash.
    for index in range(7, 0, -1):
        sql('UPDATE audit_auditleaf SET "index" = %s WHERE "index" = %s', (index + 1, index))
    sql(
        'INSERT INTO audit_auditleaf ("index", event_id, hash, sealed_at) '
        "VALUES (1, %s, %s, CURRENT_TIMESTAMP)",
        (forged.sequence, merkle.leaf_hash(forged.canonical.encode())),
    )
    assert verify_log().first_bad_index == 1


def test_two_swapped_events_are_found(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    first, second = leaf_event(2), leaf_event(5)
    text = dict(
        AuditEvent.objects.filter(sequence__in=(first, second)).values_list("sequence", "canonical")
    )
    parking = canonical.loads(text[first])
    parking["id"] = "00000000-0000-4000-8000-000000000000"  # event ids are unique: park one
    sql(
        "UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s",
        (canonical.dumps(parking), first),
    )
    sql("UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s", (text[first], second))
    sql("UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s", (text[second], first))
    assert verify_log().first_bad_index == 2


def test_a_forged_checkpoint_is_found(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    sql(
        "UPDATE audit_checkpoint SET note = replace(note, 'audit\n8\n', 'audit\n9\n') "
        "WHERE tree_size = 8"
    )
    report = verify_log()
    assert not report.ok
    assert any("checkpoint at size 8" in f.problem for f in report.findings)


def test_old_unsealed_events_are_reported(settings: object) -> None:
    drop_append_only_guard()
    events = record_some(2)
    record = canonical.loads(events[0].canonical)
    record["time_us"] -= 3_600_000_000  # an hour ago
    sql(
        "UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s",
        (canonical.dumps(record), events[0].sequence),
    )
    settings.STEWARD_AUDIT_MAX_SEAL_LAG_SECONDS = 60  # type: ignore[attr-defined]
    report = verify_log()
    assert report.unsealed == 2
    assert any("unsealed" in f.problem for f in report.findings)


# Leaves are read in event order and put back in leaf order; the cases below shrink the
# chunk, segment, stash and checkpoint read-ahead so that a handful of events crosses every
# boundary the million-event log does.


@pytest.fixture
def small_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    from steward.audit import verification

    monkeypatch.setattr(verification, "_CHUNK", 2)
    monkeypatch.setattr(verification, "_SEGMENT", 3)
    monkeypatch.setattr(verification, "_CHECKPOINT_PAGE", 1)
    monkeypatch.setattr(verification, "_CHECKPOINT_BUFFER", 2)


def seal_only(*chosen: AuditEvent) -> None:
    """Seal just these events, as if the others' transactions had not committed yet."""
    waiting = list(
        AuditPending.objects.exclude(event_id__in=[e.sequence for e in chosen]).values_list(
            "event_id", flat=True
        )
    )
    AuditPending.objects.filter(event_id__in=waiting).delete()
    seal_pending()
    AuditPending.objects.bulk_create([AuditPending(event_id=sequence) for sequence in waiting])


@pytest.fixture
def late_log() -> list[AuditEvent]:
    """Leaves out of event order: events 0 and 3 commit late; event 5 is never sealed.

    leaf:   0  1  2 | 3  4 | 5  6  7     (| a checkpoint)
    event:  1  2  4 | 0  6 | 3  7  8
    """
    events = record_some(9)
    seal_only(events[1], events[2], events[4])
    seal_only(events[0], events[6])
    seal_only(events[3], events[7], events[8])
    assert [leaf_event(i) for i in range(8)] == [
        events[n].sequence for n in (1, 2, 4, 0, 6, 3, 7, 8)
    ]
    return events


@pytest.mark.parametrize("reads", ["default", "small"])
def test_a_log_sealed_out_of_event_order_verifies(
    late_log: list[AuditEvent], reads: str, request: pytest.FixtureRequest
) -> None:
    if reads == "small":
        request.getfixturevalue("small_reads")
    report = verify_log()
    assert report.ok, report.findings
    assert (report.events, report.checkpoints, report.unsealed) == (8, 3, 1)


@pytest.mark.usefixtures("small_reads")
@pytest.mark.parametrize("stash_limit", [8192, 0])
def test_a_late_event_edited_is_found_at_its_leaf(
    late_log: list[AuditEvent], stash_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from steward.audit import verification

    monkeypatch.setattr(verification, "_STASH_LIMIT", stash_limit)  # 0: leaf order at once
    drop_append_only_guard()
    record = canonical.loads(late_log[3].canonical)
    record["outcome"] = "denied"
    sql(
        "UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s",
        (canonical.dumps(record), late_log[3].sequence),
    )
    report = verify_log()
    assert report.first_bad_index == 5
    assert report.events == 8


@pytest.mark.parametrize("stash_limit", [8192, 2])
def test_an_inserted_event_is_found_whatever_the_stash(
    sealed_log: list[AuditEvent], stash_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a small stash the leaves held for the forged leaf 1 overflow it, and the rest
    of the log is read in leaf order instead."""
    from steward.audit import verification

    monkeypatch.setattr(verification, "_STASH_LIMIT", stash_limit)
    test_an_inserted_event_is_found(sealed_log)


@pytest.mark.usefixtures("small_reads")
def test_rewritten_leaf_hashes_are_found_with_checkpoints_read_ahead_in_pages(
    sealed_log: list[AuditEvent],
) -> None:
    test_an_edit_with_recomputed_leaf_hashes_is_still_found(sealed_log)


@pytest.mark.usefixtures("small_reads")
def test_a_missing_leaf_is_named_after_event_order_reading(sealed_log: list[AuditEvent]) -> None:
    test_a_deleted_event_is_found(sealed_log)


def test_an_old_unsealed_event_among_sealed_ones_is_reported(
    late_log: list[AuditEvent], settings: object
) -> None:
    drop_append_only_guard()
    record = canonical.loads(late_log[5].canonical)
    record["time_us"] -= 3_600_000_000  # an hour ago
    sql(
        "UPDATE audit_auditevent SET canonical = %s WHERE sequence = %s",
        (canonical.dumps(record), late_log[5].sequence),
    )
    settings.STEWARD_AUDIT_MAX_SEAL_LAG_SECONDS = 60  # type: ignore[attr-defined]
    report = verify_log()
    assert report.unsealed == 1
    assert report.oldest_unsealed_seconds > 3000
    assert [f.index for f in report.findings] == [None]
    assert "unsealed" in report.findings[0].problem


def test_a_tampered_stored_node_breaks_consistency(sealed_log: list[AuditEvent]) -> None:
    drop_append_only_guard()
    sql('UPDATE audit_merklenode SET hash = %s WHERE level = 1 AND "index" = 0', (bytes(32),))
    report = verify_log()
    assert report.first_bad_index == 3
    assert "checkpoints 3 and 4 are not consistent" in report.findings[0].problem


def test_records_beyond_ascii_are_hashed_as_their_utf8_bytes() -> None:
    record_some(2, event="test.naïve")
    seal_pending()
    assert "naïve" in AuditEvent.objects.get(sequence=leaf_event(0)).canonical
    report = verify_log()
    assert report.ok, report.findings
    assert report.events == 2
