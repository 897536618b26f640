"""Forms of the training pages: course, draft version, and a worker's quiz."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.safestring import mark_safe

from steward.tenancy.roles import Role
from steward.workforce.models import CourseCategory, Question
from steward.workforce.models.base import WORKFORCE_ROLES
from steward.workforce.services.training import LESSONS_HELP, QUESTIONS_HELP

ROLE_CHOICES = [(str(r.value), r.label) for r in Role if r in WORKFORCE_ROLES]


class CourseForm(forms.Form):
    title = forms.CharField(max_length=160)
    code = forms.SlugField(
        max_length=60, help_text="Short stable name shown in clearance reasons, e.g. hipaa-privacy."
    )
    category = forms.ChoiceField(choices=CourseCategory.choices)
    required_for = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Required for",
        help_text="Workers in these roles must hold a current pass to work with patient data.",
    )
    validity_months = forms.IntegerField(
        min_value=1, max_value=120, initial=12, label="A pass counts for (months)"
    )
    due_days = forms.IntegerField(
        min_value=1, max_value=365, initial=30, label="Days to complete an assignment"
    )


class VersionForm(forms.Form):
    summary = forms.CharField(
        max_length=300, required=False, help_text="What changed in this version."
    )
    pass_mark = forms.IntegerField(min_value=1, max_value=100, label="Pass mark (%)")
    lessons_text = forms.CharField(
        label="Lessons",
        max_length=200000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=mark_safe(LESSONS_HELP),  # noqa: S308 - a constant of ours
    )
    questions_text = forms.CharField(
        label="Quiz",
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=mark_safe(QUESTIONS_HELP),  # noqa: S308 - a constant of ours
    )


class QuizForm(forms.Form):
    """One radio group per question, named ``q<position>``; every one must be answered."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.position}"] = forms.TypedChoiceField(
                label=f"{question.position}. {question.prompt}",
                choices=[(str(i), text) for i, text in enumerate(question.choices)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Answer this question."},
            )

    def answers(self) -> dict[str, int]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}
