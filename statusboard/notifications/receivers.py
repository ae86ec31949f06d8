"""Turn statusboard's signals into notification events.

Connected from ``StatusboardConfig.ready()``. Nothing happens inside the
transaction that makes a change, not even a query: each receiver only asks for
the event to be announced once that transaction commits, and nothing at all
if it rolls back. The callbacks are ``robust``: a failure to notify is logged,
and never turns a change that was saved into an error page.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import router, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from statusboard import signals
from statusboard.models import Incident, IncidentUpdate, Maintenance, Service
from statusboard.notifications import events
from statusboard.notifications.models import EventType


def _db(instance: Any) -> str:
    return instance._state.db or router.db_for_write(type(instance), instance=instance)


@receiver(
    signals.service_status_changed,
    sender=Service,
    dispatch_uid="statusboard_notify_service_status",
)
def notify_service_status_changed(
    sender: type[Service], service: Service, old_status: int, new_status: int, **kwargs: Any
) -> None:
    using = _db(service)
    transaction.on_commit(
        partial(events.announce_service_status, service.pk, old_status, new_status, using),
        using=using,
        robust=True,
    )


@receiver(signals.incident_updated, sender=Incident, dispatch_uid="statusboard_notify_incident")
def notify_incident_updated(
    sender: type[Incident],
    incident: Incident,
    update: IncidentUpdate,
    created: bool,
    **kwargs: Any,
) -> None:
    # A new update is news; fixing a typo in an old one is not.
    if not created:
        return
    using = _db(update)
    transaction.on_commit(
        partial(events.announce_incident_update, update.pk, using), using=using, robust=True
    )


@receiver(post_save, sender=Maintenance, dispatch_uid="statusboard_notify_maintenance")
def notify_maintenance_scheduled(
    sender: type[Maintenance], instance: Maintenance, created: bool, raw: bool, **kwargs: Any
) -> None:
    if raw or not created:
        return
    using = kwargs.get("using") or _db(instance)
    # On commit, the services chosen in the same form are saved too.
    transaction.on_commit(
        partial(events.announce_maintenance, instance.pk, EventType.MAINTENANCE_SCHEDULED, using),
        using=using,
        robust=True,
    )
