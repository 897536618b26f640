"""The patient's requests and messages: ask for something, read replies, answer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from steward.access import gate
from steward.access.portal import my_patient
from steward.access.subject import subject_from_request
from steward.core.forms import errors_to_form
from steward.vault.models import Patient
from steward.work import services
from steward.work.forms import MessageForm, PortalRequestForm
from steward.work.models import Channel, Source, TaskType, Thread

OWN = "patient-access"


def _types(patient: Patient) -> list[TaskType]:
    return list(
        TaskType.objects.filter(tenant=patient.tenant, patient_requestable=True, is_active=True)
    )


@login_required
def requests(request: HttpRequest) -> HttpResponse:
    patient = my_patient(request)
    types = _types(patient)
    form = PortalRequestForm(request.POST or None, task_types=[(t.code, t.name) for t in types])
    if request.method == "POST" and form.is_valid():
        chosen = next(t for t in types if t.code == form.cleaned_data["task_type"])
        try:
            task = services.task_create(
                tenant=patient.tenant,
                patient=patient,
                task_type=chosen,
                actor=request.user,  # type: ignore[arg-type]
                source=Source.PORTAL,
                channel=Channel.PORTAL,
            )
            thread = services.thread_for(task)
            message = services.message_post(
                subject=subject_from_request(request),
                thread=thread,
                body=form.cleaned_data["message"],
                purpose_code=OWN,
            )
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            if message.flags:
                messages.warning(
                    request,
                    "Your message mentions health concerns: an assistant cannot give medical "
                    "advice, so it goes to your care team. If this is an emergency, call 911.",
                )
            else:
                messages.success(request, "Sent. We will answer here.")
            return redirect("requests:thread", thread_id=thread.pk)
    threads = Thread.objects.filter(tenant=patient.tenant, patient=patient).select_related("task")
    return render(
        request,
        "work/portal_requests.html",
        {"form": form, "threads": threads, "offered": bool(types)},
        status=400 if form.errors else 200,
    )


def _thread(request: HttpRequest, thread_id: str) -> tuple[Patient, Thread]:
    patient = my_patient(request)
    thread = get_object_or_404(
        Thread.objects.select_related("task"), pk=thread_id, tenant=patient.tenant, patient=patient
    )
    return patient, thread


@login_required
def thread_detail(request: HttpRequest, thread_id: str) -> HttpResponse:
    _patient, thread = _thread(request, thread_id)
    try:
        rows = services.messages_read(
            subject=subject_from_request(request), thread=thread, purpose_code=OWN
        )
    except gate.AccessDenied as error:
        raise Http404(error.message) from None
    return render(
        request,
        "work/portal_thread.html",
        {"thread": thread, "rows": rows, "form": MessageForm()},
    )


@login_required
@require_POST
def thread_reply(request: HttpRequest, thread_id: str) -> HttpResponse:
    _patient, thread = _thread(request, thread_id)
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Write a message of at most 4000 characters.")
        return redirect("requests:thread", thread_id=thread.pk)
    if thread.task is not None and not thread.task.is_open:
        messages.error(request, "This request is closed: start a new one if you need more help.")
        return redirect("requests:thread", thread_id=thread.pk)
    services.message_post(
        subject=subject_from_request(request),
        thread=thread,
        body=form.cleaned_data["body"],
        purpose_code=OWN,
    )
    messages.success(request, "Sent.")
    return redirect("requests:thread", thread_id=thread.pk)
