"""Reads for the compliance pages: a vendor's workers with their clearance, now and over time."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from steward.core.reasons import describe
from steward.tenancy.models import Membership, Organization
from steward.tenancy.roles import Role
from steward.workforce import clearance, reasons
from steward.workforce.clearance import Clearance, Requirement, Requirements
from steward.workforce.models import ScreeningKind


@dataclass(frozen=True)
class Column:
    area: str
    code: str
    label: str


@dataclass(frozen=True)
class Row:
    membership: Membership
    clearance: Clearance
    cells: list[Requirement | None]


def workers(vendor: Organization, *, user_ids: set[Any] | None = None) -> QuerySet[Membership]:
    """The vendor's current members (other than patients), optionally only ``user_ids``."""
    people = (
        Membership.objects.current()
        .filter(organization=vendor)
        .exclude(role=Role.PATIENT)
        .select_related("user", "team", "organization")
        .order_by("user__full_name")
    )
    if user_ids is not None:
        people = people.filter(user_id__in=user_ids)
    return people


def columns(requirements: Requirements, roles: set[str]) -> list[Column]:
    """Every requirement that applies to at least one of ``roles``, in a stable order."""
    found: list[Column] = []
    for requirement in requirements.screening:
        if roles & set(requirement.roles):
            found.append(
                Column("screening", requirement.kind, ScreeningKind(requirement.kind).label)
            )
    found += [
        Column("training", c.code, c.title)
        for c in requirements.courses
        if roles & set(c.required_for)
    ]
    found += [
        Column("policy", p.code, p.title)
        for p in requirements.policies
        if roles & set(p.required_for) and requirements.policy_versions.get(p.pk)
    ]
    return found


@dataclass(frozen=True)
class Standing:
    """A vendor's requirements and its people's facts, loaded once for every reading of a page."""

    vendor: Organization
    people: list[Membership]
    requirements: Requirements
    facts: dict[Any, clearance.WorkerFacts]

    def clearance_on(self, membership: Membership, day: dt.date) -> Clearance:
        return clearance.evaluate(
            membership=membership,
            requirements=self.requirements,
            facts=self.facts.get(membership.user_id, clearance.WorkerFacts()),
            on=day,
        )


def standing(vendor: Organization, people: list[Membership]) -> Standing:
    """Load what ``matrix`` and ``cleared_share_over_time`` read: a fixed number of queries."""
    return Standing(
        vendor=vendor,
        people=people,
        requirements=clearance.load_requirements(vendor),
        facts=clearance.load_facts(vendor, [m.user_id for m in people]),
    )


def matrix(loaded: Standing, on: dt.date) -> tuple[list[Column], list[Row]]:
    """Workers by requirements on ``on``; a cell is None where the role does not require it."""
    cols = columns(loaded.requirements, {m.role for m in loaded.people})
    rows = []
    for membership in loaded.people:
        result = loaded.clearance_on(membership, on)
        by_key = {(r.area, r.code): r for r in result.requirements}
        rows.append(Row(membership, result, [by_key.get((c.area, c.code)) for c in cols]))
    return cols, rows


def cleared_share_over_time(
    loaded: Standing, *, today: dt.date, weeks: int = 12
) -> list[tuple[str, int]]:
    """Percent of the people cleared at the end of each of the last ``weeks`` weeks.

    Judged with today's requirements and the facts as they stood each day, for the people
    who are members now and had joined by that day.
    """
    zone = loaded.vendor.zone
    points = []
    for back in range(weeks - 1, -1, -1):
        day = today - dt.timedelta(weeks=back)
        present = [m for m in loaded.people if timezone.localdate(m.valid_from, zone) <= day]
        if present:  # a week before anyone here had joined has nothing to say
            cleared = sum(loaded.clearance_on(m, day).cleared for m in present)
            points.append((day.strftime("%d %b"), round(100 * cleared / len(present))))
    return points


def blocking_reasons(rows: list[Row]) -> list[tuple[str, int]]:
    """How many workers each kind of lapse blocks, most common first."""
    counts: Counter[str] = Counter()
    for row in rows:
        for code in {code.split(":", 1)[0] for code in row.clearance.reasons}:
            counts[reasons.SUMMARY.get(code) or describe(code).message] += 1
    return counts.most_common()
