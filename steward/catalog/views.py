"""Catalogue pages: the practice edits a draft and publishes it; everyone may read it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from steward.access.portal import my_patient
from steward.catalog import selectors, services
from steward.catalog.forms import PublishForm, ServiceForm, TargetFormSet
from steward.catalog.models import Catalogue, CatalogueStatus, Service
from steward.core.forms import errors_to_form
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Organization
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import STAFF_ROLES, OrganizationKind, Role

EDITORS = frozenset({Role.CLIENT_ADMIN})
READERS = frozenset(STAFF_ROLES - {Role.PLATFORM_OPERATOR})


def _reader(request: HttpRequest) -> Organization:
    membership = active_membership(request)
    if membership.role not in READERS:
        raise PermissionDenied("The service catalogue is for the practice's and vendor's staff.")
    return membership.organization


def _practice(request: HttpRequest) -> Organization:
    membership = active_membership(request)
    if membership.role not in EDITORS:
        raise PermissionDenied("Only the practice's administrator edits its service catalogue.")
    return membership.organization


@login_required
def catalogue_home(request: HttpRequest) -> HttpResponse:
    organization = _reader(request)
    if organization.kind == OrganizationKind.BUSINESS_ASSOCIATE:
        agreements = BusinessAssociateAgreement.objects.filter(
            business_associate=organization, status=AgreementStatus.ACTIVE
        ).select_related("covered_entity", "business_associate")
        served = [
            {"practice": a.covered_entity, "catalogue": selectors.current(a.covered_entity)}
            for a in agreements
            if a.in_force()
        ]
        return render(request, "catalog/served.html", {"served": served})
    current = selectors.current(organization)
    return render(
        request,
        "catalog/home.html",
        {
            "catalogue": selectors.with_services(current) if current else None,
            "versions": Catalogue.objects.filter(
                tenant=organization, status=CatalogueStatus.PUBLISHED
            ).order_by("-version"),
            "draft": Catalogue.objects.filter(
                tenant=organization, status=CatalogueStatus.DRAFT
            ).first(),
            "can_edit": active_membership(request).role in EDITORS,
        },
    )


@login_required
def version_detail(request: HttpRequest, version: int) -> HttpResponse:
    organization = _reader(request)
    catalogue = get_object_or_404(
        Catalogue, tenant=organization, status=CatalogueStatus.PUBLISHED, version=version
    )
    return render(
        request, "catalog/version.html", {"catalogue": selectors.with_services(catalogue)}
    )


@login_required
@require_POST
def draft_start(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request)
    services.draft_start(tenant=tenant, actor=request.user)  # type: ignore[arg-type]
    return redirect("catalog:draft")


def _draft(tenant: Organization) -> Catalogue:
    draft = Catalogue.objects.filter(tenant=tenant, status=CatalogueStatus.DRAFT).first()
    if draft is None:
        raise Http404("There is no draft; start one from the catalogue page.")
    return draft


@login_required
def draft_detail(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request)
    draft = _draft(tenant)
    form = PublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            published = services.publish(
                draft=draft,
                actor=request.user,  # type: ignore[arg-type]
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as exc:
            if "services" in getattr(exc, "error_dict", {}):
                form.add_error(None, exc.error_dict["services"])
            else:
                errors_to_form(form, exc)
        else:
            messages.success(request, f"Version {published.version} is published.")
            return redirect("catalog:home")
    return render(
        request,
        "catalog/draft.html",
        {"catalogue": selectors.with_services(draft), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request)
    services.draft_discard(draft=_draft(tenant), actor=request.user)  # type: ignore[arg-type]
    messages.success(request, "The draft is discarded.")
    return redirect("catalog:home")


@login_required
def service_edit(request: HttpRequest, service_id: int | None = None) -> HttpResponse:
    tenant = _practice(request)
    draft = _draft(tenant)
    service = get_object_or_404(Service, pk=service_id, catalogue=draft) if service_id else None
    initial: dict[str, Any] = {}
    targets_initial: list[dict[str, Any]] = []
    if service is not None:
        initial = {
            "name": service.name,
            "description": service.description,
            "does": service.does,
            "does_not": service.does_not,
            "hours": service.hours,
            "languages": ", ".join(service.languages),
            "escalation": service.escalation,
        }
        targets_initial = [
            {
                "channel": t.channel,
                "priority": t.priority,
                "first_response_minutes": t.first_response_minutes,
                "resolution_minutes": t.resolution_minutes,
            }
            for t in service.targets.all()
        ]
    form = ServiceForm(request.POST or None, initial=initial)
    targets = TargetFormSet(request.POST or None, initial=targets_initial, prefix="targets")
    if request.method == "POST" and form.is_valid() and targets.is_valid():
        chosen = [
            {k: v for k, v in t.items() if k != "DELETE"}
            for t in targets.cleaned_data
            if t and not t.get("DELETE")
        ]
        try:
            services.service_save(
                draft=draft,
                actor=request.user,  # type: ignore[arg-type]
                values=form.cleaned_data,
                targets=chosen,
                service=service,
            )
        except ValidationError as exc:
            errors = dict(exc.error_dict) if hasattr(exc, "error_dict") else {}
            if "targets" in errors:
                form.add_error(None, errors.pop("targets"))
            if errors:
                errors_to_form(form, ValidationError(errors))
        else:
            messages.success(request, f"“{form.cleaned_data['name']}” is saved in the draft.")
            return redirect("catalog:draft")
    return render(
        request,
        "catalog/service_form.html",
        {"form": form, "targets": targets, "service": service},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def service_delete(request: HttpRequest, service_id: int) -> HttpResponse:
    tenant = _practice(request)
    service = get_object_or_404(Service, pk=service_id, catalogue=_draft(tenant))
    services.service_delete(service=service, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"“{service.name}” is removed from the draft.")
    return redirect("catalog:draft")


def public_catalogue(
    request: HttpRequest, tenant_id: str, version: int | None = None
) -> HttpResponse:
    """Anyone may read what a practice's assistants do and how fast, without signing in."""
    tenant = get_object_or_404(
        Organization, pk=tenant_id, kind=OrganizationKind.COVERED_ENTITY, is_active=True
    )
    published = Catalogue.objects.filter(tenant=tenant, status=CatalogueStatus.PUBLISHED)
    catalogue = (
        published.order_by("-version").first()
        if version is None
        else published.filter(version=version).first()
    )
    if catalogue is None:
        raise Http404("This practice has not published its service catalogue.")
    return render(
        request,
        "catalog/public.html",
        {
            "tenant": tenant,
            "catalogue": selectors.with_services(catalogue),
            "versions": published.order_by("-version").values_list("version", flat=True),
        },
    )


@login_required
def portal_services(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    current = selectors.current(patient.tenant)
    return render(
        request,
        "catalog/portal.html",
        {"catalogue": selectors.with_services(current) if current else None},
    )
