"""Workforce clearance: may this worker touch PHI on a given day, and if not, why not.

A worker is cleared while, for their role:

- their membership is current;
- every required screening kind has a check that is clear (or a "consider/adverse"
  result the compliance officer cleared) and not past its re-screen date;
- every required course has a current pass, and no newer version assigned to them
  is past due;
- the newest published version of every required policy is accepted.

Requirements are the vendor's own rows (``ScreeningRequirement``, ``Course.required_for``,
``Policy.required_for``). Expired training and overdue versions are forgiven for
``STEWARD_WORKFORCE_GRACE_DAYS`` (default 0). Everything is evaluated for a date, so
the same code answers "now" for the gate and "on 1 September" for the team chart;
facts for many workers load in a fixed handful of queries.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import OrganizationKind
from steward.workforce import reasons
from steward.workforce.models import (
    Course,
    Policy,
    PolicyAcceptance,
    PolicyVersion,
    ScreeningCheck,
    ScreeningKind,
    ScreeningRequirement,
    ScreeningStatus,
    TrainingAssignment,
)
from steward.workforce.models.screening import Adjudication

EXPIRY_WARNING_DAYS = 30
RESULT_STATUSES = (ScreeningStatus.CLEAR, ScreeningStatus.CONSIDER, ScreeningStatus.ADVERSE)


@dataclass(frozen=True)
class Requirement:
    """One requirement's state for one worker: ``reason`` is set when it blocks access."""

    area: str  # screening | training | policy | membership
    code: str
    label: str
    state: str  # ok | expiring | due | overdue | expired | missing | pending | review | adverse
    reason: str | None = None
    due_on: dt.date | None = None
    ref: Any = None  # the assignment, policy version or check to act on


@dataclass(frozen=True)
class Clearance:
    on: dt.date
    requirements: tuple[Requirement, ...]

    @property
    def cleared(self) -> bool:
        return not self.reasons

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r.reason for r in self.requirements if r.reason)


@dataclass
class Requirements:
    """What a vendor requires, by role (loaded once per vendor)."""

    screening: list[ScreeningRequirement]
    courses: list[Course]
    policies: list[Policy]
    policy_versions: dict[Any, list[PolicyVersion]]  # policy id → versions, newest first

    def for_role(self, role: str) -> tuple[list[ScreeningRequirement], list[Course], list[Policy]]:
        return (
            [r for r in self.screening if role in r.roles],
            [c for c in self.courses if role in c.required_for],
            [p for p in self.policies if role in p.required_for],
        )

    @property
    def empty(self) -> bool:
        return not (self.screening or self.courses or self.policies)


@dataclass
class WorkerFacts:
    checks: dict[str, list[ScreeningCheck]] = field(default_factory=lambda: defaultdict(list))
    assignments: dict[Any, list[TrainingAssignment]] = field(
        default_factory=lambda: defaultdict(list)
    )
    accepted: dict[Any, dt.datetime] = field(default_factory=dict)  # version id → when


def load_requirements(tenant: Organization | Any) -> Requirements:
    policies = list(Policy.objects.filter(tenant=tenant, is_active=True))
    versions: dict[Any, list[PolicyVersion]] = defaultdict(list)
    for version in PolicyVersion.objects.filter(policy__in=policies).order_by("-version"):
        versions[version.policy_id].append(version)
    return Requirements(
        screening=list(ScreeningRequirement.objects.filter(tenant=tenant)),
        courses=list(Course.objects.filter(tenant=tenant, is_active=True)),
        policies=policies,
        policy_versions=versions,
    )


def load_facts(tenant: Organization | Any, worker_ids: Iterable[Any]) -> dict[Any, WorkerFacts]:
    ids = list(worker_ids)
    facts: dict[Any, WorkerFacts] = defaultdict(WorkerFacts)
    for check in ScreeningCheck.objects.filter(tenant=tenant, worker_id__in=ids).order_by(
        "-invited_on", "-created_at"
    ):
        facts[check.worker_id].checks[check.kind].append(check)
    for assignment in (
        TrainingAssignment.objects.filter(tenant=tenant, worker_id__in=ids)
        .select_related("version")
        .order_by("-assigned_on", "-created_at")
    ):
        facts[assignment.worker_id].assignments[assignment.course_id].append(assignment)
    for worker_id, version_id, accepted_at in PolicyAcceptance.objects.filter(
        worker_id__in=ids, version__policy__tenant=tenant
    ).values_list("worker_id", "version_id", "accepted_at"):
        facts[worker_id].accepted[version_id] = accepted_at
    return facts


def _grace() -> dt.timedelta:
    return dt.timedelta(days=settings.STEWARD_WORKFORCE_GRACE_DAYS)


def _day(moment: dt.datetime, zone: dt.tzinfo) -> dt.date:
    # ``on`` is a day of the vendor's calendar: a pass at 20:00 in Los Angeles is already
    # tomorrow in UTC, and must count today.
    return timezone.localdate(moment, zone)


def _screening(
    requirement: ScreeningRequirement, checks: list[ScreeningCheck], on: dt.date
) -> Requirement:
    kind = requirement.kind
    label = ScreeningKind(kind).label
    known = [c for c in checks if c.invited_on <= on]
    if not known:
        return Requirement(
            "screening", kind, label, "missing", f"{reasons.SCREENING_MISSING}:{kind}"
        )
    # The newest result governs: a re-screen that comes back adverse (or that the compliance
    # officer did not clear) must block even while an older clear result is still current.
    # A re-screen still in progress leaves the previous result in force.
    results = [
        c
        for c in known
        if c.status in RESULT_STATUSES and c.completed_on is not None and c.completed_on <= on
    ]
    newest = results[0] if results else None
    if newest is not None and newest.passes(on):
        state = "ok"
        if newest.expires_on and newest.expires_on - on <= dt.timedelta(days=EXPIRY_WARNING_DAYS):
            state = "expiring"
        return Requirement("screening", kind, label, state, None, newest.expires_on, newest)
    latest = known[0]
    if latest.status in (ScreeningStatus.INVITED, ScreeningStatus.IN_PROGRESS) or (
        latest.completed_on is not None and latest.completed_on > on
    ):
        code, state, check = reasons.SCREENING_PENDING, "pending", latest
    else:
        check = newest or latest
        if check.adjudication == Adjudication.NOT_CLEARED:
            code, state = reasons.SCREENING_ADVERSE, "adverse"
        elif check.needs_adjudication:
            code, state = reasons.SCREENING_UNDER_REVIEW, "review"
        else:
            code, state = reasons.SCREENING_EXPIRED, "expired"
    return Requirement("screening", kind, label, state, f"{code}:{kind}", check.expires_on, check)


def _training(
    course: Course, assignments: list[TrainingAssignment], on: dt.date, zone: dt.tzinfo
) -> Requirement:
    code, label = course.code, course.title
    known = [a for a in assignments if a.assigned_on <= on]
    passes = [a for a in known if a.completed_at is not None and _day(a.completed_at, zone) <= on]
    current = next((a for a in passes if a.completion_current(on, zone)), None)
    open_ = next(
        (
            a
            for a in known
            if a.superseded_at is None
            and (a.completed_at is None or _day(a.completed_at, zone) > on)
        ),
        None,
    )
    if current is not None:
        if open_ is not None and open_.due_on < on:
            blocking = on - open_.due_on > _grace()
            reason = f"{reasons.TRAINING_OVERDUE}:{code}" if blocking else None
            return Requirement("training", code, label, "overdue", reason, open_.due_on, open_)
        if open_ is not None:
            return Requirement("training", code, label, "due", None, open_.due_on, open_)
        assert current.expires_on is not None  # noqa: S101 - completion_current checked it
        if current.expires_on - on <= dt.timedelta(days=EXPIRY_WARNING_DAYS):
            return Requirement(
                "training", code, label, "expiring", None, current.expires_on, current
            )
        return Requirement("training", code, label, "ok", None, current.expires_on, current)
    if passes:
        lapsed = passes[0]
        assert lapsed.expires_on is not None  # noqa: S101 - a pass always has an expiry
        blocking = on - lapsed.expires_on >= _grace()
        reason = f"{reasons.TRAINING_EXPIRED}:{code}" if blocking else None
        return Requirement(
            "training", code, label, "expired", reason, lapsed.expires_on, open_ or lapsed
        )
    due_on = open_.due_on if open_ is not None else None
    state = "overdue" if due_on is not None and due_on < on else "missing"
    return Requirement(
        "training", code, label, state, f"{reasons.TRAINING_MISSING}:{code}", due_on, open_
    )


def _policy(
    policy: Policy,
    versions: list[PolicyVersion],
    accepted: dict[Any, dt.datetime],
    on: dt.date,
    zone: dt.tzinfo,
) -> Requirement | None:
    code, label = policy.code, policy.title
    published = [v for v in versions if _day(v.created_at, zone) <= on]
    if not published:
        return None
    newest = published[0]
    when = accepted.get(newest.pk)
    if when is not None and _day(when, zone) <= on:
        return Requirement("policy", code, label, "ok", None, None, newest)
    earlier = any(v.pk in accepted and _day(accepted[v.pk], zone) <= on for v in published[1:])
    in_grace = earlier and on - _day(newest.created_at, zone) < _grace()
    reason = None if in_grace else f"{reasons.POLICY_NOT_ACCEPTED}:{code}"
    return Requirement(
        "policy", code, label, "due" if in_grace else "missing", reason, None, newest
    )


def evaluate(
    *,
    membership: Membership,
    requirements: Requirements,
    facts: WorkerFacts,
    on: dt.date,
    at: dt.datetime | None = None,
) -> Clearance:
    """The worker's clearance on ``on``, a day of the vendor's calendar (membership judged at
    ``at``, default the end of that day in the vendor's time zone)."""
    zone = membership.organization.zone
    moment = at or dt.datetime.combine(on, dt.time(23, 59), tzinfo=zone)
    items: list[Requirement] = []
    if not membership.is_current(moment):
        items.append(
            Requirement(
                "membership",
                "membership",
                "Active membership",
                "missing",
                str(reasons.MEMBERSHIP_INACTIVE),
            )
        )
    screening, courses, policies = requirements.for_role(membership.role)
    items.extend(_screening(r, facts.checks.get(r.kind, []), on) for r in screening)
    items.extend(_training(c, facts.assignments.get(c.pk, []), on, zone) for c in courses)
    for policy in policies:
        item = _policy(
            policy, requirements.policy_versions.get(policy.pk, []), facts.accepted, on, zone
        )
        if item is not None:
            items.append(item)
    return Clearance(on, tuple(items))


def clearance_for(membership: Membership, on: dt.date | None = None) -> Clearance:
    """One worker's clearance today (in the vendor's time zone) or on ``on``."""
    tenant = membership.organization
    day = on or tenant.local_today()
    facts = load_facts(tenant, [membership.user_id]).get(membership.user_id, WorkerFacts())
    at = timezone.now() if on is None else None
    return evaluate(
        membership=membership,
        requirements=load_requirements(tenant),
        facts=facts,
        on=day,
        at=at,
    )


def blocking_reasons(membership: Membership) -> tuple[str, ...]:
    """Why a member of a vendor may not touch PHI (or be handed work) right now; () if cleared.

    Members of other kinds of organisation are not the vendor's workforce: nothing here. A
    vendor with no requirement at all is checked for a current membership only.
    """
    return blocking_reasons_for([membership]).get(membership.pk, ())


def blocking_reasons_for(memberships: Sequence[Membership]) -> dict[Any, tuple[str, ...]]:
    """``blocking_reasons`` for many members at once (by membership pk; members of other
    kinds of organisation are left out): a fixed number of queries per vendor."""
    found: dict[Any, tuple[str, ...]] = {}
    by_vendor: dict[Any, list[Membership]] = defaultdict(list)
    for membership in memberships:
        if membership.organization.kind == OrganizationKind.BUSINESS_ASSOCIATE:
            by_vendor[membership.organization_id].append(membership)
    for members in by_vendor.values():
        organization = members[0].organization
        requirements = load_requirements(organization)
        facts = {} if requirements.empty else load_facts(organization, [m.user_id for m in members])
        today, now = organization.local_today(), timezone.now()
        for membership in members:
            if requirements.empty:
                found[membership.pk] = (
                    () if membership.is_current() else (str(reasons.MEMBERSHIP_INACTIVE),)
                )
                continue
            found[membership.pk] = evaluate(
                membership=membership,
                requirements=requirements,
                facts=facts.get(membership.user_id, WorkerFacts()),
                on=today,
                at=now,
            ).reasons
    return found
