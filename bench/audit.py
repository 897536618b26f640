"""Audit trail benchmark (PostgreSQL).

1. Append throughput: 8 writer threads record events while a sealer runs; events/s and the
   sealing lag (commit to sealed) are printed.
2. Verification rate: `verify_log` over the whole log vs bare hashlib.sha256 over the same
   leaf bytes, in the same run; target ratio >= 0.3.
3. `steward audit verify` over --events (default 1,000,000) events in a child process, with
   its wall time and peak memory (it must stream: memory must not grow with the log).
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._setup import ROOT, prepare_database


def _writer(slot: int, seconds: float, counts: object) -> None:
    """One writer process: record events for ``seconds`` (a process each, as web workers are)."""
    import django

    django.setup()
    from steward.audit.services import event_record

    deadline = time.perf_counter() + seconds
    written = 0
    while time.perf_counter() < deadline:
        event_record(event="bench.append", detail={"writer": slot})
        written += 1
    counts[slot] = written  # type: ignore[index]


def append_throughput(writers: int, seconds: float) -> None:
    import multiprocessing

    from django.db import connections

    from steward.audit.models import Checkpoint
    from steward.audit.sealing import seal_pending

    connections.close_all()
    context = multiprocessing.get_context("fork")
    counts = context.Array("l", writers)
    processes = [context.Process(target=_writer, args=(i, seconds, counts)) for i in range(writers)]
    stop = threading.Event()

    def seal() -> None:
        while not stop.is_set():
            seal_pending(limit=5000)
            time.sleep(0.5)
        connections.close_all()

    sealer = threading.Thread(target=seal)
    started = time.perf_counter()
    for process in processes:
        process.start()
    sealer.start()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    stop.set()
    sealer.join()
    drain_started = time.perf_counter()
    seal_pending()
    drain = time.perf_counter() - drain_started
    lags = sorted(Checkpoint.objects.values_list("max_lag_ms", flat=True))
    total = sum(counts)
    print(
        f"append: {writers} writer processes, {total} events in {elapsed:.1f} s = "
        f"{total / elapsed:,.0f} events/s"
    )
    if lags:
        print(
            f"sealing lag (per batch, commit to sealed, sealer every 0.5 s): median "
            f"{lags[len(lags) // 2]} ms, p95 {lags[int(len(lags) * 0.95)]} ms, max {lags[-1]} ms;"
            f" final drain {drain * 1000:.0f} ms"
        )


def fill(events: int) -> None:
    """Add events quickly (bulk rows shaped exactly like recorded ones), then seal them."""
    from django.db import transaction

    from steward.audit import canonical
    from steward.audit.models import AuditEvent, AuditPending
    from steward.audit.sealing import seal_pending

    existing = AuditEvent.objects.count()
    needed = max(0, events - existing)
    now = time.time_ns() // 1000
    batch = 20_000
    started = time.perf_counter()
    for offset in range(0, needed, batch):
        rows = []
        for n in range(offset, min(needed, offset + batch)):
            event_id = uuid.uuid4()
            record = {
                "v": 1,
                "id": str(event_id),
                "time_us": now + n,
                "event": "bench.fill",
                "action": "E",
                "type": "110100",
                "subtype": None,
                "outcome": "success",
                "reasons": [],
                "tenant": None,
                "patient": None,
                "actor": {
                    "user": None,
                    "role": "",
                    "organization": None,
                    "session": None,
                    "ip": "127.0.0.1",
                    "user_agent": "bench",
                },
                "entity": {"type": "", "id": "", "fields": []},
                "purpose": "",
                "task": "",
                "break_glass": False,
                "request": {"id": uuid.uuid4().hex, "channel": "bench"},
                "detail": {"n": n},
            }
            rows.append(
                AuditEvent(
                    event_id=event_id,
                    occurred_us=now + n,
                    event="bench.fill",
                    action="E",
                    outcome="success",
                    canonical=canonical.dumps(record),
                )
            )
        with transaction.atomic():
            created = AuditEvent.objects.bulk_create(rows)
            AuditPending.objects.bulk_create([AuditPending(event=e) for e in created])
        print(f"\r  filled {offset + len(rows):,}/{needed:,}", end="", flush=True)
    print(f"\r  filled {needed:,} events in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    result = seal_pending(limit=50_000)
    print(
        f"  sealed {result.sealed:,} in {time.perf_counter() - started:.0f} s "
        f"(log size {result.tree_size:,})"
    )


def verification_ratio() -> None:
    from django.db import connection

    from steward.audit.verification import verify_log

    started = time.perf_counter()
    report = verify_log()
    ours = time.perf_counter() - started
    assert report.ok, report.findings
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.canonical FROM audit_auditleaf l JOIN audit_auditevent e "
            'ON e.sequence = l.event_id ORDER BY l."index"'
        )
        leaves = [("\x00" + row[0]).encode() for row in cursor.fetchall()]
    sha256 = hashlib.sha256
    started = time.perf_counter()
    for leaf in leaves:
        sha256(leaf).digest()
    bare = time.perf_counter() - started
    ours_rate, bare_rate = report.events / ours, len(leaves) / bare
    print(
        f"verify: {report.events:,} events in {ours:.2f} s = {ours_rate:,.0f} events/s; "
        f"bare sha256 over the same leaf bytes: {bare_rate:,.0f} events/s; "
        f"ratio {ours_rate / bare_rate:.2f} (target >= 0.30)"
    )


def verify_command() -> None:
    # The child reports its own peak resident memory as it exits.
    runner = (
        "import atexit, resource, sys\n"
        "atexit.register(lambda: print('PEAK_KIB', resource.getrusage(resource.RUSAGE_SELF)"
        ".ru_maxrss, file=sys.stderr))\n"
        "sys.argv = ['steward', 'audit', '-v0', 'verify']\n"
        "from steward.__main__ import main\n"
        "main()\n"
    )
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-c", runner], cwd=ROOT, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    peak = [line for line in result.stderr.splitlines() if line.startswith("PEAK_KIB")]
    peak_mib = int(peak[-1].split()[1]) / 1024 if peak else float("nan")
    print(
        f"`steward audit verify`: exit {result.returncode} in {elapsed:.1f} s, "
        f"peak memory {peak_mib:.0f} MiB"
    )
    print("  " + result.stdout.strip().replace("\n", "\n  "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    arguments = parser.parse_args()
    url = prepare_database()
    print(f"database: {url}")
    append_throughput(8, arguments.seconds)
    print(f"filling the log to {arguments.events:,} events")
    fill(arguments.events)
    verification_ratio()
    verify_command()


if __name__ == "__main__":
    main()
