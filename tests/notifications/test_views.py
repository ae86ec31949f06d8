"""The subscribe, confirm and unsubscribe pages, and the webhook management pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from statusboard.notifications import tokens
from statusboard.notifications.models import EmailSubscriber, Webhook
from tests.factories import (
    EmailSubscriberFactory,
    ServiceFactory,
    ServiceGroupFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)
from tests.helpers import user_with_perms
from tests.htmlcheck import check_page

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("statusboard:subscribe")


def subscribe(client, run_on_commit, **data):
    with run_on_commit():
        response = client.post(SUBSCRIBE, data, HTTP_ACCEPT_LANGUAGE=data.pop("lang", "en"))
    return response


def confirm_link(message: mail.EmailMessage) -> str:
    match = re.search(r"https?://\S+/subscribe/confirm/\S+/", message.body)
    assert match, message.body
    return match.group(0).split("testserver", 1)[1]


def test_the_subscribe_page_lists_public_services_and_groups_only(client):
    ServiceFactory(name="Web")
    hidden = ServiceFactory(name="Secret", hidden=True)
    ServiceGroupFactory(name="Shown").services.set([ServiceFactory(name="API")])
    ServiceGroupFactory(name="Hidden group").services.set([hidden])

    response = client.get(SUBSCRIBE)

    doc = check_page(response.content)
    labels = [label.text for label in doc.find_all("label")]
    assert "Web" in labels and "API" in labels and "Shown" in labels
    assert "Secret" not in labels and "Hidden group" not in labels


def test_double_opt_in(client, run_on_commit):
    api = ServiceFactory(name="API")
    group = ServiceGroupFactory(name="Backend")
    group.services.set([api])

    response = subscribe(
        client, run_on_commit, email="Ada@Example.com", services=[api.pk], groups=[group.pk]
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("statusboard:subscribe-sent")
    check_page(client.get(response["Location"]).content)
    assert not EmailSubscriber.objects.exists()  # Nothing before the confirmation.
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert "Confirm your subscription" in message.subject
    assert "About: API, Backend" in message.body
    assert message.alternatives[0][1] == "text/html"

    link = confirm_link(message)
    page = check_page(client.get(link).content)
    assert "ada@example.com" in page.find("main").text
    assert not EmailSubscriber.objects.exists()  # A GET, e.g. a mail scanner, changes nothing.

    response = client.post(link)

    assert response.status_code == 200
    check_page(response.content)
    subscriber = EmailSubscriber.objects.get()
    assert subscriber.email == "ada@example.com"
    assert list(subscriber.services.all()) == [api]
    assert list(subscriber.groups.all()) == [group]
    assert subscriber.language == "en"
    assert subscriber.page_url == "http://testserver/statusboard/"


def test_the_language_of_the_request_is_kept(client, run_on_commit):
    subscribe(client, run_on_commit, email="it@example.com", lang="it")

    client.post(confirm_link(mail.outbox[0]))

    assert EmailSubscriber.objects.get().language == "it"


def test_subscribing_twice_neither_duplicates_nor_tells(client, run_on_commit):
    first = subscribe(client, run_on_commit, email="ada@example.com")
    client.post(confirm_link(mail.outbox[0]))
    stranger = Client()

    second = subscribe(stranger, run_on_commit, email="ADA@example.com")

    # The same answer as for a new address.
    assert second.status_code == first.status_code == 302
    assert second["Location"] == first["Location"]
    new = subscribe(stranger, run_on_commit, email="new@example.com")
    assert new["Location"] == second["Location"]
    # Confirming again is no duplicate.
    stranger.post(confirm_link(mail.outbox[1]))
    assert EmailSubscriber.objects.filter(email="ada@example.com").count() == 1


def test_a_hidden_service_cannot_be_chosen(client, run_on_commit):
    hidden = ServiceFactory(hidden=True)

    response = subscribe(client, run_on_commit, email="a@example.com", services=[hidden.pk])

    assert response.status_code == 200
    assert mail.outbox == []


def test_an_invalid_address_is_refused(client, run_on_commit):
    response = subscribe(client, run_on_commit, email="not an address")

    assert response.status_code == 200
    doc = check_page(response.content)
    assert doc.find("input", name="email").attrs["class"].endswith("is-invalid")
    assert mail.outbox == []


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        tokens.make_confirm_token(tokens.Subscription(email="a@example.com")) + "x",
        signing.dumps({"e": "a@example.com"}, salt="another.salt"),
        signing.dumps("a string", salt=tokens.CONFIRM_SALT),
    ],
)
def test_a_tampered_confirm_link_is_refused_with_a_clear_page(client, method, token):
    response = getattr(client, method)(
        reverse("statusboard:subscribe-confirm", kwargs={"token": token})
    )

    assert response.status_code == 400
    doc = check_page(response.content)
    assert doc.find("h1").text == "This link is invalid or has expired"
    assert not EmailSubscriber.objects.exists()


def test_an_expired_confirm_link_is_refused(client, monkeypatch):
    token = tokens.make_confirm_token(tokens.Subscription(email="a@example.com"))
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE", -1)

    response = client.post(reverse("statusboard:subscribe-confirm", kwargs={"token": token}))

    assert response.status_code == 400
    assert not EmailSubscriber.objects.exists()


def unsubscribe_url(subscriber) -> str:
    token = tokens.make_unsubscribe_token(subscriber.pk, subscriber.email)
    return reverse("statusboard:unsubscribe", kwargs={"token": token})


def test_unsubscribe_asks_then_unsubscribes_without_signing_in(client):
    subscriber = EmailSubscriberFactory()
    other = EmailSubscriberFactory()
    url = unsubscribe_url(subscriber)

    page = check_page(client.get(url).content)
    assert page.find("form", id="statusboard-unsubscribe-form") is not None
    assert EmailSubscriber.objects.filter(pk=subscriber.pk).exists()

    response = Client(enforce_csrf_checks=True).post(url)

    assert response.status_code == 200
    check_page(response.content)
    assert list(EmailSubscriber.objects.all()) == [other]
    # Twice is no error.
    assert Client().post(url).status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        signing.dumps([1, "a@example.com"], salt=tokens.CONFIRM_SALT),
        signing.dumps("x", salt=tokens.UNSUBSCRIBE_SALT),
    ],
)
def test_a_tampered_unsubscribe_link_is_refused_with_a_clear_page(client, token):
    subscriber = EmailSubscriberFactory()

    response = client.post(reverse("statusboard:unsubscribe", kwargs={"token": token}))

    assert response.status_code == 400
    assert "invalid" in check_page(response.content).find("h1").text
    assert EmailSubscriber.objects.filter(pk=subscriber.pk).exists()


def test_an_unsubscribe_link_names_one_subscription(client):
    subscriber = EmailSubscriberFactory()
    # This subscription's id and address, signed with a guessed key.
    forged = signing.dumps(
        [subscriber.pk, subscriber.email], salt=tokens.UNSUBSCRIBE_SALT, key="guessed"
    )

    assert (
        client.post(reverse("statusboard:unsubscribe", kwargs={"token": forged})).status_code == 400
    )
    # A link for the address, from before it unsubscribed and came back, stays dead.
    old = tokens.make_unsubscribe_token(subscriber.pk + 100, subscriber.email)
    client.post(reverse("statusboard:unsubscribe", kwargs={"token": old}))
    assert EmailSubscriber.objects.filter(pk=subscriber.pk).exists()


# Webhook management pages

WEBHOOKS = reverse("statusboard:webhook:list")


def test_webhook_pages_are_for_managers_only(client):
    hook = WebhookFactory()
    for url in (
        WEBHOOKS,
        reverse("statusboard:webhook:create"),
        reverse("statusboard:webhook:edit", args=[hook.pk]),
        reverse("statusboard:webhook:delete", args=[hook.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("statusboard:login"))

    client.force_login(user_with_perms("view_service"))
    assert client.get(WEBHOOKS).status_code == 403


def test_webhook_list(client, django_assert_num_queries):
    chat = WebhookFactory(name="Chat", services=[ServiceFactory(name="API")])
    WebhookFactory(name="Pager")
    WebhookDeliveryFactory(webhook=chat)
    client.force_login(user_with_perms("view_webhook"))

    # Session, user, permissions, webhooks, their services and groups, deliveries.
    with django_assert_num_queries(8):
        response = client.get(WEBHOOKS)

    doc = check_page(response.content)
    rows = doc.find("table", id="statusboard-webhooks").find_all("tr")
    assert [row.find_all("td")[0].text for row in rows[1:]] == ["Chat", "Pager"]
    assert "API" in rows[1].text and "All" in rows[2].text
    [delivery] = doc.find("table", id="statusboard-deliveries").find_all("tr")[1:]
    assert "Chat" in delivery.text and "Pending" in delivery.text


def test_create_a_webhook_on_a_public_host(client):
    client.force_login(user_with_perms("view_webhook", "add_webhook"))
    api = ServiceFactory()

    response = client.post(
        reverse("statusboard:webhook:create"),
        {
            "name": "Chat",
            "url": "hooks.example.com/in",
            "secret": "s" * 32,
            "active": "on",
            "services": [api.pk],
        },
    )

    assert response.status_code == 302, response.content
    hook = Webhook.objects.get()
    assert hook.url == "https://hooks.example.com/in"
    assert list(hook.services.all()) == [api]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1/", "loopback, private or link-local"),
        ("http://internal.example.com/", "loopback, private or link-local"),
        ("http://metadata.example.com/", "loopback, private or link-local"),
        ("https://nowhere.invalid/", "could not be resolved"),
        ("ftp://hooks.example.com/", "Use an http:// or https:// URL."),
    ],
)
def test_a_webhook_form_refuses_unsafe_urls(client, url, message):
    client.force_login(user_with_perms("add_webhook"))

    response = client.post(
        reverse("statusboard:webhook:create"), {"name": "Bad", "url": url, "secret": "s" * 32}
    )

    assert response.status_code == 200
    doc = check_page(response.content)
    assert message in doc.find("div", data_field="url").text
    assert not Webhook.objects.exists()


def test_edit_and_delete_a_webhook(client):
    hook = WebhookFactory(name="Old")
    client.force_login(user_with_perms("view_webhook", "change_webhook", "delete_webhook"))
    edit = reverse("statusboard:webhook:edit", args=[hook.pk])
    check_page(client.get(edit).content)

    response = client.post(
        edit, {"name": "New", "url": "https://hooks.example.com/x", "secret": hook.secret}
    )

    assert response.status_code == 302
    hook.refresh_from_db()
    assert (hook.name, hook.active) == ("New", False)
    delete = reverse("statusboard:webhook:delete", args=[hook.pk])
    check_page(client.get(delete).content)
    assert client.post(delete).status_code == 302
    assert not Webhook.objects.exists()


def test_the_index_links_to_the_subscribe_page(client):
    doc = check_page(client.get(reverse("statusboard:index")).content)

    assert doc.find("a", id="statusboard-subscribe-link").attrs["href"] == SUBSCRIBE
