"""Signed webhook requests, their retries and their log.

Each request is a POST of the event's payload as JSON, with the header
``Statusboard-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``
keyed with the webhook's secret. A request that fails on the network, or gets a
5xx or a 429, is tried again after ``WEBHOOK_RETRY_DELAY_SECONDS``, then twice
that, and so on, up to ``WEBHOOK_MAX_ATTEMPTS`` attempts. Redirects are not
followed. Every attempt is written to ``WebhookAttempt``.

Only the standard library is used: ``http.client`` lets the request connect to
the very addresses ``ssrf`` checked, which ``urllib.request`` does not.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

import statusboard
from statusboard.conf import app_settings
from statusboard.notifications import ssrf
from statusboard.notifications.models import DeliveryStatus, WebhookAttempt, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "Statusboard-Signature"
USER_AGENT = f"django-statusboard/{statusboard.__version__}"
# How much of a response is read before the connection is closed.
MAX_RESPONSE_BYTES = 64 * 1024


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The request body: compact JSON with sorted keys, in UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the ``Statusboard-Signature`` header."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, header: str, body: bytes, *, tolerance: int = 300) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` less than ``tolerance``
    seconds ago: what a receiver does, and what the docs show."""
    try:
        fields = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))


class _PinnedConnectionMixin:
    """Connect to addresses resolved and checked beforehand, not to a fresh
    DNS answer; the Host header and TLS (SNI and certificate) keep the name."""

    def __init__(self, *args: Any, addresses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._addresses = addresses
        self._create_connection = self._connect_to_checked_address

    def _connect_to_checked_address(
        self, address: tuple[str, int], timeout: float, source_address: Any = None
    ) -> socket.socket:
        _host, port = address
        error: OSError | None = None
        for ip in self._addresses:
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error or OSError("No address to connect to.")


class PinnedHTTPConnection(_PinnedConnectionMixin, http.client.HTTPConnection):
    pass


class PinnedHTTPSConnection(_PinnedConnectionMixin, http.client.HTTPSConnection):
    pass


@dataclass
class Outcome:
    """What one request gave: a status code, or an error; and how long it took."""

    status_code: int | None = None
    error: str = ""
    duration_ms: int = 0
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Outcome:
    """POST ``body`` to ``url`` if its host is safe to reach; never raises."""
    started = time.monotonic()

    def elapsed() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        scheme, host, port = ssrf.split_url(url)
        addresses = ssrf.safe_addresses(host, port)
    except ssrf.UnsafeURL as exc:
        return Outcome(error=str(exc.args[0]), duration_ms=elapsed())
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = PinnedHTTPSConnection if scheme == "https" else PinnedHTTPConnection
    connection = connection_class(host, port, timeout=timeout, addresses=addresses)
    try:
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
    except (OSError, http.client.HTTPException) as exc:
        error = f"{type(exc).__name__}: {exc}".rstrip(": ")
        return Outcome(error=error, duration_ms=elapsed(), retryable=True)
    finally:
        connection.close()
    status = response.status
    return Outcome(
        status_code=status,
        duration_ms=elapsed(),
        retryable=status >= 500 or status == 429,
    )


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number ``attempt`` (1, 2, …)."""
    return datetime.timedelta(seconds=app_settings.WEBHOOK_RETRY_DELAY_SECONDS * 2 ** (attempt - 1))


def _lease() -> datetime.timedelta:
    # Long enough for one attempt; a worker that dies mid-attempt frees the
    # delivery for ``statusboard_tick`` when it runs out.
    return datetime.timedelta(seconds=3 * app_settings.WEBHOOK_TIMEOUT_SECONDS + 60)


def attempt_delivery(delivery_id: int) -> WebhookAttempt | None:
    """Make the next attempt of a delivery, if it is still pending and due.

    Claiming it is one conditional UPDATE, so that two workers, or a worker and
    ``statusboard_tick``, never send the same attempt twice. Returns the logged
    attempt, or None when there was nothing to do.
    """
    now = timezone.now()
    claimed = WebhookDelivery.objects.due(now).filter(pk=delivery_id)
    if not claimed.update(next_attempt_at=now + _lease(), modified=now):
        return None
    delivery = WebhookDelivery.objects.select_related("event", "webhook").get(pk=delivery_id)
    number = delivery.attempt_count + 1
    webhook = delivery.webhook

    if not webhook.active:
        outcome = Outcome(error="The webhook is not active.")
    else:
        body = encode_payload(delivery.event.payload)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            "Statusboard-Event": delivery.event.event_type,
            "Statusboard-Delivery": str(delivery.pk),
            SIGNATURE_HEADER: sign(webhook.secret, int(time.time()), body),
        }
        outcome = post(webhook.url, body, headers, timeout=app_settings.WEBHOOK_TIMEOUT_SECONDS)

    finished = timezone.now()
    retry = outcome.retryable and number < app_settings.WEBHOOK_MAX_ATTEMPTS
    if outcome.ok:
        status, next_attempt_at = DeliveryStatus.DELIVERED, None
    elif retry:
        status, next_attempt_at = DeliveryStatus.PENDING, finished + retry_delay(number)
    else:
        status, next_attempt_at = DeliveryStatus.FAILED, None
    with transaction.atomic():
        attempt = WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            started=now,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempt_count=number, status=status, next_attempt_at=next_attempt_at, modified=finished
        )
    if status == DeliveryStatus.FAILED:
        logger.warning(
            "Webhook %s gave up on event %s after %d attempt(s): %s",
            webhook.pk,
            delivery.event.uuid,
            number,
            outcome.error or outcome.status_code,
        )
    elif next_attempt_at is not None:
        schedule_retry(delivery.pk, next_attempt_at)
    return attempt


def schedule_retry(delivery_id: int, when: datetime.datetime) -> bool:
    """Enqueue the next attempt for ``when`` if the backend can defer tasks.

    Otherwise (the immediate backend) ``statusboard_tick`` picks it up once
    it is due. Returns whether it was enqueued.
    """
    from statusboard.notifications.tasks import deliver_webhook

    if not deliver_webhook.get_backend().supports_defer:
        return False
    # No need to wait for a commit: the task runs a retry delay from now.
    deliver_webhook.using(run_after=when).enqueue(delivery_id)
    return True
