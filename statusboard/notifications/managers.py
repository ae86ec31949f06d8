"""Query logic of the notification models."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from statusboard.models import ServiceGroup


class SubscriberQuerySet(models.QuerySet):
    """Subscribers that choose services directly (``services``) or through
    groups (``groups``); choosing neither means everything."""

    def interested_in(self, service_ids: Collection[int]) -> SubscriberQuerySet:
        """Subscribers who want to hear about an event touching ``service_ids``.

        Those who chose nothing hear about everything; the others hear about
        events that touch one of their services, or a service of one of their
        groups. An event that touches no service reaches only the former.
        """
        from statusboard.models import Service, ServiceGroup

        opts = self.model._meta
        by_service = {opts.get_field("services").related_query_name(): models.OuterRef("pk")}
        by_group = {opts.get_field("groups").related_query_name(): models.OuterRef("pk")}
        chose_services = models.Exists(Service.objects.filter(**by_service))
        chose_groups = models.Exists(ServiceGroup.objects.filter(**by_group))
        condition = ~chose_services & ~chose_groups
        ids = list(service_ids)
        if ids:
            condition |= models.Exists(Service.objects.filter(pk__in=ids, **by_service))
            condition |= models.Exists(
                ServiceGroup.objects.filter(services__pk__in=ids, **by_group)
            )
        return self.filter(condition)


class EmailSubscriberQuerySet(SubscriberQuerySet):
    pass


class WebhookQuerySet(SubscriberQuerySet):
    def active(self) -> WebhookQuerySet:
        return self.filter(active=True)


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self) -> WebhookDeliveryQuerySet:
        from statusboard.notifications.models import DeliveryStatus

        return self.filter(status=DeliveryStatus.PENDING)

    def due(self, now: datetime.datetime | None = None) -> WebhookDeliveryQuerySet:
        """Pending deliveries whose next attempt may start now."""
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())


def public_groups() -> QuerySet[ServiceGroup]:
    """Groups with at least one public service: the ones visitors see and may choose."""
    from statusboard.models import Service, ServiceGroup

    return ServiceGroup.objects.filter(
        models.Exists(Service.objects.public().filter(groups=models.OuterRef("pk")))
    ).priority_sorted()
