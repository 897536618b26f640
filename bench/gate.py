"""Gate benchmark (PostgreSQL).

1. In process: p50/p95 latency of an authorised patient read through the gate (decision +
   decrypt of the purpose's fields + audit append, one transaction) against a plain ORM fetch
   of the same row, in the same run. Target: ratio <= 2.0.
2. Over HTTP on loopback: requests/s and p99 of the gated patient endpoint against the ungated
   health endpoint, with a small threaded load generator, in the same run.
3. The gate's cost against the size of the audit trail: the in-process read again after the
   trail has grown from --small to --large events (default 10,000 and 1,000,000).
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._setup import ROOT, prepare_database

PORT = 8765


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def build_world() -> tuple[object, list[object], object]:
    from steward.accounts.services import user_create
    from steward.accounts.totp import totp_enrol
    from steward.demo.patients import PatientFactory
    from steward.tenancy.services import membership_invite, organization_create
    from steward.vault.services import patient_create

    practice = organization_create(
        kind="covered-entity",
        legal_name="Bench Practice",
        short_name="Bench",
        time_zone="America/New_York",
        actor=None,
    )
    user = user_create(email="dr@bench.test", full_name="Dr Bench", email_verified=True)
    totp_enrol(user=user, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    membership = membership_invite(
        organization=practice,
        email=user.email,
        full_name="Dr Bench",
        role="practitioner",
        actor=None,
        notify=False,
    )
    import datetime as dt

    factory = PatientFactory(
        seed=3,
        prefix="BG",
        time_zone="America/New_York",
        pediatric=False,
        today=dt.date(2026, 11, 30),
        unique_phones=False,
    )
    patients = [
        patient_create(tenant=practice, values=p.values, actor=None) for p in factory.many(200)
    ]
    return user, patients, membership


def in_process(
    user: object, patients: list[object], membership: object, rounds: int
) -> tuple[float, float, float, float]:
    from steward.access import gate
    from steward.core.policy import Subject
    from steward.vault.models import Patient

    subject = Subject(
        user=user, membership=membership, mfa_passed=True, seconds_since_authentication=5.0
    )
    gated, plain = [], []
    for n in range(rounds):
        patient = patients[n % len(patients)]
        started = time.perf_counter()
        Patient.objects.get(pk=patient.pk)  # type: ignore[attr-defined]
        plain.append(time.perf_counter() - started)
        started = time.perf_counter()
        gate.read(
            subject=subject,
            patient_id=patient.pk,  # type: ignore[attr-defined]
            purpose_code="treatment",
        )
        gated.append(time.perf_counter() - started)
    return (
        statistics.median(gated),
        percentile(gated, 0.95),
        statistics.median(plain),
        percentile(plain, 0.95),
    )


def report_in_process(label: str, numbers: tuple[float, float, float, float]) -> None:
    g50, g95, p50, p95 = numbers
    print(
        f"{label}: gated read p50 {g50 * 1000:.2f} ms, p95 {g95 * 1000:.2f} ms; plain ORM fetch "
        f"p50 {p50 * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms; ratio p50 {g50 / p50:.1f}x, "
        f"p95 {g95 / p95:.1f}x (target <= 2.0x)"
    )


def session_cookie(user: object) -> str:
    """A signed-in, MFA-verified session, as the login flow would leave it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)  # type: ignore[attr-defined]
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()  # type: ignore[attr-defined]
    store["account_authentication_methods"] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time()},
    ]
    store["account_authentication_methods_user"] = str(user.pk)  # type: ignore[attr-defined]
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def load(path: str, cookie: str, seconds: float, workers: int) -> tuple[float, float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")
            mine.append(time.perf_counter() - started)
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / seconds, percentile(latencies, 0.99)


def over_http(user: object, patient: object, seconds: float) -> None:
    cookie = session_cookie(user)
    environment = {**os.environ, "STEWARD_AUDIT_SEALER": "off"}
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            sys.executable,
            "-m",
            "steward",
            "runserver",
            f"127.0.0.1:{PORT}",
            "--noreload",
            "--skip-checks",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request(
                    "GET", "/api/health"
                )
                break
            except OSError:
                time.sleep(0.1)
        health = load("/api/health", cookie, seconds, 4)
        gated = load(
            f"/api/patients/{patient.pk}?purpose=treatment",
            cookie,  # type: ignore[attr-defined]
            seconds,
            4,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"HTTP (Django's server, 4 clients): health {health[0]:,.0f} req/s, p99 "
        f"{health[1] * 1000:.1f} ms; gated patient {gated[0]:,.0f} req/s, p99 "
        f"{gated[1] * 1000:.1f} ms; throughput ratio {gated[0] / health[0]:.2f}, "
        f"p99 ratio {gated[1] / health[1]:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    arguments = parser.parse_args()
    os.environ.setdefault(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/steward_bench_gate"
    )
    url = prepare_database()
    print(f"database: {url}")
    user, patients, membership = build_world()
    from bench.audit import fill

    fill(arguments.small)
    report_in_process(
        f"in process, audit trail of {arguments.small:,}",
        in_process(user, patients, membership, arguments.rounds),
    )
    over_http(user, patients[0], arguments.seconds)
    fill(arguments.large)
    report_in_process(
        f"in process, audit trail of {arguments.large:,}",
        in_process(user, patients, membership, arguments.rounds),
    )


if __name__ == "__main__":
    main()
