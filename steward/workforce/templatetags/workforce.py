from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString

from steward.core.markdown import render
from steward.tenancy.roles import Role

register = template.Library()

# Short words for an access review's flags (the long explanations are services.reviews.FLAGS).
FLAG_LABELS = {
    "inactive-30-days": "Inactive 30+ days",
    "terminated": "Terminated",
    "contractor-end-passed": "Contract ended",
    "privileged": "Privileged access",
}

# Why an assignment exists, in words.
ASSIGNMENT_REASONS = {
    "required": "Required",
    "renewal": "Renewal",
    "new-version": "New version",
}


@register.filter(name="markdown")
def markdown(text: str) -> SafeString:
    return render(text or "")


@register.filter(name="role_label")
def role_label(code: str) -> str:
    """A role code ("vma") in words ("Virtual medical assistant")."""
    try:
        return str(Role(code).label)
    except ValueError:
        return code


@register.filter(name="role_labels")
def role_labels(codes: Iterable[str] | None) -> str:
    return ", ".join(role_label(code) for code in codes or ())


@register.filter(name="flag_label")
def flag_label(code: str) -> str:
    return FLAG_LABELS.get(code, code)


@register.filter(name="assignment_reason")
def assignment_reason(code: str) -> str:
    return ASSIGNMENT_REASONS.get(code, code.replace("-", " ").capitalize() if code else "—")
