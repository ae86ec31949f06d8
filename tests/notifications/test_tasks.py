"""Delivery through a real queue and worker: django-tasks-db's database
backend, and its ``db_worker`` command processing the queue."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from statusboard.models import ServiceStatus
from statusboard.notifications import webhooks
from statusboard.notifications.models import DeliveryStatus, WebhookDelivery
from statusboard.notifications.tasks import dispatch_event
from tests.factories import (
    EmailSubscriberFactory,
    NotificationEventFactory,
    ServiceFactory,
    WebhookFactory,
)

# Real commits: the worker, like any, closes and reopens its database
# connection between tasks, which a test's enclosing transaction would not survive.
pytestmark = pytest.mark.django_db(transaction=True)

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    """Process every task that is ready, then stop, as a worker would."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)


def queued() -> list[str]:
    return sorted(DBTaskResult.objects.ready().values_list("task_path", flat=True))


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_worker_delivers_what_the_request_only_enqueued(receiver):
    receiver.expect_request("/hook").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/hook"), secret="k")
    EmailSubscriberFactory(email="ada@example.com")
    service = ServiceFactory(name="API")

    service.set_status(ServiceStatus.MAJOR_OUTAGE)

    # The change only queued the fan-out: nothing was sent in the "request".
    assert queued() == ["statusboard.notifications.tasks.dispatch_event"]
    assert receiver.log == []
    assert mail.outbox == []

    run_worker()

    [(request, _)] = receiver.log
    assert webhooks.verify("k", request.headers["Statusboard-Signature"], request.get_data())
    assert json.loads(request.get_data())["service"]["name"] == "API"
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.DELIVERED
    assert not DBTaskResult.objects.ready().exists()
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


@override_settings(TASKS=DATABASE_QUEUE)
def test_a_worker_retries_when_the_queue_says_it_is_time(receiver, settings):
    settings.STATUSBOARD = {
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
        "WEBHOOK_RETRY_DELAY_SECONDS": 60,
    }
    receiver.expect_ordered_request("/hook").respond_with_data("down", status=503)
    receiver.expect_ordered_request("/hook").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/hook"))
    event = NotificationEventFactory()
    dispatch_event.enqueue(event.pk)

    run_worker()

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    # The retry waits in the queue for its time, with the backoff's delay.
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.task_path == "statusboard.notifications.tasks.deliver_webhook"
    assert retry.run_after == delivery.next_attempt_at
    assert retry.run_after - timezone.now() > datetime.timedelta(seconds=50)
    run_worker()
    assert len(receiver.log) == 1  # Not before its time.

    # Its time comes.
    due = delivery.next_attempt_at - datetime.timedelta(seconds=61)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=due)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=due)
    run_worker()

    receiver.check_assertions()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.attempt_count == 2
