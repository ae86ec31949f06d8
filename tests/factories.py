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
from statusboard.notifications.models import (
    EmailSubscriber,
    EventType,
    NotificationEvent,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
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


class EmailSubscriberFactory(DjangoModelFactory):
    class Meta:
        model = EmailSubscriber
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"subscriber{n}@example.com")
    page_url = "https://status.example.com/"

    @factory.post_generation
    def services(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[ServiceGroup] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(extracted)


class WebhookFactory(DjangoModelFactory):
    """A webhook; its URL is not validated on save, so tests pick any."""

    class Meta:
        model = Webhook
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Webhook {n}")
    url = factory.Sequence(lambda n: f"https://hooks.example.com/{n}")

    @factory.post_generation
    def services(self, create: bool, extracted: list[Service] | None, **kwargs: object) -> None:
        if create and extracted:
            self.services.set(extracted)

    @factory.post_generation
    def groups(self, create: bool, extracted: list[ServiceGroup] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set(extracted)


class NotificationEventFactory(DjangoModelFactory):
    class Meta:
        model = NotificationEvent

    event_type = EventType.INCIDENT_CREATED
    payload = factory.LazyAttribute(
        lambda event: {"version": "1", "type": str(event.event_type), "services": []}
    )


class WebhookDeliveryFactory(DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    event = factory.SubFactory(NotificationEventFactory)
    webhook = factory.SubFactory(WebhookFactory)
    next_attempt_at = factory.LazyFunction(timezone.now)


class WebhookAttemptFactory(DjangoModelFactory):
    class Meta:
        model = WebhookAttempt

    delivery = factory.SubFactory(WebhookDeliveryFactory)
    number = 1
    status_code = 200
    duration_ms = 12
