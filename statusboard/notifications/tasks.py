"""The tasks that deliver notifications, for Django's tasks framework.

``django.tasks`` on Django 6, the ``django-tasks`` backport on Django 5.2. The
host's ``TASKS`` setting decides where they run: in-process right away by
default, or in a worker (a database-backed one, RQ, Celery, …). Every argument
is a primary key or a string, so any backend can store them.
"""

from __future__ import annotations

from importlib.util import find_spec

from django.db import transaction

if find_spec("django.tasks"):
    from django.tasks import task
else:  # Django 5.2
    from django_tasks import task

from statusboard.models import Service
from statusboard.notifications import email, webhooks
from statusboard.notifications.managers import public_groups
from statusboard.notifications.models import (
    EmailSubscriber,
    EventType,
    NotificationEvent,
    Webhook,
    WebhookDelivery,
)


@task()
def dispatch_event(event_id: int) -> None:
    """Fan one event out: a delivery per interested webhook, an email per
    interested subscriber, each its own task."""
    event = NotificationEvent.objects.filter(pk=event_id).first()
    if event is None:
        return
    services = event.payload.get("services", [])
    service_ids = [service["id"] for service in services]
    for webhook_id in (
        Webhook.objects.active().interested_in(service_ids).values_list("pk", flat=True)
    ):
        delivery, created = WebhookDelivery.objects.get_or_create(
            event=event, webhook_id=webhook_id, defaults={"next_attempt_at": event.created}
        )
        if created:
            deliver_webhook.enqueue(delivery.pk)

    public_ids = [service["id"] for service in services if service.get("public")]
    if event.event_type == EventType.SERVICE_STATUS_CHANGED and not public_ids:
        # A change of a service the public does not see stays among managers.
        return
    for subscriber_id in EmailSubscriber.objects.interested_in(public_ids).values_list(
        "pk", flat=True
    ):
        send_notification_email.enqueue(event.pk, subscriber_id)


@task()
def deliver_webhook(delivery_id: int) -> None:
    """Make the next attempt of a webhook delivery, if it is due."""
    webhooks.attempt_delivery(delivery_id)


@task()
def send_notification_email(event_id: int, subscriber_id: int) -> None:
    """Email one subscriber about one event, in their language."""
    event = NotificationEvent.objects.filter(pk=event_id).first()
    subscriber = EmailSubscriber.objects.filter(pk=subscriber_id).first()
    if event is None or subscriber is None:
        return  # Deleted or unsubscribed meanwhile.
    email.send_notification(event, subscriber)


@task()
def send_confirmation_email(
    address: str, confirm_url: str, language: str, service_ids: list[int], group_ids: list[int]
) -> None:
    """Send the link that confirms a subscription, listing what it is about."""
    services = list(Service.objects.public().filter(pk__in=service_ids).priority_sorted())
    groups = list(public_groups().filter(pk__in=group_ids))
    email.send_confirmation(address, confirm_url, language, services=services, groups=groups)


def enqueue_on_commit(task_obj: object, *args: object, using: str | None = None) -> None:
    """Enqueue ``task_obj`` with ``args`` once the current transaction commits."""
    transaction.on_commit(lambda: task_obj.enqueue(*args), using=using)
