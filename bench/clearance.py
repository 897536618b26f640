"""Workforce clearance benchmark (PostgreSQL).

1. In process: p50/p95 latency of an authorised patient read through the gate by a VMA with an
   assigned open task for the patient, for two vendors in the same database and the same run,
   reads alternating: (a) BASELINE, a vendor with no workforce requirements (the clearance
   rule short-circuits); (b) a vendor with demo-like requirements (4 screening kinds, 6
   courses, 3 policies) whose VMA is cleared with a year of history (2 passes per course, 2
   versions of each policy accepted, re-screens on schedule). Prints both, the ratio (b)/(a)
   and the number of SQL queries of one read in each configuration.
2. The team matrix (``workforce.selectors.matrix``) and the chart of the share cleared over
   12 weeks (``cleared_share_over_time``) for --small vs --large workers (default 20 and 500,
   each with that history): wall time, query count (should not grow) and the time ratio.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import argparse
import datetime as dt
import os
import statistics
import time
from typing import Any

from bench._setup import prepare_database

PURPOSE = "appointment-scheduling"
EMPLOYED_DAYS = 760  # long enough for two passes of every course after joining


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def vendor_with_vmas(practice: Any, label: str, count: int) -> tuple[Any, list[Any], Any]:
    """A vendor with an active BAA with ``practice``, a team and ``count`` VMAs."""
    from django.utils import timezone

    from steward.access.models import PurposeOfUse
    from steward.accounts.services import user_create
    from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Membership, Team
    from steward.tenancy.services import organization_create
    from steward.work.models import TaskType

    vendor = organization_create(
        kind="business-associate",
        legal_name=f"Vendor {label}, Inc.",
        short_name=f"Vendor {label}",
        time_zone="Asia/Manila",
        actor=None,
    )
    today = vendor.local_today()
    BusinessAssociateAgreement.objects.create(
        covered_entity=practice,
        business_associate=vendor,
        status=AgreementStatus.ACTIVE,
        signed_on=today - dt.timedelta(days=EMPLOYED_DAYS + 30),
        effective_on=today - dt.timedelta(days=EMPLOYED_DAYS + 20),
    )
    team = Team.objects.create(organization=vendor, name=f"Scheduling {label}")
    joined = timezone.now() - dt.timedelta(days=EMPLOYED_DAYS)
    users = []
    for n in range(count):
        users.append(
            user_create(
                email=f"vma{n:03d}.{label.lower()}@bench.test",
                full_name=f"VMA {n:03d} {label}",
                email_verified=True,
            )
        )
        if count > 50 and (n + 1) % 100 == 0:
            print(f"\r  vendor {label}: {n + 1}/{count} accounts", end="", flush=True)
    if count > 50:
        print()
    memberships = Membership.objects.bulk_create(
        Membership(user=u, organization=vendor, role="vma", team=team, valid_from=joined)
        for u in users
    )
    task_type = TaskType.objects.create(
        tenant=practice,
        code=f"bench-{label.lower()}",
        name=f"Bench scheduling ({label})",
        service="Bench",
        purpose=PurposeOfUse.objects.get(code=PURPOSE),
        team=team,
    )
    return vendor, memberships, task_type


def assign_tasks(practice: Any, task_type: Any, worker: Any, patients: list[Any]) -> None:
    """An open task per patient assigned to ``worker``: the key to each record (work rule)."""
    from steward.work import services as work
    from steward.work.models import Source

    for patient in patients:
        task = work.task_create(
            tenant=practice,
            patient=patient,
            task_type=task_type,
            actor=None,
            source=Source.STAFF,
        )
        work.assign(task=task, worker=worker, actor=None, mode="bench")


def add_requirements(vendor: Any) -> tuple[list[Any], list[Any]]:
    """The demo vendor's requirements: 4 screening kinds, 6 courses, 3 policies (2 versions
    each: the first a year ago, the second last month)."""
    from django.utils import timezone

    from steward.demo.workforce import COURSES, POLICIES, POLICY_TEXT, SCREENING
    from steward.workforce.models import (
        Course,
        CourseVersion,
        Policy,
        PolicyVersion,
        ScreeningRequirement,
    )

    now = timezone.now()
    for kind, roles, months in SCREENING:
        ScreeningRequirement.objects.create(
            tenant=vendor, kind=kind, roles=[str(r) for r in roles], rescreen_months=months
        )
    courses = []
    for spec in COURSES:
        course = Course.objects.create(
            tenant=vendor,
            code=spec["code"],
            title=spec["title"],
            category=spec["category"],
            required_for=[str(r) for r in spec["roles"]],
            validity_months=12,
            due_days=30,
        )
        for number in (1, 2) if spec["code"] in ("bias-awareness", "de-escalation") else (1,):
            CourseVersion.objects.create(
                course=course,
                version=number,
                pass_mark=80,
                published_at=now - dt.timedelta(days=EMPLOYED_DAYS if number == 1 else 45),
            )
        courses.append(course)
    policies = []
    for code, title, roles in POLICIES:
        policy = Policy.objects.create(
            tenant=vendor, code=code, title=title, required_for=[str(r) for r in roles]
        )
        for number in (1, 2):
            PolicyVersion.objects.create(
                policy=policy, version=number, body=POLICY_TEXT[code], summary=f"v{number}"
            )
        policies.append(policy)
    # Publication dates are history (versions are never saved again: update the rows).
    PolicyVersion.objects.filter(policy__tenant=vendor, version=1).update(
        created_at=now - dt.timedelta(days=395)
    )
    PolicyVersion.objects.filter(policy__tenant=vendor, version=2).update(
        created_at=now - dt.timedelta(days=30)
    )
    return courses, policies


def add_history(vendor: Any, memberships: list[Any], courses: list[Any]) -> int:
    """Clear screening with re-screens on schedule, two passes of every course a year apart
    (spread over the months) and both versions of every policy accepted; returns the rows."""
    from django.utils import timezone

    from steward.demo.workforce import SCREENING
    from steward.workforce.models import (
        PolicyAcceptance,
        PolicyVersion,
        ScreeningCheck,
        ScreeningStatus,
        TrainingAssignment,
    )

    zone = vendor.zone
    today = vendor.local_today()
    versions = {c.pk: sorted(c.versions.all(), key=lambda v: v.version) for c in courses}
    policy_versions = list(PolicyVersion.objects.filter(policy__tenant=vendor))
    checks, assignments, acceptances = [], [], []
    for index, membership in enumerate(memberships):
        worker = membership.user
        hired = timezone.localdate(membership.valid_from, zone)
        for kind, _roles, months in SCREENING:
            invited = hired - dt.timedelta(days=14)
            completed = invited + dt.timedelta(days=5)
            while True:
                expires = completed + dt.timedelta(days=30 * months) if months else None
                checks.append(
                    ScreeningCheck(
                        tenant=vendor,
                        worker=worker,
                        kind=kind,
                        vendor="Sterling Check",
                        status=ScreeningStatus.CLEAR,
                        invited_on=invited,
                        completed_on=completed,
                        expires_on=expires,
                    )
                )
                if expires is None or expires > today:
                    break
                # Re-screened a few days before the result lapses.
                completed += dt.timedelta(days=30 * months - 5)
                invited = completed - dt.timedelta(days=5)
        passed_on = today - dt.timedelta(days=(index * 17) % 330 + 5)
        for course in courses:
            for when, version in (
                (passed_on - dt.timedelta(days=360), versions[course.pk][0]),
                (passed_on, versions[course.pk][-1]),
            ):
                completed_at = timezone.make_aware(
                    dt.datetime.combine(when, dt.time(10, 15)), timezone=zone
                )
                assignments.append(
                    TrainingAssignment(
                        tenant=vendor,
                        worker=worker,
                        course=course,
                        version=version,
                        assigned_on=when - dt.timedelta(days=10),
                        due_on=when + dt.timedelta(days=20),
                        completed_at=completed_at,
                        score=100,
                        expires_on=when + dt.timedelta(days=365),
                    )
                )
        for version in policy_versions:
            acceptances.append(
                PolicyAcceptance(
                    version=version,
                    worker=worker,
                    accepted_at=max(version.created_at, membership.valid_from)
                    + dt.timedelta(days=2),
                    typed_name=worker.full_name,
                )
            )
    ScreeningCheck.objects.bulk_create(checks, batch_size=2000)
    TrainingAssignment.objects.bulk_create(assignments, batch_size=2000)
    PolicyAcceptance.objects.bulk_create(acceptances, batch_size=2000)
    return len(checks) + len(assignments) + len(acceptances)


def build_world(
    patient_count: int, workers: int
) -> tuple[list[Any], tuple[Any, Any], tuple[Any, Any, list[Any]]]:
    from django.db import connection

    from steward.demo.patients import PatientFactory
    from steward.tenancy.services import organization_create
    from steward.vault.services import patient_create

    started = time.perf_counter()
    practice = organization_create(
        kind="covered-entity",
        legal_name="Clearance Practice",
        short_name="Clearance",
        time_zone="America/New_York",
        actor=None,
    )
    factory = PatientFactory(
        seed=11,
        prefix="CB",
        time_zone="America/New_York",
        pediatric=False,
        today=dt.date(2026, 11, 30),
        unique_phones=False,
    )
    patients = [
        patient_create(tenant=practice, values=p.values, actor=None)
        for p in factory.many(patient_count)
    ]
    # (a) a vendor without requirements; (b) a vendor with them and ``workers`` cleared VMAs.
    bare, (bare_vma,), bare_type = vendor_with_vmas(practice, "A", 1)
    vendor, memberships, task_type = vendor_with_vmas(practice, "B", workers)
    assign_tasks(practice, bare_type, bare_vma.user, patients)
    assign_tasks(practice, task_type, memberships[0].user, patients)
    courses, _policies = add_requirements(vendor)
    rows = add_history(vendor, memberships, courses)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"world: {patient_count} patients, 2 vendors; vendor B has {workers} VMAs with "
        f"{rows:,} workforce rows (built in {time.perf_counter() - started:.0f} s)"
    )
    return patients, (bare, bare_vma), (vendor, memberships[0], memberships)


def subject_for(membership: Any) -> Any:
    from steward.core.policy import Subject
    from steward.tenancy.models import Membership

    membership = Membership.objects.select_related("organization", "user").get(pk=membership.pk)
    return Subject(
        user=membership.user,
        membership=membership,
        mfa_passed=True,
        seconds_since_authentication=5.0,
    )


def gated_reads(
    bare: Any, cleared: Any, patients: list[Any], iterations: int
) -> tuple[list[float], list[float], tuple[int, int], tuple[int, int]]:
    """Alternate reads by the two VMAs (same patients): both samples, and the queries of one
    read of each (all, and those on workforce tables, i.e. the clearance rule's)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from steward.access import gate
    from steward.workforce import clearance

    check = clearance.clearance_for(cleared)
    assert check.cleared, check.reasons
    subjects = {"a": subject_for(bare), "b": subject_for(cleared)}
    counts = {}
    for key, subject in subjects.items():
        for patient in patients[:10]:  # warm up
            gate.read(subject=subject, patient_id=patient.pk, purpose_code=PURPOSE)
        with CaptureQueriesContext(connection) as captured:
            gate.read(subject=subject, patient_id=patients[0].pk, purpose_code=PURPOSE)
        queries = [q["sql"] for q in captured.captured_queries]
        counts[key] = (len(queries), sum('"workforce_' in sql for sql in queries))
    samples: dict[str, list[float]] = {"a": [], "b": []}
    started_all = time.perf_counter()
    for n in range(iterations):
        patient = patients[n % len(patients)]
        order = ("a", "b") if n % 2 == 0 else ("b", "a")
        for key in order:
            started = time.perf_counter()
            gate.read(subject=subjects[key], patient_id=patient.pk, purpose_code=PURPOSE)
            samples[key].append(time.perf_counter() - started)
        if (n + 1) % 100 == 0:
            print(f"\r  reads {n + 1}/{iterations}", end="", flush=True)
    print(f"\r  {iterations} reads each in {time.perf_counter() - started_all:.0f} s")
    return samples["a"], samples["b"], counts["a"], counts["b"]


def report_reads(
    numbers: tuple[list[float], list[float], tuple[int, int], tuple[int, int]],
) -> None:
    bare, cleared, (bare_queries, bare_rule), (cleared_queries, cleared_rule) = numbers
    a50, a95 = statistics.median(bare), percentile(bare, 0.95)
    b50, b95 = statistics.median(cleared), percentile(cleared, 0.95)
    print(
        f"gated read (a) BASELINE, vendor without requirements: p50 {a50 * 1000:.2f} ms, "
        f"p95 {a95 * 1000:.2f} ms; {bare_queries} queries ({bare_rule} on workforce tables)"
    )
    print(
        f"gated read (b) vendor with requirements, VMA cleared: p50 {b50 * 1000:.2f} ms, "
        f"p95 {b95 * 1000:.2f} ms; {cleared_queries} queries ({cleared_rule} on workforce tables)"
    )
    print(
        f"ratio (b)/(a): p50 {b50 / a50:.2f}x, p95 {b95 / a95:.2f}x; "
        f"queries {bare_queries} -> {cleared_queries} "
        f"(+{cleared_queries - bare_queries}; {len(bare)} reads each, alternating)"
    )


def timed(call: Any, repeats: int) -> tuple[float, int, Any]:
    """Median wall time of ``call()`` over ``repeats``, the queries of one call, its result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(captured.captured_queries), result


def team_pages(vendor: Any, sizes: tuple[int, int], repeats: int) -> None:
    from steward.workforce import clearance, selectors

    everyone = list(selectors.workers(vendor))
    today = vendor.local_today()
    found: dict[str, dict[int, tuple[float, int]]] = {"matrix": {}, "over time": {}}
    for size in sizes:
        people = everyone[:size]
        assert len(people) == size, f"only {len(everyone)} workers"
        seconds, queries, (cols, rows) = timed(
            lambda people=people: selectors.matrix(selectors.standing(vendor, people), today),
            repeats,
        )
        cleared = sum(row.clearance.cleared for row in rows)
        found["matrix"][size] = (seconds, queries)
        ids = [m.user_id for m in people]
        loading, _queries, _facts = timed(
            lambda ids=ids: (
                clearance.load_requirements(vendor),
                clearance.load_facts(vendor, ids),
            ),
            repeats,
        )
        print(
            f"matrix, {size} workers x {len(cols)} requirements: {seconds * 1000:.1f} ms, "
            f"{queries} queries ({cleared}/{size} cleared); of which loading requirements and "
            f"facts {loading * 1000:.1f} ms"
        )
        seconds, queries, points = timed(
            lambda people=people: selectors.cleared_share_over_time(
                selectors.standing(vendor, people), today=today
            ),
            repeats,
        )
        found["over time"][size] = (seconds, queries)
        shares = [share for _label, share in points]
        print(
            f"cleared share over {len(points)} weeks, {size} workers: {seconds * 1000:.1f} ms, "
            f"{queries} queries (weekly share cleared {min(shares)}-{max(shares)} %)"
        )
    small, large = sizes
    for name, figures in found.items():
        (t_small, q_small), (t_large, q_large) = figures[small], figures[large]
        constant = "constant" if q_small == q_large else "NOT constant"
        print(
            f"{name}: {large}/{small} time ratio {t_large / t_small:.1f}x for "
            f"{large / small:.0f}x the workers; queries {q_small} -> {q_large} ({constant})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--patients", type=int, default=50)
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=500)
    parser.add_argument("--repeats", type=int, default=5, help="runs of each team page")
    arguments = parser.parse_args()
    os.environ.setdefault(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/steward_bench_clearance"
    )
    url = prepare_database()
    print(f"database: {url}")
    patients, (_bare_vendor, bare), (vendor, cleared, _memberships) = build_world(
        arguments.patients, arguments.large
    )
    report_reads(gated_reads(bare, cleared, patients, arguments.iterations))
    team_pages(vendor, (arguments.small, arguments.large), arguments.repeats)


if __name__ == "__main__":
    main()
