"""Which events the changes give, and their payload."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from statusboard.models import IncidentStatus, Service, ServiceStatus
from statusboard.notifications import events
from statusboard.notifications.models import EventType, NotificationEvent
from tests.factories import (
    EmailSubscriberFactory,
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def listener(db):
    # Without anybody listening, nothing is even recorded.
    return EmailSubscriberFactory()


def event_types() -> list[str]:
    return list(NotificationEvent.objects.order_by("pk").values_list("event_type", flat=True))


def test_nothing_is_recorded_before_the_commit(django_capture_on_commit_callbacks):
    service = ServiceFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    assert callbacks  # the notification waits for the commit
    assert event_types() == []


def test_nothing_at_all_when_the_transaction_rolls_back(run_on_commit):
    service = ServiceFactory()
    with run_on_commit():
        try:
            with transaction.atomic():
                service.set_status(ServiceStatus.MAJOR_OUTAGE)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert event_types() == []


def test_nothing_is_recorded_while_nobody_listens(run_on_commit, listener):
    listener.delete()
    WebhookFactory(active=False)
    service = ServiceFactory()

    with run_on_commit():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    assert event_types() == []


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        (ServiceStatus.OPERATIONAL, ServiceStatus.MAJOR_OUTAGE, "worse"),
        (ServiceStatus.PARTIAL_OUTAGE, ServiceStatus.PERFORMANCE_ISSUES, "better"),
    ],
)
def test_a_status_change_is_an_event(run_on_commit, old, new, direction):
    service = ServiceFactory(status=old, name="API")

    with run_on_commit():
        service.set_status(new)

    event = NotificationEvent.objects.get()
    payload = event.payload
    assert event.event_type == EventType.SERVICE_STATUS_CHANGED
    assert payload["version"] == "1"
    assert payload["type"] == "service.status_changed"
    assert payload["id"] == str(event.uuid)
    assert payload["service"]["name"] == "API"
    assert payload["service"]["status"] == new
    assert payload["change"] == {
        "old_status": old,
        "old_status_name": ServiceStatus(old).name.lower(),
        "new_status": new,
        "new_status_name": ServiceStatus(new).name.lower(),
        "direction": direction,
    }
    assert [s["id"] for s in payload["services"]] == [service.pk]


def test_a_save_that_keeps_the_status_is_no_event(run_on_commit):
    service = ServiceFactory()
    with run_on_commit():
        service.description = "New words."
        service.save()
        ServiceFactory()  # Creating a service is no change of status either.

    assert event_types() == []


def test_the_first_update_of_an_incident_is_created_the_next_ones_updated(run_on_commit):
    incident = IncidentFactory()
    with run_on_commit():
        IncidentUpdateFactory(incident=incident)
    with run_on_commit():
        IncidentUpdateFactory(incident=incident, status=IncidentStatus.IDENTIFIED)

    assert event_types() == ["incident.created", "incident.updated"]


def test_an_incident_without_an_update_is_no_event_yet(run_on_commit):
    with run_on_commit():
        IncidentFactory()

    assert event_types() == []


def test_a_fixed_update_resolves_and_a_second_fixed_one_only_updates(run_on_commit):
    incident = IncidentFactory()
    with run_on_commit():
        IncidentUpdateFactory(incident=incident)
    with run_on_commit():
        IncidentUpdateFactory(incident=incident, fixed=True)
    with run_on_commit():
        IncidentUpdateFactory(incident=incident, fixed=True, description="Really.")

    assert event_types() == ["incident.created", "incident.resolved", "incident.updated"]
    resolved = NotificationEvent.objects.get(event_type=EventType.INCIDENT_RESOLVED)
    assert resolved.payload["incident"]["closed"] is True
    assert resolved.payload["update"]["status_name"] == "fixed"


def test_an_incident_reported_already_fixed_is_created(run_on_commit):
    with run_on_commit():
        IncidentUpdateFactory(fixed=True)

    assert event_types() == ["incident.created"]


def test_editing_an_update_is_no_event(run_on_commit):
    update = IncidentUpdateFactory()
    with run_on_commit():
        update.description = "Typo fixed."
        update.save()

    assert event_types() == []


def test_an_incident_payload(run_on_commit, settings):
    settings.STATUSBOARD = {"PAGE_URL": "https://status.example.com/", "PAGE_NAME": "Acme"}
    api = ServiceFactory(name="API")
    incident = IncidentFactory(name="Slow API", impact=2, services=[api])

    with run_on_commit():
        update = IncidentUpdateFactory(incident=incident, description="Looking.")

    payload = NotificationEvent.objects.get().payload
    assert payload["page"] == {"name": "Acme", "url": "https://status.example.com/"}
    assert payload["incident"] == {
        "id": incident.pk,
        "name": "Slow API",
        "impact": 2,
        "impact_name": "major",
        "occurred": events.isoformat(incident.occurred),
        "closed": False,
        "url": f"https://status.example.com/statusboard/incident/{incident.pk}/",
    }
    assert payload["update"]["id"] == update.pk
    assert payload["update"]["description"] == "Looking."
    assert payload["update"]["created"].endswith("Z")
    assert payload["services"] == [
        {
            "id": api.pk,
            "name": "API",
            "status": 0,
            "status_name": "operational",
            "public": True,
            "url": f"https://status.example.com/statusboard/service/{api.pk}/",
        }
    ]
    uuid.UUID(payload["id"])
    created = datetime.datetime.fromisoformat(payload["created"])
    assert abs(created - timezone.now()) < datetime.timedelta(minutes=1)


def test_without_page_url_the_payload_has_no_urls(run_on_commit):
    with run_on_commit():
        IncidentUpdateFactory()

    payload = NotificationEvent.objects.get().payload
    assert payload["page"]["url"] is None
    assert payload["incident"]["url"] is None


def test_a_new_maintenance_is_scheduled_with_the_services_of_its_form(run_on_commit):
    api = ServiceFactory()
    with run_on_commit(), transaction.atomic():
        maintenance = MaintenanceFactory(name="Upgrade")
        maintenance.services.set([api])  # After the save, as a form does.

    event = NotificationEvent.objects.get()
    assert event.event_type == EventType.MAINTENANCE_SCHEDULED
    assert event.payload["maintenance"]["name"] == "Upgrade"
    assert [s["id"] for s in event.payload["services"]] == [api.pk]


def test_a_maintenance_recorded_after_the_fact_is_not_announced(run_on_commit):
    with run_on_commit():
        MaintenanceFactory(completed=True)
        MaintenanceFactory().save()  # An edit is no new schedule either.

    assert event_types() == ["maintenance.scheduled"]


def test_two_changes_in_one_transaction_are_two_events_with_their_own_statuses(run_on_commit):
    service = ServiceFactory()
    with run_on_commit(), transaction.atomic():
        service.set_status(ServiceStatus.MAJOR_OUTAGE)
        service.set_status(ServiceStatus.PARTIAL_OUTAGE)

    changes = [e.payload["change"] for e in NotificationEvent.objects.order_by("pk")]
    assert [(c["old_status"], c["new_status"]) for c in changes] == [(0, 3), (3, 2)]


def test_a_service_deleted_before_the_announcement_is_let_go(django_capture_on_commit_callbacks):
    service = ServiceFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        service.set_status(ServiceStatus.MAJOR_OUTAGE)
    Service.objects.all().delete()
    for callback in callbacks:
        callback()

    assert event_types() == []


@override_settings(STATUSBOARD={"PAGE_URL": "https://status.example.com/sub/path/"})
def test_absolute_urls_take_the_host_of_page_url():
    assert events.absolute_url("/statusboard/") == "https://status.example.com/statusboard/"
    assert events.absolute_url("/x/", "https://other.example.com/") == (
        "https://status.example.com/x/"
    )


def test_absolute_urls_fall_back_to_the_base_given():
    assert events.absolute_url("/x/", "http://host.example.com:8000/a/") == (
        "http://host.example.com:8000/x/"
    )
    assert events.absolute_url("/x/") is None
