"""Scenario simulations: authoring branching scripts, demographic variants, attempts.

The script format and its parser are in ``scenario_script``, results in ``scenario_results``;
both are re-exported here so callers need one module.

A scenario is written as a script (format in ``SCRIPT_HELP``), parsed with
line-numbered errors, and stored as steps and choices. Once a worker has attempted it
only the wording may change: anything that moves scores or paths would make old and new
attempts incomparable, so the trainer copies the scenario instead.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import Organization
from steward.workforce.models import (
    Scenario,
    ScenarioAttempt,
    ScenarioChoice,
    ScenarioStep,
    ScenarioVariant,
)
from steward.workforce.services.common import record, vendor_membership
from steward.workforce.services.scenario_script import (
    PLACEHOLDER_PATTERN,
    ParsedChoice,
    ParsedStep,
    best_total,
    parse_script,
    plural,
)


def _stored_steps(scenario: Scenario) -> list[ParsedStep]:
    """The scenario's steps in the parser's shape (for comparing, copying and rendering)."""
    steps = scenario.steps.prefetch_related("choices__next_step").order_by("position")
    return [
        ParsedStep(
            line=0,
            key=step.key,
            prompt_lines=step.prompt.split("\n"),
            choices=[
                ParsedChoice(
                    0,
                    c.text,
                    c.score,
                    c.next_step.key if c.next_step else None,
                    c.feedback,
                )
                for c in step.choices.all()
            ],
        )
        for step in steps
    ]


def _shape(steps: list[ParsedStep]) -> list[tuple[str, list[tuple[int, str | None]]]]:
    return [(s.key, [(c.score, c.next_key) for c in s.choices]) for s in steps]


def _write_steps(scenario: Scenario, steps: list[ParsedStep]) -> None:
    made = {
        step.key: ScenarioStep.objects.create(
            scenario=scenario, key=step.key, position=index, prompt=step.prompt
        )
        for index, step in enumerate(steps, start=1)
    }
    ScenarioChoice.objects.bulk_create(
        ScenarioChoice(
            step=made[step.key],
            position=index,
            text=choice.text,
            score=choice.score,
            feedback=choice.feedback,
            next_step=made[choice.next_key] if choice.next_key else None,
        )
        for step in steps
        for index, choice in enumerate(step.choices, start=1)
    )


def _reword(scenario: Scenario, steps: list[ParsedStep]) -> None:
    """Apply wording changes to a scenario whose shape (keys, scores, links) is unchanged."""
    stored = scenario.steps.prefetch_related("choices").order_by("position")
    for step, parsed in zip(stored, steps, strict=True):
        if step.prompt != parsed.prompt:
            step.prompt = parsed.prompt
            step.save(update_fields=["prompt"])
        for choice, wanted in zip(step.choices.all(), parsed.choices, strict=True):
            if (choice.text, choice.feedback) != (wanted.text, wanted.feedback):
                choice.text, choice.feedback = wanted.text, wanted.feedback
                choice.save(update_fields=["text", "feedback"])


def scenario_script(scenario: Scenario) -> str:
    """The scenario as script text; parsing it gives the same steps back."""
    blocks = []
    for step in _stored_steps(scenario):
        first, *rest = step.prompt_lines
        lines = [f"[{step.key}] {first}", *rest]
        for choice in step.choices:
            line = (
                f"- {choice.text} ({choice.score:+d})" if choice.score else f"- {choice.text} (0)"
            )
            line += f" -> {choice.next_key}" if choice.next_key else ""
            line += f" | {choice.feedback}" if choice.feedback else ""
            lines.append(line)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def scenario_save(
    *,
    tenant: Organization,
    actor: User | None,
    title: str,
    summary: str,
    script: str,
    scenario: Scenario | None = None,
) -> Scenario:
    """Create or edit a scenario from its script.

    With attempts on record only the title, summary and wording may change; a change of
    keys, scores or links is refused (copy the scenario instead)."""
    title, summary = (title or "").strip(), (summary or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Give the scenario a title."]
    elif len(title) > 160:
        errors["title"] = ["A title is at most 160 characters."]
    if len(summary) > 500:
        errors["summary"] = ["A summary is at most 500 characters."]
    steps: list[ParsedStep] = []
    try:
        steps = parse_script(script)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if actor is not None:
        vendor_membership(worker=actor, tenant=tenant)
    with transaction.atomic():
        if scenario is None:
            scenario = Scenario.objects.create(
                tenant=tenant, title=title, summary=summary, author=actor
            )
            _write_steps(scenario, steps)
            record("scenario.created", actor=actor, tenant=tenant, entity=scenario)
            return scenario
        # Attempts start under the same lock, so none can slip in while the steps change.
        locked = (
            Scenario.objects.select_for_update(of=("self",))
            .filter(pk=scenario.pk, tenant=tenant)
            .first()
        )
        if locked is None:
            raise ValidationError("This scenario is not your vendor's.")
        restructured = _shape(steps) != _shape(_stored_steps(locked))
        if restructured:
            attempts = locked.attempts.count()
            if attempts:
                raise ValidationError(
                    {
                        "script": f"{plural(attempts, 'attempt')} exist; copy the scenario "
                        "to change its steps, scores or links (wording may still change)."
                    }
                )
            locked.steps.all().delete()
            _write_steps(locked, steps)
        else:
            _reword(locked, steps)
        locked.title, locked.summary = title, summary
        locked.save(update_fields=["title", "summary", "updated_at"])
        record(
            "scenario.saved", actor=actor, tenant=tenant, entity=locked, restructured=restructured
        )
    return locked


def scenario_copy(*, scenario: Scenario, actor: User | None) -> Scenario:
    """An unpublished copy with the same steps and variants and no attempts, to edit freely."""
    with transaction.atomic():
        copy = Scenario.objects.create(
            tenant=scenario.tenant,
            title=f"Copy of {scenario.title}"[:160],
            summary=scenario.summary,
            author=actor,
        )
        _write_steps(copy, _stored_steps(scenario))
        ScenarioVariant.objects.bulk_create(
            ScenarioVariant(
                scenario=copy,
                label=v.label,
                patient_name=v.patient_name,
                language=v.language,
                age=v.age,
                ethnicity=v.ethnicity,
                disability=v.disability,
                context=v.context,
            )
            for v in scenario.variants.all()
        )
        record(
            "scenario.copied", actor=actor, tenant=scenario.tenant, entity=copy, source=scenario.pk
        )
    return copy


def scenario_publish(*, scenario: Scenario, actor: User | None, published: bool) -> Scenario:
    """Offer the scenario to workers (or withdraw it); publishing needs a step and two
    variants, since the point is comparing equivalent cases."""
    with transaction.atomic():
        locked = Scenario.objects.select_for_update(of=("self",)).get(pk=scenario.pk)
        if published:
            problems = []
            if not locked.steps.exists():
                problems.append("Write at least one step before publishing.")
            variants = locked.variants.count()
            if variants < 2:
                problems.append(
                    f"Add at least two variants before publishing (it has {variants}): the "
                    "same case from different patients is what makes differences visible."
                )
            if problems:
                raise ValidationError(problems)
        if locked.is_published != published:
            locked.is_published = published
            locked.save(update_fields=["is_published", "updated_at"])
            action = "scenario.published" if published else "scenario.unpublished"
            record(action, actor=actor, tenant=locked.tenant, entity=locked)
    return locked


VARIANT_FIELDS = ("patient_name", "language", "age", "ethnicity", "disability", "context")
_LIMITS = {
    "label": 80,
    "patient_name": 120,
    "language": 40,
    "ethnicity": 80,
    "disability": 120,
    "context": 500,
}


def _check_variant(values: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    for name, limit in _LIMITS.items():
        if len(values[name]) > limit:
            errors[name] = f"At most {limit} characters."
    for name in ("label", "patient_name", "language"):
        if not values[name]:
            errors[name] = "This field is required."
    age = values["age"]
    if age is not None and not 0 <= age <= 120:
        errors["age"] = "An age from 0 to 120, or leave it empty."
    if errors:
        raise ValidationError(errors)


def variant_save(
    *,
    scenario: Scenario,
    actor: User | None,
    label: str,
    patient_name: str,
    language: str,
    age: int | None,
    ethnicity: str,
    disability: str,
    context: str,
    variant: ScenarioVariant | None = None,
) -> ScenarioVariant:
    """Add or edit a variant. Once attempted, only its label may change: results per
    variant must describe the patient the worker actually met."""
    values: dict[str, Any] = {
        name: (value or "").strip()
        for name, value in (
            ("label", label),
            ("patient_name", patient_name),
            ("language", language),
            ("ethnicity", ethnicity),
            ("disability", disability),
            ("context", context),
        )
    }
    values["age"] = age
    _check_variant(values)
    with transaction.atomic():
        Scenario.objects.select_for_update(of=("self",)).filter(pk=scenario.pk).first()
        clash = ScenarioVariant.objects.filter(scenario=scenario, label__iexact=values["label"])
        if variant is not None:
            if variant.scenario_id != scenario.pk:
                raise ValidationError("This variant belongs to another scenario.")
            clash = clash.exclude(pk=variant.pk)
        if clash.exists():
            raise ValidationError(
                {"label": f"This scenario already has a variant labelled “{values['label']}”."}
            )
        if variant is None:
            variant = ScenarioVariant.objects.create(scenario=scenario, **values)
        else:
            attempts = variant.attempts.count()
            if attempts and any(getattr(variant, f) != values[f] for f in VARIANT_FIELDS):
                raise ValidationError(
                    f"{plural(attempts, 'attempt')} used this variant, so only its label may "
                    "change; add a new variant for a different patient."
                )
            for name, value in values.items():
                setattr(variant, name, value)
            variant.save()
        record(
            "scenario.variant-saved",
            actor=actor,
            tenant=scenario.tenant,
            entity=variant,
            scenario=scenario.pk,
        )
    return variant


def variant_delete(*, variant: ScenarioVariant, actor: User | None) -> None:
    """Remove a variant nobody has attempted; a published scenario keeps at least two."""
    with transaction.atomic():
        scenario = Scenario.objects.select_for_update(of=("self",)).get(pk=variant.scenario_id)
        attempts = variant.attempts.count()
        if attempts:
            raise ValidationError(
                f"{plural(attempts, 'attempt')} used “{variant.label}”, so it stays on record."
            )
        if scenario.is_published and scenario.variants.count() <= 2:
            raise ValidationError(
                "A published scenario keeps at least two variants: unpublish it first."
            )
        record(
            "scenario.variant-deleted",
            actor=actor,
            tenant=scenario.tenant,
            entity=variant,
            scenario=scenario.pk,
            label=variant.label,
        )
        variant.delete()


def max_score(scenario: Scenario) -> int:
    """The best total along any path from the first step (never below zero)."""
    steps = _stored_steps(scenario)
    if not steps:
        return 0
    graph = {s.key: [(c.score, c.next_key) for c in s.choices] for s in steps}
    return max(0, best_total(graph, steps[0].key))


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def step_text(step: ScenarioStep, variant: ScenarioVariant) -> str:
    """The step's prompt for this variant. Only ``{name}`` placeholders we know are filled;
    anything else (stray braces, ``{x.y}``, ``{0}``) is left as written, never evaluated."""
    values = _Blank(
        patient=variant.patient_name,
        language=variant.language,
        age="" if variant.age is None else str(variant.age),
        ethnicity=variant.ethnicity,
        disability=variant.disability,
        context=variant.context,
    )
    return PLACEHOLDER_PATTERN.sub(lambda m: values[m[1]], step.prompt)


def attempt_start(
    *, scenario: Scenario, worker: User, variant: ScenarioVariant | None = None
) -> ScenarioAttempt:
    """Start (or resume) the worker's attempt on a published scenario of their vendor.

    Without a variant, the one this worker has completed least (ties by label), so over
    time each worker meets every version of the case."""
    vendor_membership(worker=worker, tenant=scenario.tenant)
    with transaction.atomic():
        # The scenario lock serialises a double-clicked "Start" and a concurrent edit.
        locked = Scenario.objects.select_for_update(of=("self",)).get(pk=scenario.pk)
        if not locked.is_published:
            raise ValidationError("This scenario is not open for practice.")
        unfinished = ScenarioAttempt.objects.filter(
            scenario=locked, worker=worker, completed_at__isnull=True
        ).first()
        if unfinished is not None:
            return unfinished
        if variant is not None and variant.scenario_id != locked.pk:
            raise ValidationError("That variant belongs to another scenario.")
        if variant is None:
            variant = (
                locked.variants.annotate(
                    done=Count(
                        "attempts",
                        filter=Q(attempts__worker=worker, attempts__completed_at__isnull=False),
                    )
                )
                .order_by("done", "label")
                .first()
            )
        first = locked.steps.order_by("position").first()
        if variant is None or first is None:
            raise ValidationError("This scenario has no steps or variants yet.")
        attempt = ScenarioAttempt.objects.create(
            scenario=locked,
            variant=variant,
            worker=worker,
            current_step=first,
            max_score=max_score(locked),
        )
        record(
            "scenario.attempt-started",
            actor=worker,
            tenant=locked.tenant,
            entity=attempt,
            variant=variant.pk,
        )
    return attempt


def attempt_choose(*, attempt: ScenarioAttempt, worker: User, choice_id: Any) -> ScenarioAttempt:
    """Take one choice on the attempt's current step: score it, move on or finish.

    A choice from another step (a stale or double-submitted form) is refused."""
    with transaction.atomic():
        locked = (
            ScenarioAttempt.objects.select_for_update(of=("self",))
            .select_related("scenario", "current_step")
            .get(pk=attempt.pk)
        )
        if locked.worker_id != worker.pk:
            raise ValidationError("This attempt is someone else's.")
        if locked.completed_at is not None:
            raise ValidationError("This attempt is already complete.")
        try:
            choice_pk = int(choice_id)
        except (TypeError, ValueError):
            choice_pk = None
        if choice_pk is not None and not 0 < choice_pk < 2**31:
            choice_pk = None  # out of any id's range (and of the database's integers)
        choice = (
            ScenarioChoice.objects.select_related("next_step")
            .filter(pk=choice_pk, step_id=locked.current_step_id)
            .first()
            if choice_pk is not None and locked.current_step_id is not None
            else None
        )
        if choice is None:
            raise ValidationError("That choice is not on this step.")
        step = locked.current_step
        assert step is not None  # noqa: S101 - the choice was found on it
        locked.path = [
            *locked.path,
            {
                "step": step.key,
                "choice": choice.pk,
                "text": choice.text,
                "score": choice.score,
                "feedback": choice.feedback,
            },
        ]
        locked.score += choice.score
        locked.current_step = choice.next_step
        if choice.next_step is None:
            locked.completed_at = timezone.now()
        locked.save(update_fields=["path", "score", "current_step", "completed_at"])
        tenant = locked.scenario.tenant
        record("scenario.choice", actor=worker, tenant=tenant, entity=locked, step=step.key)
        if locked.completed_at is not None:
            record(
                "scenario.attempt-completed",
                actor=worker,
                tenant=tenant,
                entity=locked,
                score=locked.score,
                max_score=locked.max_score,
            )
    return locked
