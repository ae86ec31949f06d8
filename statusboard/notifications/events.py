"""Events and their payload, version 1.

Every notification starts as a ``NotificationEvent`` whose ``payload`` is the
JSON body webhooks receive and emails are written from::

    {
      "version": "1",
      "id": "5f0c…",                  # the event's UUID: the same in every retry
      "type": "incident.created",
      "created": "2026-05-04T09:30:00Z",
      "page": {"name": "Status", "url": "https://status.example.com/"},
      "services": [ {service}, … ],   # the services the event touches
      "incident": {…}, "update": {…}  # incident.* events
      "service": {…}, "change": {…}   # service.status_changed
      "maintenance": {…}              # maintenance.* events
    }

The ``announce_*`` functions run once the transaction that made the change has
committed (see ``receivers``), so they read what was actually saved.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.db import DEFAULT_DB_ALIAS, IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from statusboard.conf import app_settings
from statusboard.models import (
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceStatus,
)
from statusboard.notifications.models import (
    EmailSubscriber,
    EventType,
    NotificationEvent,
    Webhook,
)

PAYLOAD_VERSION = "1"


def isoformat(value: datetime.datetime | None) -> str | None:
    """A datetime in UTC as ISO 8601 with a ``Z``, as the payload writes them."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _choice_name(choices: type[models.IntegerChoices], value: int) -> str:
    return choices(value).name.lower()


def absolute_url(path: str, base: str = "") -> str | None:
    """``path`` on the status page's host: PAGE_URL's, or else ``base``'s.

    None when neither is known.
    """
    base = app_settings.PAGE_URL or base
    if not base:
        return None
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}{path}"


def service_data(service: Service) -> dict[str, Any]:
    return {
        "id": service.pk,
        "name": service.name,
        "status": service.status,
        "status_name": _choice_name(ServiceStatus, service.status),
        "public": service.public,
        "url": absolute_url(reverse("statusboard:service:detail", kwargs={"pk": service.pk})),
    }


def incident_data(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "name": incident.name,
        "impact": incident.impact,
        "impact_name": _choice_name(IncidentImpact, incident.impact),
        "occurred": isoformat(incident.occurred),
        "closed": incident.closed,
        "url": absolute_url(reverse("statusboard:incident:detail", kwargs={"pk": incident.pk})),
    }


def update_data(update: IncidentUpdate) -> dict[str, Any]:
    return {
        "id": update.pk,
        "status": update.status,
        "status_name": _choice_name(IncidentStatus, update.status),
        "description": update.description,
        "created": isoformat(update.created),
    }


def maintenance_data(maintenance: Maintenance) -> dict[str, Any]:
    return {
        "id": maintenance.pk,
        "name": maintenance.name,
        "description": maintenance.description,
        "scheduled": isoformat(maintenance.scheduled),
        "end": isoformat(maintenance.end),
        "url": absolute_url(
            reverse("statusboard:maintenance:detail", kwargs={"pk": maintenance.pk})
        ),
    }


def _anyone_listening(using: str) -> bool:
    return (
        Webhook.objects.using(using).active().exists()
        or EmailSubscriber.objects.using(using).exists()
    )


def publish(
    event_type: EventType,
    data: dict[str, Any],
    services: list[Service],
    *,
    key: str | None = None,
    using: str = DEFAULT_DB_ALIAS,
) -> NotificationEvent | None:
    """Record an event and, once committed, hand it to ``dispatch_event``.

    With a ``key``, an event that was already published under that key is not
    published again, and None is returned. Without one, nothing is recorded
    while nobody listens.
    """
    if key is None and not _anyone_listening(using):
        return None
    event_uuid = uuid.uuid4()
    created = timezone.now()
    payload = {
        "version": PAYLOAD_VERSION,
        "id": str(event_uuid),
        "type": str(event_type),
        "created": isoformat(created),
        "page": {
            "name": app_settings.PAGE_NAME,
            "url": app_settings.PAGE_URL or None,
        },
        "services": [service_data(service) for service in services],
        **data,
    }
    try:
        with transaction.atomic(using=using):
            event = NotificationEvent.objects.using(using).create(
                uuid=event_uuid, event_type=event_type, payload=payload, key=key, created=created
            )
    except IntegrityError:
        if key is not None and NotificationEvent.objects.using(using).filter(key=key).exists():
            return None
        raise

    from statusboard.notifications.tasks import dispatch_event

    transaction.on_commit(lambda: dispatch_event.enqueue(event.pk), using=using, robust=True)
    return event


def _services_of(obj: Incident | Maintenance, using: str) -> list[Service]:
    return list(obj.services.using(using).order_by("-priority", "name", "pk"))


def announce_service_status(service_pk: int, old_status: int, new_status: int, using: str) -> None:
    """Publish ``service.status_changed`` for a change that was committed."""
    service = Service.objects.using(using).filter(pk=service_pk).first()
    if service is None:
        return
    data = {
        "service": service_data(service),
        "change": {
            "old_status": old_status,
            "old_status_name": _choice_name(ServiceStatus, old_status),
            "new_status": new_status,
            "new_status_name": _choice_name(ServiceStatus, new_status),
            "direction": "worse" if new_status > old_status else "better",
        },
    }
    # The status the change set, even if a later change in the same
    # transaction moved it on: that one has its own event.
    data["service"].update(status=new_status, status_name=data["change"]["new_status_name"])
    publish(EventType.SERVICE_STATUS_CHANGED, data, [service], using=using)


def incident_event_type(update: IncidentUpdate, using: str) -> EventType:
    """``created`` for an incident's first update, ``resolved`` for a Fixed
    update that follows one that was not, ``updated`` otherwise."""
    earlier = (
        IncidentUpdate.objects.using(using)
        .filter(incident_id=update.incident_id)
        .filter(
            models.Q(created__lt=update.created)
            | models.Q(created=update.created, pk__lt=update.pk)
        )
        .order_by("-created", "-pk")
        .values_list("status", flat=True)
        .first()
    )
    if earlier is None:
        return EventType.INCIDENT_CREATED
    if update.status == IncidentStatus.FIXED and earlier != IncidentStatus.FIXED:
        return EventType.INCIDENT_RESOLVED
    return EventType.INCIDENT_UPDATED


def announce_incident_update(update_pk: int, using: str) -> None:
    """Publish the ``incident.*`` event of an update that was committed."""
    update = IncidentUpdate.objects.using(using).select_related("incident").filter(pk=update_pk)
    update = update.first()
    if update is None:
        return
    incident = update.incident
    data = {"incident": incident_data(incident), "update": update_data(update)}
    event_type = incident_event_type(update, using)
    publish(event_type, data, _services_of(incident, using), using=using)


def announce_maintenance(
    maintenance: Maintenance | int, event_type: EventType, using: str, *, key: str | None = None
) -> NotificationEvent | None:
    """Publish a ``maintenance.*`` event."""
    if not isinstance(maintenance, Maintenance):
        maintenance = Maintenance.objects.using(using).filter(pk=maintenance).first()
        if maintenance is None:
            return None
    if event_type == EventType.MAINTENANCE_SCHEDULED and (
        maintenance.end is not None and maintenance.end <= timezone.now()
    ):
        # Recorded after the fact: nothing to announce.
        return None
    data = {"maintenance": maintenance_data(maintenance)}
    return publish(event_type, data, _services_of(maintenance, using), key=key, using=using)
