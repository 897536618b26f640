"""Workforce pages: screening — the checks, their evidence and adjudication, and what each
role must have checked. The compliance staff act; auditors of the vendor read."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from steward.accounts.models import User
from steward.audit.models import AuditEvent
from steward.core.forms import errors_to_form, submit
from steward.core.keyfiles import KeyFileError
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import Organization
from steward.tenancy.roles import Role
from steward.vault.documents import DocumentDamaged
from steward.workforce.forms.screening import (
    AdjudicationForm,
    EvidenceForm,
    ScreeningCheckForm,
    ScreeningFilterForm,
    ScreeningRequirementForm,
    ScreeningStatusForm,
)
from steward.workforce.models import (
    Adjudication,
    ScreeningCheck,
    ScreeningEvidence,
    ScreeningRequirement,
    ScreeningStatus,
)
from steward.workforce.services import screening as services
from steward.workforce.views.common import (
    COMPLIANCE,
    OVERSEERS,
    object_in_vendor,
    user_of,
    vendor_membership,
    vendor_of,
)

logger = logging.getLogger(__name__)


def checks_filtered(tenant: Organization, form: ScreeningFilterForm) -> QuerySet[ScreeningCheck]:
    checks = ScreeningCheck.objects.filter(tenant=tenant).select_related("worker")
    if not form.is_valid():
        return checks.order_by("worker__full_name", "kind", "-invited_on")
    data = form.cleaned_data
    if data["kind"]:
        checks = checks.filter(kind=data["kind"])
    if data["status"]:
        checks = checks.filter(status=data["status"])
    if data["review"]:
        checks = checks.filter(
            status__in=[ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE], adjudication=""
        )
    if data["q"].strip():
        checks = checks.filter(worker__full_name__icontains=data["q"].strip())
    return checks.order_by("worker__full_name", "kind", "-invited_on", "-created_at")


def _overview(
    request: HttpRequest, *, requirement_form: ScreeningRequirementForm | None = None
) -> HttpResponse:
    membership = vendor_membership(request, OVERSEERS)
    tenant = membership.organization
    filters = ScreeningFilterForm(request.GET or None)
    page = paginate(request, checks_filtered(tenant, filters))
    can_edit = membership.role in COMPLIANCE
    editing = request.GET.get("edit", "")
    if requirement_form is None and can_edit:
        existing = ScreeningRequirement.objects.filter(tenant=tenant, kind=editing).first()
        initial = (
            {
                "kind": existing.kind,
                "roles": existing.roles,
                "rescreen_months": existing.rescreen_months,
            }
            if existing
            else {"roles": [Role.VMA, Role.SUPERVISOR]}
        )
        requirement_form = ScreeningRequirementForm(initial=initial)
    return render(
        request,
        "workforce/screening/overview.html",
        {
            "filters": filters,
            "page": page,
            "query": query_without_page(request),
            "requirements": ScreeningRequirement.objects.filter(tenant=tenant).order_by("kind"),
            "requirement_form": requirement_form,
            "can_edit": can_edit,
            "awaiting": ScreeningCheck.objects.filter(
                tenant=tenant,
                status__in=[ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE],
                adjudication="",
            ).count(),
        },
        status=400 if requirement_form is not None and requirement_form.errors else 200,
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return _overview(request)


@login_required
@require_POST
def requirement_save(request: HttpRequest) -> HttpResponse:
    tenant = vendor_of(request, COMPLIANCE)
    form = ScreeningRequirementForm(request.POST)
    saved = submit(
        form,
        lambda f: services.screening_requirement_save(
            tenant=tenant,
            actor=user_of(request),
            kind=f.cleaned_data["kind"],
            roles=list(f.cleaned_data["roles"]),
            rescreen_months=f.cleaned_data["rescreen_months"],
        ),
    )
    if saved is None:
        return _overview(request, requirement_form=form)
    messages.success(request, f"Saved: {saved.get_kind_display()} is required for those roles.")
    return redirect("workforce:screening")


@login_required
def check_new(request: HttpRequest) -> HttpResponse:
    tenant = vendor_of(request, COMPLIANCE)
    form = ScreeningCheckForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = User.objects.filter(pk=data["worker"]).first()
        try:
            if worker is None:
                raise ValidationError({"worker": "Choose a worker."})
            check = services.screening_check_create(
                tenant=tenant,
                actor=user_of(request),
                worker=worker,
                kind=data["kind"],
                vendor=data["vendor"],
                invited_on=data["invited_on"],
                vendor_reference=data["vendor_reference"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "Check recorded as invited.")
            return redirect("workforce:screening-check", check_id=check.pk)
    status = 400 if form.errors else 200
    return render(request, "workforce/screening/check_form.html", {"form": form}, status=status)


def _decisions(check: ScreeningCheck) -> QuerySet[AuditEvent]:
    """The check's adjudications as the audit trail recorded them, newest first."""
    return AuditEvent.objects.filter(
        tenant_id=check.tenant_id,
        event="workforce.screening-adjudicated",
        canonical__contains=f'"{check.pk}"',
    ).order_by("-occurred_us")


def _adjudication_words(code: str | None) -> str | None:
    """A recorded adjudication code ("cleared") in the words the page uses ("Cleared to work")."""
    if not code:
        return None
    try:
        return str(Adjudication(code).label)
    except ValueError:
        return code


def _check_page(
    request: HttpRequest, check_id: Any, *, status: int = 200, **bound: Any
) -> HttpResponse:
    membership = vendor_membership(request, OVERSEERS)
    check = object_in_vendor(
        ScreeningCheck.objects.select_related("worker", "adjudicated_by", "recorded_by"),
        membership.organization,
        check_id,
    )
    assert isinstance(check, ScreeningCheck)  # noqa: S101 - the queryset's model
    people = {
        str(u.pk): u.full_name
        for u in User.objects.filter(pk__in=[e.actor_id for e in _decisions(check)])
    }
    history = [
        {
            "at": event.occurred_at,
            "by": people.get(str(event.actor_id), "—"),
            "decision": event.record["detail"].get("decision"),
            "previous": event.record["detail"].get("previous"),
            "decision_words": _adjudication_words(event.record["detail"].get("decision")),
            "previous_words": _adjudication_words(event.record["detail"].get("previous")),
        }
        for event in _decisions(check)
    ]
    can_act = membership.role in COMPLIANCE
    return render(
        request,
        "workforce/screening/check.html",
        {
            "check": check,
            "evidence": check.evidence.select_related("uploaded_by"),
            "history": history,
            "can_act": can_act,
            # Nobody records results on their own check (the service refuses it too).
            "can_record": can_act and check.worker_id != membership.user_id,
            "can_adjudicate": membership.role == Role.COMPLIANCE_OFFICER
            and check.worker_id != membership.user_id,
            "adjudicable": check.status in services.ADJUDICABLE,
            "status_form": bound.get("status_form")
            or ScreeningStatusForm(
                initial={"status": check.status, "completed_on": check.completed_on}
            ),
            "adjudication_form": bound.get("adjudication_form") or AdjudicationForm(),
            "evidence_form": bound.get("evidence_form") or EvidenceForm(),
        },
        status=status,
    )


@login_required
def check_detail(request: HttpRequest, check_id: str) -> HttpResponse:
    return _check_page(request, check_id)


def _acting_on(request: HttpRequest, check_id: str) -> ScreeningCheck:
    tenant = vendor_of(request, COMPLIANCE)
    check = object_in_vendor(ScreeningCheck.objects.select_related("tenant"), tenant, check_id)
    assert isinstance(check, ScreeningCheck)  # noqa: S101 - the queryset's model
    return check


@login_required
@require_POST
def check_status(request: HttpRequest, check_id: str) -> HttpResponse:
    check = _acting_on(request, check_id)
    form = ScreeningStatusForm(request.POST)
    updated = submit(
        form,
        lambda f: services.screening_check_update(
            check=check,
            actor=user_of(request),
            status=f.cleaned_data["status"],
            completed_on=f.cleaned_data["completed_on"],
        ),
    )
    if updated is None:
        return _check_page(request, check_id, status=400, status_form=form)
    messages.success(request, f"Status: {updated.get_status_display()}.")
    return redirect("workforce:screening-check", check_id=updated.pk)


@login_required
@require_POST
def check_adjudicate(request: HttpRequest, check_id: str) -> HttpResponse:
    check = _acting_on(request, check_id)
    form = AdjudicationForm(request.POST)
    decided = submit(
        form,
        lambda f: services.screening_adjudicate(
            check=check,
            actor=user_of(request),
            decision=f.cleaned_data["decision"],
            note=f.cleaned_data["note"],
        ),
    )
    if decided is None:
        return _check_page(request, check_id, status=400, adjudication_form=form)
    messages.success(request, f"Decision recorded: {decided.get_adjudication_display()}.")
    return redirect("workforce:screening-check", check_id=decided.pk)


@login_required
@require_POST
def evidence_add(request: HttpRequest, check_id: str) -> HttpResponse:
    check = _acting_on(request, check_id)
    form = EvidenceForm(request.POST, request.FILES)
    added = submit(
        form,
        lambda f: services.screening_evidence_add(
            check=check, actor=user_of(request), upload=f.cleaned_data["upload"]
        ),
    )
    if added is None:
        return _check_page(request, check_id, status=400, evidence_form=form)
    messages.success(request, "Evidence attached.")
    return redirect("workforce:screening-check", check_id=check.pk)


@login_required
def evidence_download(request: HttpRequest, evidence_id: str) -> FileResponse:
    tenant = vendor_of(request, COMPLIANCE)
    evidence = object_in_vendor(
        ScreeningEvidence.objects.select_related("screening"),
        tenant,
        evidence_id,
        tenant_path="screening__tenant",
    )
    assert isinstance(evidence, ScreeningEvidence)  # noqa: S101 - the queryset's model
    try:
        handle, filename = services.screening_evidence_open(
            evidence=evidence, actor=user_of(request)
        )
    except (DocumentDamaged, KeyFileError) as exc:
        # Never serve bytes that are not the ones uploaded; the failure is for operators.
        logger.error("Screening evidence %s cannot be opened: %s", evidence.pk, exc)
        raise Http404("The evidence file cannot be opened.") from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


urlpatterns: list[URLPattern] = [
    path("screening/", overview, name="screening"),
    path("screening/requirements/", requirement_save, name="screening-requirements"),
    path("screening/new/", check_new, name="screening-new"),
    path("screening/<uuid:check_id>/", check_detail, name="screening-check"),
    path("screening/<uuid:check_id>/status/", check_status, name="screening-status"),
    path("screening/<uuid:check_id>/adjudicate/", check_adjudicate, name="screening-adjudicate"),
    path("screening/<uuid:check_id>/evidence/", evidence_add, name="screening-evidence-add"),
    path("screening/evidence/<uuid:evidence_id>/", evidence_download, name="evidence"),
]
