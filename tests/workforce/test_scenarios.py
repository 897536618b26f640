"""Scenario services: the script parser, scoring along paths, variant rotation, results."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from steward.accounts.models import User
from steward.audit.models import AuditEvent
from steward.tenancy.roles import Role
from steward.workforce.models import Scenario, ScenarioAttempt, ScenarioChoice, ScenarioVariant
from steward.workforce.services import scenarios as services
from steward.workforce.services.scenario_results import scenario_results
from steward.workforce.services.scenario_script import parse_script
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant

SCRIPT = """\
[greet] {patient} calls asking to move an appointment. They speak {language}.
# a trainer's note, dropped
- Ask for name and date of birth (+2) -> offer | Good: verify first.
- Read out the appointment details straight away (-2) -> offer | Never disclose before verifying.
- Ask them to call back in English (-3) | Offer an interpreter instead.

[offer] {patient} is verified. {context}
Which slots do you offer?
- Offer an interpreter and two slots (+3) -> confirm | Language access is their right.
- Offer the first slot only (+1) -> end | Fine, but offer choice.

[confirm] {patient} picks Tuesday.
- Confirm by text in {language} (+2) | Clear and accessible.
- Confirm verbally (0)
"""


def script_errors(script: str) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        parse_script(script)
    return raised.value.message_dict["script"]


def make_scenario(tenant: Tenant, *, variants: int = 2, publish: bool = True) -> Scenario:
    scenario = services.scenario_save(
        tenant=tenant.bpo,
        actor=tenant.trainer,
        title="Moving an appointment",
        summary="Verification and language access.",
        script=SCRIPT,
    )
    people = [
        ("English, 34", "Dana Reyes", "English", 34, "", ""),
        ("Spanish, 72", "Rosa Morales", "Spanish", 72, "Latina", "Hard of hearing"),
        ("Tagalog, 45", "Ligaya Santos", "Tagalog", 45, "Filipino", ""),
    ]
    for label, name, language, age, ethnicity, disability in people[:variants]:
        services.variant_save(
            scenario=scenario,
            actor=tenant.trainer,
            label=label,
            patient_name=name,
            language=language,
            age=age,
            ethnicity=ethnicity,
            disability=disability,
            context="Has a new job.",
        )
    if publish:
        services.scenario_publish(scenario=scenario, actor=tenant.trainer, published=True)
    return scenario


def choice(attempt: ScenarioAttempt, text_start: str) -> ScenarioChoice:
    return ScenarioChoice.objects.get(step=attempt.current_step, text__startswith=text_start)


def play(attempt: ScenarioAttempt, worker: User, *starts: str) -> ScenarioAttempt:
    for start in starts:
        attempt = services.attempt_choose(
            attempt=attempt, worker=worker, choice_id=choice(attempt, start).pk
        )
    return attempt


# --- the script ---------------------------------------------------------------------------


def test_a_script_parses_into_steps_with_scored_linked_choices() -> None:
    steps = parse_script(SCRIPT)
    assert [s.key for s in steps] == ["greet", "offer", "confirm"]
    first = steps[0].choices[0]
    assert (first.text, first.score, first.next_key, first.feedback) == (
        "Ask for name and date of birth",
        2,
        "offer",
        "Good: verify first.",
    )
    assert steps[0].choices[2].next_key is None  # no arrow: the scenario ends
    assert steps[1].choices[1].next_key is None  # "-> end" also ends
    assert steps[1].prompt == "{patient} is verified. {context}\nWhich slots do you offer?"
    assert steps[2].choices[1].feedback == ""


def test_a_saved_script_renders_back_to_a_script_that_parses_the_same(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    rendered = services.scenario_script(scenario)
    assert rendered.startswith("[greet] {patient} calls")
    assert "- Read out the appointment details straight away (-2) -> offer | Never" in rendered
    assert "- Confirm verbally (0)\n" in rendered
    again = parse_script(rendered)
    assert services._shape(again) == services._shape(parse_script(SCRIPT))
    assert [s.prompt for s in again] == [s.prompt for s in parse_script(SCRIPT)]
    assert (
        services.scenario_script(
            services.scenario_save(
                tenant=tenant_a.bpo,
                actor=tenant_a.trainer,
                title="Copy",
                summary="",
                script=rendered,
            )
        )
        == rendered
    )


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("[a] Hi\n- Go (+1) -> nowhere", "Line 2: there is no step [nowhere]"),
        (
            "[a] Hi\n- Go (+1)\n[a] Again\n- Go (+1)",
            "Line 3: step [a] is already defined on line 1",
        ),
        ("[a] Hi\n- Go (+1) -> b\n[b] Stuck", "Line 3: step [b] has no choices"),
        ("[a] Hi\n- Go (+1)\n[b] Lost\n- Go (+1)", "Line 3: step [b] cannot be reached"),
        (
            "[a] Hi\n- Go (+1) -> b\n[b] Back\n- Loop (+1) -> a",
            "Line 4: this choice leads back to [a]",
        ),
        ("[a] Hi\n- Go without a score -> b", "Line 2: a choice reads"),
        ("Hello there\n[a] Hi\n- Go (+1)", "Line 1: start the script with a step"),
        ("[a] Hi {doctor}\n- Go (+1)", "Line 1: unknown placeholder {doctor}"),
        ("[a b] Hi\n- Go (+1)", "Line 1: a step key is"),
        ("[a] Hi\n- Go (+500)", "Line 2: scores run from"),
        ("[a] Hi\n- Go (+1)\nstray words", "Line 3: after a step's choices"),
        ("[a] Hi\n- Go (-1)", "The best path scores nothing"),
        ("", "Write at least one step"),
    ],
)
def test_script_errors_name_the_line_and_the_problem(script: str, message: str) -> None:
    errors = script_errors(script)
    assert any(error.startswith(message) for error in errors), errors


def test_a_bad_script_saves_nothing(tenant_a: Tenant) -> None:
    with pytest.raises(ValidationError) as raised:
        services.scenario_save(
            tenant=tenant_a.bpo, actor=tenant_a.trainer, title="", summary="", script="[a] Hi"
        )
    assert set(raised.value.message_dict) == {"title", "script"}
    assert not Scenario.objects.exists()


def test_max_score_is_the_best_total_along_any_branch(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    # greet +2 -> offer +3 -> confirm +2 beats ending early at greet or offer.
    assert services.max_score(scenario) == 7
    branchy = services.scenario_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.trainer,
        title="Branches",
        summary="",
        script="[a] A\n- Short (+5) -> b\n- Long (+1) -> c\n"
        "[b] B\n- End (+1)\n"
        "[c] C\n- On (+4) -> d\n- Off (+9)\n"
        "[d] D\n- End (+3)\n",
    )
    assert services.max_score(branchy) == 10  # a -> c (+1) -> Off (+9)


# --- editing with attempts ----------------------------------------------------------------


def test_a_scenario_with_attempts_refuses_structural_edits_but_takes_rewording(
    tenant_a: Tenant,
) -> None:
    scenario = make_scenario(tenant_a)
    services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    with pytest.raises(ValidationError) as raised:
        services.scenario_save(
            tenant=tenant_a.bpo,
            actor=tenant_a.trainer,
            scenario=scenario,
            title="Moving an appointment",
            summary="",
            script=SCRIPT.replace("(+3)", "(+4)"),
        )
    assert raised.value.message_dict["script"][0].startswith("1 attempt exist")
    assert "copy the scenario" in raised.value.message_dict["script"][0]
    assert services.max_score(scenario) == 7
    services.scenario_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.trainer,
        scenario=scenario,
        title="Rescheduling",
        summary="",
        script=SCRIPT.replace("Good: verify first.", "Good: always verify first."),
    )
    scenario.refresh_from_db()
    assert scenario.title == "Rescheduling"
    assert ScenarioChoice.objects.filter(feedback="Good: always verify first.").exists()


def test_a_copy_has_the_steps_and_variants_and_can_change_freely(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    copy = services.scenario_copy(scenario=scenario, actor=tenant_a.trainer)
    assert copy.title == "Copy of Moving an appointment" and not copy.is_published
    assert services.scenario_script(copy) == services.scenario_script(scenario)
    assert list(copy.variants.values_list("label", flat=True)) == ["English, 34", "Spanish, 72"]
    services.scenario_save(
        tenant=tenant_a.bpo,
        actor=tenant_a.trainer,
        scenario=copy,
        title=copy.title,
        summary="",
        script=SCRIPT.replace("(+3)", "(+4)"),
    )
    assert services.max_score(copy) == 8
    assert services.max_score(scenario) == 7


# --- variants and publishing --------------------------------------------------------------


def test_publishing_needs_two_variants(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, variants=1, publish=False)
    with pytest.raises(ValidationError, match="at least two variants"):
        services.scenario_publish(scenario=scenario, actor=tenant_a.trainer, published=True)
    scenario.refresh_from_db()
    assert not scenario.is_published
    make_scenario(tenant_a, variants=2, publish=True)
    assert AuditEvent.objects.filter(event="workforce.scenario.published").count() == 1


def test_a_variant_label_is_unique_within_its_scenario(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    with pytest.raises(ValidationError) as raised:
        services.variant_save(
            scenario=scenario,
            actor=tenant_a.trainer,
            label="spanish, 72",
            patient_name="Someone",
            language="Spanish",
            age=None,
            ethnicity="",
            disability="",
            context="",
        )
    assert "already has a variant labelled" in raised.value.message_dict["label"][0]


def test_an_attempted_variant_cannot_be_deleted_or_changed(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, variants=3)
    attempt = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    with pytest.raises(ValidationError, match="stays on record"):
        services.variant_delete(variant=attempt.variant, actor=tenant_a.trainer)
    with pytest.raises(ValidationError, match="only its label may change"):
        services.variant_save(
            scenario=scenario,
            actor=tenant_a.trainer,
            variant=attempt.variant,
            label=attempt.variant.label,
            patient_name="Someone else",
            language="English",
            age=34,
            ethnicity="",
            disability="",
            context="Has a new job.",
        )
    unused = scenario.variants.exclude(pk=attempt.variant.pk).first()
    assert unused is not None
    services.variant_delete(variant=unused, actor=tenant_a.trainer)
    assert scenario.variants.count() == 2
    last = scenario.variants.exclude(pk=attempt.variant.pk).get()
    with pytest.raises(ValidationError, match="keeps at least two variants"):
        services.variant_delete(variant=last, actor=tenant_a.trainer)


# --- attempts -----------------------------------------------------------------------------


def test_step_text_fills_known_placeholders_and_leaves_the_rest(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    step = scenario.steps.get(key="greet")
    variant = scenario.variants.get(label="Spanish, 72")
    assert services.step_text(step, variant) == (
        "Rosa Morales calls asking to move an appointment. They speak Spanish."
    )
    step.prompt = "{patient} ({age}) {unknown} {patient.__class__} {0} { stray"
    assert services.step_text(step, variant) == (
        "Rosa Morales (72) {unknown} {patient.__class__} {0} { stray"
    )


def test_an_attempt_picks_the_variant_the_worker_has_practised_least(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a, variants=3)
    vma = tenant_a.vma
    seen = []
    for _ in range(4):
        attempt = services.attempt_start(scenario=scenario, worker=vma)
        seen.append(attempt.variant.label)
        play(attempt, vma, "Ask them to call back")  # ends at once
    # Ties go by label; after one of each the rotation starts again.
    assert seen == ["English, 34", "Spanish, 72", "Tagalog, 45", "English, 34"]


def test_an_unfinished_attempt_is_resumed_not_duplicated(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    first = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    again = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    assert again.pk == first.pk
    assert ScenarioAttempt.objects.count() == 1


def test_scores_add_up_along_the_path_taken_and_the_attempt_completes(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    attempt = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    assert attempt.max_score == 7
    attempt = play(attempt, tenant_a.vma, "Read out", "Offer an interpreter")
    assert attempt.score == 1 and attempt.completed_at is None
    assert attempt.current_step is not None and attempt.current_step.key == "confirm"
    attempt = play(attempt, tenant_a.vma, "Confirm by text")
    assert attempt.score == 3 and attempt.completed_at is not None
    assert [(e["step"], e["score"]) for e in attempt.path] == [
        ("greet", -2),
        ("offer", 3),
        ("confirm", 2),
    ]
    assert attempt.path[0]["feedback"] == "Never disclose before verifying."
    assert AuditEvent.objects.filter(event="workforce.scenario.attempt-completed").count() == 1
    with pytest.raises(ValidationError, match="already complete"):
        services.attempt_choose(
            attempt=attempt,
            worker=tenant_a.vma,
            choice_id=ScenarioChoice.objects.filter(step__key="confirm").first().pk,  # type: ignore[union-attr]
        )


def test_a_stale_choice_from_an_earlier_step_is_refused(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    attempt = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    stale = choice(attempt, "Ask for name")
    attempt = services.attempt_choose(attempt=attempt, worker=tenant_a.vma, choice_id=stale.pk)
    for bad in (stale.pk, "not-a-number", None, 10**30):
        with pytest.raises(ValidationError, match="That choice is not on this step"):
            services.attempt_choose(attempt=attempt, worker=tenant_a.vma, choice_id=bad)
    attempt.refresh_from_db()
    assert attempt.score == 2 and len(attempt.path) == 1


def test_only_published_scenarios_of_the_workers_vendor_can_be_attempted(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    draft = make_scenario(tenant_a, publish=False)
    with pytest.raises(ValidationError, match="not open for practice"):
        services.attempt_start(scenario=draft, worker=tenant_a.vma)
    published = make_scenario(tenant_a)
    with pytest.raises(ValidationError, match="not an active member"):
        services.attempt_start(scenario=published, worker=tenant_b.vma)
    attempt = services.attempt_start(scenario=published, worker=tenant_a.vma)
    with pytest.raises(ValidationError, match="someone else's"):
        services.attempt_choose(
            attempt=attempt, worker=tenant_a.supervisor, choice_id=choice(attempt, "Ask for").pk
        )


# --- results ------------------------------------------------------------------------------


def vendor_workers(tenant: Tenant, count: int, *, group: str = "w") -> list[User]:
    people = []
    for index in range(count):
        user = UserFactory(email=f"{group}{index}.{tenant.label.lower()}@example.test")
        MembershipFactory(user=user, organization=tenant.bpo, role=Role.VMA, team=tenant.team)
        people.append(user)
    return people


def finish(scenario: Scenario, worker: User, variant: ScenarioVariant, *starts: str) -> None:
    play(services.attempt_start(scenario=scenario, worker=worker, variant=variant), worker, *starts)


BEST = ("Ask for name", "Offer an interpreter", "Confirm by text")  # 7 of 7: 100%
POOR = ("Read out", "Offer the first slot")  # -1 of 7


def results_of(scenario: Scenario, **kwargs: Any) -> dict[str, Any]:
    return scenario_results(scenario=scenario, **kwargs)


def test_results_per_variant_and_per_worker(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    english, spanish = scenario.variants.order_by("label")
    finish(scenario, tenant_a.vma, english, *BEST)
    finish(scenario, tenant_a.vma, spanish, *POOR)
    finish(scenario, tenant_a.supervisor, spanish, *BEST)
    services.attempt_start(scenario=scenario, worker=tenant_a.trainer, variant=english)
    results = results_of(scenario)
    rows = {r["variant"].label: r for r in results["variants"]}
    assert rows["English, 34"]["attempts"] == 1 and rows["English, 34"]["unfinished"] == 1
    assert rows["English, 34"]["mean_percent"] == 100.0
    assert rows["Spanish, 72"]["mean_percent"] == round((100 + 100 * -1 / 7) / 2, 1)
    matrix = {r["worker"].pk: [c["mean_percent"] for c in r["cells"]] for r in results["workers"]}
    assert matrix[tenant_a.vma.pk] == [100.0, round(-100 / 7, 1)]
    assert matrix[tenant_a.supervisor.pk] == [None, 100.0]
    assert tenant_a.trainer.pk not in matrix  # unfinished attempts are not results
    limited = results_of(scenario, worker_ids={tenant_a.supervisor.pk})
    assert [r["worker"].pk for r in limited["workers"]] == [tenant_a.supervisor.pk]
    assert limited["variants"][0]["attempts"] == 0


def test_small_groups_are_too_few_to_compare_never_a_gap(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    english, spanish = scenario.variants.order_by("label")
    people = vendor_workers(tenant_a, 5)
    for person in people:
        finish(scenario, person, english, *BEST)
    for person in people[:4]:
        finish(scenario, person, spanish, *POOR)
    gap = results_of(scenario)["gap"]
    assert gap["points"] is None and not gap["flagged"]
    assert gap["too_few"] == ["Spanish, 72"] and gap["compared"] == ["English, 34"]
    rows = results_of(scenario)["variants"]
    assert [r["comparable"] for r in rows] == [True, False]


def test_a_gap_over_fifteen_points_between_full_groups_is_flagged(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    english, spanish = scenario.variants.order_by("label")
    people = vendor_workers(tenant_a, 5)
    for person in people:
        finish(scenario, person, english, *BEST)
        finish(scenario, person, spanish, *POOR)
    gap = results_of(scenario)["gap"]
    assert gap["flagged"] and gap["high"] == "English, 34" and gap["low"] == "Spanish, 72"
    assert gap["points"] == round(100 - round(-100 / 7, 1), 1)


def test_a_gap_within_fifteen_points_is_shown_but_not_flagged(tenant_a: Tenant) -> None:
    scenario = make_scenario(tenant_a)
    english, spanish = scenario.variants.order_by("label")
    people = vendor_workers(tenant_a, 5)
    for person in people:
        finish(scenario, person, english, *BEST)
        # greet +2, offer +3, confirm verbally 0: 5 of 7
        finish(
            scenario, person, spanish, "Ask for name", "Offer an interpreter", "Confirm verbally"
        )
    people_gap = results_of(scenario)["gap"]
    assert people_gap["points"] == round(100 - 500 / 7, 1) and people_gap["points"] > 15
    assert people_gap["flagged"]
    # Mix in better Spanish results until the means are close.
    for person in vendor_workers(tenant_a, 5, group="more"):
        finish(scenario, person, spanish, *BEST)
    gap = results_of(scenario)["gap"]
    assert gap["points"] is not None and gap["points"] <= 15 and not gap["flagged"]
