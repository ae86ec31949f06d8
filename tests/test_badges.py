from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import translation

from statusboard.models import ServiceStatus
from tests.factories import MaintenanceFactory, ServiceFactory

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def badge(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "max-age=60" in response["Cache-Control"]
    root = ElementTree.fromstring(response.content)
    return root.find(f"{SVG}title").text


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (ServiceStatus.OPERATIONAL, "operational"),
        (ServiceStatus.PARTIAL_OUTAGE, "partial outage"),
        (ServiceStatus.MAJOR_OUTAGE, "major outage"),
    ],
)
def test_overall_badge(client, status, words):
    ServiceFactory()
    ServiceFactory(status=status)
    ServiceFactory(down=True, hidden=True)

    assert badge(client, reverse("statusboard:badge-status")) == f"Status: {words}"


def test_overall_badge_without_services(client):
    assert badge(client, reverse("statusboard:badge-status")) == "Status: no services"


def test_service_badge(client):
    service = ServiceFactory(name="API <v2>", down=True)

    title = badge(client, reverse("statusboard:badge-service", args=[service.pk]))

    assert title == "API <v2>: major outage"


def test_service_badge_under_maintenance(client):
    service = ServiceFactory(name="API")
    MaintenanceFactory(ongoing=True, services=[service])

    title = badge(client, reverse("statusboard:badge-service", args=[service.pk]))

    assert title == "API: under maintenance"


@pytest.mark.parametrize("hidden", [True, False])
def test_hidden_or_missing_service_is_a_404(client, hidden):
    service = ServiceFactory(hidden=True)
    pk = service.pk if hidden else service.pk + 1

    response = client.get(reverse("statusboard:badge-service", args=[pk]))

    assert response.status_code == 404


def test_badge_geometry_is_not_localized(client):
    ServiceFactory()

    with translation.override("it"):
        response = client.get(reverse("statusboard:badge-status"), HTTP_ACCEPT_LANGUAGE="it")

    ElementTree.fromstring(response.content)
    assert b"," not in response.content.split(b"<text")[1].split(b">")[0]
