"""The ``v1/webhook/`` resource: for managers only, with the SSRF guard."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse

from statusboard.notifications.models import Webhook
from tests.factories import ServiceFactory, ServiceGroupFactory, WebhookFactory
from tests.notifications.conftest import offline  # noqa: F401  (no DNS, no connections)

pytestmark = pytest.mark.django_db

LIST = reverse("statusboard:v1:webhook-list")


def detail(pk: int) -> str:
    return reverse("statusboard:v1:webhook-detail", kwargs={"pk": pk})


def test_only_in_v1():
    with pytest.raises(NoReverseMatch):
        reverse("statusboard:v0.1:webhook-list")


def test_anonymous_and_users_without_the_permission_see_nothing(
    api_client, client_for, user_with_perms
):
    hook = WebhookFactory()

    assert api_client.get(LIST).status_code in (401, 403)
    assert api_client.get(detail(hook.pk)).status_code in (401, 403)
    plain = client_for(user_with_perms("view_service", is_staff=True))
    assert plain.get(LIST).status_code == 403
    assert plain.get(detail(hook.pk)).status_code == 403


def test_managers_read_webhooks(client_for, user_with_perms, django_assert_num_queries):
    hidden = ServiceFactory(hidden=True)
    group = ServiceGroupFactory()
    hook = WebhookFactory(name="Chat", services=[hidden], groups=[group])
    WebhookFactory(name="Pager")
    manager = client_for(user_with_perms("view_webhook"))

    # Permissions (user, groups), count, page, services, groups: whatever the number of rows.
    with django_assert_num_queries(6):
        response = manager.get(LIST)

    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first == {
        "id": hook.pk,
        "url": f"http://testserver{detail(hook.pk)}",
        "name": "Chat",
        "endpoint": hook.url,
        "secret": hook.secret,
        "active": True,
        "services": [hidden.pk],
        "groups": [group.pk],
        "created": first["created"],
        "modified": first["modified"],
    }


def test_create_with_a_generated_secret(client_for, user_with_perms):
    api = ServiceFactory()
    manager = client_for(user_with_perms("add_webhook"))

    response = manager.post(
        LIST,
        {"name": "Chat", "endpoint": "https://hooks.example.com/in", "services": [api.pk]},
        format="json",
    )

    assert response.status_code == 201, response.json()
    hook = Webhook.objects.get()
    assert response.json()["secret"] == hook.secret
    assert len(hook.secret) == 64
    assert list(hook.services.all()) == [api]


@pytest.mark.parametrize(
    "endpoint",
    ["http://127.0.0.1:8000/", "http://internal.example.com/", "http://metadata.example.com/"],
)
def test_a_private_endpoint_is_refused(client_for, user_with_perms, endpoint):
    manager = client_for(user_with_perms("add_webhook"))

    response = manager.post(LIST, {"name": "Bad", "endpoint": endpoint}, format="json")

    assert response.status_code == 400
    assert "loopback, private or link-local" in response.json()["endpoint"][0]
    assert not Webhook.objects.exists()


def test_change_and_delete_need_their_permissions(client_for, user_with_perms):
    hook = WebhookFactory()
    viewer = client_for(user_with_perms("view_webhook"))
    editor = client_for(user_with_perms("view_webhook", "change_webhook", "delete_webhook"))

    assert viewer.patch(detail(hook.pk), {"active": False}, format="json").status_code == 403
    assert editor.patch(detail(hook.pk), {"active": False}, format="json").status_code == 200
    hook.refresh_from_db()
    assert hook.active is False
    assert viewer.delete(detail(hook.pk)).status_code == 403
    assert editor.delete(detail(hook.pk)).status_code == 204
    assert not Webhook.objects.exists()
