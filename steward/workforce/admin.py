"""Operators may read workforce records (no patient data); changes go through the audited
services on the workforce pages, so nothing here is editable."""

from __future__ import annotations

from django.contrib import admin

from steward.core.admin import ReadOnlyAdmin
from steward.workforce.models import (
    AccessReviewCampaign,
    AccessReviewItem,
    Checklist,
    Course,
    CourseVersion,
    Policy,
    PolicyVersion,
    Scenario,
    ScreeningCheck,
    ScreeningRequirement,
    TrainingAssignment,
)


@admin.register(ScreeningRequirement)
class ScreeningRequirementAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "kind", "roles", "rescreen_months")


@admin.register(ScreeningCheck)
class ScreeningCheckAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "worker", "kind", "status", "adjudication", "expires_on")
    list_filter = ("kind", "status", "adjudication")


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "code", "title", "category", "validity_months", "is_active")
    list_filter = ("category", "is_active")


@admin.register(CourseVersion)
class CourseVersionAdmin(ReadOnlyAdmin):
    list_display = ("course", "version", "pass_mark", "published_at")


@admin.register(TrainingAssignment)
class TrainingAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "worker", "course", "due_on", "completed_at", "expires_on")
    list_filter = ("reason",)


@admin.register(Policy)
class PolicyAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "code", "title", "is_active")


@admin.register(PolicyVersion)
class PolicyVersionAdmin(ReadOnlyAdmin):
    list_display = ("policy", "version", "summary", "created_at")


@admin.register(Scenario)
class ScenarioAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "title", "is_published", "updated_at")


@admin.register(AccessReviewCampaign)
class AccessReviewCampaignAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "name", "opened_on", "deadline", "closed_at")


@admin.register(AccessReviewItem)
class AccessReviewItemAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "membership", "decision", "automatic", "decided_at")
    list_filter = ("decision", "automatic")


@admin.register(Checklist)
class ChecklistAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "membership", "kind", "completed_at")
    list_filter = ("kind",)
