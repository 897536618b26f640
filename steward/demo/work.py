"""The demo's work queue: task types with protocols for each practice, assistants' languages
and skills, about 90 days of finished tasks with realistic timings (so the SLA pages have
something to show), a live queue, and a conversation in the demo patient's portal.

Deterministic and idempotent, like the rest of the demo world. History is written in bulk
(it happened before this installation existed); live work goes through the services.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from steward.access.models import PurposeOfUse
from steward.accounts.models import User
from steward.core.dbscope import tenant_scope
from steward.tenancy.models import Membership, Organization, Team
from steward.tenancy.roles import Role
from steward.vault import services as vault_services
from steward.vault.models import Patient
from steward.work import services, sla
from steward.work.models import (
    PRIORITY_RANK,
    Message,
    Priority,
    Source,
    Task,
    TaskEvent,
    TaskStatus,
    TaskType,
    Thread,
    WorkerProfile,
)

HISTORY_DAYS = 90
TASKS_PER_PRACTICE_DAY = {"Maple": 22, "Sunny": 14}

VERIFY = {
    "key": "verify-identity",
    "title": "Verify identity",
    "script": "Confirm the patient's full name and date of birth.",
    "required": True,
}
SCOPE = {
    "key": "scope-check",
    "title": "Check it is administrative",
    "script": "If the patient describes symptoms or asks about medicines, escalate.",
    "required": True,
}
CLOSE = {
    "key": "confirm",
    "title": "Confirm and close",
    "script": "Read back what was agreed and how the patient will hear from us.",
    "required": True,
}

TYPES: list[dict[str, Any]] = [
    {
        "code": "appointment-request",
        "name": "Appointment request",
        "service": "Appointments and reminders",
        "purpose": "appointment-scheduling",
        "team": "Scheduling",
        "channel": "phone",
        "requestable": True,
        "share": 0.40,
        "protocol": [
            VERIFY,
            SCOPE,
            {
                "key": "offer-slots",
                "title": "Offer slots",
                "script": "Offer the next three slots that suit the patient's hours.",
                "required": True,
            },
            {
                "key": "access-needs",
                "title": "Access needs",
                "script": "Ask about an interpreter or accessibility needs.",
                "required": False,
            },
            CLOSE,
        ],
    },
    {
        "code": "reminder-call",
        "name": "Reminder call",
        "service": "Appointments and reminders",
        "purpose": "appointment-scheduling",
        "team": "Scheduling",
        "channel": "phone",
        "requestable": False,
        "share": 0.20,
        "protocol": [
            VERIFY,
            {
                "key": "remind",
                "title": "Remind",
                "script": "Remind of the date, time and place.",
                "required": True,
            },
            CLOSE,
        ],
    },
    {
        "code": "billing-question",
        "name": "Billing question",
        "service": "Billing and insurance questions",
        "purpose": "billing-insurance",
        "team": "Billing",
        "channel": "phone",
        "requestable": True,
        "share": 0.20,
        "skill": "billing",
        "protocol": [
            VERIFY,
            SCOPE,
            {
                "key": "check-eligibility",
                "title": "Check the claim or eligibility",
                "script": "Look up the claim with the payer.",
                "required": True,
            },
            CLOSE,
        ],
    },
    {
        "code": "records-request",
        "name": "Records request",
        "service": "Patient messages (non-clinical)",
        "purpose": "patient-messaging",
        "team": "Scheduling",
        "channel": "portal",
        "requestable": True,
        "share": 0.08,
        "protocol": [
            VERIFY,
            {
                "key": "route",
                "title": "Route to records",
                "script": "Send the request to the records desk.",
                "required": True,
            },
            CLOSE,
        ],
    },
    {
        "code": "refill-routing",
        "name": "Prescription refill (routing)",
        "service": "Patient messages (non-clinical)",
        "purpose": "patient-messaging",
        "team": "Scheduling",
        "channel": "portal",
        "requestable": True,
        "share": 0.06,
        "protocol": [
            VERIFY,
            SCOPE,
            {
                "key": "route-prescriber",
                "title": "Route to the prescriber",
                "script": "Never advise on the medicine: pass the request on.",
                "required": True,
            },
            CLOSE,
        ],
    },
    {
        "code": "patient-message",
        "name": "Patient message",
        "service": "Patient messages (non-clinical)",
        "purpose": "patient-messaging",
        "team": "Scheduling",
        "channel": "portal",
        "requestable": True,
        "share": 0.06,
        "protocol": [SCOPE, CLOSE],
    },
]
LANGUAGES = ["English", "English", "English", "Spanish", "Tagalog", "Vietnamese"]


def seed_work(
    practices: list[Organization], *, teams: list[Team], seed: int, now: dt.datetime | None = None
) -> None:
    """``teams``: scheduling Maple, scheduling Sunny, billing (in the demo world's order)."""
    if TaskType.objects.filter(tenant__in=practices).exists():
        return
    now = now or timezone.now()
    chance = random.Random(seed)
    _profiles(teams, chance)
    for index, practice in enumerate(practices):
        types = _types(practice, scheduling=teams[index], billing=teams[2])
        _history(practice, types, chance, now)
        _live_queue(practice, types, chance)


def _types(practice: Organization, *, scheduling: Team, billing: Team) -> list[TaskType]:
    purposes = {p.code: p for p in PurposeOfUse.objects.all()}
    created = []
    for spec in TYPES:
        created.append(
            TaskType.objects.create(
                tenant=practice,
                code=spec["code"],
                name=spec["name"],
                service=spec["service"],
                purpose=purposes[spec["purpose"]],
                team=billing if spec["team"] == "Billing" else scheduling,
                protocol=spec["protocol"],
                skill=spec.get("skill", ""),
                default_channel=spec["channel"],
                patient_requestable=spec["requestable"],
            )
        )
    return created


def _profiles(teams: list[Team], chance: random.Random) -> None:
    for membership in Membership.objects.filter(team__in=teams, role=Role.VMA).order_by(
        "user__email"
    ):
        languages = sorted({"English", chance.choice(LANGUAGES)})
        skills = ["billing"] if membership.team_id == teams[2].pk else []
        WorkerProfile.objects.get_or_create(
            membership=membership,
            defaults={"languages": languages, "skills": skills, "max_open_tasks": 6},
        )


def _due(practice: Organization) -> Callable[[dt.datetime, int], dt.datetime]:
    def due(start: dt.datetime, minutes: int) -> dt.datetime:
        return sla.add_business_seconds(
            start, minutes * 60, practice.business_hours, practice.time_zone
        )

    return due


def _history(
    practice: Organization, types: list[TaskType], chance: random.Random, now: dt.datetime
) -> None:
    """Finished tasks of the last 90 days: created in opening hours, answered and resolved
    with log-normal delays around the commitments, some late, some escalated or cancelled."""
    with tenant_scope([practice.pk]):
        patients = list(Patient.objects.filter(tenant=practice).values_list("pk", flat=True))
    workers: dict[Any, list[Any]] = {}
    for task_type in types:
        workers[task_type.pk] = list(
            Membership.objects.filter(team=task_type.team, role=Role.VMA).values_list(
                "user_id", flat=True
            )
        )
    per_day = TASKS_PER_PRACTICE_DAY[
        "Maple" if practice.short_name.startswith("Maple") else "Sunny"
    ]
    weights = [spec["share"] for spec in TYPES]
    due = _due(practice)
    rows: list[Task] = []
    created_times: list[dt.datetime] = []
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = now - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue
        for _ in range(per_day):
            task_type = chance.choices(types, weights)[0]
            created = day.replace(hour=13 + chance.randrange(8), minute=chance.randrange(60))
            priority = chance.choices(list(Priority), [0.05, 0.2, 0.65, 0.1])[0]
            first_target, resolution_target = services.targets_for(
                task_type, task_type.default_channel, priority
            )
            first_due, resolution_due = due(created, first_target), due(created, resolution_target)
            first_at = created + dt.timedelta(
                minutes=first_target * math.exp(chance.gauss(-0.4, 0.7))
            )
            closed = first_at + dt.timedelta(
                minutes=resolution_target * math.exp(chance.gauss(0.4, 0.9))
            )
            roll = chance.random()
            status = (
                TaskStatus.ESCALATED
                if roll < 0.07
                else TaskStatus.CANCELLED
                if roll < 0.10
                else TaskStatus.RESOLVED
            )
            rows.append(
                Task(
                    tenant=practice,
                    patient_id=chance.choice(patients),
                    task_type=task_type,
                    team=task_type.team,
                    priority=priority,
                    priority_rank=PRIORITY_RANK[priority],
                    channel=task_type.default_channel,
                    status=status,
                    language=chance.choice(["", "", "", "", "Spanish", "Tagalog"]),
                    skill=task_type.skill,
                    source=chance.choice([Source.STAFF, Source.STAFF, Source.PORTAL, Source.API]),
                    assignee_id=chance.choice(workers[task_type.pk]),
                    assigned_at=created + (first_at - created) / 3,
                    first_response_due=first_due,
                    resolution_due=resolution_due,
                    first_responded_at=first_at,
                    closed_at=closed,
                    escalated_to="practitioner" if status == TaskStatus.ESCALATED else "",
                    escalation_reason="symptoms" if status == TaskStatus.ESCALATED else "",
                )
            )
            created_times.append(created)
    with transaction.atomic():
        Task.objects.bulk_create(rows, batch_size=1000)
        for task, created in zip(rows, created_times, strict=True):
            task.created_at = created
        Task.objects.bulk_update(rows, ["created_at"], batch_size=1000)
        TaskEvent.objects.bulk_create(
            [TaskEvent(task=task, kind=task.status, detail={"seeded": True}) for task in rows],
            batch_size=2000,
        )


def _live_queue(practice: Organization, types: list[TaskType], chance: random.Random) -> None:
    """Work waiting now: a queue per team, and for the first VMA a conversation in hand."""
    with tenant_scope([practice.pk]):
        patients = list(Patient.objects.filter(tenant=practice).order_by("created_at")[:60])
    creator = (
        Membership.objects.filter(organization=practice, role=Role.CLIENT_ADMIN)
        .select_related("user")
        .first()
    )
    actor = creator.user if creator else None
    for patient in patients[1:25]:
        task_type = chance.choice(types)
        services.task_create(
            tenant=practice,
            patient=patient,
            task_type=task_type,
            actor=actor,
            source=Source.STAFF,
            priority=chance.choice(["normal", "normal", "high", "urgent", "low"]),
            language=chance.choice(["", "", "Spanish"]),
        )
    portal_patient = patients[0]
    if portal_patient.portal_user_id is not None:
        _conversation(practice, portal_patient, types[0])


def _conversation(practice: Organization, patient: Patient, task_type: TaskType) -> None:
    """The demo patient asked for an appointment; vma01 has it and answered once."""
    vma = User.objects.filter(email="vma01@bayanihan.demo").first()
    membership = Membership.objects.filter(user=vma, role=Role.VMA).first() if vma else None
    if vma is None or membership is None or membership.team_id != task_type.team_id:
        return
    task = services.task_create(
        tenant=practice,
        patient=patient,
        task_type=task_type,
        actor=patient.portal_user,
        source=Source.PORTAL,
        channel="portal",
    )
    services.assign(task=task, worker=vma, actor=None, mode="seed")
    thread = services.thread_for(task)
    for author, from_patient, body in (
        (patient.portal_user, True, "Hello, could I see Dr. Osei next week? Mornings are best."),
        (vma, False, "Good morning! Dr. Osei has Tuesday 9:30 or Thursday 10:15. Which suits you?"),
    ):
        sealed = vault_services.sealed_text_create(
            patient=patient, kind="message", body=body, actor=author
        )
        message = Message.objects.create(
            thread=thread, author=author, from_patient=from_patient, body=sealed
        )
        thread.last_message_at = message.created_at
    thread.save(update_fields=["last_message_at"])
    Task.objects.filter(pk=task.pk).update(
        first_responded_at=timezone.now(),
        status=TaskStatus.WAITING_PATIENT,
        paused_since=timezone.now(),
    )
    TaskEvent.objects.create(task=task, kind="waiting", actor=vma, detail={"on": "waiting-patient"})


__all__ = ["Thread", "seed_work"]
