"""Patient pages for staff. Each view parses input, calls the gate, and renders what it allows.

Nothing here touches the vault directly: the gate decides, records and decrypts.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from steward.access import breakglass, display, gate, selectors
from steward.access.fhir import patient_resource
from steward.access.forms import BreakGlassForm, PatientForm, ReviewForm, SearchForm
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE, ROLE_ACTIONS
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.accounts.mfa import recently_authenticated
from steward.core.forms import errors_to_form
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role


def denied(request: HttpRequest, error: gate.AccessDenied) -> HttpResponse:
    """Explain a denial in words; a concealed one looks exactly like a missing record."""
    status = 404 if error.concealed else 403
    return render(
        request,
        "access/denied.html",
        {
            "message": error.message,
            "advice": error.advice,
            "action_url": reverse(error.url_name) if error.url_name else "",
            "others": error.others,
            "status": status,
        },
        status=status,
    )


def _purpose(request: HttpRequest) -> str:
    role = active_membership(request).role
    return (
        request.GET.get("purpose")
        or request.POST.get("purpose")
        or (DEFAULT_PURPOSE_FOR_ROLE.get(role, ""))
    )


def _can(request: HttpRequest, action: str) -> bool:
    return action in ROLE_ACTIONS.get(active_membership(request).role, frozenset())


@login_required
@gated(action="search")
def patient_search(request: HttpRequest) -> HttpResponse:
    role = active_membership(request).role
    purposes = selectors.purpose_choices(role)
    form = SearchForm(
        request.GET or None,
        purposes=purposes,
        initial={"purpose": DEFAULT_PURPOSE_FOR_ROLE.get(role)},
    )
    results = None
    if request.GET and form.is_valid():
        try:
            readings = gate.search(
                subject=subject_from_request(request),
                purpose_code=form.cleaned_data["purpose"],
                **form.criteria(),
            )
        except gate.AccessDenied as error:
            return denied(request, error)
        except ValidationError as exc:
            form.add_error("phone", exc.messages)
        else:
            results = [
                {
                    "id": r.patient.pk,
                    "name": display.display_name(r.values),
                    "rows": display.rows(r.values),
                }
                for r in readings
            ]
    return render(
        request,
        "access/search.html",
        {
            "form": form,
            "results": results,
            "can_create": _can(request, "create")
            and active_membership(request).organization.kind == OrganizationKind.COVERED_ENTITY,
        },
    )


@login_required
@gated(action="read")
def patient_detail(request: HttpRequest, patient_id: str) -> HttpResponse:
    purpose = _purpose(request)
    try:
        reading = gate.read(
            subject=subject_from_request(request), patient_id=patient_id, purpose_code=purpose
        )
    except gate.AccessDenied as error:
        return denied(request, error)
    except gate.RecordIntegrityError as exc:
        return render(
            request,
            "access/denied.html",
            {"message": str(exc), "status": 409, "advice": ""},
            status=409,
        )
    membership = active_membership(request)
    return render(
        request,
        "access/patient.html",
        {
            "patient": reading.patient,
            "name": display.display_name(reading.values),
            "rows": display.rows(reading.values),
            "purpose": purpose,
            "purposes": selectors.purpose_choices(
                membership.role, emergency=reading.decision.break_glass
            ),
            "break_glass": reading.decision.break_glass,
            "can_update": _can(request, "update"),
            "can_export": _can(request, "export"),
            "can_break_glass": membership.role in selectors.break_glass_roles()
            and not reading.decision.break_glass,
            "can_dispose": membership.role in (Role.CLIENT_ADMIN, Role.PRIVACY_OFFICER),
            "can_disclose": membership.role == Role.PRIVACY_OFFICER,
        },
    )


@login_required
@gated(action="update")
def patient_edit(request: HttpRequest, patient_id: str) -> HttpResponse:
    purpose = _purpose(request)
    subject = subject_from_request(request)
    try:
        reading = gate.read(subject=subject, patient_id=patient_id, purpose_code=purpose)
    except gate.AccessDenied as error:
        return denied(request, error)
    form = PatientForm(
        request.POST or None, allowed=reading.decision.fields_allowed, values=reading.values
    )
    if request.method == "POST" and form.is_valid():
        changes = form.changed_only(reading.values)
        if not changes:
            messages.info(request, "Nothing changed.")
            return redirect(_detail_url(patient_id, purpose))
        try:
            gate.update(
                subject=subject, patient_id=patient_id, purpose_code=purpose, changes=changes
            )
        except gate.AccessDenied as error:
            return denied(request, error)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The record is updated.")
            return redirect(_detail_url(patient_id, purpose))
    return render(
        request,
        "access/edit.html",
        {
            "form": form,
            "purpose": purpose,
            "patient": reading.patient,
            "name": display.display_name(reading.values),
        },
    )


@login_required
@gated(action="create")
def patient_create(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request)
    purpose = gate.purpose_named("registration")
    allowed = purpose.fields if purpose else []
    form = PatientForm(request.POST or None, allowed=allowed)
    if request.method == "POST" and form.is_valid():
        try:
            patient = gate.create(
                subject=subject_from_request(request),
                tenant=membership.organization,
                purpose_code="registration",
                values=form.changes(),
            )
        except gate.AccessDenied as error:
            return denied(request, error)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The patient is registered.")
            return redirect(_detail_url(patient.pk, "registration"))
    return render(request, "access/create.html", {"form": form})


@login_required
@gated(action="export")
def patient_export(request: HttpRequest, patient_id: str) -> HttpResponse:
    purpose = _purpose(request)
    if not recently_authenticated(request, within_seconds=300):
        return _reauthenticate(request)
    try:
        reading = gate.export(
            subject=subject_from_request(request), patient_id=patient_id, purpose_code=purpose
        )
    except gate.AccessDenied as error:
        return denied(request, error)
    response = JsonResponse(
        patient_resource(reading.patient, reading.values), json_dumps_params={"indent": 2}
    )
    response["Content-Disposition"] = f'attachment; filename="patient-{reading.patient.pk}.json"'
    return response


@login_required
@gated(action="break-glass")
def break_glass(request: HttpRequest, patient_id: str) -> HttpResponse:
    if not recently_authenticated(request, within_seconds=300):
        return _reauthenticate(request)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.request_access(
                subject=subject_from_request(request), patient_id=patient_id, **form.cleaned_data
            )
        except gate.AccessDenied as error:
            return denied(request, error)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.warning(
                request,
                "Emergency access is open for 30 minutes. Everything you "
                "see is recorded and the privacy officer will review it.",
            )
            return redirect(_detail_url(patient_id, breakglass.EMERGENCY_PURPOSE))
    return render(request, "access/break_glass.html", {"form": form, "patient_id": patient_id})


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    organization = _privacy_officer_organization(request)
    return render(request, "access/reviews.html", selectors.review_report(tenant=organization))


@login_required
def review_detail(request: HttpRequest, review_id: str) -> HttpResponse:
    organization = _privacy_officer_organization(request)
    review = selectors.review_get(tenant=organization, review_id=review_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.review_close(
                review=review,
                reviewer=request.user,  # type: ignore[arg-type]
                justified=form.cleaned_data["verdict"] == "justified",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, "The review is closed.")
            return redirect("access:reviews")
    return render(request, "access/review.html", {"review": review, "form": form})


@login_required
def purposes(request: HttpRequest) -> HttpResponse:
    active_membership(request)
    return render(request, "access/purposes.html", {"purposes": selectors.purpose_table()})


def _privacy_officer_organization(request: HttpRequest) -> object:
    membership = active_membership(request)
    if membership.role != Role.PRIVACY_OFFICER:
        raise PermissionDenied("Emergency access reviews are the privacy officer's.")
    return membership.organization


def _detail_url(patient_id: object, purpose: str) -> str:
    return f"{reverse('access:patient', args=[patient_id])}?{urlencode({'purpose': purpose})}"


def _reauthenticate(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Confirm it is you before continuing.")
    return redirect(
        f"{reverse('account_reauthenticate')}?{urlencode({'next': request.get_full_path()})}"
    )
