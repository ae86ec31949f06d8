"""What ``manage.py statusboard_tick`` does on each run.

A maintenance's start and end are moments, not model saves, so something has
to look at the clock: run the command every minute or few from cron, or as a
periodic task. Each start and end is announced exactly once, however often it
runs, even from two places at once: the event's ``key`` is unique. Moments
older than ``MAINTENANCE_NOTIFICATION_WINDOW_MINUTES`` are let go, so that a
first run after an upgrade, or after cron stopped for a day, does not announce
the past.

It also retries webhook deliveries that are due, which is the only way they
are retried when the task backend cannot defer tasks (the immediate backend).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS
from django.utils import timezone

from statusboard.conf import app_settings
from statusboard.models import Maintenance
from statusboard.notifications.events import announce_maintenance
from statusboard.notifications.models import EventType, NotificationEvent, WebhookDelivery

# Retries started by one run, at most: the rest wait for the next one.
MAX_RETRIES_PER_TICK = 500
# When a delivery that a worker should have retried counts as lost.
LOST_AFTER = datetime.timedelta(minutes=10)


@dataclass
class TickResult:
    announced: int = 0
    retried: int = 0


def maintenance_key(event_type: EventType, maintenance_pk: int) -> str:
    return f"{event_type}:{maintenance_pk}"


def announce_maintenances(
    now: datetime.datetime | None = None, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Announce the starts and ends that happened within the window; return how many."""
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=app_settings.MAINTENANCE_NOTIFICATION_WINDOW_MINUTES)
    maintenances = Maintenance.objects.using(using)
    due = [
        (maintenance.scheduled, EventType.MAINTENANCE_STARTED, maintenance)
        for maintenance in maintenances.filter(scheduled__gt=since, scheduled__lte=now)
    ] + [
        (maintenance.end, EventType.MAINTENANCE_COMPLETED, maintenance)
        for maintenance in maintenances.filter(end__gt=since, end__lte=now)
    ]
    # Starts before ends, older first.
    due.sort(key=lambda item: (item[0], item[1] != EventType.MAINTENANCE_STARTED, item[2].pk))
    done = set(
        NotificationEvent.objects.using(using)
        .filter(key__in=[maintenance_key(kind, m.pk) for _moment, kind, m in due])
        .values_list("key", flat=True)
    )
    announced = 0
    for _moment, event_type, maintenance in due:
        key = maintenance_key(event_type, maintenance.pk)
        if key in done:
            continue
        if announce_maintenance(maintenance, event_type, using, key=key) is not None:
            announced += 1
    return announced


def retry_due_deliveries(now: datetime.datetime | None = None) -> int:
    """Enqueue the next attempt of the webhook deliveries that are due.

    With a backend that defers tasks, each retry is already queued for its
    time: only deliveries overdue by ``LOST_AFTER`` (a worker died, a queue was
    flushed) are enqueued again.
    """
    from statusboard.notifications.tasks import deliver_webhook

    now = now or timezone.now()
    if deliver_webhook.get_backend().supports_defer:
        now -= LOST_AFTER
    due = WebhookDelivery.objects.due(now).order_by("next_attempt_at", "pk")
    pks = list(due.values_list("pk", flat=True)[:MAX_RETRIES_PER_TICK])
    for pk in pks:
        deliver_webhook.enqueue(pk)
    return len(pks)


def tick(now: datetime.datetime | None = None) -> TickResult:
    """One run of ``statusboard_tick``."""
    now = now or timezone.now()
    return TickResult(announced=announce_maintenances(now), retried=retry_due_deliveries(now))
