"""The notification models in the admin; deliveries and attempts are read-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    EmailSubscriberFactory,
    NotificationEventFactory,
    WebhookAttemptFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.parametrize(
    "model",
    ["emailsubscriber", "webhook", "notificationevent", "webhookdelivery", "webhookattempt"],
)
def test_changelists(admin_client_, model):
    EmailSubscriberFactory()
    WebhookAttemptFactory(error="")

    response = admin_client_.get(reverse(f"admin:statusboard_{model}_changelist"))

    assert response.status_code == 200


def test_a_delivery_shows_every_attempt_read_only(admin_client_):
    attempt = WebhookAttemptFactory(status_code=None, error="ConnectionRefusedError", number=1)
    WebhookAttemptFactory(delivery=attempt.delivery, number=2, status_code=200)

    response = admin_client_.get(
        reverse("admin:statusboard_webhookdelivery_change", args=[attempt.delivery.pk])
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "ConnectionRefusedError" in content
    assert 'name="attempts-0-status_code"' not in content  # No inputs: read-only.
    assert not response.context["has_change_permission"]


@pytest.mark.parametrize("model", ["notificationevent", "webhookdelivery", "webhookattempt"])
def test_logs_cannot_be_added_or_changed(admin_client_, model):
    assert admin_client_.get(reverse(f"admin:statusboard_{model}_add")).status_code == 403


def test_an_event_shows_its_payload(admin_client_):
    event = NotificationEventFactory(payload={"version": "1", "marker": "here"})

    response = admin_client_.get(
        reverse("admin:statusboard_notificationevent_change", args=[event.pk])
    )

    assert "marker" in response.content.decode()


def test_the_admin_refuses_a_private_webhook_url(admin_client_):
    response = admin_client_.post(
        reverse("admin:statusboard_webhook_add"),
        {"name": "Local", "url": "http://127.0.0.1/", "secret": "x" * 20, "active": "on"},
    )

    assert response.status_code == 200
    assert "loopback, private or link-local" in response.content.decode()


def test_the_admin_adds_a_public_webhook(admin_client_):
    response = admin_client_.post(
        reverse("admin:statusboard_webhook_add"),
        {"name": "Chat", "url": "hooks.example.com/in", "secret": "x" * 20, "active": "on"},
    )

    assert response.status_code == 302
    assert WebhookFactory._meta.model.objects.get().url == "https://hooks.example.com/in"


def test_the_admin_reports_an_address_that_differs_only_in_case(admin_client_):
    EmailSubscriberFactory(email="ada@example.com")

    response = admin_client_.post(
        reverse("admin:statusboard_emailsubscriber_add"),
        {
            "email": "Ada@Example.com",
            "language": "",
            "page_url": "",
            "confirmed_0": "2026-01-01",
            "confirmed_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert "already exists" in response.content.decode()
