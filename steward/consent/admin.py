"""Operators may read notices and policies (no patient data); nothing here is editable,
because notices are versioned and policies change only through the audited service."""

from __future__ import annotations

from django.contrib import admin

from steward.consent.models import Notice, PurposePolicy
from steward.core.admin import ReadOnlyAdmin


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "version", "material", "summary", "created_at")
    list_filter = ("material",)


@admin.register(PurposePolicy)
class PurposePolicyAdmin(ReadOnlyAdmin):
    list_display = ("tenant", "purpose", "consent_required", "consent_valid_days", "updated_at")
    list_filter = ("consent_required",)
