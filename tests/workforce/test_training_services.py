"""Training services: authoring, re-assignment on a new version, quizzes, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from steward.audit.models import AuditEvent
from steward.tenancy.roles import Role
from steward.workforce.clearance import clearance_for
from steward.workforce.models import (
    CourseCategory,
    CourseVersion,
    QuizAttempt,
    TrainingAssignment,
)
from steward.workforce.services import training
from steward.workforce.services.training_text import parse_lessons, parse_questions
from tests.personas import Tenant
from tests.workforce.conftest import Requirements

RIGHT = {"1": 1, "2": 0}
HALF = {"1": 1, "2": 1}


def assign(tenant: Tenant, requirements: Requirements, worker=None) -> TrainingAssignment:
    return training.course_assign(
        course=requirements.course, worker=worker or tenant.vma, actor=tenant.trainer
    )


def new_version(tenant: Tenant, requirements: Requirements) -> CourseVersion:
    draft = training.course_version_draft(course=requirements.course, actor=tenant.trainer)
    return training.course_version_publish(version=draft, actor=tenant.trainer)


# Authoring.


def test_course_save_creates_and_refuses_a_duplicate_code(tenant_a: Tenant) -> None:
    values = {
        "tenant": tenant_a.bpo,
        "actor": tenant_a.trainer,
        "code": "de-escalation",
        "title": "De-escalation",
        "category": CourseCategory.DEESCALATION,
        "required_for": [Role.VMA],
        "validity_months": 12,
        "due_days": 14,
    }
    course = training.course_save(**values)
    assert course.required_for == ["vma"]
    assert AuditEvent.objects.filter(event="workforce.course-created").count() == 1

    with pytest.raises(ValidationError) as error:
        training.course_save(**values)
    assert "code" in error.value.message_dict

    with pytest.raises(ValidationError) as error:
        training.course_save(**{**values, "code": "other", "required_for": ["patient"]})
    assert "required_for" in error.value.message_dict


def test_the_text_formats_round_trip(requirements_a: Requirements) -> None:
    version = requirements_a.version
    lessons = parse_lessons(training.lessons_text(version))
    questions = parse_questions(training.questions_text(version))
    assert [lesson.title for lesson in lessons] == ["Minimum necessary"]
    assert [(q.choices, q.correct) for q in questions] == [
        (["All of them", "Only what the task needs"], 1),
        (["Decline and explain", "Read them out"], 0),
    ]


def test_question_errors_name_the_line() -> None:
    with pytest.raises(ValidationError) as error:
        parse_questions("? First\n- a\n- b\n\n? Second\n* yes\n* also yes\nnonsense")
    messages = error.value.message_dict["questions_text"]
    assert "Line 1: mark the right answer with “* ”." in messages
    assert "Line 7: a question has exactly one right answer (*)." in messages
    assert "Line 8: start the line with ?, -, * or >." in messages


def test_lesson_errors_name_the_line() -> None:
    with pytest.raises(ValidationError) as error:
        parse_lessons("Intro without a heading\n## Title")
    assert error.value.message_dict["lessons_text"] == [
        "Line 1: start each lesson with a line “## Title”."
    ]
    with pytest.raises(ValidationError) as error:
        parse_lessons("## Empty\n\n## Full\nText")
    assert error.value.message_dict["lessons_text"] == ["Line 1: the lesson “Empty” has no text."]


def test_a_draft_copies_the_latest_version_and_only_one_draft_exists(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    draft = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    assert draft.version == 2
    assert not draft.is_published
    assert training.questions_text(draft) == training.questions_text(requirements_a.version)
    again = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    assert again.pk == draft.pk


def test_a_draft_is_edited_and_a_published_version_never_changes(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    draft = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    training.course_version_update(
        version=draft,
        actor=tenant_a.trainer,
        summary="Adds texting",
        pass_mark=75,
        lessons_text="## One\nFirst.\n\n## Two\nSecond.",
        questions_text="? Q\n- no\n* yes\n> Because.",
    )
    draft.refresh_from_db()
    assert draft.pass_mark == 75
    assert [lesson.title for lesson in draft.lessons.all()] == ["One", "Two"]
    assert draft.questions.get().explanation == "Because."

    with pytest.raises(ValidationError, match="published and never changes"):
        training.course_version_update(
            version=requirements_a.version,
            actor=tenant_a.trainer,
            summary="",
            pass_mark=50,
            lessons_text="## X\nY",
            questions_text="? Q\n- no\n* yes",
        )
    requirements_a.version.refresh_from_db()
    assert requirements_a.version.pass_mark == 80


def test_bad_draft_text_saves_nothing(tenant_a: Tenant, requirements_a: Requirements) -> None:
    draft = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    before = training.lessons_text(draft)
    with pytest.raises(ValidationError) as error:
        training.course_version_update(
            version=draft,
            actor=tenant_a.trainer,
            summary="",
            pass_mark=80,
            lessons_text="## New\nText",
            questions_text="? Only one choice\n* yes",
        )
    assert "questions_text" in error.value.message_dict
    assert training.lessons_text(draft) == before


def test_publishing_needs_a_lesson_and_a_question(tenant_a: Tenant) -> None:
    course = training.course_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.trainer,
        code="ethics",
        title="Ethics",
        category=CourseCategory.ETHICS,
        required_for=[Role.VMA],
        validity_months=12,
        due_days=30,
    )
    draft = training.course_version_draft(course=course, actor=tenant_a.trainer)
    with pytest.raises(ValidationError, match="at least one lesson"):
        training.course_version_publish(version=draft, actor=tenant_a.trainer)
    draft.refresh_from_db()
    assert not draft.is_published
    assert not TrainingAssignment.objects.filter(course=course).exists()


# Assignment.


def test_assign_required_gives_each_required_worker_one_assignment_once(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    assert training.training_assign_required(tenant=tenant_a.bpo) == 2
    assert training.training_assign_required(tenant=tenant_a.bpo) == 0
    workers = set(TrainingAssignment.objects.values_list("worker_id", flat=True))
    assert workers == {tenant_a.vma.pk, tenant_a.supervisor.pk}
    assignment = TrainingAssignment.objects.get(worker=tenant_a.vma)
    assert assignment.reason == "required"
    assert assignment.due_on == tenant_a.bpo.local_today() + dt.timedelta(days=30)


def test_assign_required_skips_current_passes(tenant_a: Tenant, cleared_a: Requirements) -> None:
    assert training.training_assign_required(tenant=tenant_a.bpo) == 0


def test_publishing_a_new_version_reassigns_and_supersedes_open_assignments(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    training.training_assign_required(tenant=tenant_a.bpo)
    old = TrainingAssignment.objects.get(worker=tenant_a.vma)

    version = new_version(tenant_a, requirements_a)

    old.refresh_from_db()
    assert old.superseded_at is not None
    fresh = TrainingAssignment.objects.filter(version=version)
    assert set(fresh.values_list("worker_id", flat=True)) == {
        tenant_a.vma.pk,
        tenant_a.supervisor.pk,
    }
    assert set(fresh.values_list("reason", flat=True)) == {"new-version"}
    assert all(a.is_open for a in fresh)
    assert AuditEvent.objects.filter(event="workforce.course-published").count() == 1


def test_a_new_version_reassigns_workers_who_had_passed(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    version = new_version(tenant_a, cleared_a)
    assert TrainingAssignment.objects.filter(version=version, worker=tenant_a.vma).exists()
    # Still cleared until the new version's due date passes.
    assert clearance_for(tenant_a.membership(tenant_a.vma)).cleared


def test_course_assign_refuses_a_second_open_assignment_and_outsiders(
    tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    assign(tenant_a, requirements_a)
    with pytest.raises(ValidationError, match="already has this course open"):
        assign(tenant_a, requirements_a)
    with pytest.raises(ValidationError, match="not an active member"):
        assign(tenant_a, requirements_a, worker=tenant_b.vma)


# Quizzes.


def test_scoring_and_the_pass_mark(tenant_a: Tenant, requirements_a: Requirements) -> None:
    assignment = assign(tenant_a, requirements_a)
    first = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    first = training.quiz_submit(attempt=first, worker=tenant_a.vma, answers=HALF)
    assert (first.score, first.passed) == (50, False)
    assignment.refresh_from_db()
    assert assignment.completed_at is None

    second = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    assert second.number == 2
    second = training.quiz_submit(attempt=second, worker=tenant_a.vma, answers=RIGHT)
    assert (second.score, second.passed) == (100, True)
    assignment.refresh_from_db()
    assert assignment.completed_at is not None
    assert assignment.score == 100
    assert assignment.expires_on == training.add_months(tenant_a.bpo.local_today(), 12)
    events = AuditEvent.objects.filter(
        event__in=["workforce.quiz-submitted", "workforce.course-completed"]
    )
    assert events.count() == 3


def test_score_rounds_half_up() -> None:
    assert training.quiz_score(1, 3) == 33
    assert training.quiz_score(2, 3) == 67
    assert training.quiz_score(1, 8) == 13


def test_add_months_clamps_the_day() -> None:
    assert training.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert training.add_months(dt.date(2023, 12, 15), 2) == dt.date(2024, 2, 15)
    assert training.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_an_unsubmitted_attempt_is_reused(tenant_a: Tenant, requirements_a: Requirements) -> None:
    assignment = assign(tenant_a, requirements_a)
    first = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    assert training.quiz_start(assignment=assignment, worker=tenant_a.vma).pk == first.pk


def test_a_quiz_submitted_twice_is_refused_and_keeps_one_result(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    assignment = assign(tenant_a, requirements_a)
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=HALF)
    with pytest.raises(ValidationError, match="already submitted"):
        training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=RIGHT)
    attempt.refresh_from_db()
    assert (attempt.score, attempt.passed) == (50, False)
    assert QuizAttempt.objects.filter(assignment=assignment).count() == 1
    assert AuditEvent.objects.filter(event="workforce.quiz-submitted").count() == 1


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"1": 1}, "Answer every question"),
        ({"1": 1, "2": 7}, "choose one of the answers"),
        ({"1": 1, "2": 0, "9": 0}, "Not a question"),
    ],
)
def test_incomplete_or_invalid_answers_save_nothing(
    tenant_a: Tenant, requirements_a: Requirements, answers: dict[str, int], message: str
) -> None:
    assignment = assign(tenant_a, requirements_a)
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    with pytest.raises(ValidationError, match=message):
        training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=answers)
    attempt.refresh_from_db()
    assignment.refresh_from_db()
    assert attempt.submitted_at is None
    assert attempt.answers == {}
    assert assignment.completed_at is None


def test_only_the_assignee_takes_the_quiz(tenant_a: Tenant, requirements_a: Requirements) -> None:
    assignment = assign(tenant_a, requirements_a)
    with pytest.raises(ValidationError, match="not yours"):
        training.quiz_start(assignment=assignment, worker=tenant_a.supervisor)
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    with pytest.raises(ValidationError, match="not yours"):
        training.quiz_submit(attempt=attempt, worker=tenant_a.supervisor, answers=RIGHT)


def test_a_superseded_assignment_link_no_longer_opens_the_quiz(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    assignment = assign(tenant_a, requirements_a)
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    new_version(tenant_a, requirements_a)
    with pytest.raises(ValidationError, match="replaced by version 2"):
        training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    with pytest.raises(ValidationError, match="replaced by version 2"):
        training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=RIGHT)
    assignment.refresh_from_db()
    assert assignment.completed_at is None


def test_a_completed_assignment_opens_no_new_quiz(
    tenant_a: Tenant, requirements_a: Requirements
) -> None:
    assignment = assign(tenant_a, requirements_a)
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=RIGHT)
    with pytest.raises(ValidationError, match="already completed"):
        training.quiz_start(assignment=assignment, worker=tenant_a.vma)


def test_passing_the_quiz_clears_expired_training(
    tenant_a: Tenant, cleared_a: Requirements
) -> None:
    membership = tenant_a.membership(tenant_a.vma)
    today = tenant_a.bpo.local_today()
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(
        assigned_on=today - dt.timedelta(days=400),
        due_on=today - dt.timedelta(days=390),
        completed_at=timezone.now() - dt.timedelta(days=395),
        expires_on=today - dt.timedelta(days=1),
    )
    assert clearance_for(membership).reasons == ("training-expired:hipaa-privacy",)

    assert training.training_assign_required(tenant=tenant_a.bpo) == 1
    renewal = TrainingAssignment.objects.get(worker=tenant_a.vma, completed_at__isnull=True)
    attempt = training.quiz_start(assignment=renewal, worker=tenant_a.vma)
    training.quiz_submit(attempt=attempt, worker=tenant_a.vma, answers=RIGHT)

    assert clearance_for(membership).cleared


# Reminders.


def test_remind_creates_one_renewal_and_one_email(
    tenant_a: Tenant,
    cleared_a: Requirements,
    settings,
    django_capture_on_commit_callbacks,
) -> None:
    settings.STEWARD_WORKFORCE_REMINDER_DAYS = 30
    today = tenant_a.bpo.local_today()
    expiry = today + dt.timedelta(days=10)
    TrainingAssignment.objects.filter(worker=tenant_a.vma).update(expires_on=expiry)

    with django_capture_on_commit_callbacks(execute=True):
        assert training.training_remind_expiring(tenant=tenant_a.bpo, today=today) == 1
    renewal = TrainingAssignment.objects.get(worker=tenant_a.vma, completed_at__isnull=True)
    assert (renewal.reason, renewal.due_on) == ("renewal", expiry)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [tenant_a.vma.email]
    assert "HIPAA privacy and security" in message.body
    assert "https://steward.example.test/workforce/me/" in message.body

    with django_capture_on_commit_callbacks(execute=True):
        assert training.training_remind_expiring(tenant=tenant_a.bpo, today=today) == 0
    assert len(mail.outbox) == 1
    assert TrainingAssignment.objects.filter(worker=tenant_a.vma).count() == 2
