"""The FilterSets of the native API's lists."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from statusboard.api.filters import StrictBooleanField, UTCDateTimeField
from statusboard.models import ServiceStatus
from tests.api.utils import ids, url
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db


def _ids(api_client, resource, query, version="v1"):
    response = api_client.get(url(version, resource, query=query))
    assert response.status_code == 200, response.json()
    return ids(response)


def _error(api_client, resource, query, version="v1"):
    response = api_client.get(url(version, resource, query=query))
    assert response.status_code == 400
    return response.json()


# --- Services ---------------------------------------------------------------


@pytest.fixture
def services():
    return {status: ServiceFactory(status=status) for status in ServiceStatus}


@pytest.mark.parametrize("version", ["v0.1", "v1"])
def test_service_status(api_client, services, version):
    assert _ids(api_client, "service", "status=2", version) == [services[2].pk]


def test_service_status_at_least_and_at_most(api_client, services):
    assert set(_ids(api_client, "service", "status__gte=2")) == {services[2].pk, services[3].pk}
    assert set(_ids(api_client, "service", "status__lte=1")) == {services[0].pk, services[1].pk}
    assert _ids(api_client, "service", "status__gte=1&status__lte=1") == [services[1].pk]


def test_service_group(api_client):
    group = ServiceGroupFactory()
    inside = ServiceFactory(groups=[group])
    ServiceFactory()
    assert _ids(api_client, "service", f"group={group.pk}") == [inside.pk]


def test_service_search(api_client):
    mail = ServiceFactory(name="Mail server")
    ServiceFactory(name="Web")
    assert _ids(api_client, "service", "search=MAIL") == [mail.pk]


def test_service_ordering(api_client):
    b = ServiceFactory(name="B", priority=1)
    a = ServiceFactory(name="A", priority=0)
    assert _ids(api_client, "service", "") == [b.pk, a.pk]
    assert _ids(api_client, "service", "ordering=name") == [a.pk, b.pk]
    assert _ids(api_client, "service", "ordering=-name") == [b.pk, a.pk]
    assert _ids(api_client, "service", "ordering=priority,name") == [a.pk, b.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=9", "status"),
        ("status=bad", "status"),
        ("status__gte=-1", "status__gte"),
        ("status__lte=1.5", "status__lte"),
        ("group=abc", "group"),
        ("group=999", "group"),
        ("group=99999999999999999999999", "group"),
        ("ordering=password", "ordering"),
        ("search=a%00b", "search"),
    ],
)
def test_service_malformed_filters(api_client, query, field):
    ServiceFactory()
    assert list(_error(api_client, "service", query)) == [field]


# --- Groups -----------------------------------------------------------------


def test_group_search_and_ordering(api_client):
    core = ServiceGroupFactory(name="Core", priority=0)
    edge = ServiceGroupFactory(name="Edge", priority=5)
    assert _ids(api_client, "servicegroup", "search=cor") == [core.pk]
    assert _ids(api_client, "servicegroup", "ordering=priority") == [core.pk, edge.pk]
    assert list(_error(api_client, "servicegroup", "ordering=nope")) == ["ordering"]


# --- Incidents --------------------------------------------------------------


def test_incident_closed(api_client):
    open_incident = IncidentFactory()
    closed_incident = IncidentUpdateFactory(fixed=True).incident
    assert _ids(api_client, "incident", "closed=true") == [closed_incident.pk]
    assert _ids(api_client, "incident", "closed=false") == [open_incident.pk]
    assert _ids(api_client, "incident", "closed=0") == [open_incident.pk]


def test_incident_occurred_range(api_client):
    now = timezone.now()
    old = IncidentFactory(occurred=now - datetime.timedelta(days=10))
    new = IncidentFactory(occurred=now - datetime.timedelta(days=1))
    cut = (now - datetime.timedelta(days=5)).isoformat().replace("+", "%2B")
    assert _ids(api_client, "incident", f"occurred_after={cut}") == [new.pk]
    assert _ids(api_client, "incident", f"occurred_before={cut}") == [old.pk]
    assert _ids(api_client, "incident", "occurred_before=2000-01-01") == []


def test_incident_service(api_client):
    service = ServiceFactory()
    affected = IncidentFactory(services=[service])
    IncidentFactory()
    assert _ids(api_client, "incident", f"service={service.pk}") == [affected.pk]


def test_incident_service_hidden_is_unknown_to_the_public(api_client, staff_client):
    hidden = ServiceFactory(hidden=True)
    incident = IncidentFactory(services=[hidden])
    assert list(_error(api_client, "incident", f"service={hidden.pk}")) == ["service"]
    assert _ids(staff_client, "incident", f"service={hidden.pk}") == [incident.pk]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("closed=maybe", "closed"),
        ("occurred_after=yesterday", "occurred_after"),
        ("occurred_before=2024-13-01T00:00:00Z", "occurred_before"),
        ("occurred_after=0001-01-01T00:00:00%2B05:00", "occurred_after"),
        ("occurred_before=9999-12-31T23:59:59-05:00", "occurred_before"),
        ("service=x", "service"),
        ("impact=9", "impact"),
        ("ordering=closed", "ordering"),
    ],
)
def test_incident_malformed_filters(api_client, query, field):
    IncidentFactory()
    assert list(_error(api_client, "incident", query)) == [field]


# --- Incident updates -------------------------------------------------------


def test_incidentupdate_incident_and_status(api_client):
    update = IncidentUpdateFactory(fixed=True)
    IncidentUpdateFactory()
    assert _ids(api_client, "incidentupdate", f"incident={update.incident_id}") == [update.pk]
    assert _ids(api_client, "incidentupdate", "status=3") == [update.pk]
    assert list(_error(api_client, "incidentupdate", "status=4")) == ["status"]
    assert list(_error(api_client, "incidentupdate", "incident=0")) == ["incident"]


# --- Maintenances -----------------------------------------------------------


def test_maintenance_state(api_client):
    upcoming = MaintenanceFactory()
    ongoing = MaintenanceFactory(ongoing=True)
    completed = MaintenanceFactory(completed=True)
    assert _ids(api_client, "maintenance", "state=upcoming") == [upcoming.pk]
    assert _ids(api_client, "maintenance", "state=in_progress") == [ongoing.pk]
    assert _ids(api_client, "maintenance", "state=completed") == [completed.pk]
    assert list(_error(api_client, "maintenance", "state=soon")) == ["state"]


def test_maintenance_service(api_client):
    service = ServiceFactory()
    concerned = MaintenanceFactory(services=[service])
    MaintenanceFactory()
    assert _ids(api_client, "maintenance", f"service={service.pk}") == [concerned.pk]
    assert _ids(api_client, "maintenance", f"service={service.pk}", "v0.1") == [concerned.pk]


# --- Fields -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("false", False), ("0", False), ("", None)],
)
def test_strict_boolean_field(value, expected):
    assert StrictBooleanField(required=False).clean(value) is expected


@pytest.mark.parametrize("value", ["yes", "2", "None", "unknown"])
def test_strict_boolean_field_refuses(value):
    with pytest.raises(ValidationError):
        StrictBooleanField(required=False).clean(value)


def test_utc_datetime_field():
    field = UTCDateTimeField(required=False)
    assert field.clean("2024-05-01T10:00:00+02:00") == datetime.datetime(
        2024, 5, 1, 8, tzinfo=datetime.UTC
    )
    with pytest.raises(ValidationError, match="between the years 1 and 9999"):
        field.clean("0001-01-01T00:30:00+01:00")
