"""Scenario results: mean scores per variant and per worker, and the gap between variants."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

from steward.accounts.models import User
from steward.workforce.models import Scenario, ScenarioAttempt

# A gap between variant means is reported only between groups this large, and flagged
# only above this many percentage points: small groups swing too much to mean anything.
MIN_GROUP = 5
GAP_POINTS = 15


def percent(score: int, best: int) -> float | None:
    return round(100 * score / best, 1) if best > 0 else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def scenario_results(
    *, scenario: Scenario, worker_ids: Collection[Any] | None = None
) -> dict[str, Any]:
    """Completed attempts per variant and per worker and variant (mean % of the best total),
    and the gap between variant means.

    The gap compares only variants with at least ``MIN_GROUP`` completed attempts and is
    flagged above ``GAP_POINTS`` points; smaller groups are listed as too few to compare.
    ``worker_ids`` limits the results to those workers (a supervisor's team)."""
    variants = list(scenario.variants.order_by("label"))
    attempts = ScenarioAttempt.objects.filter(scenario=scenario)
    if worker_ids is not None:
        attempts = attempts.filter(worker_id__in=list(worker_ids))
    by_variant: dict[Any, list[float]] = defaultdict(list)
    by_cell: dict[tuple[Any, Any], list[float]] = defaultdict(list)
    started: dict[Any, int] = defaultdict(int)
    for variant_id, worker_id, score, best, completed in attempts.values_list(
        "variant_id", "worker_id", "score", "max_score", "completed_at"
    ):
        started[variant_id] += 1
        share = percent(score, best)
        if completed is None or share is None:
            continue
        by_variant[variant_id].append(share)
        by_cell[(worker_id, variant_id)].append(share)
    rows = [
        {
            "variant": v,
            "attempts": len(by_variant[v.pk]),
            "unfinished": started[v.pk] - len(by_variant[v.pk]),
            "mean_percent": _mean(by_variant[v.pk]),
            "comparable": len(by_variant[v.pk]) >= MIN_GROUP,
        }
        for v in variants
    ]
    people = User.objects.filter(pk__in={w for w, _ in by_cell}).order_by("full_name", "email")
    workers = [
        {
            "worker": person,
            "cells": [
                {
                    "variant": v,
                    "attempts": len(by_cell[(person.pk, v.pk)]),
                    "mean_percent": _mean(by_cell[(person.pk, v.pk)]),
                }
                for v in variants
            ],
        }
        for person in people
    ]
    return {"variants": rows, "workers": workers, "gap": _gap(rows)}


def _gap(rows: list[dict[str, Any]]) -> dict[str, Any]:
    compared = [r for r in rows if r["comparable"]]
    too_few = [r["variant"].label for r in rows if not r["comparable"]]
    gap: dict[str, Any] = {
        "points": None,
        "flagged": False,
        "high": None,
        "low": None,
        "compared": [r["variant"].label for r in compared],
        "too_few": too_few,
        "min_group": MIN_GROUP,
        "threshold": GAP_POINTS,
    }
    if len(compared) >= 2:
        high = max(compared, key=lambda r: r["mean_percent"])
        low = min(compared, key=lambda r: r["mean_percent"])
        points = round(high["mean_percent"] - low["mean_percent"], 1)
        gap.update(
            points=points,
            flagged=points > GAP_POINTS,
            high=high["variant"].label,
            low=low["variant"].label,
        )
    return gap
