"""Who may read and write: model permissions, and services hidden from the public."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from statusboard.api.permissions import sees_hidden_services
from statusboard.models import Incident, Maintenance, Service, ServiceGroup
from tests.api.utils import RESOURCES, VERSIONS, ids, populate, results, url
from tests.factories import (
    IncidentFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_anyone_reads(api_client, version, resource):
    first = populate(2)[resource]
    assert api_client.get(url(version, resource)).status_code == 200
    assert api_client.get(url(version, resource, first.pk)).status_code == 200
    assert api_client.options(url(version, resource)).status_code == 200


# Who may write what, for every route and method: tests/test_permission_matrix.py.


def test_wrong_credentials_are_refused_even_for_reads(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Basic bm9ib2R5Ondyb25n")  # nobody:wrong
    response = api_client.get(url("v1", "service"))
    assert response.status_code in (401, 403)


# --- Hidden services --------------------------------------------------------


@pytest.fixture
def hidden_world():
    public = ServiceFactory(name="Public")
    hidden = ServiceFactory(name="Hidden", hidden=True)
    group = ServiceGroupFactory()
    group.services.set([public, hidden])
    incident = IncidentFactory(services=[public, hidden])
    maintenance = MaintenanceFactory(services=[public, hidden])
    return {
        "public": public,
        "hidden": hidden,
        "servicegroup": group,
        "incident": incident,
        "maintenance": maintenance,
    }


@pytest.fixture
def non_staff_clients(api_client, client_for, writer):
    return {"anonymous": api_client, "writer": client_for(writer)}


@pytest.mark.parametrize("who", ["anonymous", "writer"])
@pytest.mark.parametrize("version", VERSIONS)
def test_hidden_services_are_hidden_from_non_staff(hidden_world, non_staff_clients, who, version):
    client = non_staff_clients[who]
    public, hidden = hidden_world["public"], hidden_world["hidden"]
    assert ids(client.get(url(version, "service"))) == [public.pk]
    assert client.get(url(version, "service", hidden.pk)).status_code == 404
    for resource in ("servicegroup", "incident"):
        pk = hidden_world[resource].pk
        assert client.get(url(version, resource, pk)).json()["services"] == [public.pk]
        assert [row["services"] for row in results(client.get(url(version, resource)))] == [
            [public.pk]
        ]
    if version == "v1":
        pk = hidden_world["maintenance"].pk
        assert client.get(url(version, "maintenance", pk)).json()["services"] == [public.pk]


@pytest.mark.parametrize("version", VERSIONS)
def test_staff_see_hidden_services(hidden_world, staff_client, version):
    both = sorted([hidden_world["public"].pk, hidden_world["hidden"].pk])
    assert sorted(ids(staff_client.get(url(version, "service")))) == both
    for resource in ("servicegroup", "incident"):
        pk = hidden_world[resource].pk
        assert sorted(staff_client.get(url(version, resource, pk)).json()["services"]) == both


@pytest.mark.parametrize(
    ("resource", "model"),
    [("servicegroup", ServiceGroup), ("incident", Incident), ("maintenance", Maintenance)],
)
def test_non_staff_writes_keep_hidden_services(hidden_world, writer_client, resource, model):
    other = ServiceFactory()
    pk = hidden_world[resource].pk
    response = writer_client.patch(url("v1", resource, pk), {"services": [other.pk]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["services"] == [other.pk]
    instance = model.objects.get(pk=pk)
    assert set(instance.services.all()) == {other, hidden_world["hidden"]}


def test_staff_writes_may_remove_hidden_services(hidden_world, staff_client):
    group = hidden_world["servicegroup"]
    response = staff_client.patch(
        url("v1", "servicegroup", group.pk), {"services": []}, format="json"
    )
    assert response.status_code == 200
    assert not group.services.exists()


def test_non_staff_cannot_use_hidden_services(hidden_world, writer_client):
    response = writer_client.post(
        url("v1", "incident"),
        {"name": "Sneaky", "services": [hidden_world["hidden"].pk]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["services"]


def test_service_status_from_non_staff_spares_hidden_services(hidden_world, writer_client):
    incident = hidden_world["incident"]
    response = writer_client.patch(
        url("v1", "incident", incident.pk), {"service_status": 3}, format="json"
    )
    assert response.status_code == 200
    assert Service.objects.get(pk=hidden_world["public"].pk).status == 3
    assert Service.objects.get(pk=hidden_world["hidden"].pk).status == 0


def test_sees_hidden_services():
    assert not sees_hidden_services(None)
    assert not sees_hidden_services(AnonymousUser())
    assert not sees_hidden_services(UserFactory.build())
    assert sees_hidden_services(UserFactory.build(is_staff=True))
    assert not sees_hidden_services(UserFactory.build(is_staff=True, is_active=False))
