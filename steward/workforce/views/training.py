"""Workforce pages: training (trainer authoring, a worker's course and quiz)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from steward.core.forms import submit
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Membership
from steward.workforce.forms.training import CourseForm, QuizForm, VersionForm
from steward.workforce.models import Course, CourseVersion, QuizAttempt, TrainingAssignment
from steward.workforce.services import training as services
from steward.workforce.views.common import (
    OVERSEERS,
    TRAINERS,
    object_in_vendor,
    user_of,
    vendor_membership,
    vendor_of,
)

READERS = TRAINERS | OVERSEERS
STATUSES = [
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("completed", "Completed"),
    ("superseded", "Replaced by a newer version"),
]


def _completion_rates(courses: list[Course], tenant: Any, today: Any) -> dict[Any, int | None]:
    """Percent of required current workers holding a current pass, per course."""
    roles = dict(
        Membership.objects.current().filter(organization=tenant).values_list("user_id", "role")
    )
    passed = set(
        TrainingAssignment.objects.filter(
            tenant=tenant, completed_at__isnull=False, expires_on__gt=today
        ).values_list("course_id", "worker_id")
    )
    rates: dict[Any, int | None] = {}
    for course in courses:
        required = [u for u, role in roles.items() if role in course.required_for]
        done = sum(1 for u in required if (course.pk, u) in passed)
        rates[course.pk] = round(100 * done / len(required)) if required else None
    return rates


@login_required
def courses(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    tenant = membership.organization
    found = list(Course.objects.filter(tenant=tenant).prefetch_related("versions"))
    rates = _completion_rates(found, tenant, tenant.local_today())
    rows = []
    for course in found:
        published = [v for v in course.versions.all() if v.is_published]
        rows.append(
            {
                "course": course,
                "latest": published[0] if published else None,
                "has_draft": any(not v.is_published for v in course.versions.all()),
                "rate": rates[course.pk],
            }
        )
    return render(
        request,
        "workforce/training/courses.html",
        {"rows": rows, "can_edit": membership.role in TRAINERS},
    )


@login_required
def course_detail(request: HttpRequest, course_id: str) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    course = object_in_vendor(Course.objects.all(), membership.organization, course_id)
    assert isinstance(course, Course)  # noqa: S101 - a course queryset
    today = membership.organization.local_today()
    found = course.assignments.select_related("worker", "version").order_by(
        "-assigned_on", "worker__full_name"
    )
    status = request.GET.get("status", "")
    filters = {
        "open": Q(completed_at__isnull=True, superseded_at__isnull=True),
        "overdue": Q(completed_at__isnull=True, superseded_at__isnull=True, due_on__lt=today),
        "completed": Q(completed_at__isnull=False),
        "superseded": Q(superseded_at__isnull=False),
    }
    if status in filters:
        found = found.filter(filters[status])
    else:
        status = ""
    page = paginate(request, found)
    return render(
        request,
        "workforce/training/course.html",
        {
            "course": course,
            "versions": course.versions.all(),
            "page": page,
            "query": query_without_page(request),
            "status": status,
            "statuses": STATUSES,
            "today": today,
            "can_edit": membership.role in TRAINERS,
        },
    )


def _course_form_page(request: HttpRequest, course: Course | None) -> HttpResponse:
    tenant = vendor_of(request, TRAINERS)
    initial = (
        {
            "title": course.title,
            "code": course.code,
            "category": course.category,
            "required_for": course.required_for,
            "validity_months": course.validity_months,
            "due_days": course.due_days,
        }
        if course
        else {}
    )
    form = CourseForm(request.POST or None, initial=initial)
    saved = submit(
        form,
        lambda f: services.course_save(
            tenant=tenant, actor=user_of(request), course=course, **f.cleaned_data
        ),
    )
    if saved is not None:
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect("workforce:course", course_id=saved.pk)
    return render(
        request,
        "workforce/training/course_form.html",
        {"form": form, "course": course},
        status=400 if form.errors else 200,
    )


@login_required
def course_new(request: HttpRequest) -> HttpResponse:
    return _course_form_page(request, None)


@login_required
def course_edit(request: HttpRequest, course_id: str) -> HttpResponse:
    course = object_in_vendor(Course.objects.all(), vendor_of(request, TRAINERS), course_id)
    assert isinstance(course, Course)  # noqa: S101 - a course queryset
    return _course_form_page(request, course)


def _version(vendor: Any, version_id: str) -> CourseVersion:
    version = object_in_vendor(
        CourseVersion.objects.select_related("course"),
        vendor,
        version_id,
        tenant_path="course__tenant",
    )
    assert isinstance(version, CourseVersion)  # noqa: S101 - a version queryset
    return version


@login_required
def version_edit(request: HttpRequest, version_id: str) -> HttpResponse:
    """A draft's editor; a published version is shown read-only."""
    membership = vendor_membership(request, TRAINERS if request.method == "POST" else READERS)
    version = _version(membership.organization, version_id)
    if version.is_published or membership.role not in TRAINERS:
        return render(
            request,
            "workforce/training/version.html",
            {"version": version, "course": version.course, "can_edit": False},
        )
    form = VersionForm(
        request.POST or None,
        initial={
            "summary": version.summary,
            "pass_mark": version.pass_mark,
            "lessons_text": services.lessons_text(version),
            "questions_text": services.questions_text(version),
        },
    )
    done = submit(
        form,
        lambda f: services.course_version_update(
            version=version, actor=user_of(request), **f.cleaned_data
        ),
    )
    if done is not None:
        messages.success(request, f"Draft version {version.version} saved.")
        return redirect("workforce:version-edit", version_id=version.pk)
    return render(
        request,
        "workforce/training/version.html",
        {"version": version, "course": version.course, "form": form, "can_edit": True},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def version_publish(request: HttpRequest, version_id: str) -> HttpResponse:
    version = _version(vendor_of(request, TRAINERS), version_id)
    try:
        services.course_version_publish(version=version, actor=user_of(request))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("workforce:version-edit", version_id=version.pk)
    messages.success(
        request, f"Version {version.version} is published and assigned to those who must take it."
    )
    return redirect("workforce:course", course_id=version.course_id)


@login_required
@require_POST
def version_draft(request: HttpRequest, course_id: str) -> HttpResponse:
    course = object_in_vendor(Course.objects.all(), vendor_of(request, TRAINERS), course_id)
    assert isinstance(course, Course)  # noqa: S101 - a course queryset
    draft = services.course_version_draft(course=course, actor=user_of(request))
    return redirect("workforce:version-edit", version_id=draft.pk)


# The worker's side: only the assignee opens an assignment or a quiz (others get 404).


def _my_assignment(request: HttpRequest, assignment_id: str) -> TrainingAssignment:
    assignment = object_in_vendor(
        TrainingAssignment.objects.select_related("course", "version"),
        vendor_of(request),
        assignment_id,
        worker=user_of(request),
    )
    assert isinstance(assignment, TrainingAssignment)  # noqa: S101 - an assignment queryset
    return assignment


def _result(attempt: QuizAttempt | None, questions: list[Any]) -> list[dict[str, Any]]:
    """The questions the worker got wrong in ``attempt``, with the explanation."""
    if attempt is None:
        return []
    wrong = []
    for question in questions:
        given = attempt.answers.get(str(question.position))
        if given != question.correct:
            wrong.append(
                {
                    "question": question,
                    "given": question.choices[given] if isinstance(given, int) else "—",
                    "right": question.choices[question.correct],
                }
            )
    return wrong


@login_required
def assignment_detail(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment = _my_assignment(request, assignment_id)
    attempts = list(assignment.attempts.order_by("-number"))
    last = next((a for a in attempts if a.submitted_at is not None), None)
    current = None
    if assignment.superseded_at is not None:
        current = (
            TrainingAssignment.objects.filter(
                worker=assignment.worker_id,
                course=assignment.course_id,
                completed_at__isnull=True,
                superseded_at__isnull=True,
            )
            .order_by("-created_at")
            .first()
        )
    return render(
        request,
        "workforce/training/assignment.html",
        {
            "assignment": assignment,
            "course": assignment.course,
            "version": assignment.version,
            "lessons": assignment.version.lessons.all(),
            "attempts": attempts,
            "last": last,
            "wrong": _result(last, list(assignment.version.questions.all())),
            "superseded": services.superseded_message(assignment)
            if assignment.superseded_at
            else "",
            "current": current,
        },
    )


@login_required
@require_POST
def quiz_start(request: HttpRequest, assignment_id: str) -> HttpResponse:
    assignment = _my_assignment(request, assignment_id)
    try:
        attempt = services.quiz_start(assignment=assignment, worker=user_of(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("workforce:assignment", assignment_id=assignment.pk)
    return redirect("workforce:quiz", attempt_id=attempt.pk)


@login_required
def quiz(request: HttpRequest, attempt_id: str) -> HttpResponse:
    attempt = object_in_vendor(
        QuizAttempt.objects.select_related("assignment__version", "assignment__course"),
        vendor_of(request),
        attempt_id,
        tenant_path="assignment__tenant",
        assignment__worker=user_of(request),
    )
    assert isinstance(attempt, QuizAttempt)  # noqa: S101 - an attempt queryset
    assignment = attempt.assignment
    back = reverse("workforce:assignment", args=[assignment.pk])
    if attempt.submitted_at is not None:
        messages.error(request, "This quiz was already submitted.")
        return redirect(back)
    if not assignment.is_open:
        messages.error(
            request,
            services.superseded_message(assignment)
            if assignment.superseded_at
            else "This course is already completed.",
        )
        return redirect(back)
    questions = list(assignment.version.questions.all())
    form = QuizForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.quiz_submit(
                attempt=attempt, worker=user_of(request), answers=form.answers()
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(back)
        if done.passed:
            messages.success(request, f"You passed with {done.score}%.")
        else:
            messages.error(
                request,
                f"You scored {done.score}%; the pass mark is {assignment.version.pass_mark}%. "
                "Read the explanations below and try again.",
            )
        return redirect(back)
    return render(
        request,
        "workforce/training/quiz.html",
        {"attempt": attempt, "assignment": assignment, "form": form},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("courses/", courses, name="courses"),
    path("courses/new/", course_new, name="course-new"),
    path("courses/<uuid:course_id>/", course_detail, name="course"),
    path("courses/<uuid:course_id>/edit/", course_edit, name="course-edit"),
    path("courses/<uuid:course_id>/draft/", version_draft, name="version-draft"),
    path("course-versions/<uuid:version_id>/", version_edit, name="version-edit"),
    path("course-versions/<uuid:version_id>/publish/", version_publish, name="version-publish"),
    path("training/<uuid:assignment_id>/", assignment_detail, name="assignment"),
    path("training/<uuid:assignment_id>/quiz/", quiz_start, name="quiz-start"),
    path("quiz/<uuid:attempt_id>/", quiz, name="quiz"),
]
