"""factory_boy factories for Steward's models. Build through services where an invariant
lives there; these make plain rows for tests that need many."""

from __future__ import annotations

import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from steward.accounts.models import User
from steward.tenancy.models import (
    AgreementStatus,
    BusinessAssociateAgreement,
    Membership,
    Organization,
    Team,
)
from steward.tenancy.roles import OrganizationKind

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    full_name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def email_address(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    kind = OrganizationKind.COVERED_ENTITY
    legal_name = factory.Sequence(lambda n: f"Practice {n}, P.C.")
    short_name = factory.Sequence(lambda n: f"Practice {n}")
    time_zone = "America/New_York"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory, kind=OrganizationKind.BUSINESS_ASSOCIATE)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "client-admin"
    valid_from = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessAssociateAgreement

    covered_entity = factory.SubFactory(OrganizationFactory)
    business_associate = factory.SubFactory(
        OrganizationFactory, kind=OrganizationKind.BUSINESS_ASSOCIATE
    )
    status = AgreementStatus.ACTIVE
    signed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=60))  # noqa: DTZ011
    effective_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))  # noqa: DTZ011
