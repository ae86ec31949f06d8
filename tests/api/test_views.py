"""The native API's viewsets: reading, writing, side effects and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from statusboard import signals
from statusboard.api import serializers as api_serializers
from statusboard.models import (
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)
from tests.api.utils import RESOURCES, VERSIONS, clear, count_queries, ids, populate, results, url
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def status_changes():
    """The ``service_status_changed`` signals sent during the test."""
    sent = []

    def receiver(sender, service, old_status, new_status, **kwargs):
        sent.append((service.pk, old_status, new_status))

    signals.service_status_changed.connect(receiver, dispatch_uid="test_api_status_changes")
    yield sent
    signals.service_status_changed.disconnect(dispatch_uid="test_api_status_changes")


# --- Reading ----------------------------------------------------------------


@pytest.mark.parametrize("resource", RESOURCES)
def test_v01_lists_are_plain_arrays(api_client, resource):
    populate(2)
    response = api_client.get(url("v0.1", resource))
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert response.json()


@pytest.mark.parametrize("resource", RESOURCES)
def test_v1_lists_are_paginated(api_client, resource):
    populate(2)
    data = api_client.get(url("v1", resource)).json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == len(data["results"]) > 0


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_retrieve(api_client, version, resource):
    first = populate(2)[resource]
    response = api_client.get(url(version, resource, first.pk))
    assert response.status_code == 200
    assert response.json()["id"] == first.pk


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_retrieve_missing_is_json_404(api_client, version, resource):
    response = api_client.get(url(version, resource, 999))
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


def test_v1_url_points_at_the_v1_detail(api_client):
    service = ServiceFactory()
    data = api_client.get(url("v1", "service", service.pk)).json()
    assert data["url"] == f"http://testserver/statusboard/api/v1/service/{service.pk}/"


def test_incident_lists_its_updates_newest_first(api_client):
    incident = IncidentFactory()
    old = IncidentUpdateFactory(incident=incident, created=timezone.now() - datetime.timedelta(1))
    new = IncidentUpdateFactory(incident=incident)
    assert api_client.get(url("v0.1", "incident", incident.pk)).json()["updates"] == [
        new.pk,
        old.pk,
    ]


def test_maintenance_state(api_client):
    upcoming = MaintenanceFactory()
    ongoing = MaintenanceFactory(ongoing=True)
    completed = MaintenanceFactory(completed=True)
    states = {row["id"]: row["state"] for row in results(api_client.get(url("v1", "maintenance")))}
    assert states == {
        upcoming.pk: "upcoming",
        ongoing.pk: "in_progress",
        completed.pk: "completed",
    }


# --- Writing: services ------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_create_service(writer_client, version):
    group = ServiceGroupFactory()
    response = writer_client.post(
        url(version, "service"),
        {"name": "Mail", "status": 2, "groups": [group.pk], "href": "https://mail.example.com/"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    service = Service.objects.get(name="Mail")
    assert service.status == ServiceStatus.PARTIAL_OUTAGE
    assert list(service.groups.all()) == [group]
    assert response.json()["groups"] == [group.pk]
    # Creating records the first status, and sends no change.
    assert list(service.status_changes.values_list("old_status", "new_status")) == [(None, 2)]


@pytest.mark.parametrize("method", ["patch", "put"])
def test_changing_a_service_status_records_history_and_signals_once(
    writer_client, status_changes, method
):
    service = ServiceFactory(name="Web")
    data = {"status": 3} if method == "patch" else {"name": "Web", "status": 3}
    response = getattr(writer_client, method)(url("v1", "service", service.pk), data, format="json")
    assert response.status_code == 200, response.json()
    assert status_changes == [(service.pk, 0, 3)]
    assert list(service.status_changes.values_list("old_status", "new_status")) == [
        (0, 3),
        (None, 0),
    ]


def test_saving_a_service_without_changing_its_status_signals_nothing(
    writer_client, status_changes
):
    service = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)
    response = writer_client.patch(
        url("v1", "service", service.pk), {"status": 2, "name": "Renamed"}, format="json"
    )
    assert response.status_code == 200
    assert status_changes == []
    assert service.status_changes.count() == 1


def test_delete_service(writer_client):
    service = ServiceFactory()
    assert writer_client.delete(url("v1", "service", service.pk)).status_code == 204
    assert not Service.objects.exists()


# --- Writing: groups --------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_create_group_with_services(writer_client, version):
    services = ServiceFactory.create_batch(2)
    response = writer_client.post(
        url(version, "servicegroup"),
        {"name": "Core", "collapse": 2, "services": [s.pk for s in services]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    group = ServiceGroup.objects.get(name="Core")
    assert set(group.services.all()) == set(services)


def test_deleting_a_group_keeps_its_services(writer_client):
    service = ServiceFactory()
    group = ServiceGroupFactory()
    service.groups.add(group)
    assert writer_client.delete(url("v1", "servicegroup", group.pk)).status_code == 204
    assert Service.objects.filter(pk=service.pk).exists()


# --- Writing: incidents -----------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_create_incident_with_first_update_and_service_status(
    writer_client, status_changes, version
):
    services = ServiceFactory.create_batch(2)
    bystander = ServiceFactory()
    response = writer_client.post(
        url(version, "incident"),
        {
            "name": "Outage",
            "services": [s.pk for s in services],
            "first_update": {"status": IncidentStatus.IDENTIFIED, "description": "A disk."},
            "service_status": ServiceStatus.MAJOR_OUTAGE,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert "first_update" not in data and "service_status" not in data
    incident = Incident.objects.get(pk=data["id"])
    update = incident.updates.get()
    assert (update.status, update.description) == (IncidentStatus.IDENTIFIED, "A disk.")
    assert data["updates"] == [update.pk]
    assert data["closed"] is False
    assert sorted(status_changes) == sorted((s.pk, 0, 3) for s in services)
    for service in services:
        service.refresh_from_db()
        assert service.status == ServiceStatus.MAJOR_OUTAGE
        assert service.status_changes.filter(old_status=0, new_status=3).count() == 1
    bystander.refresh_from_db()
    assert bystander.status == ServiceStatus.OPERATIONAL


def test_create_incident_whose_first_update_is_fixed_is_closed(writer_client):
    response = writer_client.post(
        url("v1", "incident"),
        {"name": "Blip", "first_update": {"status": 3, "description": "Over."}},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["closed"] is True
    assert Incident.objects.get().closed


def test_create_incident_without_update(writer_client):
    response = writer_client.post(url("v0.1", "incident"), {"name": "Quiet"}, format="json")
    assert response.status_code == 201
    assert response.json()["updates"] == []
    assert response.json()["closed"] is False


def test_update_incident_applies_service_status(writer_client, status_changes):
    service = ServiceFactory(status=ServiceStatus.MAJOR_OUTAGE)
    incident = IncidentFactory(services=[service])
    response = writer_client.patch(
        url("v1", "incident", incident.pk), {"service_status": 0}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert status_changes == [(service.pk, 3, 0)]


def test_first_update_only_when_creating(writer_client):
    incident = IncidentFactory()
    response = writer_client.patch(
        url("v1", "incident", incident.pk),
        {"first_update": {"status": 0, "description": "Late."}},
        format="json",
    )
    assert response.status_code == 400
    assert "first_update" in response.json()
    assert not IncidentUpdate.objects.exists()


def test_writing_an_incident_never_moves_updates_nor_sets_closed(writer_client):
    other = IncidentFactory()
    update = IncidentUpdateFactory(incident=other)
    incident = IncidentFactory()
    response = writer_client.put(
        url("v0.1", "incident", incident.pk),
        {"name": "Renamed", "updates": [update.pk], "closed": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["updates"] == []
    assert response.json()["closed"] is False
    update.refresh_from_db()
    assert update.incident == other
    incident.refresh_from_db()
    assert not incident.closed


def test_creating_an_incident_is_one_transaction(
    writer_client, status_changes, monkeypatch, settings
):
    settings.ADMINS = []  # No error mail about the 500 this test provokes.
    service = ServiceFactory()

    def fail(self, status):
        raise RuntimeError("boom")

    monkeypatch.setattr(type(Service.objects.all()), "set_status", fail)
    client = writer_client
    client.raise_request_exception = False
    response = client.post(
        url("v1", "incident"),
        {
            "name": "Doomed",
            "services": [service.pk],
            "first_update": {"status": 0, "description": "Hm."},
            "service_status": 3,
        },
        format="json",
    )
    assert response.status_code == 500
    assert not Incident.objects.exists()
    assert not IncidentUpdate.objects.exists()


def test_service_status_needs_the_permission_to_change_services(
    client_for, user_with_perms, status_changes
):
    service = ServiceFactory()
    client = client_for(user_with_perms("add_incident"))
    response = client.post(
        url("v1", "incident"),
        {"name": "X", "services": [service.pk], "service_status": 3},
        format="json",
    )
    assert response.status_code == 403
    assert not Incident.objects.exists()
    assert status_changes == []


# --- Writing: incident updates ----------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_incident_updates_keep_closed_right(writer_client, version):
    incident = IncidentFactory()
    response = writer_client.post(
        url(version, "incidentupdate"),
        {"incident": incident.pk, "status": 3, "description": "Fixed."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    update_pk = response.json()["id"]
    incident.refresh_from_db()
    assert incident.closed

    response = writer_client.patch(
        url(version, "incidentupdate", update_pk), {"status": 2}, format="json"
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert not incident.closed

    writer_client.patch(url(version, "incidentupdate", update_pk), {"status": 3}, format="json")
    incident.refresh_from_db()
    assert incident.closed

    assert writer_client.delete(url(version, "incidentupdate", update_pk)).status_code == 204
    incident.refresh_from_db()
    assert not incident.closed


def test_moving_an_update_fixes_both_incidents(writer_client):
    source = IncidentFactory()
    update = IncidentUpdateFactory(incident=source, fixed=True)
    target = IncidentFactory()
    source.refresh_from_db()
    assert source.closed
    response = writer_client.patch(
        url("v1", "incidentupdate", update.pk), {"incident": target.pk}, format="json"
    )
    assert response.status_code == 200
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.closed, target.closed) == (False, True)


# --- Writing: maintenances --------------------------------------------------


def test_create_maintenance_v1(writer_client):
    service = ServiceFactory()
    start = timezone.now() + datetime.timedelta(days=1)
    response = writer_client.post(
        url("v1", "maintenance"),
        {
            "name": "Upgrade",
            "scheduled": start.isoformat(),
            "end": (start + datetime.timedelta(hours=2)).isoformat(),
            "services": [service.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    maintenance = Maintenance.objects.get()
    assert list(maintenance.services.all()) == [service]
    assert response.json()["state"] == "upcoming"


def test_v01_maintenance_writes_leave_end_and_services_alone(writer_client):
    service = ServiceFactory()
    maintenance = MaintenanceFactory(ongoing=True, services=[service])
    end = maintenance.end
    response = writer_client.put(
        url("v0.1", "maintenance", maintenance.pk),
        {"name": "Renamed", "scheduled": maintenance.scheduled.isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    maintenance.refresh_from_db()
    assert maintenance.end == end
    assert list(maintenance.services.all()) == [service]


# --- Speed ------------------------------------------------------------------

# Queries of each endpoint for any number of rows: the page (and its count in
# v1) plus one per prefetched relation.
EXPECTED_QUERIES = {
    ("v0.1", "servicegroup", "list"): 2,
    ("v0.1", "servicegroup", "detail"): 2,
    ("v0.1", "service", "list"): 2,
    ("v0.1", "service", "detail"): 2,
    ("v0.1", "incident", "list"): 3,
    ("v0.1", "incident", "detail"): 3,
    ("v0.1", "incidentupdate", "list"): 1,
    ("v0.1", "incidentupdate", "detail"): 1,
    ("v0.1", "maintenance", "list"): 1,
    ("v0.1", "maintenance", "detail"): 1,
    ("v1", "servicegroup", "list"): 3,
    ("v1", "servicegroup", "detail"): 2,
    # Three more in v1 for the uptime of all the listed services.
    ("v1", "service", "list"): 6,
    ("v1", "service", "detail"): 5,
    ("v1", "incident", "list"): 4,
    ("v1", "incident", "detail"): 3,
    ("v1", "incidentupdate", "list"): 2,
    ("v1", "incidentupdate", "detail"): 1,
    ("v1", "maintenance", "list"): 3,
    ("v1", "maintenance", "detail"): 2,
}


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_query_counts_do_not_grow_with_rows(api_client, staff_client, who):
    client = api_client if who == "anonymous" else staff_client
    counts: dict[tuple[str, str, str], list[int]] = {}
    for rows in (5, 50):
        first = populate(rows)
        for version in VERSIONS:
            for resource in RESOURCES:
                for kind, path in (
                    ("list", url(version, resource)),
                    ("detail", url(version, resource, first[resource].pk)),
                ):
                    counts.setdefault((version, resource, kind), []).append(
                        count_queries(client, path)
                    )
        clear()
    assert counts == {key: [n, n] for key, n in EXPECTED_QUERIES.items()}


def test_list_with_filters_stays_flat(api_client):
    for rows in (5, 50):
        first = populate(rows)
        path = url("v1", "incident", query=f"closed=false&service={first['service'].pk}")
        with CaptureQueriesContext(connection) as context:
            assert api_client.get(path).status_code == 200
        # The filter's own lookup of the service, then the page.
        assert len(context.captured_queries) == 5
        clear()


def test_related_ids_are_checked_in_one_query(writer_client):
    services = ServiceFactory.create_batch(30)
    serializer = api_serializers.ServiceGroupSerializer(
        data={"name": "Many", "services": [s.pk for s in services]},
        context={"request": None},
    )
    with CaptureQueriesContext(connection) as context:
        assert serializer.is_valid(), serializer.errors
    # One for the name's uniqueness, one for all the services.
    assert len(context.captured_queries) == 2


def test_history_rows_match_signals(writer_client, status_changes):
    services = ServiceFactory.create_batch(3)
    writer_client.post(
        url("v1", "incident"),
        {"name": "Wide", "services": [s.pk for s in services], "service_status": 1},
        format="json",
    )
    assert ServiceStatusChange.objects.filter(old_status=0, new_status=1).count() == 3
    assert len(status_changes) == 3
    assert set(ids(writer_client.get(url("v1", "service", query="status=1")))) == {
        s.pk for s in services
    }
