"""Scenario pages: trainers author, every worker practises, result readers compare variants."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from steward.accounts.models import User
from steward.workforce.models import Scenario, ScenarioAttempt, ScenarioChoice
from steward.workforce.services import scenarios as services
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Tenant
from tests.workforce.test_scenarios import BEST, SCRIPT, finish, make_scenario


def url(name: str, *args: Any) -> str:
    return reverse(f"workforce:{name}", args=args)


def test_a_trainer_sees_authoring_and_a_vma_only_practice(
    tenant_a: Tenant, signed_in: Any, django_assert_max_num_queries: Any
) -> None:
    published = make_scenario(tenant_a)
    draft = make_scenario(tenant_a, publish=False)
    draft.title = "Unfinished draft"
    draft.save()
    services.attempt_start(scenario=published, worker=tenant_a.vma)
    page = signed_in(tenant_a.trainer).get(url("scenarios"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "New scenario" in body and "Unfinished draft" in body
    assert url("scenario-edit", draft.pk) in body
    client = signed_in(tenant_a.vma)
    with django_assert_max_num_queries(30):
        body = client.get(url("scenarios")).content.decode()
    assert "New scenario" not in body and "Unfinished draft" not in body
    assert "Moving an appointment" in body and "in progress, continue" in body


def test_a_trainer_writes_a_scenario_and_script_errors_show_on_the_form(
    tenant_a: Tenant, signed_in: Any
) -> None:
    client = signed_in(tenant_a.trainer)
    bad = client.post(
        url("scenario-new"),
        {"title": "Moving", "summary": "", "script": "[a] Hi\n- Go (+1) -> nowhere"},
    )
    assert bad.status_code == 400
    assert "Line 2: there is no step [nowhere]" in bad.content.decode()
    assert not Scenario.objects.exists()
    good = client.post(url("scenario-new"), {"title": "Moving", "summary": "", "script": SCRIPT})
    scenario = Scenario.objects.get()
    assert good.status_code == 302 and good["Location"] == url("scenario", scenario.pk)
    assert scenario.author == tenant_a.trainer
    edit = client.get(url("scenario-edit", scenario.pk)).content.decode()
    assert "[greet] {patient} calls asking to move an appointment." in edit


def test_an_edit_that_changes_structure_after_attempts_is_refused_on_the_form(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    response = signed_in(tenant_a.trainer).post(
        url("scenario-edit", scenario.pk),
        {"title": scenario.title, "summary": "", "script": SCRIPT.replace("(+3)", "(+9)")},
    )
    assert response.status_code == 400
    assert "1 attempt exist" in response.content.decode()
    assert services.max_score(scenario) == 7


def test_variants_are_added_on_the_scenario_page_with_clear_errors(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a, variants=0, publish=False)
    client = signed_in(tenant_a.trainer)
    variant = {
        "label": "Deaf caller",
        "patient_name": "Sam Lee",
        "language": "English",
        "age": "29",
        "ethnicity": "",
        "disability": "Deaf, uses a relay service",
        "context": "",
    }
    assert client.post(url("scenario", scenario.pk), variant).status_code == 302
    duplicate = client.post(url("scenario", scenario.pk), {**variant, "label": "deaf caller"})
    assert duplicate.status_code == 400
    assert "already has a variant labelled" in duplicate.content.decode()
    bad_age = client.post(url("scenario", scenario.pk), {**variant, "label": "X", "age": "old"})
    assert bad_age.status_code == 400
    assert scenario.variants.count() == 1
    refused = client.post(url("scenario-publish", scenario.pk), {"published": "1"}, follow=True)
    assert "at least two variants" in refused.content.decode()
    scenario.refresh_from_db()
    assert not scenario.is_published
    client.post(url("scenario", scenario.pk), {**variant, "label": "Hearing caller"})
    client.post(url("scenario-publish", scenario.pk), {"published": "1"})
    scenario.refresh_from_db()
    assert scenario.is_published


def test_a_vma_cannot_author(tenant_a: Tenant, signed_in: Any) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    client = signed_in(tenant_a.vma)
    assert client.get(url("scenario-new")).status_code == 403
    assert client.get(url("scenario-edit", scenario.pk)).status_code == 403
    assert client.get(url("scenario", scenario.pk)).status_code == 403
    assert client.post(url("scenario-publish", scenario.pk), {"published": "1"}).status_code == 403
    assert client.post(url("scenario-copy", scenario.pk)).status_code == 403
    assert client.get(url("scenario-results", scenario.pk)).status_code == 403
    scenario.refresh_from_db()
    assert not scenario.is_published


def test_a_supervisor_reads_a_scenario_but_cannot_add_variants(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    client = signed_in(tenant_a.supervisor)
    page = client.get(url("scenario", scenario.pk))
    assert page.status_code == 200 and "Add a variant" not in page.content.decode()
    posted = client.post(
        url("scenario", scenario.pk), {"label": "X", "patient_name": "Y", "language": "English"}
    )
    assert posted.status_code == 403
    assert scenario.variants.count() == 2


def test_copy_leads_to_editing_the_copy(tenant_a: Tenant, signed_in: Any) -> None:
    scenario = make_scenario(tenant_a)
    response = signed_in(tenant_a.trainer).post(url("scenario-copy", scenario.pk))
    copy = Scenario.objects.exclude(pk=scenario.pk).get()
    assert response["Location"] == url("scenario-edit", copy.pk)


def test_a_worker_plays_a_scenario_through_to_the_end(tenant_a: Tenant, signed_in: Any) -> None:
    scenario = make_scenario(tenant_a)
    client = signed_in(tenant_a.vma)
    started = client.post(url("scenario-start", scenario.pk))
    attempt = ScenarioAttempt.objects.get()
    assert started["Location"] == url("scenario-play", attempt.pk)
    page = client.get(started["Location"]).content.decode()
    assert "Dana Reyes calls asking to move an appointment. They speak English." in page
    assert "Ask for name and date of birth" in page
    for start in BEST:
        attempt.refresh_from_db()
        pick = ScenarioChoice.objects.get(step=attempt.current_step, text__startswith=start)
        client.post(url("scenario-play", attempt.pk), {"choice_id": pick.pk})
    page = client.get(url("scenario-play", attempt.pk)).content.decode()
    assert "7 of 7" in page and "Clear and accessible." in page
    assert "Language access is their right." in page  # the feedback trail


def test_a_double_submitted_choice_is_refused_with_a_message(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    client = signed_in(tenant_a.vma)
    client.post(url("scenario-start", scenario.pk))
    attempt = ScenarioAttempt.objects.get()
    pick = ScenarioChoice.objects.get(step=attempt.current_step, text__startswith="Ask for")
    client.post(url("scenario-play", attempt.pk), {"choice_id": pick.pk})
    again = client.post(url("scenario-play", attempt.pk), {"choice_id": pick.pk}, follow=True)
    assert "That choice is not on this step" in again.content.decode()
    attempt.refresh_from_db()
    assert attempt.score == 2


def test_only_the_attempts_worker_may_open_it(
    tenant_a: Tenant, tenant_b: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    attempt = services.attempt_start(scenario=scenario, worker=tenant_a.vma)
    for outsider in (tenant_a.supervisor, tenant_a.trainer, tenant_b.vma):
        client = signed_in(outsider)
        assert client.get(url("scenario-play", attempt.pk)).status_code == 404
        assert client.post(url("scenario-play", attempt.pk), {"choice_id": 1}).status_code == 404
    assert signed_in(tenant_a.client_admin).get(url("scenarios")).status_code == 403


def test_another_vendors_people_get_404_on_a_scenario(
    tenant_a: Tenant, tenant_b: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    trainer_b = signed_in(tenant_b.trainer)
    for name in ("scenario", "scenario-edit", "scenario-results"):
        assert trainer_b.get(url(name, scenario.pk)).status_code == 404
    for name in ("scenario-publish", "scenario-copy", "scenario-start"):
        assert trainer_b.post(url(name, scenario.pk), {"published": "0"}).status_code == 404
    assert signed_in(tenant_b.vma).post(url("scenario-start", scenario.pk)).status_code == 404
    scenario.refresh_from_db()
    assert scenario.is_published and not scenario.attempts.exists()


def test_an_unpublished_scenario_cannot_be_started(tenant_a: Tenant, signed_in: Any) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    assert signed_in(tenant_a.vma).post(url("scenario-start", scenario.pk)).status_code == 404


def outside_worker(tenant: Tenant) -> User:
    """A VMA on a team the tenant's supervisor does not lead."""
    user = UserFactory(
        email=f"elsewhere.{tenant.label.lower()}@example.test", full_name="Elsewhere"
    )
    MembershipFactory(user=user, organization=tenant.bpo, role="vma", team=None)
    return user


def test_results_show_variants_workers_and_the_gap_line(tenant_a: Tenant, signed_in: Any) -> None:
    scenario = make_scenario(tenant_a)
    english, spanish = scenario.variants.order_by("label")
    elsewhere = outside_worker(tenant_a)
    finish(scenario, tenant_a.vma, english, *BEST)
    finish(scenario, elsewhere, spanish, *BEST)
    page = signed_in(tenant_a.trainer).get(url("scenario-results", scenario.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Too few to compare." in body and "bar-chart" in body
    assert "Vma A" in body and "Elsewhere" in body
    supervisor_view = signed_in(tenant_a.supervisor).get(url("scenario-results", scenario.pk))
    body = supervisor_view.content.decode()
    assert "Vma A" in body and "Elsewhere" not in body
    assert "Only the workers you supervise are shown." in body


def test_malformed_ids_and_choices_give_404s_and_messages_not_errors(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a)
    trainer = signed_in(tenant_a.trainer)
    for bad in ("abc", "99999999999999999999", "0"):
        assert trainer.get(url("scenario", scenario.pk) + f"?variant={bad}").status_code == 404
    huge = reverse("workforce:scenario-variant-delete", args=[scenario.pk, 10**20])
    assert trainer.post(huge).status_code == 404
    client = signed_in(tenant_a.vma)
    client.post(url("scenario-start", scenario.pk))
    attempt = ScenarioAttempt.objects.get()
    for junk in ("", "x", "-1", str(10**25)):
        page = client.post(url("scenario-play", attempt.pk), {"choice_id": junk}, follow=True)
        assert page.status_code == 200
        assert "That choice is not on this step" in page.content.decode()
    attempt.refresh_from_db()
    assert attempt.path == []


def test_a_trainer_edits_a_variant_from_its_prefilled_form(
    tenant_a: Tenant, signed_in: Any
) -> None:
    scenario = make_scenario(tenant_a, publish=False)
    variant = scenario.variants.get(label="Spanish, 72")
    client = signed_in(tenant_a.trainer)
    form = client.get(url("scenario", scenario.pk) + f"?variant={variant.pk}").content.decode()
    assert 'value="Rosa Morales"' in form
    client.post(
        url("scenario", scenario.pk),
        {
            "variant_id": variant.pk,
            "label": "Spanish, 80",
            "patient_name": "Rosa Morales",
            "language": "Spanish",
            "age": "80",
        },
    )
    variant.refresh_from_db()
    assert (variant.label, variant.age, variant.disability) == ("Spanish, 80", 80, "")
