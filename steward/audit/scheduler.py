"""Sealing inside the web process: a daemon thread that seals every few seconds.

The default install has no broker, so each web process seals on its own
clock; several processes doing so is safe (the sealer takes one row lock).
With a broker configured, Celery beat runs the same function instead.
"""

from __future__ import annotations

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_started_in: int | None = None
_thread: threading.Thread | None = None
_stop = threading.Event()


def _loop(interval: float) -> None:
    from steward.audit.sealing import seal_pending

    while not _stop.wait(interval):
        try:
            close_old_connections()
            seal_pending()
        except Exception:  # the thread must outlive one failed batch
            logger.exception("audit sealing failed; retrying in %s s", interval)
        finally:
            close_old_connections()


def ensure_sealer_running() -> None:
    """Start this process's sealing thread once (again after a fork)."""
    global _started_in, _thread
    if _started_in == os.getpid():
        return
    with _lock:
        if _started_in == os.getpid():
            return
        _stop.clear()
        thread = threading.Thread(
            target=_loop,
            args=(float(settings.STEWARD_AUDIT_SEAL_INTERVAL_SECONDS),),
            name="steward-audit-sealer",
            daemon=True,
        )
        thread.start()
        _thread, _started_in = thread, os.getpid()


def stop_sealer() -> None:
    """Stop this process's sealing thread (tests; a web process just exits)."""
    global _started_in, _thread
    with _lock:
        _stop.set()
        if _thread is not None:
            _thread.join(timeout=10)
        _thread, _started_in = None, None
