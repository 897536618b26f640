"""Organisation administration pages: switching, members, teams, agreements, settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from steward.accounts.invitations import invitation_link_builder
from steward.core.events import SecurityEvent, record
from steward.core.forms import errors_to_form
from steward.core.pagination import paginate, query_without_page
from steward.tenancy import forms, selectors, services
from steward.tenancy.middleware import ACTIVE_MEMBERSHIP_KEY
from steward.tenancy.models import BusinessAssociateAgreement
from steward.tenancy.permissions import active_organization, can, require_capability
from steward.tenancy.roles import Capability


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    """Make another organisation active; refused unless the person is a current member."""
    wanted = request.POST.get("organization", "")
    target = next(
        (m for m in request.memberships if str(m.organization_id) == wanted),  # type: ignore[attr-defined]
        None,
    )
    if target is None:
        record(
            SecurityEvent(
                action="session.organization-switch",
                outcome="denied",
                actor=request.user,
                reasons=("no-current-membership",),
            )
        )
        raise PermissionDenied("You have no current membership in that organisation.")
    request.session[ACTIVE_MEMBERSHIP_KEY] = str(target.pk)
    record(
        SecurityEvent(
            action="session.organization-switch",
            actor=request.user,
            organization=target.organization,
        )
    )
    messages.success(
        request,
        f"You are now working in {target.organization.short_name} "
        f"as {target.get_role_display().lower()}.",
    )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return redirect(next_url)
    return redirect("web:dashboard")


# --- Members -------------------------------------------------------------------


@require_capability(Capability.VIEW_MEMBERS)
def member_list(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    filters = forms.MemberFilterForm(request.GET or None, organization=organization)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    members = selectors.membership_list(
        organization=organization,
        role=criteria.get("role", ""),
        status=criteria.get("status", ""),
        query=criteria.get("q", ""),
    )
    return render(
        request,
        "tenancy/member_list.html",
        {
            "filters": filters,
            "page": paginate(request, members),
            "query": query_without_page(request),
            "can_manage": can(request, Capability.MANAGE_MEMBERS),
        },
    )


@require_capability(Capability.MANAGE_MEMBERS)
def member_invite(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    form = forms.MemberInviteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_invite(
                organization=organization,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                team=form.cleaned_data["team"],
                valid_until=form.valid_until_moment(),
                actor=request.user,  # type: ignore[arg-type]
                invitation_url=invitation_link_builder(request),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"{membership.user.full_name} is invited.")
            return redirect("tenancy:member-detail", membership_id=membership.pk)
    return render(request, "tenancy/member_invite.html", {"form": form})


@require_capability(Capability.VIEW_MEMBERS)
def member_detail(request: HttpRequest, membership_id: str) -> HttpResponse:
    organization = active_organization(request)
    membership = selectors.membership_get(organization=organization, membership_id=membership_id)
    manage = can(request, Capability.MANAGE_MEMBERS) and membership.is_active
    initial = {
        "role": membership.role,
        "team": membership.team,
        "valid_until": membership.valid_until.astimezone(organization.zone).date()
        if membership.valid_until
        else None,
    }
    change_form = forms.MemberChangeForm(
        request.POST if request.POST.get("action") == "change" else None,
        organization=organization,
        initial=initial,
    )
    end_form = forms.EndMembershipForm(
        request.POST if request.POST.get("action") == "end" else None
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("You cannot change this membership.")
        if request.POST.get("action") == "change" and change_form.is_valid():
            try:
                services.membership_update(
                    membership=membership,
                    actor=request.user,  # type: ignore[arg-type]
                    role=change_form.cleaned_data["role"],
                    team=change_form.cleaned_data["team"],
                    valid_until=change_form.valid_until_moment(),
                )
            except ValidationError as exc:
                errors_to_form(change_form, exc)
            else:
                messages.success(request, "The membership is updated.")
                return redirect("tenancy:member-detail", membership_id=membership.pk)
        elif request.POST.get("action") == "end" and end_form.is_valid():
            if membership.user_id == request.user.pk:
                end_form.add_error(None, "You cannot end your own membership.")
            else:
                services.membership_end(
                    membership=membership,
                    actor=request.user,  # type: ignore[arg-type]
                    reason=end_form.cleaned_data["reason"],
                )
                messages.success(
                    request,
                    f"{membership.user.full_name}'s membership has ended; "
                    "their sessions were signed out.",
                )
                return redirect("tenancy:member-detail", membership_id=membership.pk)
    return render(
        request,
        "tenancy/member_detail.html",
        {
            "membership": membership,
            "change_form": change_form,
            "end_form": end_form,
            "can_manage": manage,
        },
    )


# --- Teams ---------------------------------------------------------------------


@require_capability(Capability.VIEW_TEAMS)
def team_list(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    manage = can(request, Capability.MANAGE_TEAMS)
    form = forms.TeamForm(request.POST or None, organization=organization)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("Your role cannot create teams.")
        if form.is_valid():
            try:
                team = services.team_create(
                    organization=organization,
                    actor=request.user,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Team “{team.name}” is created.")
                return redirect("tenancy:team-list")
    teams = selectors.team_list(organization=organization)
    return render(
        request,
        "tenancy/team_list.html",
        {
            "page": paginate(request, teams),
            "query": query_without_page(request),
            "form": form,
            "can_manage": manage,
        },
    )


@require_capability(Capability.VIEW_TEAMS)
def team_detail(request: HttpRequest, team_id: str) -> HttpResponse:
    organization = active_organization(request)
    team = selectors.team_get(organization=organization, team_id=team_id)
    manage = can(request, Capability.MANAGE_TEAMS)
    form = forms.TeamForm(
        request.POST or None,
        organization=organization,
        initial={"name": team.name, "description": team.description, "supervisor": team.supervisor},
    )
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("Your role cannot change teams.")
        if form.is_valid():
            try:
                services.team_update(team=team, actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, "The team is updated.")
                return redirect("tenancy:team-detail", team_id=team.pk)
    members = selectors.membership_list(
        organization=organization, team=str(team.pk), status="current"
    )
    return render(
        request,
        "tenancy/team_detail.html",
        {
            "team": team,
            "form": form,
            "can_manage": manage,
            "page": paginate(request, members),
            "query": query_without_page(request),
        },
    )


# --- Agreements ------------------------------------------------------------------


@require_capability(Capability.VIEW_AGREEMENTS)
def agreement_list(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    manage = can(request, Capability.MANAGE_AGREEMENTS) and organization.kind == "covered-entity"
    form = forms.AgreementForm(request.POST or None)
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("Only a covered entity's admin or privacy officer drafts BAAs.")
        if form.is_valid():
            try:
                agreement = services.baa_create(
                    covered_entity=organization,
                    actor=request.user,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(
                    request, "The draft agreement is saved. Attach the signed PDF and activate it."
                )
                return redirect("tenancy:agreement-detail", agreement_id=agreement.pk)
    status = request.GET.get("status", "")
    agreements = selectors.agreement_list(organization=organization, status=status)
    return render(
        request,
        "tenancy/agreement_list.html",
        {
            "page": paginate(request, agreements),
            "query": query_without_page(request),
            "form": form,
            "can_manage": manage,
            "status": status,
            "statuses": ["draft", "scheduled", "active", "terminated", "expired"],
        },
    )


@require_capability(Capability.VIEW_AGREEMENTS)
def agreement_detail(request: HttpRequest, agreement_id: str) -> HttpResponse:
    organization = active_organization(request)
    agreement = selectors.agreement_get(organization=organization, agreement_id=agreement_id)
    manage = (
        can(request, Capability.MANAGE_AGREEMENTS)
        and agreement.covered_entity_id == organization.pk
    )
    action = request.POST.get("action", "")
    document_form = forms.AgreementDocumentForm(
        request.POST if action == "document" else None,
        request.FILES if action == "document" else None,
    )
    terminate_form = forms.TerminateAgreementForm(request.POST if action == "terminate" else None)
    error = None
    if request.method == "POST":
        if not manage:
            raise PermissionDenied(
                "Only the covered entity's admin or privacy officer changes this agreement."
            )
        try:
            done = _agreement_action(request, agreement, action, document_form, terminate_form)
        except ValidationError as exc:
            target = document_form if action == "document" else terminate_form
            if action in ("document", "terminate"):
                errors_to_form(target, exc)
            else:
                error = " ".join(exc.messages)
        else:
            if done:
                return redirect("tenancy:agreement-detail", agreement_id=agreement.pk)
    return render(
        request,
        "tenancy/agreement_detail.html",
        {
            "agreement": agreement,
            "can_manage": manage,
            "document_form": document_form,
            "terminate_form": terminate_form,
            "error": error,
        },
    )


def _agreement_action(
    request: HttpRequest,
    agreement: BusinessAssociateAgreement,
    action: str,
    document_form: forms.AgreementDocumentForm,
    terminate_form: forms.TerminateAgreementForm,
) -> bool:
    actor = request.user
    if action == "document" and document_form.is_valid():
        services.baa_attach_document(
            agreement=agreement,
            actor=actor,  # type: ignore[arg-type]
            document=document_form.cleaned_data["document"],
        )
        messages.success(request, "The signed document is attached.")
        return True
    if action == "activate":
        services.baa_activate(agreement=agreement, actor=actor)  # type: ignore[arg-type]
        messages.success(request, "The agreement is active.")
        return True
    if action == "terminate" and terminate_form.is_valid():
        services.baa_terminate(
            agreement=agreement,
            actor=actor,  # type: ignore[arg-type]
            reason=terminate_form.cleaned_data["reason"],
        )
        messages.success(request, "The agreement is terminated; the vendor's access has stopped.")
        return True
    return False


@require_capability(Capability.VIEW_AGREEMENTS)
def agreement_document(request: HttpRequest, agreement_id: str) -> HttpResponseBase:
    organization = active_organization(request)
    agreement = selectors.agreement_get(organization=organization, agreement_id=agreement_id)
    if not agreement.document:
        raise Http404("This agreement has no document yet.")
    try:
        handle = agreement.document.open("rb")
    except FileNotFoundError:
        raise Http404("The document file is missing from storage.") from None
    return FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"baa-{agreement.pk}.pdf",
    )


# --- Settings ------------------------------------------------------------------


@require_capability(Capability.MANAGE_SETTINGS)
def organization_settings(request: HttpRequest) -> HttpResponse:
    organization = active_organization(request)
    initial = {
        "legal_name": organization.legal_name,
        "short_name": organization.short_name,
        "time_zone": organization.time_zone,
        "patient_mfa": organization.patient_mfa,
        "idle_logoff_minutes": organization.idle_logoff_minutes,
    }
    form = forms.OrganizationSettingsForm(
        request.POST or None, organization=organization, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update_settings(
                organization=organization,
                actor=request.user,  # type: ignore[arg-type]
                **form.changes(),
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The settings are saved.")
            return redirect("tenancy:settings")
    return render(request, "tenancy/settings.html", {"form": form, "organization": organization})
