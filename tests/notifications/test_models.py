"""The notification models and their querysets."""

from __future__ import annotations

import pytest

from statusboard.notifications.models import EmailSubscriber, Webhook
from tests.factories import (
    EmailSubscriberFactory,
    ServiceFactory,
    ServiceGroupFactory,
    WebhookAttemptFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db


def test_an_address_is_stored_once_however_it_is_typed():
    subscriber = EmailSubscriberFactory(email="  Ada@Example.COM ")

    assert subscriber.email == "ada@example.com"
    assert str(subscriber) == "ada@example.com"


def test_a_webhook_gets_a_random_secret():
    first, second = WebhookFactory(), WebhookFactory()

    assert len(first.secret) == 64
    assert first.secret != second.secret


@pytest.mark.parametrize("model", [EmailSubscriber, Webhook])
def test_interested_in(model, django_assert_num_queries):
    factory = EmailSubscriberFactory if model is EmailSubscriber else WebhookFactory
    api, web, db = ServiceFactory(), ServiceFactory(), ServiceFactory()
    backend = ServiceGroupFactory()
    backend.services.set([api, db])
    everything = factory()
    only_api = factory(services=[api])
    only_web = factory(services=[web])
    by_group = factory(groups=[backend])
    both = factory(services=[web], groups=[backend])

    def interested(*services):
        with django_assert_num_queries(1):
            return set(model.objects.interested_in([s.pk for s in services]))

    assert interested(api) == {everything, only_api, by_group, both}
    assert interested(web) == {everything, only_web, both}
    assert interested(db) == {everything, by_group, both}
    assert interested(api, web) == {everything, only_api, only_web, by_group, both}
    # An event that touches no service reaches only those who chose nothing.
    assert interested() == {everything}


def test_active_webhooks():
    on = WebhookFactory()
    WebhookFactory(active=False)

    assert list(Webhook.objects.active()) == [on]


def test_strings():
    attempt = WebhookAttemptFactory(status_code=503)
    failed = WebhookAttemptFactory(status_code=None, error="timed out", number=2)

    assert str(attempt) == "#1: 503"
    assert str(failed) == "#2: timed out"
    delivery = WebhookDeliveryFactory()
    assert str(delivery) == f"{delivery.event} → {delivery.webhook}"
    assert str(delivery.event).startswith("Incident created (")
