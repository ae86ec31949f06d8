"""Helpers shared by the API tests."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
)
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

RESOURCES = ("servicegroup", "service", "incident", "incidentupdate", "maintenance")
# Resources that exist in v1 only (statusboard.api.webhooks).
V1_ONLY_RESOURCES = ("webhook",)
VERSIONS = ("v0.1", "v1")


def url(version: str, resource: str, pk: int | None = None, query: str = "") -> str:
    path = f"/statusboard/api/{version}/{resource}/"
    if pk is not None:
        path += f"{pk}/"
    return path + (f"?{query}" if query else "")


def results(response: object) -> list[dict]:
    """The rows of a list response, paginated (v1) or not (v0.1)."""
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def ids(response: object) -> list[int]:
    return [row["id"] for row in results(response)]


def populate(n: int) -> dict[str, object]:
    """``n`` rows of every model, every row with related rows; the first row of
    each model is related to ``n`` others. Every other service is hidden.

    Returns the first row of each resource.
    """
    groups = ServiceGroupFactory.create_batch(n)
    services = [
        ServiceFactory(groups=[groups[i], groups[(i + 1) % n]], public=i % 2 == 0) for i in range(n)
    ]
    groups[0].services.set(services)
    services[0].groups.set(groups)
    incidents = [IncidentFactory(services=[services[i], services[(i + 1) % n]]) for i in range(n)]
    incidents[0].services.set(services)
    updates = [IncidentUpdateFactory(incident=incidents[i]) for i in range(n)]
    IncidentUpdateFactory.create_batch(n - 1, incident=incidents[0])
    maintenances = [
        MaintenanceFactory(services=[services[i], services[(i + 1) % n]]) for i in range(n)
    ]
    maintenances[0].services.set(services)
    return {
        "servicegroup": groups[0],
        "service": services[0],
        "incident": incidents[0],
        "incidentupdate": updates[0],
        "maintenance": maintenances[0],
    }


def clear() -> None:
    for model in (Maintenance, IncidentUpdate, Incident, Service, ServiceGroup):
        model.objects.all().delete()


def count_queries(client: object, path: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, (path, response.content)
    return len(context.captured_queries)
