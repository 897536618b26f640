"""Quizzes: a worker's sittings of an assignment's quiz, each submitted once.

A pass completes the assignment until ``validity_months`` later; a superseded or
completed assignment opens no quiz. Each function is one audited transaction.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from steward.accounts.models import User
from steward.core.dates import add_months
from steward.workforce.models import Question, QuizAttempt, TrainingAssignment
from steward.workforce.services.common import record


def superseded_message(assignment: TrainingAssignment) -> str:
    """What a worker following a link to a replaced assignment is told."""
    newer = (
        TrainingAssignment.objects.filter(
            course_id=assignment.course_id,
            worker_id=assignment.worker_id,
            created_at__gt=assignment.created_at,
        )
        .select_related("version")
        .order_by("-created_at")
        .first()
    )
    number = newer.version.version if newer else assignment.version.version
    return (
        f"This assignment was replaced by version {number}; "
        "open the current one from My compliance."
    )


def _refuse_closed(assignment: TrainingAssignment) -> None:
    if assignment.superseded_at is not None:
        raise ValidationError(superseded_message(assignment))
    if assignment.completed_at is not None:
        raise ValidationError("This course is already completed.")


def quiz_start(*, assignment: TrainingAssignment, worker: User) -> QuizAttempt:
    """Open (or reopen) the assignee's quiz sitting on an open assignment."""
    with transaction.atomic():
        assignment = (
            TrainingAssignment.objects.select_for_update(of=("self",))
            .select_related("version", "course")
            .get(pk=assignment.pk)
        )
        if assignment.worker_id != worker.pk:
            raise ValidationError("This assignment is not yours.")
        _refuse_closed(assignment)
        unsubmitted = assignment.attempts.filter(submitted_at__isnull=True).first()
        if unsubmitted is not None:
            return unsubmitted
        number = (assignment.attempts.aggregate(n=Max("number"))["n"] or 0) + 1
        attempt = QuizAttempt.objects.create(assignment=assignment, number=number)
        record(
            "quiz-started",
            actor=worker,
            tenant=assignment.tenant_id,
            entity=attempt,
            course=assignment.course.code,
            version=assignment.version.version,
            number=number,
        )
    return attempt


def _checked_answers(questions: list[Question], answers: dict[str, Any]) -> dict[str, int]:
    """Every question answered with a valid choice; keys are question positions as text."""
    if not isinstance(answers, dict):
        raise ValidationError("Answer every question.")
    known = {str(q.position) for q in questions}
    unknown = sorted(set(map(str, answers)) - known)
    if unknown:
        raise ValidationError(f"Not a question of this quiz: {', '.join(unknown)}.")
    checked: dict[str, int] = {}
    missing = []
    for question in questions:
        key = str(question.position)
        value = answers.get(key)
        if isinstance(value, str) and re.fullmatch(r"\d+", value):
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            missing.append(key)
        elif not 0 <= value < len(question.choices):
            raise ValidationError(f"Question {key}: choose one of the answers shown.")
        else:
            checked[key] = value
    if missing:
        raise ValidationError(
            f"Answer every question (not answered: {', '.join(missing)}). Nothing was saved."
        )
    return checked


def quiz_score(correct: int, total: int) -> int:
    """Percent correct, rounded half up."""
    return (200 * correct + total) // (2 * total) if total else 0


def quiz_submit(*, attempt: QuizAttempt, worker: User, answers: dict[str, int]) -> QuizAttempt:
    """Score the sitting once; a pass completes the assignment until it expires.

    ``answers`` maps each question's position (``"1"``, ``"2"``, …) to a choice index.
    A second submission, an unanswered question or a choice that does not exist is
    refused and changes nothing.
    """
    with transaction.atomic():
        # Lock the assignment, then the attempt: the same order as quiz_start, and a
        # second submit of the same attempt waits here, then sees it submitted.
        assignment = (
            TrainingAssignment.objects.select_for_update(of=("self",))
            .select_related("course", "version", "tenant")
            .get(pk=attempt.assignment_id)
        )
        attempt = QuizAttempt.objects.select_for_update(of=("self",)).get(pk=attempt.pk)
        if assignment.worker_id != worker.pk:
            raise ValidationError("This quiz is not yours.")
        if attempt.submitted_at is not None:
            raise ValidationError("This quiz was already submitted.")
        _refuse_closed(assignment)
        questions = list(assignment.version.questions.all())
        if not questions:
            raise ValidationError("This course has no quiz.")
        checked = _checked_answers(questions, answers)
        correct = sum(1 for q in questions if checked[str(q.position)] == q.correct)
        score = quiz_score(correct, len(questions))
        passed = score >= assignment.version.pass_mark
        now = timezone.now()
        attempt.answers, attempt.score, attempt.passed = checked, score, passed
        attempt.submitted_at = now
        attempt.save(update_fields=["answers", "score", "passed", "submitted_at"])
        record(
            "quiz-submitted",
            actor=worker,
            tenant=assignment.tenant_id,
            entity=attempt,
            course=assignment.course.code,
            version=assignment.version.version,
            number=attempt.number,
            score=score,
            passed=passed,
        )
        if passed:
            today = assignment.tenant.local_today()
            assignment.completed_at, assignment.score = now, score
            assignment.expires_on = add_months(today, assignment.course.validity_months)
            assignment.save(update_fields=["completed_at", "score", "expires_on"])
            record(
                "course-completed",
                actor=worker,
                tenant=assignment.tenant_id,
                entity=assignment,
                course=assignment.course.code,
                version=assignment.version.version,
                score=score,
                expires_on=assignment.expires_on,
            )
    return attempt
