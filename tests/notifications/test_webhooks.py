"""Webhook requests against a real HTTP receiver on 127.0.0.1: the signature,
the payload, the retries and their log."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import socket
import time

import pytest
from django.utils import timezone
from werkzeug import Response

from statusboard.models import ServiceStatus
from statusboard.notifications import webhooks
from statusboard.notifications.models import (
    DeliveryStatus,
    NotificationEvent,
    WebhookAttempt,
    WebhookDelivery,
)
from statusboard.notifications.tick import tick
from tests.factories import (
    NotificationEventFactory,
    ServiceFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db

SECRET = "s3cret-for-tests"


def verify_like_the_docs(secret: str, header: str, body: bytes) -> bool:
    # The receiver's side, as docs/notifications.md shows it.
    fields = dict(part.split("=", 1) for part in header.split(","))
    timestamp = int(fields["t"])
    if abs(time.time() - timestamp) > 300:
        return False
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, fields["v1"])


@pytest.fixture
def hook(receiver):
    return WebhookFactory(url=receiver.url_for("/hook"), secret=SECRET)


def test_a_status_change_is_posted_signed_with_the_payload(receiver, hook, run_on_commit):
    receiver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    service = ServiceFactory(name="API")

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    receiver.check_assertions()
    [(request, _response)] = receiver.log
    body = request.get_data()
    assert verify_like_the_docs(SECRET, request.headers["Statusboard-Signature"], body)
    assert webhooks.verify(SECRET, request.headers["Statusboard-Signature"], body)
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.headers["Statusboard-Event"] == "service.status_changed"
    assert request.headers["User-Agent"].startswith("django-statusboard/")
    payload = json.loads(body)
    event = NotificationEvent.objects.get()
    assert payload == event.payload
    assert payload["version"] == "1"
    assert payload["type"] == "service.status_changed"
    assert payload["service"]["name"] == "API"
    assert payload["change"]["direction"] == "worse"

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert request.headers["Statusboard-Delivery"] == str(delivery.pk)
    [attempt] = delivery.attempts.all()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")
    assert attempt.duration_ms >= 0


def test_a_signature_with_another_secret_or_body_does_not_verify():
    body = b'{"a":1}'
    header = webhooks.sign(SECRET, int(time.time()), body)

    assert webhooks.verify(SECRET, header, body)
    assert not webhooks.verify("other", header, body)
    assert not webhooks.verify(SECRET, header, b'{"a":2}')
    assert not webhooks.verify(SECRET, "garbage", body)


def test_an_old_signature_is_a_replay():
    body = b"{}"
    old = webhooks.sign(SECRET, int(time.time()) - 301, body)

    assert not webhooks.verify(SECRET, old, body)
    assert not verify_like_the_docs(SECRET, old, body)


def test_the_signature_covers_timestamp_dot_body():
    header = webhooks.sign("key", 1700000000, b"{}")

    digest = hmac.new(b"key", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"


def test_failures_are_retried_with_exponential_backoff_until_success(
    receiver, hook, freezer_now, settings
):
    settings.STATUSBOARD = {
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
        "WEBHOOK_RETRY_DELAY_SECONDS": 30,
    }
    receiver.expect_ordered_request("/hook").respond_with_data("boom", status=500)
    receiver.expect_ordered_request("/hook").respond_with_data("busy", status=503)
    receiver.expect_ordered_request("/hook").respond_with_data("", status=204)
    start = timezone.now()
    freezer_now(start)
    delivery = WebhookDeliveryFactory(webhook=hook, next_attempt_at=start)

    webhooks.attempt_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at >= start + datetime.timedelta(seconds=30)

    # Not due yet: the tick leaves it alone.
    freezer_now(start + datetime.timedelta(seconds=29))
    assert tick().retried == 0

    freezer_now(start + datetime.timedelta(seconds=31))
    assert tick().retried == 1
    delivery.refresh_from_db()
    assert delivery.attempt_count == 2
    # The second wait is twice the first.
    assert delivery.next_attempt_at >= start + datetime.timedelta(seconds=31 + 60)

    freezer_now(start + datetime.timedelta(seconds=31 + 61))
    assert tick().retried == 1

    receiver.check_assertions()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
    assert delivery.next_attempt_at is None
    codes = list(delivery.attempts.order_by("number").values_list("number", "status_code"))
    assert codes == [(1, 500), (2, 503), (3, 204)]
    # Every attempt is signed afresh over the same body.
    bodies = {request.get_data() for request, _response in receiver.log}
    assert len(bodies) == 1
    for request, _response in receiver.log:
        assert webhooks.verify(SECRET, request.headers["Statusboard-Signature"], request.get_data())


def test_it_gives_up_after_the_maximum_number_of_attempts(receiver, hook, freezer_now, settings):
    settings.STATUSBOARD = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True, "WEBHOOK_MAX_ATTEMPTS": 2}
    receiver.expect_request("/hook").respond_with_data("down", status=502)
    start = timezone.now()
    freezer_now(start)
    delivery = WebhookDeliveryFactory(webhook=hook, next_attempt_at=start)

    webhooks.attempt_delivery(delivery.pk)
    freezer_now(start + datetime.timedelta(days=1))
    tick()
    freezer_now(start + datetime.timedelta(days=2))
    assert tick().retried == 0

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempt_count == 2
    assert len(receiver.log) == 2


@pytest.mark.parametrize("status", [400, 404, 410, 301])
def test_client_errors_and_redirects_are_not_retried(receiver, hook, status):
    receiver.expect_request("/hook").respond_with_response(
        Response("no", status=status, headers={"Location": "http://127.0.0.1:1/elsewhere"})
    )
    delivery = WebhookDeliveryFactory(webhook=hook)

    attempt = webhooks.attempt_delivery(delivery.pk)

    delivery.refresh_from_db()
    assert attempt.status_code == status
    assert delivery.status == DeliveryStatus.FAILED
    assert len(receiver.log) == 1  # The redirect was not followed.


def test_too_many_requests_is_retried(receiver, hook):
    receiver.expect_request("/hook").respond_with_data("slow down", status=429)
    delivery = WebhookDeliveryFactory(webhook=hook)

    webhooks.attempt_delivery(delivery.pk)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_a_network_error_is_logged_and_retried(allow_private, receiver):
    # A port nobody listens on: the connection is refused.
    receiver.expect_request("/unused").respond_with_data("")
    hook = WebhookFactory(url="http://127.0.0.1:9/hook")
    delivery = WebhookDeliveryFactory(webhook=hook)

    attempt = webhooks.attempt_delivery(delivery.pk)

    delivery.refresh_from_db()
    assert attempt.status_code is None
    assert "ConnectionRefusedError" in attempt.error
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempt_count == 1


def test_a_timeout_is_logged_and_retried(allow_private, settings):
    settings.STATUSBOARD = {
        "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True,
        "WEBHOOK_TIMEOUT_SECONDS": 0.2,
    }
    # A server that takes the connection and never answers: the client's
    # timeout, not a sleep, ends the wait.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        delivery = WebhookDeliveryFactory(webhook=WebhookFactory(url=f"http://127.0.0.1:{port}/"))

        attempt = webhooks.attempt_delivery(delivery.pk)

    assert "timed out" in attempt.error
    assert attempt.duration_ms < 5000
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING


def test_a_delivery_that_is_not_due_or_not_pending_is_left_alone(receiver, hook):
    later = WebhookDeliveryFactory(
        webhook=hook, next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    done = WebhookDeliveryFactory(webhook=hook, status=DeliveryStatus.DELIVERED)

    assert webhooks.attempt_delivery(later.pk) is None
    assert webhooks.attempt_delivery(done.pk) is None
    assert receiver.log == []


def test_a_claimed_delivery_is_not_sent_twice(receiver, hook):
    receiver.expect_request("/hook").respond_with_data("ok")
    delivery = WebhookDeliveryFactory(webhook=hook)

    webhooks.attempt_delivery(delivery.pk)
    webhooks.attempt_delivery(delivery.pk)

    assert len(receiver.log) == 1
    assert WebhookAttempt.objects.count() == 1


def test_an_inactive_webhook_fails_its_pending_deliveries(receiver, hook):
    delivery = WebhookDeliveryFactory(webhook=hook)
    hook.active = False
    hook.save()

    attempt = webhooks.attempt_delivery(delivery.pk)

    assert attempt.error == "The webhook is not active."
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert receiver.log == []


# Server-side request forgery


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://internal.example.com/hook",
        "http://metadata.example.com/latest/meta-data/",
        "http://mixed.example.com/hook",
        "http://rebind.example.com/hook",
        "http://mapped.example.com/hook",
    ],
)
def test_a_private_address_is_refused_when_sent(url):
    # Saved while allowed, or before its DNS changed: refused all the same.
    delivery = WebhookDeliveryFactory(webhook=WebhookFactory(url=url))

    attempt = webhooks.attempt_delivery(delivery.pk)

    assert "loopback, private or link-local" in attempt.error
    assert attempt.status_code is None
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED  # Not retried.


def test_an_unresolvable_host_fails_with_a_clear_error():
    delivery = WebhookDeliveryFactory(webhook=WebhookFactory(url="https://nowhere.invalid/"))

    attempt = webhooks.attempt_delivery(delivery.pk)

    assert attempt.error == "The host nowhere.invalid could not be resolved."


def test_the_request_goes_to_the_address_that_was_checked(receiver, hook, monkeypatch):
    # Resolved once: a second, different DNS answer is never used.
    from statusboard.notifications import ssrf

    answers = iter([["127.0.0.1"], ["10.0.0.1"]])
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: next(answers))
    receiver.expect_request("/hook").respond_with_data("ok")
    delivery = WebhookDeliveryFactory(webhook=hook)

    attempt = webhooks.attempt_delivery(delivery.pk)

    assert attempt.status_code == 200


def test_events_reach_only_interested_active_webhooks(receiver, run_on_commit):
    api, web = ServiceFactory(name="API"), ServiceFactory(name="Web")
    receiver.expect_request("/all").respond_with_data("ok")
    receiver.expect_request("/api").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/all"))
    WebhookFactory(url=receiver.url_for("/api"), services=[api])
    WebhookFactory(url=receiver.url_for("/web"), services=[web])
    WebhookFactory(url=receiver.url_for("/off"), active=False)

    with run_on_commit():
        api.set_status(ServiceStatus.PARTIAL_OUTAGE)

    assert sorted(request.path for request, _ in receiver.log) == ["/all", "/api"]


def test_hidden_services_reach_webhooks(receiver, run_on_commit):
    receiver.expect_request("/hook").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/hook"))
    service = ServiceFactory(hidden=True)

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    [(request, _)] = receiver.log
    assert json.loads(request.get_data())["service"]["public"] is False


def test_dispatching_an_event_twice_delivers_it_once(receiver):
    from statusboard.notifications.tasks import dispatch_event

    receiver.expect_request("/hook").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/hook"))
    event = NotificationEventFactory()

    dispatch_event.call(event.pk)
    dispatch_event.call(event.pk)

    assert len(receiver.log) == 1
