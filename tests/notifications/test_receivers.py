"""Every way of changing a service's status, or of opening an incident, gives
exactly one notification per subscriber."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from statusboard.models import IncidentStatus, ServiceStatus
from statusboard.notifications.models import EventType, NotificationEvent
from tests.factories import EmailSubscriberFactory, ServiceFactory, WebhookFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers(receiver):
    receiver.expect_request("/hook").respond_with_data("ok")
    WebhookFactory(url=receiver.url_for("/hook"))
    return [EmailSubscriberFactory(), EmailSubscriberFactory()]


def posted_types(receiver) -> list[str]:
    return [json.loads(request.get_data())["type"] for request, _ in receiver.log]


def assert_one_each(receiver, subscribers, event_type: str) -> None:
    assert NotificationEvent.objects.get().event_type == event_type
    assert posted_types(receiver) == [event_type]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(s.email for s in subscribers)


def test_the_management_form(client, superuser, receiver, subscribers, run_on_commit):
    service = ServiceFactory(name="API")
    client.force_login(superuser)

    with run_on_commit():
        response = client.post(
            reverse("statusboard:service:edit", kwargs={"pk": service.pk}),
            {"name": "API", "status": ServiceStatus.MAJOR_OUTAGE, "priority": 0, "public": "on"},
        )

    assert response.status_code == 302
    assert_one_each(receiver, subscribers, "service.status_changed")


def test_the_admin_action(client, superuser, receiver, subscribers, run_on_commit):
    service = ServiceFactory()
    unchanged = ServiceFactory(status=ServiceStatus.MAJOR_OUTAGE)
    client.force_login(superuser)

    with run_on_commit():
        response = client.post(
            reverse("admin:statusboard_service_changelist"),
            {
                "action": f"set_status_{ServiceStatus.MAJOR_OUTAGE.value}",
                "_selected_action": [service.pk, unchanged.pk],
            },
        )

    assert response.status_code == 302
    assert_one_each(receiver, subscribers, "service.status_changed")


def test_the_admin_change_form(client, superuser, receiver, subscribers, run_on_commit):
    service = ServiceFactory(name="API")
    client.force_login(superuser)

    with run_on_commit():
        response = client.post(
            reverse("admin:statusboard_service_change", args=[service.pk]),
            {
                "name": "API",
                "description": "",
                "href": "",
                "status": ServiceStatus.PARTIAL_OUTAGE,
                "priority": 0,
                "public": "on",
                "status_changes-TOTAL_FORMS": 0,
                "status_changes-INITIAL_FORMS": 0,
            },
        )

    assert response.status_code == 302, response.content
    assert_one_each(receiver, subscribers, "service.status_changed")


def test_the_api(superuser, receiver, subscribers, run_on_commit):
    service = ServiceFactory()
    api = APIClient()
    api.force_authenticate(superuser)

    with run_on_commit():
        response = api.patch(
            reverse("statusboard:v1:service-detail", kwargs={"pk": service.pk}),
            {"status": ServiceStatus.PERFORMANCE_ISSUES},
            format="json",
        )

    assert response.status_code == 200, response.content
    assert_one_each(receiver, subscribers, "service.status_changed")


def test_an_incident_opened_with_its_first_update_in_the_form_is_one_event(
    client, superuser, receiver, subscribers, run_on_commit
):
    client.force_login(superuser)
    api = ServiceFactory()

    with run_on_commit():
        response = client.post(
            reverse("statusboard:incident:create"),
            {
                "name": "Errors",
                "occurred": "2026-01-02T10:00",
                "impact": 1,
                "services": [api.pk],
                "postmortem": "",
                "updates-TOTAL_FORMS": 1,
                "updates-INITIAL_FORMS": 0,
                "updates-0-status": IncidentStatus.INVESTIGATING,
                "updates-0-description": "Looking into it.",
            },
        )

    assert response.status_code == 302, response.content
    assert_one_each(receiver, subscribers, EventType.INCIDENT_CREATED)
    assert NotificationEvent.objects.get().payload["services"][0]["id"] == api.pk


def test_an_incident_opened_through_the_api_with_a_status_for_its_services(
    superuser, receiver, subscribers, run_on_commit
):
    service = ServiceFactory()
    api = APIClient()
    api.force_authenticate(superuser)

    with run_on_commit():
        response = api.post(
            reverse("statusboard:v1:incident-list"),
            {
                "name": "Down",
                "services": [service.pk],
                "first_update": {"status": 0, "description": "Down."},
                "service_status": ServiceStatus.MAJOR_OUTAGE,
            },
            format="json",
        )

    assert response.status_code == 201, response.content
    types = sorted(NotificationEvent.objects.values_list("event_type", flat=True))
    assert types == ["incident.created", "service.status_changed"]
    assert sorted(posted_types(receiver)) == types
    assert len(mail.outbox) == 2 * len(subscribers)


def test_an_incident_opened_in_the_admin_with_its_first_update_is_one_event(
    client, superuser, receiver, subscribers, run_on_commit
):
    client.force_login(superuser)

    with run_on_commit():
        response = client.post(
            reverse("admin:statusboard_incident_add"),
            {
                "name": "Errors",
                "occurred_0": "2026-01-02",
                "occurred_1": "10:00:00",
                "impact": 0,
                "postmortem": "",
                "updates-TOTAL_FORMS": 1,
                "updates-INITIAL_FORMS": 0,
                "updates-0-status": IncidentStatus.INVESTIGATING,
                "updates-0-description": "Looking into it.",
            },
        )

    assert response.status_code == 302, response.content
    assert_one_each(receiver, subscribers, EventType.INCIDENT_CREATED)
