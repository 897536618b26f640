from __future__ import annotations

from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command

from steward.accounts.models import User
from steward.tenancy.models import AgreementStatus, BusinessAssociateAgreement, Membership, Team
from steward.tenancy.roles import Role


def test_seed_builds_a_coherent_world_once() -> None:
    output = StringIO()
    call_command("seed_demo", stdout=output, verbosity=0)
    assert "supervisor.maple@bayanihan.demo" in output.getvalue()
    assert "demo_code EMAIL" in output.getvalue()
    counts = (User.objects.count(), Membership.objects.count(), Team.objects.count())
    call_command("seed_demo", stdout=StringIO(), verbosity=0)
    assert (User.objects.count(), Membership.objects.count(), Team.objects.count()) == counts

    assert Team.objects.count() == 3
    assert Membership.objects.filter(role=Role.VMA, is_active=True).count() == 20
    assert Membership.objects.filter(role=Role.VMA, is_active=False).count() == 1  # offboarded
    agreements = BusinessAssociateAgreement.objects.filter(status=AgreementStatus.ACTIVE)
    assert agreements.count() == 2
    assert all(a.in_force() for a in agreements)
    zones = set(agreements.values_list("covered_entity__time_zone", flat=True))
    assert zones == {"America/New_York", "America/Los_Angeles"}
    staff = (
        User.objects.filter(memberships__is_active=True)
        .exclude(memberships__role=Role.PATIENT)
        .distinct()
    )
    enrolled = set(Authenticator.objects.filter(type="totp").values_list("user_id", flat=True))
    assert all(user.pk in enrolled for user in staff)
    for team in Team.objects.all():
        assert team.supervisor is not None


def test_demo_code_prints_a_six_digit_code() -> None:
    call_command("seed_demo", stdout=StringIO(), verbosity=0)
    output = StringIO()
    call_command("demo_code", "supervisor.maple@bayanihan.demo", stdout=output)
    code = output.getvalue().split()[0]
    assert code.isdigit()
    assert len(code) == 6


def test_demo_tools_refuse_outside_development(settings: object) -> None:
    settings.STEWARD_DEMO_TOOLS = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="STEWARD_DEMO_TOOLS"):
        call_command("seed_demo", stdout=StringIO())
    with pytest.raises(CommandError, match="STEWARD_DEMO_TOOLS"):
        call_command("demo_code", "x@example.test")


def test_demo_code_for_unknown_address_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No account"):
        call_command("demo_code", "nobody@example.test")


def test_each_practice_has_a_portal_patient() -> None:
    from steward.vault.models import Patient

    call_command("seed_demo", stdout=StringIO(), verbosity=0)
    linked = Patient.objects.filter(portal_user__isnull=False).select_related("portal_user")
    assert sorted(p.portal_user.email for p in linked) == [
        "patient@maplegrove.demo",
        "patient@sunnyhills.demo",
    ]
    assert Patient.objects.count() == 600
