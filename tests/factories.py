"""One factory per model, each building the smallest valid object."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from statusboard.models import (
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("password")

    class Params:
        staff = factory.Trait(is_staff=True)
        superuser = factory.Trait(is_staff=True, is_superuser=True)


class ServiceGroupFactory(DjangoModelFactory):
    class Meta:
        model = ServiceGroup

    name = factory.Sequence(lambda n: f"Group {n}")


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")

    class Params:
        down = factory.Trait(status=ServiceStatus.MAJOR_OUTAGE)
        hidden = factory.Trait(public=False)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[ServiceGroup] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(extracted)


class ServiceStatusChangeFactory(DjangoModelFactory):
    class Meta:
        model = ServiceStatusChange

    service = factory.SubFactory(ServiceFactory)
    old_status = ServiceStatus.OPERATIONAL
    new_status = ServiceStatus.MAJOR_OUTAGE


class IncidentFactory(DjangoModelFactory):
    class Meta:
        model = Incident
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Incident {n}")

    @factory.post_generation
    def services(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)


class IncidentUpdateFactory(DjangoModelFactory):
    class Meta:
        model = IncidentUpdate

    incident = factory.SubFactory(IncidentFactory)
    status = IncidentStatus.INVESTIGATING
    description = "We are looking into it."

    class Params:
        fixed = factory.Trait(status=IncidentStatus.FIXED, description="It is fixed.")


class MaintenanceFactory(DjangoModelFactory):
    class Meta:
        model = Maintenance
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Maintenance {n}")
    scheduled = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))

    class Params:
        ongoing = factory.Trait(
            scheduled=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
            end=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=1)),
        )
        completed = factory.Trait(
            scheduled=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
            end=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
        )

    @factory.post_generation
    def services(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)
