"""The serializers: the field sets of each version and the validation of writes."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from statusboard.api import serializers as api_serializers
from statusboard.api.serializers import MAX_IDS, MaintenanceState, maintenance_state
from tests.api.utils import RESOURCES, populate, results, url
from tests.factories import IncidentFactory, MaintenanceFactory, ServiceFactory

pytestmark = pytest.mark.django_db

# The fields of the original django-statusboard's v0.1 API, which its clients
# rely on, plus the incident an update belongs to.
V01_FIELDS = {
    "service": {
        "id",
        "name",
        "description",
        "href",
        "status",
        "groups",
        "priority",
        "created",
        "modified",
    },
    "servicegroup": {"id", "name", "collapse", "priority", "services", "created", "modified"},
    "incident": {
        "id",
        "name",
        "services",
        "occurred",
        "created",
        "modified",
        "updates",
        "closed",
    },
    "incidentupdate": {"id", "incident", "status", "description", "created", "modified"},
    "maintenance": {"id", "name", "description", "created", "modified", "scheduled"},
}

V1_ADDITIONS = {
    "service": {"url", "status_display", "public", "uptime"},
    "servicegroup": {"url", "collapse_display"},
    "incident": {"url", "impact", "impact_display", "postmortem"},
    "incidentupdate": {"url", "status_display"},
    "maintenance": {"url", "end", "services", "state"},
}


@pytest.mark.parametrize("resource", RESOURCES)
def test_v01_fields_are_exactly_the_original_ones(api_client, resource):
    first = populate(2)[resource]
    assert set(api_client.get(url("v0.1", resource, first.pk)).json()) == V01_FIELDS[resource]
    for row in results(api_client.get(url("v0.1", resource))):
        assert set(row) == V01_FIELDS[resource]


@pytest.mark.parametrize("resource", RESOURCES)
def test_v1_fields_only_add_to_v01(api_client, resource):
    first = populate(2)[resource]
    v01 = api_client.get(url("v0.1", resource, first.pk)).json()
    v1 = api_client.get(url("v1", resource, first.pk)).json()
    assert set(v1) == V01_FIELDS[resource] | V1_ADDITIONS[resource]
    assert {key: v1[key] for key in v01} == v01


def test_display_fields(api_client):
    service = ServiceFactory(down=True)
    data = api_client.get(url("v1", "service", service.pk)).json()
    assert (data["status"], data["status_display"]) == (3, "Major outage")


# --- RelatedIdsField --------------------------------------------------------


def _group_errors(services: object) -> dict:
    serializer = api_serializers.ServiceGroupSerializer(
        data={"name": "G", "services": services}, context={"request": None}
    )
    assert not serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1", 'Expected a list of items but got type "str".'),
        ({"1": 1}, 'Expected a list of items but got type "dict".'),
        (7, 'Expected a list of items but got type "int".'),
        ([True], "Incorrect type. Expected pk value, received bool."),
        ([1.5], "Incorrect type. Expected pk value, received float."),
        (["one"], "Incorrect type. Expected pk value, received str."),
        ([[1]], "Incorrect type. Expected pk value, received list."),
        ([None], "Incorrect type. Expected pk value, received NoneType."),
        ([999], 'Invalid pk "999" - object does not exist.'),
        ([-1], 'Invalid pk "-1" - object does not exist.'),
        ([2**70], f'Invalid pk "{2**70}" - object does not exist.'),
    ],
)
def test_related_ids_refuse_bad_values(value, message):
    assert _group_errors(value) == {"services": [message]}


def test_related_ids_refuse_oversized_lists():
    errors = _group_errors(list(range(1, MAX_IDS + 2)))
    assert errors == {"services": [f"Ensure this list has at most {MAX_IDS} items."]}


def test_related_ids_accept_digit_strings_and_duplicates():
    service = ServiceFactory()
    serializer = api_serializers.ServiceGroupSerializer(
        data={"name": "G", "services": [str(service.pk), service.pk]}, context={"request": None}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["services"] == [service]


def test_hidden_services_are_unknown_ids_for_the_public():
    hidden = ServiceFactory(hidden=True)
    assert _group_errors([hidden.pk]) == {
        "services": [f'Invalid pk "{hidden.pk}" - object does not exist.']
    }


# --- Maintenance ------------------------------------------------------------


def test_maintenance_end_must_follow_start():
    start = timezone.now()
    serializer = api_serializers.MaintenanceSerializer(
        data={"name": "M", "scheduled": start, "end": start}, context={"request": None}
    )
    assert not serializer.is_valid()
    assert serializer.errors == {"end": ["The end must be after the scheduled start."]}


def test_moving_the_start_past_the_end_names_scheduled():
    maintenance = MaintenanceFactory(ongoing=True)
    serializer = api_serializers.MaintenanceV01Serializer(
        maintenance,
        data={"scheduled": maintenance.end + datetime.timedelta(hours=1)},
        partial=True,
        context={"request": None},
    )
    assert not serializer.is_valid()
    assert serializer.errors == {"scheduled": ["The end must be after the scheduled start."]}


def test_maintenance_state_boundaries():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    maintenance = MaintenanceFactory.build(scheduled=now, end=now + hour)
    assert maintenance_state(maintenance, now - hour) == MaintenanceState.UPCOMING
    assert maintenance_state(maintenance, now) == MaintenanceState.IN_PROGRESS
    assert maintenance_state(maintenance, now + hour) == MaintenanceState.COMPLETED
    maintenance.end = None
    assert maintenance_state(maintenance, now + 1000 * hour) == MaintenanceState.IN_PROGRESS


# --- Incident ---------------------------------------------------------------


def test_first_update_is_validated():
    serializer = api_serializers.IncidentSerializer(
        data={"name": "I", "first_update": {"status": 7}}, context={"request": None}
    )
    assert not serializer.is_valid()
    assert set(serializer.errors["first_update"]) == {"status", "description"}


def test_first_update_refused_on_existing_incident():
    serializer = api_serializers.IncidentSerializer(
        IncidentFactory(),
        data={"first_update": {"status": 0, "description": "x"}},
        partial=True,
        context={"request": None},
    )
    assert not serializer.is_valid()
    assert list(serializer.errors) == ["first_update"]


@pytest.mark.parametrize("version", ["v0.1", "v1"])
def test_datetimes_before_standard_time_are_written_in_utc(writer_client, version):
    # Europe/Rome used local mean time (+00:49:56) until 1893; RFC 3339 has no seconds.
    response = writer_client.post(
        url(version, "maintenance"),
        {"name": "Old", "scheduled": "1850-01-01T12:00:00Z"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["scheduled"] == "1850-01-01T12:00:00Z"
    assert writer_client.get(url(version, "maintenance")).json()


def test_datetimes_are_written_in_the_current_time_zone(api_client):
    maintenance = MaintenanceFactory(
        scheduled=datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC)
    )
    data = api_client.get(url("v1", "maintenance", maintenance.pk)).json()
    assert data["scheduled"] == "2030-01-01T13:00:00+01:00"
