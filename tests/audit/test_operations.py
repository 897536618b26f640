"""Operating the trail: the command, the in-process sealer, the Celery task."""

from __future__ import annotations

import json
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from steward.audit import scheduler
from steward.audit.models import AuditLeaf, AuditPending
from steward.audit.standalone import main as verify_main
from tests.audit.helpers import record_some


def run(*args: str) -> str:
    output = StringIO()
    call_command("audit", *args, stdout=output, stderr=StringIO())
    return output.getvalue()


def test_seal_status_prove_export(tmp_path: Path) -> None:
    events = record_some(4)
    assert "Awaiting sealing: 4" in run("status")
    assert "Sealed 4 event(s)" in run("seal")
    proof = json.loads(run("prove", "inclusion", str(events[2].event_id)))
    assert proof["leaf_index"] == 2 and proof["tree_size"] == 4
    consistency = json.loads(run("prove", "consistency", "4", "4"))
    assert consistency["proof"] == []
    bundle_path = tmp_path / "bundle.json"
    run(
        "export",
        "--event",
        str(events[0].event_id),
        "--event",
        str(events[3].event_id),
        "--output",
        str(bundle_path),
    )
    assert verify_main([str(bundle_path)]) == 0
    assert "+" in run("key")


def test_command_errors_are_clear() -> None:
    with pytest.raises(CommandError, match="not sealed"):
        run("prove", "inclusion", "3f1b2c8e-0000-4000-8000-000000000000")
    with pytest.raises(CommandError, match="Name the events"):
        run("export")
    with pytest.raises(CommandError, match="No checkpoint"):
        run("prove", "consistency", "1", "2")


def test_celery_task_seals() -> None:
    from steward.audit.tasks import seal_pending

    record_some(3)
    assert seal_pending.apply().get() == 3
    assert AuditLeaf.objects.count() == 3


def still_pending() -> bool:
    """Whether events wait to be sealed. The in-memory SQLite test database shares one cache
    between threads, so a read can find the table locked while the sealer writes: that is
    "not yet", not a failure."""
    try:
        return AuditPending.objects.exists()
    except OperationalError:
        return True


@pytest.mark.django_db(transaction=True)
def test_in_process_sealer_seals_within_the_bound(
    settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STEWARD_AUDIT_SEAL_INTERVAL_SECONDS = 1  # type: ignore[attr-defined]
    monkeypatch.setattr(scheduler, "_started_in", None)
    record_some(3)
    try:
        scheduler.ensure_sealer_running()
        scheduler.ensure_sealer_running()  # idempotent
        # Generous: it returns as soon as the sealer is done; a loaded CI machine is slow.
        deadline = time.monotonic() + 30
        while still_pending() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        scheduler.stop_sealer()
    assert not AuditPending.objects.exists()
    assert AuditLeaf.objects.count() == 3


def test_a_new_installation_creates_its_signing_key_once(tmp_path: Path, settings: object) -> None:
    from steward.audit import keys

    settings.STEWARD_KEY_DIR = tmp_path  # type: ignore[attr-defined]
    settings.STEWARD_KEYS_AUTOCREATE = False  # type: ignore[attr-defined]
    keys.signing_key.cache_clear()
    try:
        with pytest.raises(CommandError, match="missing"):
            run("key")
        first = run("key", "--create")
        assert run("key", "--create") == first  # never replaced
    finally:
        keys.signing_key.cache_clear()
