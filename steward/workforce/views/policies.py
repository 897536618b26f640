"""Workforce pages: policies (the compliance officer's versions, a worker's signature)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from steward.core.forms import errors_to_form, submit
from steward.tenancy.models import Membership
from steward.workforce.forms.policies import AcceptForm, PolicyForm, PolicyVersionForm
from steward.workforce.models import Policy, PolicyAcceptance, PolicyVersion
from steward.workforce.services import policies as services
from steward.workforce.views.common import (
    COMPLIANCE,
    OVERSEERS,
    object_in_vendor,
    user_of,
    vendor_membership,
    vendor_of,
)

READERS = COMPLIANCE | OVERSEERS


def _required(tenant: Any, policy: Policy) -> list[Membership]:
    return list(
        Membership.objects.current()
        .filter(organization=tenant, role__in=policy.required_for)
        .select_related("user")
        .order_by("user__full_name")
    )


@login_required
def policies(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    tenant = membership.organization
    found = list(Policy.objects.filter(tenant=tenant).prefetch_related("versions"))
    roles = dict(
        Membership.objects.current().filter(organization=tenant).values_list("user_id", "role")
    )
    newest = {p.pk: max(p.versions.all(), key=lambda v: v.version, default=None) for p in found}
    signed = set(
        PolicyAcceptance.objects.filter(
            version__in=[v for v in newest.values() if v is not None]
        ).values_list("version__policy_id", "worker_id")
    )
    rows = []
    for policy in found:
        required = [u for u, role in roles.items() if role in policy.required_for]
        rows.append(
            {
                "policy": policy,
                "current": newest[policy.pk],
                "required": len(required),
                "accepted": sum(1 for u in required if (policy.pk, u) in signed),
            }
        )
    return render(
        request,
        "workforce/policies/policies.html",
        {"rows": rows, "can_edit": membership.role in COMPLIANCE},
    )


@login_required
def policy_detail(request: HttpRequest, policy_id: str) -> HttpResponse:
    membership = vendor_membership(request, READERS)
    policy = object_in_vendor(Policy.objects.all(), membership.organization, policy_id)
    assert isinstance(policy, Policy)  # noqa: S101 - a policy queryset
    versions = list(policy.versions.all())
    current = versions[0] if versions else None
    signed = (
        set(PolicyAcceptance.objects.filter(version=current).values_list("worker_id", flat=True))
        if current
        else set()
    )
    pending = [m for m in _required(membership.organization, policy) if m.user_id not in signed]
    return render(
        request,
        "workforce/policies/policy.html",
        {
            "policy": policy,
            "versions": versions,
            "current": current,
            "pending": pending if current else [],
            "can_edit": membership.role in COMPLIANCE,
        },
    )


def _policy_form_page(request: HttpRequest, policy: Policy | None) -> HttpResponse:
    tenant = vendor_of(request, COMPLIANCE)
    initial = (
        {"title": policy.title, "code": policy.code, "required_for": policy.required_for}
        if policy
        else {}
    )
    form = PolicyForm(request.POST or None, initial=initial)
    saved = submit(
        form,
        lambda f: services.policy_save(
            tenant=tenant, actor=user_of(request), policy=policy, **f.cleaned_data
        ),
    )
    if saved is not None:
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect("workforce:policy", policy_id=saved.pk)
    return render(
        request,
        "workforce/policies/policy_form.html",
        {"form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


@login_required
def policy_new(request: HttpRequest) -> HttpResponse:
    return _policy_form_page(request, None)


@login_required
def policy_edit(request: HttpRequest, policy_id: str) -> HttpResponse:
    policy = object_in_vendor(Policy.objects.all(), vendor_of(request, COMPLIANCE), policy_id)
    assert isinstance(policy, Policy)  # noqa: S101 - a policy queryset
    return _policy_form_page(request, policy)


@login_required
def policy_publish(request: HttpRequest, policy_id: str) -> HttpResponse:
    policy = object_in_vendor(Policy.objects.all(), vendor_of(request, COMPLIANCE), policy_id)
    assert isinstance(policy, Policy)  # noqa: S101 - a policy queryset
    current = services.newest_version(policy)
    form = PolicyVersionForm(
        request.POST or None, initial={"body": current.body if current else ""}
    )
    version = submit(
        form,
        lambda f: services.policy_version_publish(
            policy=policy, actor=user_of(request), **f.cleaned_data
        ),
    )
    if version is not None:
        messages.success(
            request,
            f"Version {version.version} is published; required workers must accept it.",
        )
        return redirect("workforce:policy", policy_id=policy.pk)
    return render(
        request,
        "workforce/policies/publish.html",
        {"form": form, "policy": policy, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
def policy_accept(request: HttpRequest, version_id: str) -> HttpResponse:
    """Any member of the vendor reads a version and signs it by typing their name."""
    version = object_in_vendor(
        PolicyVersion.objects.select_related("policy"),
        vendor_of(request),
        version_id,
        tenant_path="policy__tenant",
    )
    assert isinstance(version, PolicyVersion)  # noqa: S101 - a version queryset
    user = user_of(request)
    newest = services.newest_version(version.policy)
    mine = PolicyAcceptance.objects.filter(version=version, worker=user).first()
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and mine is None and form.is_valid():
        try:
            services.policy_accept(
                version=version, worker=user, typed_name=form.cleaned_data["typed_name"]
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"You accepted “{version.policy.title}” v{version.version}.")
            return redirect("workforce:policy-accept", version_id=version.pk)
    return render(
        request,
        "workforce/policies/accept.html",
        {
            "version": version,
            "policy": version.policy,
            "newest": newest,
            "superseded": newest is not None and newest.pk != version.pk,
            "mine": mine,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("policies/", policies, name="policies"),
    path("policies/new/", policy_new, name="policy-new"),
    path("policies/<uuid:policy_id>/", policy_detail, name="policy"),
    path("policies/<uuid:policy_id>/edit/", policy_edit, name="policy-edit"),
    path("policies/<uuid:policy_id>/publish/", policy_publish, name="policy-publish"),
    path("policy-versions/<uuid:version_id>/accept/", policy_accept, name="policy-accept"),
]
