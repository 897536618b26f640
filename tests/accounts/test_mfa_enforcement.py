"""MFA is mandatory for staff: without a second factor only enrolment and logout are reachable."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from steward.tenancy.middleware import ENROLMENT_URLS
from tests.conftest import sign_in
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.urlwalk import walk

ENROLMENT_TARGET = reverse("mfa_activate_totp")


@pytest.fixture
def staff_without_mfa() -> object:
    user = UserFactory()
    MembershipFactory(user=user, organization=OrganizationFactory(), role="practitioner")
    return user


def test_every_url_pattern_is_closed_to_staff_without_mfa(
    client: Client, staff_without_mfa: object
) -> None:
    sign_in(client, staff_without_mfa, mfa=False)  # type: ignore[arg-type]
    walked = list(walk())
    assert len(walked) > 40, "the walk should see the whole project"
    reachable = []
    for url in walked:
        if url.name in ENROLMENT_URLS:
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url.path)
            if url.path.startswith("/api/"):
                ok = response.status_code == 403 and response.json()["reason"] == (
                    "mfa-enrolment-required"
                )
            else:
                ok = response.status_code == 302 and response.url == ENROLMENT_TARGET
            if not ok:
                reachable.append((method, url.path, url.name, response.status_code))
    assert reachable == []


def test_enrolment_and_logout_stay_reachable(client: Client, staff_without_mfa: object) -> None:
    sign_in(client, staff_without_mfa, mfa=False)  # type: ignore[arg-type]
    assert client.get(ENROLMENT_TARGET).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("web:dashboard")).status_code == 302  # now signed out


def test_enrolled_staff_whose_session_skipped_mfa_must_verify(
    client: Client, tenant_a: object
) -> None:
    user = tenant_a.vma  # type: ignore[attr-defined]
    sign_in(client, user, mfa=False)
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_reauthenticate"))


def test_patients_are_offered_mfa_but_not_forced_by_default(
    client: Client, tenant_a: object
) -> None:
    sign_in(client, tenant_a.patient, mfa=False)  # type: ignore[attr-defined]
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 200
    assert b"Set it up now" in response.content


def test_practice_can_require_mfa_for_patients(client: Client, tenant_a: object) -> None:
    practice = tenant_a.practice  # type: ignore[attr-defined]
    practice.patient_mfa = "required"
    practice.save()
    sign_in(client, tenant_a.patient, mfa=False)  # type: ignore[attr-defined]
    response = client.get(reverse("web:dashboard"))
    assert response.status_code == 302
    assert response.url == ENROLMENT_TARGET


def test_staff_with_mfa_reach_their_dashboard(client: Client, tenant_a: object) -> None:
    sign_in(client, tenant_a.supervisor)  # type: ignore[attr-defined]
    assert client.get(reverse("web:dashboard")).status_code == 200
