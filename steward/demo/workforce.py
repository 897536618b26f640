"""The demo vendor's workforce records: requirements, courses, policies, screening, a year of
history, and realistic mixed states — most people cleared, a few blocked for the reasons
real teams are (an expired course, an unaccepted new policy, an overdue new version, an
adverse screening result under adjudication), so every compliance page has something to show.

History is written directly (it happened before this installation existed); it is
deterministic and idempotent, like the rest of the demo world.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Role
from steward.workforce.models import (
    Course,
    CourseCategory,
    CourseVersion,
    Lesson,
    Policy,
    PolicyAcceptance,
    PolicyVersion,
    Question,
    QuizAttempt,
    ScreeningCheck,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
    TrainingAssignment,
)

ALL = [Role.VMA, Role.SUPERVISOR, Role.TRAINER, Role.COMPLIANCE_OFFICER, Role.BPO_ADMIN]
FRONT_LINE = [Role.VMA, Role.SUPERVISOR]

SCREENING = (
    (ScreeningKind.IDENTITY, ALL, 0),
    (ScreeningKind.CRIMINAL, ALL, 24),
    (ScreeningKind.EXCLUSION, ALL, 12),
    (ScreeningKind.EMPLOYMENT, FRONT_LINE, 0),
)

# Each course: its lessons (title and Markdown) and its quiz (prompt, choices, the right one).
COURSES: list[dict[str, Any]] = [
    {
        "code": "hipaa-privacy",
        "title": "HIPAA privacy and security",
        "category": CourseCategory.PRIVACY,
        "roles": ALL,
        "lessons": [
            (
                "Minimum necessary",
                "Open only the fields your task needs. Steward shows you the task's fields "
                "and nothing else; **do not** look a patient up outside a task.\n\n"
                "- Verify identity before you disclose anything\n"
                "- Never read results aloud to a caller who is not the patient\n",
            ),
            (
                "Your workspace",
                "Lock your screen when you step away, keep no notes on paper, and work only "
                "on the vendor's encrypted workstation.",
            ),
        ],
        "questions": [
            (
                "A task asks you to confirm an appointment. Which fields may you open?",
                ["Everything in the record", "Only those the task shows", "Any you need later"],
                1,
            ),
            (
                "A caller says they are the patient's sister and asks for the appointment time.",
                ["Give it: family may know", "Verify they are authorised first", "Hang up"],
                1,
            ),
            (
                "You step away from your desk for two minutes. You…",
                ["Lock the screen", "Leave it: it is short", "Ask a colleague to watch it"],
                0,
            ),
        ],
    },
    {
        "code": "bias-awareness",
        "title": "Bias awareness",
        "category": CourseCategory.BIAS,
        "roles": FRONT_LINE,
        "lessons": [
            (
                "Equivalent cases, equal care",
                "Accent, age, name or disability must not change how quickly or how well a "
                "request is handled. Follow the protocol for every patient.",
            )
        ],
        "questions": [
            (
                "A patient with limited English asks to reschedule. You…",
                ["Offer an interpreter and follow the same protocol", "Ask them to call back"],
                0,
            ),
            (
                "Which is a sign of bias in a queue?",
                ["Longer waits for one group of patients", "Tasks sorted by SLA urgency"],
                0,
            ),
        ],
    },
    {
        "code": "inclusive-care",
        "title": "Inclusive care and cultural humility",
        "category": CourseCategory.INCLUSIVE,
        "roles": [Role.VMA],
        "lessons": [
            (
                "Asking, not assuming",
                "Ask patients how they prefer to be addressed and contacted; record "
                "preferences in the record, not in your memory.",
            )
        ],
        "questions": [
            (
                "How do you learn a patient's preferred name?",
                ["Ask them", "Guess from the record"],
                0,
            ),
            (
                "A Deaf patient contacts you through a relay service. You…",
                ["Speak to the patient, not the relay operator", "Ask them to email instead"],
                0,
            ),
        ],
    },
    {
        "code": "ethics-boundaries",
        "title": "Ethics and professional boundaries",
        "category": CourseCategory.ETHICS,
        "roles": FRONT_LINE,
        "lessons": [
            (
                "What VMAs do not do",
                "You do not give clinical advice. Anything clinical is escalated to the "
                "practice's clinician through the task's escalation.",
            )
        ],
        "questions": [
            (
                "A patient asks whether to double their dose. You…",
                ["Escalate to a clinician", "Say yes if it is urgent"],
                0,
            ),
            (
                "A patient offers you a gift card. You…",
                ["Decline politely", "Accept if small"],
                0,
            ),
        ],
    },
    {
        "code": "de-escalation",
        "title": "De-escalation",
        "category": CourseCategory.DEESCALATION,
        "roles": [Role.VMA],
        "lessons": [
            (
                "Calm, clear, kind",
                "Acknowledge the feeling, state what you can do, and offer a next step. "
                "Escalate to your supervisor if a caller is abusive.",
            )
        ],
        "questions": [
            (
                "A caller is angry about a long wait. First you…",
                ["Acknowledge the frustration", "Explain the queue rules"],
                0,
            ),
            (
                "The caller becomes abusive. You…",
                ["Warn once, then escalate to your supervisor", "Argue back"],
                0,
            ),
        ],
    },
    {
        "code": "scheduling-protocols",
        "title": "Scheduling protocols",
        "category": CourseCategory.PROTOCOLS,
        "roles": [Role.VMA],
        "lessons": [
            (
                "The appointment-request protocol",
                "1. Verify identity\n2. Offer the next three slots\n3. Offer an interpreter\n"
                "4. Confirm by the patient's chosen channel",
            )
        ],
        "questions": [
            ("What comes first?", ["Offer slots", "Verify identity"], 1),
            ("How many slots do you offer?", ["One", "Three"], 1),
        ],
    },
]

POLICIES = (
    ("code-of-conduct", "Code of conduct", ALL),
    ("confidentiality", "Confidentiality agreement", ALL),
    ("acceptable-use", "Acceptable use of systems", ALL),
)

POLICY_TEXT = {
    "code-of-conduct": "# Code of conduct\n\nTreat every patient with respect and equal care. "
    "Follow the protocol for every task. Report mistakes at once; we learn from them.",
    "confidentiality": "# Confidentiality agreement\n\nI will use patient information only for "
    "the task in front of me, disclose it to no one without authority, and keep this duty "
    "after I leave.",
    "acceptable-use": "# Acceptable use\n\nWork only on the vendor's managed workstation. No "
    "personal devices, no screenshots, no copying patient data out of Steward.",
}


SCENARIO = """\
[open] {patient} calls to move next week's appointment. {context}
- Greet them and ask for their full name and date of birth (+2) -> verify | Good: verify first.
- Read the appointment details back straight away (-2) -> verify | Never disclose before verifying.
[verify] The details match the record. The preferred language is {language}.
- Offer an interpreter or their preferred way to talk before going on (+3) -> slots | Equal care.
- Carry on in English and speak more slowly (0) -> slots | Ask; do not assume what works.
- Ask them to call back with someone who speaks English (-3) -> slots | That is a barrier.
[slots] They need a morning slot because of transport.
- Offer the next three morning slots and confirm by their chosen channel (+3) | The protocol.
- Offer the first free slot only (0) | Offer choices: three slots.
- Tell them mornings are full and end the call (-3) | Look further, or put them on the list.
"""

VARIANTS = (
    ("English, 34", "Jordan Miles", "English", 34, "", "", "They sound rushed."),
    ("Tagalog, 71", "Lourdes Manalo", "Tagalog", 71, "Filipino", "", "Their daughter is nearby."),
    ("Spanish, 45", "Rosa Jiménez", "Spanish", 45, "Hispanic", "", "They speak little English."),
    ("Deaf, 52", "Sam Carter", "ASL", 52, "", "Deaf; calls through a relay service", ""),
)


def seed_workforce(bpo: Organization, *, seed: int, now: dt.datetime | None = None) -> None:
    """Requirements, content and a year of records for the vendor ``bpo`` (idempotent)."""
    if Course.objects.filter(tenant=bpo).exists():
        return
    now = now or timezone.now()
    today = timezone.localdate(now, timezone=bpo.zone)
    chance = random.Random(seed + 7)
    trainer = _member(bpo, Role.TRAINER)
    compliance = _member(bpo, Role.COMPLIANCE_OFFICER)
    for kind, roles, months in SCREENING:
        ScreeningRequirement.objects.create(
            tenant=bpo, kind=kind, roles=[str(r) for r in roles], rescreen_months=months
        )
    courses = [_course(bpo, spec, trainer, now - dt.timedelta(days=400)) for spec in COURSES]
    policies = _policies(bpo, compliance, now)
    people = list(
        Membership.objects.current()
        .filter(organization=bpo)
        .exclude(role=Role.AUDITOR)
        .select_related("user")
        .order_by("user__email")
    )
    story = _story(people)
    _last_sign_ins(people, now, chance)
    for index, membership in enumerate(people):
        _backdate(membership, now, new_hire=membership.user.email in story["new-hires"])
        _screen(bpo, membership, today=today, chance=chance, story=story, compliance=compliance)
        for course in courses:
            if membership.role in course.required_for:
                _train(
                    bpo,
                    membership,
                    course,
                    today=today,
                    now=now,
                    chance=chance,
                    story=story,
                    index=index,
                )
        _accept(membership, policies, now, story)
    _scenarios(bpo, trainer, [m for m in people if m.role == Role.VMA], chance)
    _checklists(bpo, people, story, compliance)
    _reviews(bpo, today, chance)


def _member(bpo: Organization, role: str) -> User | None:
    found = Membership.objects.filter(organization=bpo, role=role, is_active=True).first()
    return found.user if found else None


def _story(people: list[Membership]) -> dict[str, Any]:
    """Who gets which lapse: named VMAs, so the walk-through in the README is repeatable."""
    return {
        "expired-hipaa": "vma02@bayanihan.demo",
        "no-confidentiality-v2": "vma03@bayanihan.demo",
        "overdue-bias-v2": "vma04@bayanihan.demo",
        "adverse": "vma05@bayanihan.demo",
        "expiring": "vma06@bayanihan.demo",
        "due-de-escalation": "vma07@bayanihan.demo",
        "screening-pending": "vma19@bayanihan.demo",
        "new-hires": {"vma18@bayanihan.demo", "vma19@bayanihan.demo", "vma20@bayanihan.demo"},
    }


def _course(
    bpo: Organization, spec: dict[str, Any], author: User | None, when: dt.datetime
) -> Course:
    course = Course.objects.create(
        tenant=bpo,
        code=spec["code"],
        title=spec["title"],
        category=spec["category"],
        required_for=[str(r) for r in spec["roles"]],
        validity_months=12,
        due_days=30,
    )
    versions = 2 if spec["code"] in ("bias-awareness", "de-escalation") else 1
    for number in range(1, versions + 1):
        version = CourseVersion.objects.create(
            course=course,
            version=number,
            summary="First edition" if number == 1 else "Adds examples from last quarter's reviews",
            pass_mark=80,
            published_at=when if number == 1 else timezone.now() - dt.timedelta(days=45),
            published_by=author,
        )
        for position, (title, body) in enumerate(spec["lessons"], start=1):
            Lesson.objects.create(version=version, position=position, title=title, body=body)
        for position, (prompt, choices, right) in enumerate(spec["questions"], start=1):
            Question.objects.create(
                version=version, position=position, prompt=prompt, choices=choices, correct=right
            )
    return course


def _policies(bpo: Organization, author: User | None, now: dt.datetime) -> list[Policy]:
    made = []
    for code, title, roles in POLICIES:
        policy = Policy.objects.create(
            tenant=bpo, code=code, title=title, required_for=[str(r) for r in roles]
        )
        PolicyVersion.objects.create(
            policy=policy, version=1, body=POLICY_TEXT[code], published_by=author, summary="First"
        )
        if code == "confidentiality":
            PolicyVersion.objects.create(
                policy=policy,
                version=2,
                body=POLICY_TEXT[code] + "\n\nThis duty covers messages in the patient portal.",
                summary="Adds portal messages",
                published_by=author,
            )
        made.append(policy)
    # Publication dates are history: version 1 a year ago, the confidentiality update last month.
    PolicyVersion.objects.filter(policy__tenant=bpo, version=1).update(
        created_at=now - dt.timedelta(days=395)
    )
    PolicyVersion.objects.filter(policy__tenant=bpo, version=2).update(
        created_at=now - dt.timedelta(days=30)
    )
    return made


def _backdate(membership: Membership, now: dt.datetime, *, new_hire: bool) -> None:
    start = now - dt.timedelta(days=42 if new_hire else 420)
    if membership.valid_from > start:
        Membership.objects.filter(pk=membership.pk).update(valid_from=start)
        membership.valid_from = start


def _screen(
    bpo: Organization,
    membership: Membership,
    *,
    today: dt.date,
    chance: random.Random,
    story: dict[str, Any],
    compliance: User | None,
) -> None:
    email = membership.user.email
    hired = membership.valid_from.date()
    for kind, roles, months in SCREENING:
        if membership.role not in roles:
            continue
        invited = hired - dt.timedelta(days=chance.randint(10, 20))
        completed: dt.date | None = invited + dt.timedelta(days=chance.randint(2, 8))
        status = ScreeningStatus.CLEAR
        if email == story["screening-pending"] and kind == ScreeningKind.CRIMINAL:
            status, completed = ScreeningStatus.IN_PROGRESS, None
        if months and completed is not None:
            # Re-screened on schedule, a few days before each result lapses; every check is kept.
            while completed + dt.timedelta(days=30 * months) <= today:
                ScreeningCheck.objects.create(
                    tenant=bpo,
                    worker=membership.user,
                    kind=kind,
                    vendor="Sterling Check" if kind != ScreeningKind.EXCLUSION else "OIG/SAM",
                    status=ScreeningStatus.CLEAR,
                    invited_on=invited,
                    completed_on=completed,
                    expires_on=completed + dt.timedelta(days=30 * months),
                    recorded_by=compliance,
                )
                completed += dt.timedelta(days=30 * months - 5)
                invited = completed - dt.timedelta(days=5)
        if email == story["adverse"] and kind == ScreeningKind.CRIMINAL:
            ScreeningCheck.objects.create(
                tenant=bpo,
                worker=membership.user,
                kind=kind,
                vendor="Sterling Check",
                vendor_reference=f"ST-{chance.randint(100000, 999999)}",
                status=ScreeningStatus.CLEAR,
                invited_on=invited - dt.timedelta(days=400),
                completed_on=completed - dt.timedelta(days=400) if completed else None,
                expires_on=(completed - dt.timedelta(days=400) + dt.timedelta(days=730))
                if completed
                else None,
                recorded_by=compliance,
            )
            status, invited, completed = (
                ScreeningStatus.ADVERSE,
                today - dt.timedelta(days=9),
                today - dt.timedelta(days=3),
            )
        ScreeningCheck.objects.create(
            tenant=bpo,
            worker=membership.user,
            kind=kind,
            vendor="Sterling Check" if kind != ScreeningKind.EXCLUSION else "OIG/SAM search",
            vendor_reference=f"ST-{chance.randint(100000, 999999)}",
            status=status,
            invited_on=invited,
            completed_on=completed,
            expires_on=completed + dt.timedelta(days=30 * months) if months and completed else None,
            recorded_by=compliance,
        )


def _train(
    bpo: Organization,
    membership: Membership,
    course: Course,
    *,
    today: dt.date,
    now: dt.datetime,
    chance: random.Random,
    story: dict[str, Any],
    index: int,
) -> None:
    email = membership.user.email
    versions = {v.version: v for v in course.versions.all()}
    first = versions[1]
    hired = membership.valid_from.date()
    # The last pass: a year's cycle, spread over the months so renewals come in waves.
    passed_on = max(hired + dt.timedelta(days=7), today - dt.timedelta(days=(index * 17) % 330 + 5))
    if email == story["expired-hipaa"] and course.code == "hipaa-privacy":
        passed_on = today - dt.timedelta(days=370)
    if email == story["expiring"] and course.code == "hipaa-privacy":
        passed_on = today - dt.timedelta(days=350)
    if passed_on - dt.timedelta(days=360) > hired:
        # The previous year's pass, so the history has no gap before this one.
        earlier = timezone.make_aware(
            dt.datetime.combine(passed_on - dt.timedelta(days=360), dt.time(10)),
            timezone=bpo.zone,
        )
        TrainingAssignment.objects.create(
            tenant=bpo,
            worker=membership.user,
            course=course,
            version=first,
            assigned_on=earlier.date() - dt.timedelta(days=10),
            due_on=earlier.date() + dt.timedelta(days=20),
            completed_at=earlier,
            score=100,
            expires_on=earlier.date() + dt.timedelta(days=365),
        )
    expires = passed_on + dt.timedelta(days=365)
    completed_at = timezone.make_aware(
        dt.datetime.combine(passed_on, dt.time(9 + index % 8, 15)), timezone=bpo.zone
    )
    assignment = TrainingAssignment.objects.create(
        tenant=bpo,
        worker=membership.user,
        course=course,
        version=first,
        assigned_on=passed_on - dt.timedelta(days=10),
        due_on=passed_on + dt.timedelta(days=20),
        completed_at=completed_at,
        score=100 if chance.random() < 0.6 else 80,
        expires_on=expires,
    )
    if chance.random() < 0.25:
        QuizAttempt.objects.create(
            assignment=assignment, number=1, submitted_at=completed_at, score=50, passed=False
        )
    QuizAttempt.objects.create(
        assignment=assignment,
        number=2 if assignment.attempts.exists() else 1,
        submitted_at=completed_at,
        score=assignment.score,
        passed=True,
    )
    if 2 in versions:
        newer_due = today - dt.timedelta(days=15)
        late = email == story["overdue-bias-v2"] and course.code == "bias-awareness"
        pending = email == story["due-de-escalation"] and course.code == "de-escalation"
        assigned = today - dt.timedelta(days=45)
        TrainingAssignment.objects.create(
            tenant=bpo,
            worker=membership.user,
            course=course,
            version=versions[2],
            assigned_on=assigned,
            due_on=newer_due if not pending else today + dt.timedelta(days=10),
            reason="new-version",
            completed_at=None
            if late or pending
            else now - dt.timedelta(days=chance.randint(16, 40)),
            score=None if late or pending else 100,
            expires_on=None if late or pending else today + dt.timedelta(days=330),
        )
    if expires <= today:
        TrainingAssignment.objects.create(
            tenant=bpo,
            worker=membership.user,
            course=course,
            version=versions[max(versions)],
            assigned_on=expires - dt.timedelta(days=30),
            due_on=expires,
            reason="renewal",
            reminded_at=now - dt.timedelta(days=35),
        )


def _accept(
    membership: Membership, policies: list[Policy], now: dt.datetime, story: dict[str, Any]
) -> None:
    email = membership.user.email
    for policy in policies:
        if membership.role not in policy.required_for:
            continue
        for version in policy.versions.all():
            if version.version == 2 and email == story["no-confidentiality-v2"]:
                continue
            when = max(version.created_at, membership.valid_from) + dt.timedelta(days=2)
            PolicyAcceptance.objects.create(
                version=version,
                worker=membership.user,
                accepted_at=min(when, now),
                typed_name=membership.user.full_name,
            )


def _scenarios(
    bpo: Organization, trainer: User | None, vmas: list[Membership], chance: random.Random
) -> None:
    """One published scenario with four variants of the same case, practised by the VMAs.

    Answers are drawn with a lower chance of the best choice for the Spanish-speaking caller,
    so the results page has a gap to show (as such a gap would appear in real practice).
    """
    from steward.workforce.services import scenarios

    scenario = scenarios.scenario_save(
        tenant=bpo,
        actor=trainer,
        title="Rescheduling request",
        summary="The same request from four patients: verify, include, offer choices.",
        script=SCENARIO,
    )
    made = {}
    for label, name, language, age, ethnicity, disability, context in VARIANTS:
        made[label] = scenarios.variant_save(
            scenario=scenario,
            actor=trainer,
            label=label,
            patient_name=name,
            language=language,
            age=age,
            ethnicity=ethnicity,
            disability=disability,
            context=context,
        )
    scenarios.scenario_publish(scenario=scenario, actor=trainer, published=True)
    for membership in vmas[:16]:
        for label, variant in made.items():
            best = 0.55 if label.startswith("Spanish") else 0.85
            attempt = scenarios.attempt_start(
                scenario=scenario, worker=membership.user, variant=variant
            )
            while attempt.completed_at is None:
                assert attempt.current_step is not None  # noqa: S101 - open attempts have a step
                choices = list(attempt.current_step.choices.order_by("-score"))
                pick = choices[0] if chance.random() < best else chance.choice(choices[1:])
                attempt = scenarios.attempt_choose(
                    attempt=attempt, worker=membership.user, choice_id=pick.pk
                )


def _checklists(
    bpo: Organization, people: list[Membership], story: dict[str, Any], compliance: User | None
) -> None:
    """Onboarding for the three new hires (partly done) and one worker who has left."""
    from steward.accounts.services import user_create
    from steward.workforce.services import checklists

    if compliance is None:
        return
    for membership in people:
        if membership.user.email in story["new-hires"]:
            checklist = checklists.onboarding_start(membership=membership, actor=compliance)
            for item in checklist.items.filter(automatic=False).order_by("position")[:2]:
                checklists.checklist_item_tick(item=item, actor=compliance, note="Done at start")
    leaver = user_create(
        email="former.vma@bayanihan.demo", full_name="Paolo Garcia", email_verified=True
    )
    leaving = Membership.objects.create(
        user=leaver,
        organization=bpo,
        role=Role.VMA,
        team=people[0].team,
        valid_from=timezone.now() - dt.timedelta(days=300),
    )
    checklists.worker_offboard(
        membership=leaving, actor=compliance, reason="Resigned; last day today"
    )


def _reviews(bpo: Organization, today: dt.date, chance: random.Random) -> None:
    """Last quarter's access review (closed, every item decided) and this quarter's (open)."""
    from steward.workforce.models import AccessReviewItem
    from steward.workforce.services import reviews

    admin = _member(bpo, Role.BPO_ADMIN)
    compliance = _member(bpo, Role.COMPLIANCE_OFFICER)
    opened = today - dt.timedelta(days=95)
    # Last quarter's campaign is decided now, then moved to the dates it ran on (decisions are
    # refused after a deadline, so history cannot be decided in the past).
    past = reviews.review_campaign_open(tenant=bpo, actor=compliance, name="Access review Q3 2026")
    for item in past.items.select_related("membership__user").order_by("membership__user__email"):
        _decide(item, admin, compliance, "approve", "Role and team still right")
    type(past).objects.filter(pk=past.pk).update(
        opened_on=opened, deadline=opened + dt.timedelta(days=14)
    )
    reviews.review_deadline_sweep(today=opened + dt.timedelta(days=15))
    type(past).objects.filter(pk=past.pk).update(
        closed_at=timezone.make_aware(
            dt.datetime.combine(opened + dt.timedelta(days=15), dt.time(0, 5)), timezone=bpo.zone
        )
    )
    current = reviews.review_campaign_open(
        tenant=bpo, actor=compliance, deadline=today + dt.timedelta(days=9), today=today
    )
    items = list(
        current.items.select_related("membership__user").order_by("membership__user__email")
    )
    for index, item in enumerate(items):
        if index % 3 == 0:
            _decide(item, admin, compliance, "approve", "Confirmed with the team lead")
        elif item.membership.role == Role.SUPERVISOR and chance.random() < 0.6:
            _decide(item, admin, compliance, "escalate", "Privileged access: compliance to confirm")
    AccessReviewItem.objects.filter(campaign=past).update(
        decided_at=timezone.make_aware(dt.datetime.combine(opened, dt.time(15)), timezone=bpo.zone)
        + dt.timedelta(days=chance.randint(1, 9))
    )


def _decide(
    item: Any, admin: User | None, compliance: User | None, decision: str, note: str
) -> None:
    from steward.workforce.services import reviews

    actor = item.reviewer
    if actor is None or actor.pk == item.membership.user_id:
        actor = admin if admin and admin.pk != item.membership.user_id else compliance
    reviews.review_decide(item=item, actor=actor, decision=decision, note=note)


def _last_sign_ins(people: list[Membership], now: dt.datetime, chance: random.Random) -> None:
    """Most people signed in during the last week; two have not for over a month (the access
    review flags them)."""
    idle = {"vma11@bayanihan.demo", "vma16@bayanihan.demo"}
    for membership in people:
        days = chance.randint(35, 60) if membership.user.email in idle else chance.randint(0, 6)
        User.objects.filter(pk=membership.user_id).update(
            last_login=now - dt.timedelta(days=days, hours=chance.randint(0, 9))
        )
        membership.user.last_login = now - dt.timedelta(days=days)
