"""A vendor with requirements (screening, a course, a policy) and a way to clear a worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from steward.tenancy.roles import Role
from steward.workforce.models import (
    Course,
    CourseCategory,
    CourseVersion,
    Lesson,
    Policy,
    PolicyAcceptance,
    PolicyVersion,
    Question,
    ScreeningCheck,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
    TrainingAssignment,
)
from tests.personas import Tenant

WORKERS = [str(Role.VMA), str(Role.SUPERVISOR)]


@dataclass
class Requirements:
    screening: list[ScreeningRequirement]
    course: Course
    version: CourseVersion
    policy: Policy
    policy_version: PolicyVersion


def add_course_version(course: Course, *, version: int, author: Any = None) -> CourseVersion:
    """A published version with one lesson and two questions (answers: 1 then 0)."""
    made = CourseVersion.objects.create(
        course=course,
        version=version,
        pass_mark=80,
        published_at=timezone.now(),
        published_by=author,
    )
    Lesson.objects.create(
        version=made, position=1, title="Minimum necessary", body="Only what the task needs."
    )
    Question.objects.create(
        version=made,
        position=1,
        prompt="Which fields may you open?",
        choices=["All of them", "Only what the task needs"],
        correct=1,
    )
    Question.objects.create(
        version=made,
        position=2,
        prompt="A caller asks for another patient's results. You…",
        choices=["Decline and explain", "Read them out"],
        correct=0,
    )
    return made


def vendor_requirements(tenant: Tenant) -> Requirements:
    bpo = tenant.bpo
    screening = [
        ScreeningRequirement.objects.create(
            tenant=bpo, kind=kind, roles=WORKERS, rescreen_months=months
        )
        for kind, months in ((ScreeningKind.IDENTITY, 0), (ScreeningKind.CRIMINAL, 24))
    ]
    course = Course.objects.create(
        tenant=bpo,
        code="hipaa-privacy",
        title="HIPAA privacy and security",
        category=CourseCategory.PRIVACY,
        required_for=WORKERS,
        validity_months=12,
    )
    version = add_course_version(course, version=1, author=tenant.trainer)
    policy = Policy.objects.create(
        tenant=bpo, code="code-of-conduct", title="Code of conduct", required_for=WORKERS
    )
    policy_version = PolicyVersion.objects.create(
        policy=policy, version=1, body="Be kind.\n\nProtect privacy.", published_by=None
    )
    return Requirements(screening, course, version, policy, policy_version)


def clear_worker(tenant: Tenant, user: Any, requirements: Requirements) -> None:
    """Give ``user`` everything ``requirements`` ask for, current today."""
    today = timezone.localdate()
    for requirement in requirements.screening:
        ScreeningCheck.objects.create(
            tenant=tenant.bpo,
            worker=user,
            kind=requirement.kind,
            vendor="Sterling",
            status=ScreeningStatus.CLEAR,
            invited_on=today - dt.timedelta(days=40),
            completed_on=today - dt.timedelta(days=30),
            expires_on=None if not requirement.rescreen_months else today + dt.timedelta(days=700),
        )
    TrainingAssignment.objects.create(
        tenant=tenant.bpo,
        worker=user,
        course=requirements.course,
        version=requirements.version,
        assigned_on=today - dt.timedelta(days=20),
        due_on=today - dt.timedelta(days=5),
        completed_at=timezone.now() - dt.timedelta(days=10),
        score=100,
        expires_on=today + dt.timedelta(days=355),
    )
    PolicyAcceptance.objects.create(
        version=requirements.policy_version,
        worker=user,
        accepted_at=timezone.now() - dt.timedelta(days=10),
        typed_name=user.full_name,
    )


@pytest.fixture
def requirements_a(tenant_a: Tenant) -> Requirements:
    return vendor_requirements(tenant_a)


@pytest.fixture
def cleared_a(tenant_a: Tenant, requirements_a: Requirements) -> Requirements:
    """Vendor A's requirements, with its VMA and supervisor cleared."""
    clear_worker(tenant_a, tenant_a.vma, requirements_a)
    clear_worker(tenant_a, tenant_a.supervisor, requirements_a)
    return requirements_a
