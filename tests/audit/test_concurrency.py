"""Concurrent appends lose nothing and get distinct, gap-free leaf indexes (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from steward.audit.models import AuditEvent, AuditLeaf
from steward.audit.sealing import seal_pending
from steward.audit.services import event_record
from steward.audit.verification import verify_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS, EVENTS_EACH = 8, 40


@pytest.fixture(autouse=True)
def _needs_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent writers need PostgreSQL's row locking; SQLite serialises them.")


def test_concurrent_writers_and_sealers_lose_no_event() -> None:
    start = threading.Barrier(WRITERS + 2)
    errors: list[BaseException] = []
    writing = threading.Event()
    writing.set()

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(EVENTS_EACH):
                event_record(event="test.concurrent", detail={"writer": writer, "n": n})
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    def seal_while_writing() -> None:
        try:
            start.wait()
            while writing.is_set():
                seal_pending(limit=25)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    writers = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    sealers = [threading.Thread(target=seal_while_writing) for _ in range(2)]
    for thread in writers + sealers:
        thread.start()
    for thread in writers:
        thread.join()
    writing.clear()
    for thread in sealers:
        thread.join()
    assert errors == []
    seal_pending()
    total = WRITERS * EVENTS_EACH
    assert AuditEvent.objects.filter(event="test.concurrent").count() == total
    indexes = list(AuditLeaf.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(len(indexes)))
    assert AuditLeaf.objects.filter(event__event="test.concurrent").count() == total
    report = verify_log()
    assert report.ok, report.findings
