"""Staff pages: the practice's notices and consent policy, re-consent campaigns, and one
patient's choices (opened through the gate, like any record)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from steward.access import gate
from steward.access.models import PurposeOfUse
from steward.access.purposes import DEFAULT_PURPOSE_FOR_ROLE, ROLE_ACTIONS
from steward.access.registry import gated
from steward.access.subject import subject_from_request
from steward.access.views import denied
from steward.consent import outbound, services, state
from steward.consent.defaults import default_notice
from steward.consent.forms import (
    AcknowledgmentForm,
    NoticeForm,
    PolicyForm,
    ReminderForm,
    StaffChoiceForm,
)
from steward.consent.models import (
    MessageStatus,
    Notice,
    NoticeAcknowledgment,
    OutboundMessage,
    Provision,
    ReconsentCampaign,
    ReconsentRecipient,
)
from steward.core.forms import errors_to_form
from steward.core.pagination import paginate, query_without_page
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Organization
from steward.tenancy.permissions import active_membership
from steward.tenancy.roles import OrganizationKind, Role

NOTICE_READERS = frozenset(
    {Role.PRIVACY_OFFICER, Role.CLIENT_ADMIN, Role.PRACTITIONER, Role.AUDITOR}
)
PRIVACY_MANAGERS = frozenset({Role.PRIVACY_OFFICER})
RESTRICTION_RECORDERS = frozenset({Role.PRIVACY_OFFICER, Role.CLIENT_ADMIN})
# Answers given on paper or by telephone are recorded by the practice's own staff only: a
# vendor's assistant must not be able to turn a patient's "no" into a "yes".
CHOICE_RECORDERS = frozenset({Role.PRIVACY_OFFICER, Role.CLIENT_ADMIN, Role.PRACTITIONER})
CAMPAIGN_READERS = frozenset({Role.PRIVACY_OFFICER, Role.CLIENT_ADMIN})
PATIENT_WORKERS = frozenset(role for role in ROLE_ACTIONS if role != Role.PATIENT)
NAME_FIELDS = {"given_name", "family_name", "preferred_name"}


def _practice(request: HttpRequest, roles: frozenset[str]) -> Organization:
    membership = active_membership(request)
    if membership.role not in roles:
        raise PermissionDenied("Your role does not manage the practice's notices and consents.")
    if membership.organization.kind != OrganizationKind.COVERED_ENTITY:
        raise PermissionDenied("Notices and consent policies belong to a practice.")
    return membership.organization


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request, NOTICE_READERS)
    notices = Notice.objects.filter(tenant=tenant).order_by("-version")
    campaigns = ReconsentCampaign.objects.filter(tenant=tenant).select_related("notice")
    return render(
        request,
        "consent/notices.html",
        {
            "page": paginate(request, notices),
            "campaigns": [_progress(c) for c in campaigns[:10]],
            "can_publish": active_membership(request).role in PRIVACY_MANAGERS,
            "tenant": tenant,
        },
    )


@login_required
def notice_detail(request: HttpRequest, version: int) -> HttpResponse:
    tenant = _practice(request, NOTICE_READERS)
    notice = get_object_or_404(Notice, tenant=tenant, version=version)
    acknowledged = NoticeAcknowledgment.objects.filter(notice=notice).aggregate(
        acknowledged=Count("pk", filter=Q(outcome="acknowledged")),
        effort=Count("pk", filter=Q(outcome="good-faith-effort")),
    )
    return render(
        request,
        "consent/notice.html",
        {"notice": notice, "acknowledged": acknowledged, "tenant": tenant},
    )


@login_required
def notice_publish(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request, PRIVACY_MANAGERS)
    form = NoticeForm(request.POST or None, initial=_notice_initial(tenant))
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(
                tenant=tenant,
                actor=request.user,  # type: ignore[arg-type]
                material=form.cleaned_data["material"],
                summary=form.cleaned_data["summary"],
                sections=form.sections(),
                contact=form.contact(),
                grace_days=form.cleaned_data["grace_days"],
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            message = f"Version {notice.version} is published."
            if hasattr(notice, "campaign"):
                count = notice.campaign.recipients.count()
                message += f" {count} patients are asked to review their choices."
            messages.success(request, message)
            return redirect("consent:notice", version=notice.version)
    status = 400 if form.errors else 200
    return render(request, "consent/notice_form.html", {"form": form}, status=status)


def _notice_initial(tenant: Organization) -> dict[str, Any]:
    current = state.current_notice(tenant)
    if current is not None:
        initial: dict[str, Any] = {key: text for key, _title, text in current.sections()}
        for key in ("contact_name", "contact_email", "contact_phone", "contact_address"):
            initial[key] = getattr(current, key)
        return initial
    vendors = [
        a.business_associate.legal_name
        for a in BusinessAssociateAgreement.objects.filter(
            covered_entity=tenant, status=AgreementStatus.ACTIVE
        ).select_related("business_associate", "covered_entity")
        if a.in_force()
    ]
    return {
        **default_notice(tenant.legal_name, vendors),
        "summary": "First version.",
        "contact_name": f"{tenant.short_name} privacy officer",
    }


def _progress(campaign: ReconsentCampaign) -> dict[str, Any]:
    counts = campaign.recipients.aggregate(
        total=Count("pk"),
        responded=Count("pk", filter=Q(responded_at__isnull=False)),
        emailed=Count("pk", filter=Q(notified_at__isnull=False)),
        unreachable=Count("pk", filter=Q(channel=ReconsentRecipient.Channel.NONE)),
    )
    total = counts["total"]
    return {
        "campaign": campaign,
        **counts,
        "waiting": total - counts["responded"],
        "percent": round(100 * counts["responded"] / total) if total else 100,
    }


@login_required
def campaign_detail(request: HttpRequest, campaign_id: str) -> HttpResponse:
    tenant = _practice(request, CAMPAIGN_READERS)
    campaign = get_object_or_404(
        ReconsentCampaign.objects.select_related("notice"), pk=campaign_id, tenant=tenant
    )
    recipients = campaign.recipients.order_by("responded_at", "patient_id")
    only = request.GET.get("status")
    if only == "waiting":
        recipients = recipients.filter(responded_at__isnull=True)
    elif only == "responded":
        recipients = recipients.filter(responded_at__isnull=False)
    return render(
        request,
        "consent/campaign.html",
        {
            "progress": _progress(campaign),
            "page": paginate(request, recipients),
            "query": query_without_page(request),
            "status": only or "",
        },
    )


@login_required
def policy_list(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request, NOTICE_READERS)
    return render(
        request,
        "consent/policies.html",
        {
            "policies": [p for p in state.policies_for(tenant) if state.choosable(p.purpose)],
            "can_edit": active_membership(request).role in PRIVACY_MANAGERS,
        },
    )


@login_required
def policy_edit(request: HttpRequest, code: str) -> HttpResponse:
    tenant = _practice(request, PRIVACY_MANAGERS)
    purpose = PurposeOfUse.objects.filter(code=code, is_active=True).first()
    if purpose is None or not state.choosable(purpose):
        raise Http404("No such purpose in the consent policy.")
    policy = state.policy_for(tenant, purpose)
    form = PolicyForm(
        request.POST or None,
        initial={
            "consent_required": policy.consent_required,
            "data_categories": list(policy.data_categories),
            "plain_language": policy.plain_language,
            "consent_valid_days": policy.consent_valid_days,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                tenant=tenant,
                purpose=purpose,
                actor=request.user,  # type: ignore[arg-type]
                **form.cleaned_data,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, f"The policy for {purpose.name} is saved.")
            return redirect("consent:policies")
    status = 400 if form.errors else 200
    return render(
        request, "consent/policy_form.html", {"form": form, "purpose": purpose}, status=status
    )


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    tenant = _practice(request, CAMPAIGN_READERS)
    found = OutboundMessage.objects.filter(tenant=tenant).select_related("requested_by")
    status = request.GET.get("status", "")
    if status in MessageStatus.values:
        found = found.filter(status=status)
    else:
        status = ""
    return render(
        request,
        "consent/messages.html",
        {
            "page": paginate(request, found),
            "query": query_without_page(request),
            "status": status,
        },
    )


# One patient's choices, for staff. Opening the page is a gated read of the patient's name
# for the asker's usual purpose, so it is decided and recorded like any other look.


def _open(request: HttpRequest, patient_id: str) -> gate.Reading:
    membership = active_membership(request)
    if membership.role not in PATIENT_WORKERS:
        raise PermissionDenied("Your role does not work with patients' records.")
    return gate.read(
        subject=subject_from_request(request),
        patient_id=patient_id,
        purpose_code=DEFAULT_PURPOSE_FOR_ROLE.get(membership.role, ""),
        fields=NAME_FIELDS,
    )


def _choice_purposes(tenant: Organization) -> list[tuple[str, str]]:
    return [
        (p.purpose.code, p.purpose.name)
        for p in state.policies_for(tenant)
        if state.choosable(p.purpose)
    ]


def _page(
    request: HttpRequest, reading: gate.Reading, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    patient = reading.patient
    tenant = patient.tenant
    role = active_membership(request).role
    may_restrict = role in RESTRICTION_RECORDERS
    reminder_roles = {
        role
        for p in PurposeOfUse.objects.filter(code__in=[c[0] for c in outbound.CHANNELS.values()])
        for role in p.roles
    }
    context = {
        "patient": patient,
        "name": " ".join(
            v for v in (reading.values.get("given_name"), reading.values.get("family_name")) if v
        )
        or "this patient",
        "states": state.states_for(tenant, patient.pk),
        "notice": state.current_notice(tenant),
        "acknowledgments": NoticeAcknowledgment.objects.filter(
            tenant=tenant, patient=patient
        ).select_related("notice", "recorded_by")[:10],
        "history": paginate(request, state.history(tenant, patient.pk)),
        "messages_sent": OutboundMessage.objects.filter(
            tenant=tenant, patient=patient
        ).select_related("requested_by")[:10],
        "choice_form": bound.get("choice_form")
        or StaffChoiceForm(purposes=_choice_purposes(tenant), may_restrict=may_restrict),
        "ack_form": bound.get("ack_form") or AcknowledgmentForm(),
        "reminder_form": bound.get("reminder_form") or ReminderForm(),
        "may_remind": role in reminder_roles,
        "may_record": role in CHOICE_RECORDERS,
    }
    return render(request, "consent/patient.html", context, status=status)


@login_required
@gated(action="read")
def patient_consents(request: HttpRequest, patient_id: str) -> HttpResponse:
    try:
        reading = _open(request, patient_id)
    except gate.AccessDenied as error:
        return denied(request, error)
    return _page(request, reading)


Outcome = tuple[int, str]  # a django.contrib.messages level, and the words


def _submit(
    request: HttpRequest,
    patient_id: str,
    *,
    form_name: str,
    make_form: Callable[[gate.Reading], forms.Form],
    act: Callable[[gate.Reading, dict[str, Any]], Outcome],
) -> HttpResponse:
    """The shape of every change on the patient's consent page: open the record through the
    gate, validate the form, act, and show either the outcome or the form with its errors."""
    try:
        reading = _open(request, patient_id)
    except gate.AccessDenied as error:
        return denied(request, error)
    form = make_form(reading)
    if form.is_valid():
        try:
            level, words = act(reading, form.cleaned_data)
        except gate.AccessDenied as error:
            return denied(request, error)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.add_message(request, level, words)
            return redirect("consent:patient", patient_id=reading.patient.pk)
    return _page(request, reading, status=400, **{form_name: form})


def _recorder(request: HttpRequest) -> None:
    if active_membership(request).role not in CHOICE_RECORDERS:
        raise PermissionDenied("Only the practice's own staff record patients' answers.")


@login_required
@require_POST
@gated(action="read")
def patient_choice(request: HttpRequest, patient_id: str) -> HttpResponse:
    _recorder(request)
    may_restrict = active_membership(request).role in RESTRICTION_RECORDERS

    def make_form(reading: gate.Reading) -> forms.Form:
        purposes = _choice_purposes(reading.patient.tenant)
        return StaffChoiceForm(request.POST, purposes=purposes, may_restrict=may_restrict)

    def act(reading: gate.Reading, data: dict[str, Any]) -> Outcome:
        services.consent_record(
            tenant=reading.patient.tenant,
            patient=reading.patient,
            purpose=PurposeOfUse.objects.get(code=data["purpose"]),
            actor=request.user,  # type: ignore[arg-type]
            **{k: v for k, v in data.items() if k != "purpose"},
        )
        noun = "restriction" if data["provision"] == Provision.RESTRICTION else "choice"
        return messages.SUCCESS, f"The patient's {noun} is recorded; it applies at once."

    return _submit(request, patient_id, form_name="choice_form", make_form=make_form, act=act)


@login_required
@require_POST
@gated(action="read")
def patient_acknowledgment(request: HttpRequest, patient_id: str) -> HttpResponse:
    _recorder(request)

    def act(reading: gate.Reading, data: dict[str, Any]) -> Outcome:
        notice = state.current_notice(reading.patient.tenant)
        if notice is None:
            raise ValidationError("The practice has not published a notice yet.")
        services.acknowledgment_record(
            tenant=reading.patient.tenant,
            patient=reading.patient,
            notice=notice,
            actor=request.user,  # type: ignore[arg-type]
            **data,
        )
        return messages.SUCCESS, "The notice acknowledgment is recorded."

    return _submit(
        request,
        patient_id,
        form_name="ack_form",
        make_form=lambda reading: AcknowledgmentForm(request.POST),
        act=act,
    )


@login_required
@require_POST
@gated(action="read")
def patient_reminder(request: HttpRequest, patient_id: str) -> HttpResponse:
    def act(reading: gate.Reading, data: dict[str, Any]) -> Outcome:
        sent = outbound.reminder_send(
            subject=subject_from_request(request), patient_id=reading.patient.pk, **data
        )
        if sent.status == MessageStatus.SENT:
            return messages.SUCCESS, "The reminder was sent."
        return messages.ERROR, f"The reminder was not sent: {_reason_words(sent)}"

    return _submit(
        request,
        patient_id,
        form_name="reminder_form",
        make_form=lambda reading: ReminderForm(request.POST),
        act=act,
    )


def _reason_words(message: OutboundMessage) -> str:
    from steward.core.reasons import describe

    return " ".join(describe(code).message for code in message.reasons) or "not permitted."


# Public: anyone may read a practice's notice, current or past, without signing in.


def public_notice(request: HttpRequest, tenant_id: str, version: int | None = None) -> HttpResponse:
    tenant = get_object_or_404(
        Organization, pk=tenant_id, kind=OrganizationKind.COVERED_ENTITY, is_active=True
    )
    versions = list(
        Notice.objects.filter(tenant=tenant).order_by("-version").values_list("version", flat=True)
    )
    if not versions:
        raise Http404("This practice has not published a notice yet.")
    notice = get_object_or_404(
        Notice, tenant=tenant, version=versions[0] if version is None else version
    )
    return render(
        request,
        "consent/public_notice.html",
        {
            "tenant": tenant,
            "notice": notice,
            "versions": versions,
            "latest": notice.version == versions[0],
        },
    )
