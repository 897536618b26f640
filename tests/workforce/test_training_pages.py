"""Training pages: trainer authoring, a worker taking the quiz, and who may open what."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from steward.workforce.models import Course, CourseVersion, QuizAttempt, TrainingAssignment
from steward.workforce.services import training
from tests.conftest import sign_in
from tests.personas import Tenant
from tests.workforce.conftest import Requirements

LESSONS = (
    "## Why it matters\n\nPatients trust us with **their** data.\n\n## Texting\n\nNo PHI in SMS."
)
QUESTIONS = (
    "? May you text a lab result?\n- Yes\n* No\n> Results go through the portal.\n\n"
    "? Who may see a record?\n* Whoever the task needs\n- Anyone on the team"
)


def test_trainer_authors_and_publishes_a_course(client: Client, tenant_a: Tenant) -> None:
    sign_in(client, tenant_a.trainer)
    response = client.post(
        reverse("workforce:course-new"),
        {
            "title": "Texting patients",
            "code": "texting",
            "category": "privacy-security",
            "required_for": ["vma"],
            "validity_months": 12,
            "due_days": 14,
        },
    )
    course = Course.objects.get(code="texting")
    assert response.status_code == 302

    response = client.post(reverse("workforce:version-draft", args=[course.pk]))
    draft = CourseVersion.objects.get(course=course)
    assert response["Location"] == reverse("workforce:version-edit", args=[draft.pk])
    edit = reverse("workforce:version-edit", args=[draft.pk])
    response = client.post(
        edit,
        {"summary": "First", "pass_mark": 80, "lessons_text": "oops", "questions_text": QUESTIONS},
    )
    assert response.status_code == 400
    assert "Line 1: start each lesson" in response.content.decode()
    response = client.post(
        edit,
        {"summary": "First", "pass_mark": 80, "lessons_text": LESSONS, "questions_text": QUESTIONS},
    )
    assert response.status_code == 302
    assert "## Texting" in client.get(edit).content.decode()

    response = client.post(reverse("workforce:version-publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published
    assert TrainingAssignment.objects.get(course=course).worker == tenant_a.vma

    listing = client.get(reverse("workforce:courses")).content.decode()
    assert "Texting patients" in listing
    assert "0%" in listing
    page = client.get(reverse("workforce:course", args=[course.pk]) + "?status=open")
    assert "Vma A" in page.content.decode()
    # A published version is shown, not edited.
    response = client.post(
        edit,
        {"summary": "x", "pass_mark": 10, "lessons_text": LESSONS, "questions_text": QUESTIONS},
    )
    draft.refresh_from_db()
    assert draft.pass_mark == 80


def test_worker_takes_the_quiz_through_the_pages(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    assignment = training.course_assign(
        course=requirements_a.course, worker=tenant_a.vma, actor=tenant_a.trainer
    )
    sign_in(client, tenant_a.vma)
    page = client.get(reverse("workforce:assignment", args=[assignment.pk])).content.decode()
    assert "<p>Only what the task needs.</p>" in page
    assert "Start the quiz" in page

    response = client.post(reverse("workforce:quiz-start", args=[assignment.pk]))
    attempt = QuizAttempt.objects.get(assignment=assignment)
    assert response["Location"] == reverse("workforce:quiz", args=[attempt.pk])
    quiz = reverse("workforce:quiz", args=[attempt.pk])
    assert "Which fields may you open?" in client.get(quiz).content.decode()

    # A partial answer is refused and nothing is saved.
    response = client.post(quiz, {"q1": "1"})
    assert response.status_code == 400
    attempt.refresh_from_db()
    assert attempt.submitted_at is None

    response = client.post(quiz, {"q1": "0", "q2": "0"}, follow=True)
    page = response.content.decode()
    assert "You scored 50%" in page
    assert "Your answer: All of them. Right answer: Only what the task needs." in page

    # The same attempt posted again is refused; one result stays.
    response = client.post(quiz, {"q1": "1", "q2": "0"}, follow=True)
    assert "This quiz was already submitted." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 50

    client.post(reverse("workforce:quiz-start", args=[assignment.pk]))
    second = QuizAttempt.objects.get(assignment=assignment, number=2)
    response = client.post(
        reverse("workforce:quiz", args=[second.pk]), {"q1": "1", "q2": "0"}, follow=True
    )
    assert "You passed with 100%" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.completed_at is not None


def test_a_superseded_assignment_page_says_so_and_links_to_the_current_one(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    old = training.course_assign(
        course=requirements_a.course, worker=tenant_a.vma, actor=tenant_a.trainer
    )
    draft = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    training.course_version_publish(version=draft, actor=tenant_a.trainer)
    current = TrainingAssignment.objects.get(worker=tenant_a.vma, version=draft)

    sign_in(client, tenant_a.vma)
    page = client.get(reverse("workforce:assignment", args=[old.pk])).content.decode()
    assert "This assignment was replaced by version 2" in page
    assert reverse("workforce:assignment", args=[current.pk]) in page
    assert "Start the quiz" not in page
    response = client.post(reverse("workforce:quiz-start", args=[old.pk]), follow=True)
    assert "replaced by version 2" in response.content.decode()
    assert not QuizAttempt.objects.exists()


def test_only_the_assignee_opens_an_assignment_or_quiz(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    assignment = training.course_assign(
        course=requirements_a.course, worker=tenant_a.vma, actor=tenant_a.trainer
    )
    attempt = training.quiz_start(assignment=assignment, worker=tenant_a.vma)
    for outsider in (tenant_a.supervisor, tenant_b.vma):
        client.logout()
        sign_in(client, outsider)
        assert client.get(reverse("workforce:assignment", args=[assignment.pk])).status_code == 404
        assert client.post(reverse("workforce:quiz-start", args=[assignment.pk])).status_code == 404
        quiz = reverse("workforce:quiz", args=[attempt.pk])
        assert client.get(quiz).status_code == 404
        assert client.post(quiz, {"q1": "1", "q2": "0"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


def test_a_vma_cannot_author_courses(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_a.vma)
    assert client.get(reverse("workforce:courses")).status_code == 403
    assert client.get(reverse("workforce:course-new")).status_code == 403
    course = requirements_a.course
    assert client.post(reverse("workforce:version-draft", args=[course.pk])).status_code == 403
    assert client.get(reverse("workforce:course-edit", args=[course.pk])).status_code == 403
    assert CourseVersion.objects.filter(course=course).count() == 1


def test_overseers_read_but_do_not_edit(
    client: Client, tenant_a: Tenant, requirements_a: Requirements
) -> None:
    draft = training.course_version_draft(course=requirements_a.course, actor=tenant_a.trainer)
    sign_in(client, tenant_a.compliance_officer)
    assert client.get(reverse("workforce:courses")).status_code == 200
    assert (
        client.get(reverse("workforce:course", args=[requirements_a.course.pk])).status_code == 200
    )
    edit = reverse("workforce:version-edit", args=[draft.pk])
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {"summary": "x", "pass_mark": 10, "lessons_text": LESSONS, "questions_text": QUESTIONS},
    )
    assert response.status_code == 403
    assert client.post(reverse("workforce:version-publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_another_vendors_trainer_gets_404(
    client: Client, tenant_a: Tenant, tenant_b: Tenant, requirements_a: Requirements
) -> None:
    sign_in(client, tenant_b.trainer)
    course = requirements_a.course
    assert client.get(reverse("workforce:course", args=[course.pk])).status_code == 404
    assert client.get(reverse("workforce:course-edit", args=[course.pk])).status_code == 404
    assert client.post(reverse("workforce:version-draft", args=[course.pk])).status_code == 404
    version = requirements_a.version
    assert client.get(reverse("workforce:version-edit", args=[version.pk])).status_code == 404
    assert client.post(reverse("workforce:version-publish", args=[version.pk])).status_code == 404
    assert "HIPAA" not in client.get(reverse("workforce:courses")).content.decode()


def test_the_catalogue_loads_in_a_fixed_number_of_queries(
    client: Client, tenant_a: Tenant, requirements_a: Requirements, django_assert_max_num_queries
) -> None:
    for n in range(5):
        course = training.course_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.trainer,
            code=f"course-{n}",
            title=f"Course {n}",
            category="ethics",
            required_for=["vma"],
            validity_months=12,
            due_days=30,
        )
        training.course_version_draft(course=course, actor=tenant_a.trainer)
    training.training_assign_required(tenant=tenant_a.bpo)
    sign_in(client, tenant_a.trainer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("workforce:courses")).status_code == 200
    with django_assert_max_num_queries(22):
        page = client.get(reverse("workforce:course", args=[requirements_a.course.pk]))
    assert page.status_code == 200
