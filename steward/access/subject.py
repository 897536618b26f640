"""Who is asking: the subject of a decision, built from the request's session."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from steward.access.models import BreakGlassGrant
from steward.accounts.mfa import seconds_since_authentication, session_passed_mfa
from steward.core.policy import Subject


def subject_from_request(request: HttpRequest) -> Subject:
    user = request.user
    authenticated = user.is_authenticated
    grants: frozenset[str] = frozenset()
    if authenticated and user.pk is not None:
        grants = frozenset(
            str(patient_id)
            for patient_id in BreakGlassGrant.objects.filter(
                user_id=user.pk, expires_at__gt=timezone.now()
            ).values_list("patient_id", flat=True)
        )
    return Subject(
        user=user,
        membership=getattr(request, "membership", None) if authenticated else None,
        mfa_passed=authenticated and session_passed_mfa(request),
        seconds_since_authentication=seconds_since_authentication(request)
        if authenticated
        else None,
        break_glass_patient_ids=grants,
    )
