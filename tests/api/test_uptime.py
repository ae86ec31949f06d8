from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from statusboard.models import ServiceStatus
from tests.api.utils import url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def outage_for_half_a_day(service, now):
    service.status_changes.update(created=now - datetime.timedelta(days=2))
    change = service.status_changes.create(
        old_status=0,
        new_status=ServiceStatus.MAJOR_OUTAGE,
        created=now - datetime.timedelta(hours=12),
    )
    service.status_changes.create(
        old_status=3, new_status=0, created=change.created + datetime.timedelta(hours=6)
    )


def test_v1_services_carry_their_uptime(api_client, settings):
    settings.STATUSBOARD = {"UPTIME_DAYS": 2}
    service = ServiceFactory()
    outage_for_half_a_day(service, timezone.now())

    listed = api_client.get(url("v1", "service")).json()["results"][0]
    detail = api_client.get(url("v1", "service", service.pk)).json()

    # Six hours down out of the two days in the window (today only up to now).
    assert 0 < listed["uptime"] < 100
    assert detail["uptime"] == listed["uptime"]
    assert "uptime" not in api_client.get(url("v0.1", "service", service.pk)).json()


def test_history_lists_each_day(api_client, settings):
    settings.STATUSBOARD = {"UPTIME_DAYS": 3}
    service = ServiceFactory()
    outage_for_half_a_day(service, timezone.now())

    response = api_client.get(url("v1", "service", service.pk) + "history/")

    assert response.status_code == 200
    data = response.json()
    assert data["service"] == service.pk
    assert [day["date"] for day in data["days"]] == [
        str(timezone.localdate() - datetime.timedelta(days=offset)) for offset in (2, 1, 0)
    ]
    assert sum(day["minutes_in_status"].get("3", 0) for day in data["days"]) == 360
    assert max(day["worst_status"] for day in data["days"]) == ServiceStatus.MAJOR_OUTAGE


@pytest.mark.parametrize("exists", [True, False])
def test_history_of_a_hidden_or_missing_service_is_a_404(api_client, exists):
    service = ServiceFactory(hidden=True)
    pk = service.pk if exists else service.pk + 100

    response = api_client.get(url("v1", "service", pk) + "history/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_history_is_not_part_of_v01(api_client):
    service = ServiceFactory()

    assert api_client.get(url("v0.1", "service", service.pk) + "history/").status_code == 404
