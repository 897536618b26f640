"""Training: the course catalogue, versions (lessons and a quiz), assignments, quiz attempts.

A published version is never changed; a change is a new draft, and publishing it assigns
the new version to everyone whose role requires the course (their older open assignment
is superseded, so an old link no longer opens a quiz). A quiz attempt is submitted once.
Every function is one transaction with an audit event and raises ``ValidationError``
(keyed by form field where one applies) with words a trainer or worker can act on. The
text formats live in ``training_text``, quizzes in ``training_quiz`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_slug
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Membership, Organization
from steward.workforce.models import (
    Course,
    CourseCategory,
    CourseVersion,
    Lesson,
    Question,
    TrainingAssignment,
)
from steward.workforce.models.base import validate_roles
from steward.workforce.services.common import record, vendor_membership
from steward.workforce.services.training_quiz import (
    add_months,
    quiz_score,
    quiz_start,
    quiz_submit,
    superseded_message,
)
from steward.workforce.services.training_text import (
    LESSONS_HELP,
    MAX_TITLE,
    QUESTIONS_HELP,
    ParsedLesson,
    ParsedQuestion,
    lessons_text,
    parse_lessons,
    parse_questions,
    questions_text,
)

__all__ = [
    "LESSONS_HELP",
    "QUESTIONS_HELP",
    "add_months",
    "course_assign",
    "course_save",
    "course_version_draft",
    "course_version_publish",
    "course_version_update",
    "latest_published",
    "lessons_text",
    "questions_text",
    "quiz_score",
    "quiz_start",
    "quiz_submit",
    "superseded_message",
    "training_assign_required",
    "training_remind_expiring",
]

# Courses.


def _course_errors(
    *, code: str, title: str, category: str, roles: list[str], validity_months: int, due_days: int
) -> dict[str, str]:
    errors: dict[str, str] = {}
    try:
        validate_slug(code)
    except ValidationError:
        errors["code"] = "Use lower-case letters, digits and hyphens (e.g. hipaa-privacy)."
    if not title:
        errors["title"] = "Give the course a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"Keep the title under {MAX_TITLE} characters."
    if category not in CourseCategory.values:
        errors["category"] = "Choose a category."
    if roles:
        try:
            validate_roles(roles)
        except ValidationError as exc:
            errors["required_for"] = " ".join(exc.messages)
    if not isinstance(validity_months, int) or not 1 <= validity_months <= 120:
        errors["validity_months"] = "A pass counts for 1 to 120 months."
    if not isinstance(due_days, int) or not 1 <= due_days <= 365:
        errors["due_days"] = "Allow 1 to 365 days to complete an assignment."
    return errors


def course_save(
    *,
    tenant: Organization,
    actor: User | None,
    code: str,
    title: str,
    category: str,
    required_for: list[str],
    validity_months: int,
    due_days: int,
    course: Course | None = None,
) -> Course:
    """Create a course of the vendor ``tenant``, or edit ``course``.

    ``code`` appears in clearance reasons (``training-expired:<code>``), so it is unique per
    vendor and cannot change once anyone has been assigned the course.
    """
    code, title = (code or "").strip(), (title or "").strip()
    roles = sorted({str(role) for role in required_for or []})
    errors = _course_errors(
        code=code,
        title=title,
        category=category,
        roles=roles,
        validity_months=validity_months,
        due_days=due_days,
    )
    with transaction.atomic():
        if course is not None:
            course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk, tenant=tenant)
        taken = Course.objects.filter(tenant=tenant, code=code)
        if course is not None:
            taken = taken.exclude(pk=course.pk)
        if "code" not in errors and taken.exists():
            errors["code"] = f"Another course already uses the code “{code}”."
        if (
            course is not None
            and course.code != code
            and "code" not in errors
            and course.assignments.exists()
        ):
            errors["code"] = (
                "The code is used in workers' records once the course is assigned; keep it."
            )
        if errors:
            raise ValidationError(errors)
        values = {
            "code": code,
            "title": title,
            "category": category,
            "required_for": roles,
            "validity_months": validity_months,
            "due_days": due_days,
        }
        created = course is None
        if course is None:
            course = Course.objects.create(tenant=tenant, **values)
        else:
            for name, value in values.items():
                setattr(course, name, value)
            course.save()
        record(
            "course-created" if created else "course-changed",
            actor=actor,
            tenant=tenant,
            entity=course,
            code=code,
            required_for=",".join(roles),
        )
    return course


def latest_published(course: Course) -> CourseVersion | None:
    return course.versions.filter(published_at__isnull=False).order_by("-version").first()


def _lock_draft(version: CourseVersion) -> CourseVersion:
    locked = (
        CourseVersion.objects.select_for_update(of=("self",))
        .select_related("course")
        .get(pk=version.pk)
    )
    if locked.is_published:
        raise ValidationError(
            f"Version {locked.version} is published and never changes: start a new draft."
        )
    return locked


def course_version_draft(*, course: Course, actor: User | None) -> CourseVersion:
    """The course's draft: the one open, or a new one copying the latest version's content."""
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        draft = course.versions.filter(published_at__isnull=True).first()
        if draft is not None:
            return draft
        base = course.versions.order_by("-version").first()
        draft = CourseVersion.objects.create(
            course=course,
            version=(base.version + 1) if base else 1,
            pass_mark=base.pass_mark if base else 80,
        )
        if base is not None:
            Lesson.objects.bulk_create(
                Lesson(version=draft, position=l.position, title=l.title, body=l.body)
                for l in base.lessons.all()  # noqa: E741
            )
            Question.objects.bulk_create(
                Question(
                    version=draft,
                    position=q.position,
                    prompt=q.prompt,
                    choices=list(q.choices),
                    correct=q.correct,
                    explanation=q.explanation,
                )
                for q in base.questions.all()
            )
        record(
            "course-draft-started",
            actor=actor,
            tenant=course.tenant_id,
            entity=draft,
            course=course.code,
            version=draft.version,
            based_on=base.version if base else None,
        )
    return draft


def course_version_update(
    *,
    version: CourseVersion,
    actor: User | None,
    summary: str,
    pass_mark: int,
    lessons_text: str,
    questions_text: str,
) -> CourseVersion:
    """Replace a draft's summary, pass mark, lessons and quiz (a published version: refused)."""
    summary = (summary or "").strip()
    errors: dict[str, list[str]] = {}
    if len(summary) > 300:
        errors["summary"] = ["Keep the summary under 300 characters."]
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        errors["pass_mark"] = ["The pass mark is a percentage from 1 to 100."]
    lessons: list[ParsedLesson] = []
    questions: list[ParsedQuestion] = []
    try:
        lessons = parse_lessons(lessons_text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        questions = parse_questions(questions_text)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = _lock_draft(version)
        version.summary, version.pass_mark = summary, pass_mark
        version.save(update_fields=["summary", "pass_mark"])
        version.lessons.all().delete()
        version.questions.all().delete()
        Lesson.objects.bulk_create(
            Lesson(version=version, position=n, title=lesson.title, body=lesson.body)
            for n, lesson in enumerate(lessons, start=1)
        )
        Question.objects.bulk_create(
            Question(
                version=version,
                position=n,
                prompt=q.prompt,
                choices=q.choices,
                correct=q.correct or 0,
                explanation=q.explanation,
            )
            for n, q in enumerate(questions, start=1)
        )
        record(
            "course-draft-changed",
            actor=actor,
            tenant=version.course.tenant_id,
            entity=version,
            course=version.course.code,
            version=version.version,
            lessons=len(lessons),
            questions=len(questions),
        )
    return version


def _required_members(course: Course) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(organization_id=course.tenant_id, role__in=course.required_for)
        .order_by("pk")
    )


def _assign(
    *,
    course: Course,
    version: CourseVersion,
    worker_id: Any,
    today: dt.date,
    due_on: dt.date,
    reason: str,
    actor: User | None,
) -> TrainingAssignment:
    assignment = TrainingAssignment.objects.create(
        tenant_id=course.tenant_id,
        worker_id=worker_id,
        course=course,
        version=version,
        assigned_on=today,
        due_on=due_on,
        reason=reason,
    )
    record(
        "course-assigned",
        actor=actor,
        tenant=course.tenant_id,
        entity=assignment,
        course=course.code,
        version=version.version,
        worker=worker_id,
        reason=reason,
        due_on=due_on,
    )
    return assignment


def course_version_publish(*, version: CourseVersion, actor: User | None) -> CourseVersion:
    """Publish a draft, then assign it to everyone who must take it.

    Every current member whose role the course requires, and anyone with an open
    assignment of an older version, gets this version due in ``course.due_days``; their
    older open assignment is superseded (its link no longer opens a quiz).
    """
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=version.course_id)
        version = _lock_draft(version)
        errors = []
        if not version.lessons.exists():
            errors.append("Add at least one lesson before publishing.")
        if not version.questions.exists():
            errors.append("Add at least one quiz question before publishing.")
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        earlier = course.versions.filter(published_at__isnull=False).exists()
        version.published_at, version.published_by = now, actor
        version.save(update_fields=["published_at", "published_by"])
        record(
            "course-published",
            actor=actor,
            tenant=course.tenant_id,
            entity=version,
            course=course.code,
            version=version.version,
        )
        if not course.is_active:
            return version
        open_ = list(
            TrainingAssignment.objects.select_for_update(of=("self",))
            .filter(course=course, completed_at__isnull=True, superseded_at__isnull=True)
            .order_by("pk")
        )
        current_ids = set(
            Membership.objects.current()
            .filter(organization_id=course.tenant_id)
            .values_list("user_id", flat=True)
        )
        workers = {m.user_id for m in _required_members(course)}
        workers |= {a.worker_id for a in open_ if a.worker_id in current_ids}
        for assignment in open_:
            assignment.superseded_at = now
            assignment.save(update_fields=["superseded_at"])
            record(
                "course-assignment-superseded",
                actor=actor,
                tenant=course.tenant_id,
                entity=assignment,
                course=course.code,
                by_version=version.version,
            )
        today = course.tenant.local_today()
        due_on = today + dt.timedelta(days=course.due_days)
        for worker_id in sorted(workers, key=str):
            _assign(
                course=course,
                version=version,
                worker_id=worker_id,
                today=today,
                due_on=due_on,
                reason="new-version" if earlier else "required",
                actor=actor,
            )
    return version


# Assignments.


def training_assign_required(
    *, tenant: Organization, actor: User | None = None, today: dt.date | None = None
) -> int:
    """Assign each active course's latest version to required workers who lack it.

    A worker with an open assignment or a current pass is left alone, so running this
    again assigns nothing. Returns how many assignments were made.
    """
    today = today or tenant.local_today()
    made = 0
    for course_id in Course.objects.filter(tenant=tenant, is_active=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            course = Course.objects.select_for_update(of=("self",)).get(pk=course_id)
            version = latest_published(course)
            if version is None or not course.required_for:
                continue
            members = _required_members(course)
            busy = set(
                TrainingAssignment.objects.filter(course=course)
                .filter(
                    Q(completed_at__isnull=True, superseded_at__isnull=True)
                    | Q(completed_at__isnull=False, expires_on__gt=today)
                )
                .values_list("worker_id", flat=True)
            )
            due_on = today + dt.timedelta(days=course.due_days)
            for member in members:
                if member.user_id in busy:
                    continue
                _assign(
                    course=course,
                    version=version,
                    worker_id=member.user_id,
                    today=today,
                    due_on=due_on,
                    reason="required",
                    actor=actor,
                )
                busy.add(member.user_id)
                made += 1
    return made


def course_assign(
    *,
    course: Course,
    worker: User,
    actor: User | None,
    due_on: dt.date | None = None,
    reason: str = "manual",
) -> TrainingAssignment:
    """Assign the course's latest published version to one member of its vendor."""
    tenant = course.tenant
    vendor_membership(worker=worker, tenant=tenant)
    today = tenant.local_today()
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).get(pk=course.pk)
        version = latest_published(course)
        if version is None:
            raise ValidationError("Publish a version of the course before assigning it.")
        if due_on is not None and due_on < today:
            raise ValidationError({"due_on": "The due date cannot be in the past."})
        if TrainingAssignment.objects.filter(
            course=course, worker=worker, completed_at__isnull=True, superseded_at__isnull=True
        ).exists():
            raise ValidationError(f"{worker} already has this course open.")
        return _assign(
            course=course,
            version=version,
            worker_id=worker.pk,
            today=today,
            due_on=due_on or today + dt.timedelta(days=course.due_days),
            reason=reason[:40],
            actor=actor,
        )


# Reminders.


def _reminder(worker: User, course: Course, expires_on: dt.date) -> tuple[str, str]:
    link = f"{settings.STEWARD_PUBLIC_URL}{reverse('workforce:me')}"
    body = (
        f"Hello {worker.full_name},\n\n"
        f"Your completion of “{course.title}” expires on {expires_on:%d %B %Y}. "
        f"Take the course again and pass its quiz before then to keep working with "
        f"patient records.\n\nOpen My compliance: {link}\n"
    )
    return f"Steward: “{course.title}” expires on {expires_on:%d %B %Y}", body


def training_remind_expiring(*, tenant: Organization, today: dt.date | None = None) -> int:
    """Renew completions expiring within ``STEWARD_WORKFORCE_REMINDER_DAYS``.

    Each gets a renewal assignment due on its expiry date and one e-mail to the worker
    (course and date only), and is marked reminded, so a second run does nothing. A
    completion already followed by an open assignment or a later pass, or of someone who
    is no longer a current member, is skipped. Returns how many were reminded.
    """
    today = today or tenant.local_today()
    horizon = today + dt.timedelta(days=settings.STEWARD_WORKFORCE_REMINDER_DAYS)
    current = set(
        Membership.objects.current().filter(organization=tenant).values_list("user_id", flat=True)
    )
    reminded = 0
    with transaction.atomic():
        candidates = list(
            TrainingAssignment.objects.select_for_update(of=("self",))
            .filter(
                tenant=tenant,
                course__is_active=True,
                completed_at__isnull=False,
                reminded_at__isnull=True,
                expires_on__gte=today,
                expires_on__lte=horizon,
                worker_id__in=current,
            )
            .order_by("pk")
        )
        for completion in candidates:
            assert completion.expires_on is not None  # noqa: S101 - filtered above
            later = TrainingAssignment.objects.filter(
                course_id=completion.course_id, worker_id=completion.worker_id
            ).filter(
                Q(completed_at__isnull=True, superseded_at__isnull=True)
                | Q(completed_at__isnull=False, expires_on__gt=completion.expires_on)
            )
            if later.exists():
                continue
            course = Course.objects.get(pk=completion.course_id)
            version = latest_published(course)
            if version is None:
                continue
            _assign(
                course=course,
                version=version,
                worker_id=completion.worker_id,
                today=today,
                due_on=completion.expires_on,
                reason="renewal",
                actor=None,
            )
            completion.reminded_at = timezone.now()
            completion.save(update_fields=["reminded_at"])
            worker = User.objects.get(pk=completion.worker_id)
            subject, body = _reminder(worker, course, completion.expires_on)
            if worker.email:
                transaction.on_commit(
                    partial(send_mail, subject, body, None, [worker.email], fail_silently=True)
                )
            record(
                "training-reminded",
                actor=None,
                tenant=tenant,
                entity=completion,
                course=course.code,
                expires_on=completion.expires_on,
            )
            reminded += 1
    return reminded
