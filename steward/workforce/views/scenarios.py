"""Workforce pages: scenario simulations (authoring, practice, results)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from steward.core.charts import bars
from steward.core.forms import errors_to_form, submit
from steward.core.pagination import paginate
from steward.tenancy.models import Organization
from steward.tenancy.roles import Role
from steward.workforce.forms.scenarios import ScenarioForm, VariantForm
from steward.workforce.models import Scenario, ScenarioAttempt, ScenarioVariant
from steward.workforce.services import scenario_results as results_service
from steward.workforce.services import scenarios as services
from steward.workforce.views.common import (
    RESULT_READERS,
    TRAINERS,
    object_in_vendor,
    supervised_user_ids,
    user_of,
    vendor_membership,
    vendor_of,
)


def _scenario(vendor: Organization, scenario_id: Any, **filters: Any) -> Scenario:
    scenario = object_in_vendor(Scenario.objects.all(), vendor, scenario_id, **filters)
    assert isinstance(scenario, Scenario)  # noqa: S101 - object_in_vendor returns a row of it
    return scenario


def _variant(scenario: Scenario, variant_id: Any) -> ScenarioVariant:
    """A variant of this scenario; the same 404 for malformed, missing and another's."""
    text = str(variant_id)
    variant = (
        scenario.variants.filter(pk=int(text)).first()
        if text.isdigit() and len(text) < 10
        else None
    )
    if variant is None:
        raise Http404("No such variant.")
    return variant


def _messages_of(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def scenario_list(request: HttpRequest) -> HttpResponse:
    membership = vendor_membership(request)
    vendor, user = membership.organization, user_of(request)
    authoring = None
    if membership.role in TRAINERS:
        authoring = paginate(
            request,
            Scenario.objects.filter(tenant=vendor)
            .annotate(
                step_count=Count("steps", distinct=True),
                variant_count=Count("variants", distinct=True),
                attempt_count=Count("attempts", distinct=True),
            )
            .order_by("title", "pk"),
        )
    mine: dict[Any, list[ScenarioAttempt]] = defaultdict(list)
    for attempt in ScenarioAttempt.objects.filter(
        worker=user, scenario__tenant=vendor
    ).select_related("variant"):
        mine[attempt.scenario_id].append(attempt)
    practice = [
        {"scenario": s, "attempts": mine[s.pk][:5], "count": len(mine[s.pk])}
        for s in Scenario.objects.filter(tenant=vendor, is_published=True)
    ]
    return render(
        request,
        "workforce/scenarios/list.html",
        {
            "authoring": authoring,
            "practice": practice,
            "reads_results": membership.role in RESULT_READERS,
        },
    )


def _edit(request: HttpRequest, scenario: Scenario | None) -> HttpResponse:
    vendor = vendor_of(request, TRAINERS)
    initial = {}
    if scenario is not None:
        initial = {
            "title": scenario.title,
            "summary": scenario.summary,
            "script": services.scenario_script(scenario),
        }
    form = ScenarioForm(request.POST or None, initial=initial)
    saved = submit(
        form,
        lambda f: services.scenario_save(
            tenant=vendor, actor=user_of(request), scenario=scenario, **f.cleaned_data
        ),
    )
    if saved is not None:
        messages.success(request, f"Saved “{saved.title}”.")
        return redirect("workforce:scenario", scenario_id=saved.pk)
    attempts = scenario.attempts.count() if scenario is not None else 0
    return render(
        request,
        "workforce/scenarios/form.html",
        {"form": form, "scenario": scenario, "attempts": attempts},
        status=400 if form.errors else 200,
    )


@login_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def scenario_edit(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    return _edit(request, _scenario(vendor_of(request, TRAINERS), scenario_id))


@login_required
def scenario_detail(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    """The scenario's steps and variants; trainers add and edit variants here."""
    membership = vendor_membership(request, RESULT_READERS)
    scenario = _scenario(membership.organization, scenario_id)
    is_trainer = membership.role in TRAINERS
    variant = None
    variant_id = request.POST.get("variant_id") or request.GET.get("variant")
    if variant_id:
        variant = _variant(scenario, variant_id)
    initial = {}
    if variant is not None:
        initial = {name: getattr(variant, name) for name in ("label", *services.VARIANT_FIELDS)}
        initial["variant_id"] = variant.pk
    form = VariantForm(request.POST or None, initial=initial)
    if request.method == "POST":
        vendor_membership(request, TRAINERS)
        if form.is_valid():
            values = {k: v for k, v in form.cleaned_data.items() if k != "variant_id"}
            try:
                services.variant_save(
                    scenario=scenario, actor=user_of(request), variant=variant, **values
                )
            except ValidationError as exc:
                errors_to_form(form, exc)
            else:
                messages.success(request, f"Saved the variant “{values['label']}”.")
                return redirect("workforce:scenario", scenario_id=scenario.pk)
    steps = scenario.steps.prefetch_related("choices__next_step")
    return render(
        request,
        "workforce/scenarios/detail.html",
        {
            "scenario": scenario,
            "steps": steps,
            "variants": scenario.variants.annotate(attempt_count=Count("attempts")),
            "max_score": services.max_score(scenario),
            "attempts": scenario.attempts.count(),
            "is_trainer": is_trainer,
            "form": form,
            "editing": variant,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def variant_delete(request: HttpRequest, scenario_id: Any, variant_id: int) -> HttpResponse:
    scenario = _scenario(vendor_of(request, TRAINERS), scenario_id)
    variant = _variant(scenario, variant_id)
    try:
        services.variant_delete(variant=variant, actor=user_of(request))
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, f"Removed the variant “{variant.label}”.")
    return redirect("workforce:scenario", scenario_id=scenario.pk)


@login_required
@require_POST
def scenario_publish(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _scenario(vendor_of(request, TRAINERS), scenario_id)
    published = request.POST.get("published") == "1"
    try:
        services.scenario_publish(scenario=scenario, actor=user_of(request), published=published)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, "Published." if published else "Withdrawn from practice.")
    return redirect("workforce:scenario", scenario_id=scenario.pk)


@login_required
@require_POST
def scenario_copy(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _scenario(vendor_of(request, TRAINERS), scenario_id)
    copy = services.scenario_copy(scenario=scenario, actor=user_of(request))
    messages.success(request, "Copied: this copy has no attempts, so every part can change.")
    return redirect("workforce:scenario-edit", scenario_id=copy.pk)


@login_required
@require_POST
def scenario_start(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    scenario = _scenario(vendor_of(request), scenario_id, is_published=True)
    try:
        attempt = services.attempt_start(scenario=scenario, worker=user_of(request))
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
        return redirect("workforce:scenarios")
    return redirect("workforce:scenario-play", attempt_id=attempt.pk)


@login_required
def scenario_play(request: HttpRequest, attempt_id: Any) -> HttpResponse:
    """One attempt, step by step; only its worker may open it."""
    attempt = object_in_vendor(
        ScenarioAttempt.objects.select_related("scenario", "variant", "current_step"),
        vendor_of(request),
        attempt_id,
        tenant_path="scenario__tenant",
        worker=user_of(request),
    )
    assert isinstance(attempt, ScenarioAttempt)  # noqa: S101
    if request.method == "POST":
        try:
            services.attempt_choose(
                attempt=attempt, worker=user_of(request), choice_id=request.POST.get("choice_id")
            )
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        return redirect("workforce:scenario-play", attempt_id=attempt.pk)
    step = attempt.current_step
    return render(
        request,
        "workforce/scenarios/play.html",
        {
            "attempt": attempt,
            "variant": attempt.variant,
            "step": step,
            "text": services.step_text(step, attempt.variant) if step else "",
            "choices": step.choices.all() if step else [],
            "last": attempt.path[-1] if attempt.path else None,
            "percent": results_service.percent(attempt.score, attempt.max_score),
        },
    )


@login_required
def scenario_results(request: HttpRequest, scenario_id: Any) -> HttpResponse:
    membership = vendor_membership(request, RESULT_READERS)
    scenario = _scenario(membership.organization, scenario_id)
    # A supervisor sees the workers they answer for; other readers see everyone.
    worker_ids = supervised_user_ids(membership) if membership.role == Role.SUPERVISOR else None
    results = results_service.scenario_results(scenario=scenario, worker_ids=worker_ids)
    chart = bars(
        (
            (row["variant"].label, max(0, round(row["mean_percent"])))
            for row in results["variants"]
            if row["mean_percent"] is not None
        ),
        top=100,
    )
    return render(
        request,
        "workforce/scenarios/results.html",
        {
            "scenario": scenario,
            "results": results,
            "chart": chart,
            "limited": worker_ids is not None,
        },
    )


urlpatterns: list[URLPattern] = [
    path("scenarios/", scenario_list, name="scenarios"),
    path("scenarios/new/", scenario_new, name="scenario-new"),
    path("scenarios/<uuid:scenario_id>/", scenario_detail, name="scenario"),
    path("scenarios/<uuid:scenario_id>/edit/", scenario_edit, name="scenario-edit"),
    path(
        "scenarios/<uuid:scenario_id>/variants/<int:variant_id>/delete/",
        variant_delete,
        name="scenario-variant-delete",
    ),
    path("scenarios/<uuid:scenario_id>/publish/", scenario_publish, name="scenario-publish"),
    path("scenarios/<uuid:scenario_id>/copy/", scenario_copy, name="scenario-copy"),
    path("scenarios/<uuid:scenario_id>/start/", scenario_start, name="scenario-start"),
    path("scenarios/<uuid:scenario_id>/results/", scenario_results, name="scenario-results"),
    path("scenarios/attempts/<uuid:attempt_id>/", scenario_play, name="scenario-play"),
]
