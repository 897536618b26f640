"""Work-queue benchmark (PostgreSQL): "next task" with 10,000 and with 1,000,000 open tasks.

Same run, same database: the queue is filled to --small open tasks, "next task" is measured,
then the queue grows to --large and it is measured again. Two figures each:

- selection: the routing query alone (eligible tasks of the assistant's team in a language
  and skill they have, most urgent first, FOR UPDATE SKIP LOCKED, LIMIT 1);
- next task: the whole ``routing.next_task`` (selection, assignment, history, routing
  decision and audit event), rolled back after each call so the queue stays the same.

Target: selection p95 under 20 ms at 1,000,000 and at most 2x the 10,000 figure.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import statistics
import time

from bench._setup import prepare_database

TEAMS = 10


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def build_world() -> tuple[object, object, list[object]]:
    import datetime as dt

    from steward.access.models import PurposeOfUse
    from steward.accounts.services import user_create
    from steward.demo.patients import PatientFactory
    from steward.tenancy.models import Membership, Team
    from steward.tenancy.services import organization_create
    from steward.vault.services import patient_create
    from steward.work.models import TaskType, WorkerProfile

    practice = organization_create(
        kind="covered-entity",
        legal_name="Queue Practice",
        short_name="Queue",
        time_zone="America/New_York",
        actor=None,
    )
    vendor = organization_create(
        kind="business-associate",
        legal_name="Queue Vendor",
        short_name="Vendor",
        time_zone="Asia/Manila",
        actor=None,
    )
    teams = [Team.objects.create(organization=vendor, name=f"Team {n}") for n in range(TEAMS)]
    user = user_create(email="vma@bench.test", full_name="VMA Bench", email_verified=True)
    membership = Membership.objects.create(
        user=user, organization=vendor, role="vma", team=teams[0]
    )
    WorkerProfile.objects.create(
        membership=membership, languages=["English", "Spanish"], skills=[], max_open_tasks=1000
    )
    task_type = TaskType.objects.create(
        tenant=practice,
        code="appointment-request",
        name="Appointment request",
        service="Appointments",
        purpose=PurposeOfUse.objects.get(code="appointment-scheduling"),
        team=teams[0],
    )
    factory = PatientFactory(
        seed=5,
        prefix="QB",
        time_zone="America/New_York",
        pediatric=False,
        today=dt.date(2026, 11, 30),
        unique_phones=False,
    )
    patients = [
        patient_create(tenant=practice, values=p.values, actor=None) for p in factory.many(50)
    ]
    return membership, task_type, [*teams, *patients]


def fill(task_type: object, teams_and_patients: list[object], count: int) -> None:
    """Add ``count`` queued tasks spread over the teams, in one INSERT ... SELECT."""
    from django.db import connection

    teams = [str(t.pk) for t in teams_and_patients[:TEAMS]]
    patients = [str(p.pk) for p in teams_and_patients[TEAMS:]]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO work_task (
                id, created_at, tenant_id, patient_id, task_type_id, team_id, priority,
                priority_rank, channel, status, language, skill, source, first_response_due,
                resolution_due, escalated_to, escalation_reason, updated_at
            )
            SELECT gen_random_uuid(), c, %(tenant)s,
                   (%(patients)s::uuid[])[1 + (g %% %(np)s)], %(type)s,
                   (%(teams)s::uuid[])[1 + (g %% %(nt)s)],
                   (ARRAY['urgent','high','normal','low'])[1 + r], r, 'phone', 'queued',
                   (ARRAY['','','','','','','','','Spanish','Tagalog'])[1 + (g %% 10)], '',
                   'staff', c + interval '1 hour' * (1 + r), c + interval '1 day' * (1 + r),
                   '', '', now()
            FROM (
                SELECT g, (random() * 3)::int AS r,
                       now() - random() * interval '30 days' AS c
                FROM generate_series(1, %(count)s) AS g
            ) AS rows
            """,
            {
                "tenant": str(task_type.tenant_id),  # type: ignore[attr-defined]
                "patients": patients,
                "np": len(patients),
                "type": task_type.pk,  # type: ignore[attr-defined]
                "teams": teams,
                "nt": len(teams),
                "count": count,
            },
        )
        cursor.execute("ANALYZE work_task")


def measure(membership: object, rounds: int) -> dict[str, float]:
    from django.db import transaction

    from steward.work import routing
    from steward.work.models import Task

    worker = routing.worker_for(membership)  # type: ignore[arg-type]
    selection: list[float] = []
    whole: list[float] = []
    for _ in range(rounds):
        with transaction.atomic():
            started = time.perf_counter()
            task = (
                Task.objects.filter(routing.eligible(worker))
                .order_by("priority_rank", "resolution_due", "created_at", "id")
                .select_for_update(skip_locked=True, of=("self",))
                .first()
            )
            selection.append((time.perf_counter() - started) * 1000)
            assert task is not None
            transaction.set_rollback(True)
        with transaction.atomic():
            started = time.perf_counter()
            assert routing.next_task(membership=membership) is not None  # type: ignore[arg-type]
            whole.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return {
        "select_p50": statistics.median(selection),
        "select_p95": percentile(selection, 0.95),
        "next_p50": statistics.median(whole),
        "next_p95": percentile(whole, 0.95),
    }


def explain(membership: object) -> str:
    from steward.work import routing
    from steward.work.models import Task

    worker = routing.worker_for(membership)  # type: ignore[arg-type]
    query = Task.objects.filter(routing.eligible(worker)).order_by(
        "priority_rank", "resolution_due", "created_at", "id"
    )[:1]
    return query.explain()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=300)
    options = parser.parse_args()
    prepare_database(
        __import__("os").environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/steward_bench_queue"
        )
    )
    from steward.core.context import command_context

    with command_context("bench-queue"):
        membership, task_type, rest = build_world()
        fill(task_type, rest, options.small)
        small = measure(membership, options.rounds)
        print(
            f"{options.small:>9,} open tasks: selection p50 {small['select_p50']:.2f} ms, "
            f"p95 {small['select_p95']:.2f} ms; next task p50 {small['next_p50']:.2f} ms, "
            f"p95 {small['next_p95']:.2f} ms"
        )
        started = time.perf_counter()
        fill(task_type, rest, options.large - options.small)
        print(f"(filled to {options.large:,} in {time.perf_counter() - started:.0f} s)")
        large = measure(membership, options.rounds)
        print(
            f"{options.large:>9,} open tasks: selection p50 {large['select_p50']:.2f} ms, "
            f"p95 {large['select_p95']:.2f} ms; next task p50 {large['next_p50']:.2f} ms, "
            f"p95 {large['next_p95']:.2f} ms"
        )
        ratio = large["select_p95"] / small["select_p95"]
        verdict = "meets" if large["select_p95"] < 20 and ratio <= 2 else "MISSES"
        print(
            f"selection p95 at {options.large:,}: {large['select_p95']:.2f} ms (target < 20); "
            f"ratio to {options.small:,}: {ratio:.2f} (target <= 2.0) -> {verdict} the target"
        )
        print("plan at the large size:")
        print(explain(membership))


if __name__ == "__main__":
    main()
