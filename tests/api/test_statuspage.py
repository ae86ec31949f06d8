"""The Statuspage-compatible read API under ``<mount>/api/v2/``."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from statusboard.api.statuspage import timestamp
from statusboard.checks import check_settings
from statusboard.conf import app_settings
from statusboard.models import (
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db

DOCUMENTS = {
    "summary": "/statusboard/api/v2/summary.json",
    "status": "/statusboard/api/v2/status.json",
    "components": "/statusboard/api/v2/components.json",
    "incidents": "/statusboard/api/v2/incidents.json",
    "incidents-unresolved": "/statusboard/api/v2/incidents/unresolved.json",
    "scheduled-maintenances": "/statusboard/api/v2/scheduled-maintenances.json",
    "scheduled-maintenances-upcoming": "/statusboard/api/v2/scheduled-maintenances/upcoming.json",
    "scheduled-maintenances-active": "/statusboard/api/v2/scheduled-maintenances/active.json",
}
PAGE_KEYS = {"id", "name", "url", "time_zone", "updated_at"}
COMPONENT_KEYS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "position",
    "description",
    "showcase",
    "start_date",
    "group_id",
    "page_id",
    "group",
    "only_show_if_degraded",
}
INCIDENT_KEYS = {
    "id",
    "name",
    "status",
    "created_at",
    "updated_at",
    "monitoring_at",
    "resolved_at",
    "impact",
    "shortlink",
    "started_at",
    "page_id",
    "incident_updates",
    "components",
}
UPDATE_KEYS = {
    "id",
    "status",
    "body",
    "incident_id",
    "created_at",
    "updated_at",
    "display_at",
    "affected_components",
    "deliver_notifications",
    "custom_tweet",
    "tweet_id",
}
MAINTENANCE_KEYS = INCIDENT_KEYS | {"scheduled_for", "scheduled_until"}


def get(client: Client, name: str) -> dict[str, Any]:
    response = client.get(reverse(f"statusboard:v2:{name}"))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def by_id(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in items}


def parse(value: str) -> datetime.datetime:
    assert value.endswith("Z"), value
    return datetime.datetime.fromisoformat(value)


def same_moment(value: str, moment: datetime.datetime) -> bool:
    """Whether an API time is ``moment``, to the millisecond Statuspage gives."""
    return abs(parse(value) - moment) < datetime.timedelta(milliseconds=1)


def expected_shortlink(incident: Incident) -> str | None:
    # The incident pages come with the web views; until then there is no shortlink.
    try:
        return "http://testserver" + reverse("statusboard:incident:detail", args=[incident.pk])
    except NoReverseMatch:
        return None


# Routes and methods


@pytest.mark.parametrize(("name", "url"), DOCUMENTS.items())
def test_routes(client: Client, name: str, url: str) -> None:
    assert reverse(f"statusboard:v2:{name}") == url
    body = client.get(url).json()
    assert set(body["page"]) == PAGE_KEYS


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options", "trace"])
@pytest.mark.parametrize("url", DOCUMENTS.values())
def test_other_methods_are_not_allowed(client: Client, url: str, method: str) -> None:
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": f'Method "{method.upper()}" not allowed.'}


def test_post_is_405_even_with_csrf_checks() -> None:
    response = Client(enforce_csrf_checks=True).post(DOCUMENTS["summary"], {"a": 1})
    assert response.status_code == 405
    assert response.json()["detail"] == 'Method "POST" not allowed.'


@pytest.mark.parametrize("url", DOCUMENTS.values())
def test_head(client: Client, url: str) -> None:
    response = client.head(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.content == b""


def test_browsers_may_read_it_from_other_sites(client: Client) -> None:
    assert client.get(DOCUMENTS["summary"])["Access-Control-Allow-Origin"] == "*"


# The page object


@pytest.mark.parametrize("name", DOCUMENTS)
def test_page_defaults(client: Client, name: str) -> None:
    page = get(client, name)["page"]
    assert page["name"] == "Status"
    assert page["url"] == "http://testserver/statusboard/"
    assert page["time_zone"] == "Europe/Rome"
    assert isinstance(page["id"], str)
    assert len(page["id"]) == 12
    assert page["updated_at"] is None  # nothing shown


def test_page_id_is_stable_and_follows_the_url(client: Client) -> None:
    first = get(client, "summary")["page"]["id"]
    assert get(client, "components")["page"]["id"] == first
    with override_settings(STATUSBOARD={"PAGE_URL": "https://status.example.com/"}):
        assert get(client, "summary")["page"]["id"] != first


def test_page_name_and_url_settings(client: Client) -> None:
    service = ServiceFactory()
    incident = IncidentFactory(services=[service])
    maintenance = MaintenanceFactory(services=[service])
    settings = {"PAGE_NAME": "Example Status", "PAGE_URL": "https://status.example.com/"}
    with override_settings(STATUSBOARD=settings):
        assert app_settings.PAGE_NAME == "Example Status"
        body = get(client, "summary")
        page = body["page"]
        assert page["name"] == "Example Status"
        assert page["url"] == "https://status.example.com/"
        # Links point at the public host, not at the one the request came through.
        shortlink = by_id(body["incidents"])[f"incident-{incident.pk}"]["shortlink"]
        if expected_shortlink(incident) is not None:
            assert shortlink.startswith("https://status.example.com/")
        maintenance_link = body["scheduled_maintenances"][0]["shortlink"]
        assert body["scheduled_maintenances"][0]["id"] == f"maintenance-{maintenance.pk}"
        assert maintenance_link.startswith("https://status.example.com/")
    # And back to the defaults after the override.
    assert app_settings.PAGE_NAME == "Status"
    assert app_settings.PAGE_URL == ""
    assert get(client, "status")["page"]["name"] == "Status"


@pytest.mark.parametrize(
    "settings",
    [{"PAGE_NAME": 5, "PAGE_URL": None}, {"PAGE_NAME": "", "PAGE_URL": 3}],
)
def test_bad_settings_never_break_the_documents(client: Client, settings: dict) -> None:
    with override_settings(STATUSBOARD=settings):
        page = get(client, "summary")["page"]
    assert page["name"] == "Status"
    assert page["url"] == "http://testserver/statusboard/"


def test_page_updated_at_is_the_latest_shown_change(client: Client) -> None:
    group = ServiceGroupFactory()
    shown = ServiceFactory(groups=[group])
    later = ServiceFactory()
    later.set_status(ServiceStatus.PARTIAL_OUTAGE)
    hidden = ServiceFactory(hidden=True)
    hidden.set_status(ServiceStatus.MAJOR_OUTAGE)  # the latest change, but not shown
    for obj in (group, shown, later, hidden):
        obj.refresh_from_db()
    assert hidden.modified > later.modified

    body = get(client, "components")
    assert body["page"]["updated_at"] == timestamp(later.modified)
    # status.json is made of the same services.
    assert get(client, "status")["page"]["updated_at"] == timestamp(later.modified)

    incident = IncidentFactory(services=[shown])
    update = IncidentUpdateFactory(incident=incident)
    update.refresh_from_db()
    assert get(client, "incidents")["page"]["updated_at"] == timestamp(update.modified)
    assert get(client, "summary")["page"]["updated_at"] == timestamp(update.modified)


# Components


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (ServiceStatus.OPERATIONAL, "operational"),
        (ServiceStatus.PERFORMANCE_ISSUES, "degraded_performance"),
        (ServiceStatus.PARTIAL_OUTAGE, "partial_outage"),
        (ServiceStatus.MAJOR_OUTAGE, "major_outage"),
    ],
)
def test_component_status(client: Client, status: int, expected: str) -> None:
    service = ServiceFactory(status=status)
    [component] = get(client, "components")["components"]
    assert component["id"] == f"service-{service.pk}"
    assert component["status"] == expected


def test_component_shape(client: Client) -> None:
    group = ServiceGroupFactory(name="Web")
    service = ServiceFactory(name="API", description="The REST API", groups=[group])
    plain = ServiceFactory(name="Mail")
    service.refresh_from_db()
    body = get(client, "components")
    page_id = body["page"]["id"]
    components = by_id(body["components"])

    group_component = components[f"group-{group.pk}"]
    assert set(group_component) == COMPONENT_KEYS | {"components"}
    assert group_component["name"] == "Web"
    assert group_component["group"] is True
    assert group_component["group_id"] is None
    assert group_component["components"] == [f"service-{service.pk}"]
    assert group_component["description"] is None
    assert group_component["page_id"] == page_id

    component = components[f"service-{service.pk}"]
    assert set(component) == COMPONENT_KEYS
    assert component == {
        "id": f"service-{service.pk}",
        "name": "API",
        "status": "operational",
        "created_at": timestamp(service.created),
        "updated_at": timestamp(service.modified),
        "position": 1,
        "description": "The REST API",
        "showcase": True,
        "start_date": None,
        "group_id": f"group-{group.pk}",
        "page_id": page_id,
        "group": False,
        "only_show_if_degraded": False,
    }
    assert same_moment(component["created_at"], service.created)
    assert components[f"service-{plain.pk}"]["description"] is None
    assert components[f"service-{plain.pk}"]["group_id"] is None


def test_component_ids_are_distinct_between_groups_and_services(client: Client) -> None:
    group = ServiceGroupFactory(pk=9001)
    ServiceFactory(pk=9001, groups=[group])
    ServiceFactory(pk=9002)
    ids = [component["id"] for component in get(client, "components")["components"]]
    assert ids == ["group-9001", "service-9001", "service-9002"]


def test_component_order_and_positions(client: Client) -> None:
    low = ServiceGroupFactory(name="Low", priority=1)
    high = ServiceGroupFactory(name="High", priority=5)
    a = ServiceFactory(name="A", groups=[high], priority=1)
    b = ServiceFactory(name="B", groups=[high], priority=9)
    c = ServiceFactory(name="C", groups=[low])
    free_1 = ServiceFactory(name="Free 1", priority=3)
    free_2 = ServiceFactory(name="Free 2", priority=7)
    listing = [
        (component["id"], component["position"])
        for component in get(client, "components")["components"]
    ]
    # Groups by priority, each followed by its services by priority; then the
    # services in no group. Positions count within the parent.
    assert listing == [
        (f"group-{high.pk}", 1),
        (f"service-{b.pk}", 1),
        (f"service-{a.pk}", 2),
        (f"group-{low.pk}", 2),
        (f"service-{c.pk}", 1),
        (f"service-{free_2.pk}", 3),
        (f"service-{free_1.pk}", 4),
    ]


def test_service_in_several_groups_goes_in_one(client: Client) -> None:
    low = ServiceGroupFactory(name="A low", priority=1)
    high = ServiceGroupFactory(name="Z high", priority=5)
    tie_b = ServiceGroupFactory(name="B tie", priority=5)
    first = ServiceFactory(groups=[low, high])
    second = ServiceFactory(groups=[high, tie_b])
    components = by_id(get(client, "components")["components"])
    assert components[f"service-{first.pk}"]["group_id"] == f"group-{high.pk}"
    assert components[f"service-{second.pk}"]["group_id"] == f"group-{tie_b.pk}"
    assert components[f"group-{high.pk}"]["components"] == [f"service-{first.pk}"]
    assert components[f"group-{tie_b.pk}"]["components"] == [f"service-{second.pk}"]
    # A group left with no service of its own is not listed.
    assert f"group-{low.pk}" not in components


def test_group_status_is_its_worst_service(client: Client) -> None:
    group = ServiceGroupFactory()
    ServiceFactory(groups=[group], status=ServiceStatus.PERFORMANCE_ISSUES)
    ServiceFactory(groups=[group], status=ServiceStatus.MAJOR_OUTAGE)
    other = ServiceGroupFactory()
    in_maintenance = ServiceFactory(groups=[other])
    ServiceFactory(groups=[other])
    MaintenanceFactory(ongoing=True, services=[in_maintenance])
    components = by_id(get(client, "components")["components"])
    assert components[f"group-{group.pk}"]["status"] == "major_outage"
    assert components[f"group-{other.pk}"]["status"] == "under_maintenance"


def test_under_maintenance(client: Client) -> None:
    ongoing = ServiceFactory(status=ServiceStatus.MAJOR_OUTAGE)
    open_ended = ServiceFactory()
    upcoming = ServiceFactory()
    completed = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)
    MaintenanceFactory(ongoing=True, services=[ongoing])
    MaintenanceFactory(
        scheduled=timezone.now() - datetime.timedelta(minutes=5), services=[open_ended]
    )
    MaintenanceFactory(services=[upcoming])
    MaintenanceFactory(completed=True, services=[completed])
    components = by_id(get(client, "components")["components"])
    assert components[f"service-{ongoing.pk}"]["status"] == "under_maintenance"
    assert components[f"service-{open_ended.pk}"]["status"] == "under_maintenance"
    assert components[f"service-{upcoming.pk}"]["status"] == "operational"
    assert components[f"service-{completed.pk}"]["status"] == "partial_outage"


# Only what the public may see


def test_non_public_services_are_absent_even_for_staff(client: Client, staff_user) -> None:
    group = ServiceGroupFactory()
    public = ServiceFactory(groups=[group])
    hidden = ServiceFactory(
        name="Secret backend", hidden=True, groups=[group], status=ServiceStatus.MAJOR_OUTAGE
    )
    hidden_only_group = ServiceGroupFactory()
    ServiceFactory(hidden=True, groups=[hidden_only_group])
    mixed = IncidentFactory(services=[public, hidden], impact=IncidentImpact.MINOR)
    IncidentUpdateFactory(incident=mixed)
    secret = IncidentFactory(
        name="Secret outage", services=[hidden], impact=IncidentImpact.CRITICAL
    )
    IncidentUpdateFactory(incident=secret)
    general = IncidentFactory()
    MaintenanceFactory(ongoing=True, services=[hidden])
    shown_maintenance = MaintenanceFactory(services=[public, hidden])

    client.force_login(staff_user)
    documents = {name: get(client, name) for name in DOCUMENTS}
    assert documents == {name: get(Client(), name) for name in DOCUMENTS}

    components = by_id(documents["components"]["components"])
    assert set(components) == {f"group-{group.pk}", f"service-{public.pk}"}
    assert components[f"group-{group.pk}"]["components"] == [f"service-{public.pk}"]
    assert components[f"group-{group.pk}"]["status"] == "operational"

    incidents = by_id(documents["incidents"]["incidents"])
    assert set(incidents) == {f"incident-{mixed.pk}", f"incident-{general.pk}"}
    assert [c["id"] for c in incidents[f"incident-{mixed.pk}"]["components"]] == [
        f"service-{public.pk}"
    ]
    [update] = incidents[f"incident-{mixed.pk}"]["incident_updates"]
    assert [a["code"] for a in update["affected_components"]] == [f"service-{public.pk}"]
    assert incidents[f"incident-{general.pk}"]["components"] == []

    maintenances = by_id(documents["scheduled-maintenances"]["scheduled_maintenances"])
    assert set(maintenances) == {f"maintenance-{shown_maintenance.pk}"}
    assert [c["id"] for c in maintenances[f"maintenance-{shown_maintenance.pk}"]["components"]] == [
        f"service-{public.pk}"
    ]
    assert documents["scheduled-maintenances-active"]["scheduled_maintenances"] == []

    # The hidden outage, the secret incident and the hidden maintenance count for nothing.
    assert documents["status"]["status"] == {
        "indicator": "minor",
        "description": "Minor Service Outage",
    }
    text = str(documents)
    assert hidden.name not in text
    assert secret.name not in text


# The page status


@pytest.mark.parametrize(
    ("statuses", "impacts", "indicator", "description"),
    [
        ([], [], "none", "All Systems Operational"),
        ([0, 0], [], "none", "All Systems Operational"),
        ([0, 1], [], "minor", "Partially Degraded Service"),
        ([1, 2], [], "minor", "Minor Service Outage"),
        ([2], [], "minor", "Minor Service Outage"),
        ([3, 0, 1], [], "major", "Partial System Outage"),
        ([0], [IncidentImpact.NONE], "none", "All Systems Operational"),
        ([0], [IncidentImpact.MINOR], "minor", "Minor Service Outage"),
        ([1], [IncidentImpact.NONE], "minor", "Partially Degraded Service"),
        ([1], [IncidentImpact.MINOR], "minor", "Minor Service Outage"),
        ([0], [IncidentImpact.MAJOR, IncidentImpact.MINOR], "major", "Partial System Outage"),
        ([0], [IncidentImpact.CRITICAL], "critical", "Major System Outage"),
        ([3], [IncidentImpact.MINOR], "major", "Partial System Outage"),
        ([3], [IncidentImpact.CRITICAL], "critical", "Major System Outage"),
        ([], [IncidentImpact.MAJOR], "major", "Partial System Outage"),
    ],
)
def test_status(
    client: Client, statuses: list[int], impacts: list[int], indicator: str, description: str
) -> None:
    services = [ServiceFactory(status=status) for status in statuses]
    for impact in impacts:
        incident = IncidentFactory(services=services[:1], impact=impact)
        IncidentUpdateFactory(incident=incident)
    expected = {"indicator": indicator, "description": description}
    assert get(client, "status")["status"] == expected
    assert get(client, "summary")["status"] == expected


def test_resolved_incidents_do_not_count(client: Client) -> None:
    incident = IncidentFactory(impact=IncidentImpact.CRITICAL)
    IncidentUpdateFactory(incident=incident, fixed=True)
    assert get(client, "status")["status"]["indicator"] == "none"
    assert get(client, "summary")["status"]["indicator"] == "none"
    # An incident without updates is still open.
    IncidentFactory(impact=IncidentImpact.MAJOR)
    assert get(client, "status")["status"]["indicator"] == "major"


def test_status_during_maintenance(client: Client) -> None:
    service = ServiceFactory()
    ServiceFactory(hidden=True)
    maintenance = MaintenanceFactory(ongoing=True, services=[service])
    expected = {"indicator": "none", "description": "Service Under Maintenance"}
    assert get(client, "status")["status"] == expected
    assert get(client, "summary")["status"] == expected
    # The service's own status still counts.
    service.set_status(ServiceStatus.MAJOR_OUTAGE)
    assert get(client, "status")["status"]["indicator"] == "major"
    maintenance.services.set([ServiceFactory(hidden=True)])
    service.set_status(ServiceStatus.OPERATIONAL)
    assert get(client, "status")["status"]["description"] == "All Systems Operational"


# Incidents


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (IncidentStatus.INVESTIGATING, "investigating"),
        (IncidentStatus.IDENTIFIED, "identified"),
        (IncidentStatus.WATCHING, "monitoring"),
        (IncidentStatus.FIXED, "resolved"),
    ],
)
def test_incident_status(client: Client, status: int, expected: str) -> None:
    incident = IncidentFactory()
    IncidentUpdateFactory(incident=incident, status=IncidentStatus.INVESTIGATING)
    latest = IncidentUpdateFactory(incident=incident, status=status)
    [document] = get(client, "incidents")["incidents"]
    assert document["status"] == expected
    assert document["incident_updates"][0]["status"] == expected
    unresolved = get(client, "incidents-unresolved")["incidents"]
    if status == IncidentStatus.FIXED:
        assert document["resolved_at"] == timestamp(latest.created)
        assert unresolved == []
    else:
        assert document["resolved_at"] is None
        assert [i["id"] for i in unresolved] == [document["id"]]


@pytest.mark.parametrize(
    ("impact", "expected"),
    [
        (IncidentImpact.NONE, "none"),
        (IncidentImpact.MINOR, "minor"),
        (IncidentImpact.MAJOR, "major"),
        (IncidentImpact.CRITICAL, "critical"),
    ],
)
def test_incident_impact(client: Client, impact: int, expected: str) -> None:
    IncidentFactory(impact=impact)
    assert get(client, "incidents")["incidents"][0]["impact"] == expected


def test_incident_document(client: Client) -> None:
    start = timezone.now() - datetime.timedelta(hours=3)

    def at(minutes: int) -> datetime.datetime:
        return start + datetime.timedelta(minutes=minutes)

    group = ServiceGroupFactory()
    service = ServiceFactory(name="API", groups=[group])
    ServiceStatusChange.objects.filter(service=service).update(created=at(0))
    incident = IncidentFactory(
        name="Slow API", services=[service], occurred=at(10), impact=IncidentImpact.MAJOR
    )

    def change(status: int, minutes: int) -> None:
        service.set_status(status)
        ServiceStatusChange.objects.filter(service=service, created__gt=at(minutes)).update(
            created=at(minutes)
        )

    change(ServiceStatus.MAJOR_OUTAGE, 20)
    first = IncidentUpdateFactory(
        incident=incident, created=at(30), description="Looking.", status=IncidentStatus.IDENTIFIED
    )
    change(ServiceStatus.PARTIAL_OUTAGE, 40)
    second = IncidentUpdateFactory(
        incident=incident, created=at(50), status=IncidentStatus.WATCHING
    )
    change(ServiceStatus.OPERATIONAL, 60)
    third = IncidentUpdateFactory(incident=incident, created=at(70), fixed=True)
    incident.refresh_from_db()
    assert incident.closed

    body = get(client, "incidents")
    [document] = body["incidents"]
    assert set(document) == INCIDENT_KEYS
    third.refresh_from_db()
    assert document["id"] == f"incident-{incident.pk}"
    assert document["name"] == "Slow API"
    assert document["status"] == "resolved"
    assert document["impact"] == "major"
    assert document["page_id"] == body["page"]["id"]
    assert document["created_at"] == timestamp(incident.created)
    assert document["started_at"] == timestamp(at(10))
    assert document["monitoring_at"] == timestamp(at(50))
    assert document["resolved_at"] == timestamp(at(70))
    assert document["updated_at"] == timestamp(max(incident.modified, third.modified))
    assert document["shortlink"] == expected_shortlink(incident)
    assert [c["id"] for c in document["components"]] == [f"service-{service.pk}"]
    assert document["components"][0]["group_id"] == f"group-{group.pk}"

    updates = document["incident_updates"]
    assert [u["id"] for u in updates] == [
        f"incident-update-{third.pk}",
        f"incident-update-{second.pk}",
        f"incident-update-{first.pk}",
    ]
    for update in updates:
        assert set(update) == UPDATE_KEYS
        assert update["incident_id"] == document["id"]
        assert update["display_at"] == update["created_at"]
    assert updates[2]["body"] == "Looking."
    assert updates[2]["status"] == "identified"
    assert updates[2]["created_at"] == timestamp(at(30))
    # Each update tells the service's status then, and before it.
    assert [
        (a["code"], a["name"], a["old_status"], a["new_status"])
        for update in reversed(updates)
        for a in update["affected_components"]
    ] == [
        (f"service-{service.pk}", "API", "operational", "major_outage"),
        (f"service-{service.pk}", "API", "major_outage", "partial_outage"),
        (f"service-{service.pk}", "API", "partial_outage", "operational"),
    ]


def test_incident_without_updates_or_services(client: Client) -> None:
    incident = IncidentFactory()
    [document] = get(client, "incidents-unresolved")["incidents"]
    assert document["id"] == f"incident-{incident.pk}"
    assert document["status"] == "investigating"
    assert document["incident_updates"] == []
    assert document["components"] == []
    assert document["monitoring_at"] is None
    assert document["resolved_at"] is None
    update = IncidentUpdateFactory(incident=incident)
    [document] = get(client, "incidents")["incidents"]
    assert document["incident_updates"][0]["id"] == f"incident-update-{update.pk}"
    assert document["incident_updates"][0]["affected_components"] is None


def test_incidents_lists_the_50_most_recent(client: Client) -> None:
    now = timezone.now()
    incidents = [
        IncidentFactory(occurred=now - datetime.timedelta(hours=hours)) for hours in range(55)
    ]
    ids = [i["id"] for i in get(client, "incidents")["incidents"]]
    assert ids == [f"incident-{incident.pk}" for incident in incidents[:50]]
    # Unresolved incidents are all listed, newest first.
    assert len(get(client, "incidents-unresolved")["incidents"]) == 55


def test_summary_lists_the_unresolved_incidents(client: Client) -> None:
    open_incident = IncidentFactory()
    IncidentUpdateFactory(incident=open_incident)
    closed = IncidentFactory()
    IncidentUpdateFactory(incident=closed, fixed=True)
    incidents = get(client, "summary")["incidents"]
    assert [i["id"] for i in incidents] == [f"incident-{open_incident.pk}"]


# Scheduled maintenances


def test_scheduled_maintenances(client: Client) -> None:
    service = ServiceFactory(name="Database")
    now = timezone.now()
    upcoming = MaintenanceFactory(name="Upgrade", description="New version.", services=[service])
    ongoing = MaintenanceFactory(ongoing=True)
    open_ended = MaintenanceFactory(scheduled=now - datetime.timedelta(days=3))
    completed = MaintenanceFactory(completed=True, services=[service])

    body = get(client, "scheduled-maintenances")
    documents = by_id(body["scheduled_maintenances"])
    assert [m["id"] for m in body["scheduled_maintenances"]] == [
        f"maintenance-{m.pk}" for m in (upcoming, ongoing, completed, open_ended)
    ]
    for document in documents.values():
        assert set(document) == MAINTENANCE_KEYS
        assert document["impact"] == "maintenance"
        assert document["page_id"] == body["page"]["id"]
        assert document["monitoring_at"] is None
        [update] = document["incident_updates"]
        assert set(update) == UPDATE_KEYS
        assert update["status"] == document["status"]
        assert update["incident_id"] == document["id"]

    document = documents[f"maintenance-{upcoming.pk}"]
    assert document["name"] == "Upgrade"
    assert document["status"] == "scheduled"
    assert document["scheduled_for"] == timestamp(upcoming.scheduled)
    assert document["started_at"] == timestamp(upcoming.scheduled)
    assert document["scheduled_until"] is None
    assert document["resolved_at"] is None
    assert document["incident_updates"][0]["body"] == "New version."
    assert document["incident_updates"][0]["affected_components"] == [
        {
            "code": f"service-{service.pk}",
            "name": "Database",
            "old_status": "operational",
            "new_status": "operational",
        }
    ]
    assert [c["id"] for c in document["components"]] == [f"service-{service.pk}"]

    assert documents[f"maintenance-{ongoing.pk}"]["status"] == "in_progress"
    assert documents[f"maintenance-{ongoing.pk}"]["scheduled_until"] == timestamp(ongoing.end)
    assert documents[f"maintenance-{ongoing.pk}"]["components"] == []
    assert (
        documents[f"maintenance-{ongoing.pk}"]["incident_updates"][0]["affected_components"] is None
    )
    assert documents[f"maintenance-{open_ended.pk}"]["status"] == "in_progress"
    assert documents[f"maintenance-{open_ended.pk}"]["scheduled_until"] is None
    assert documents[f"maintenance-{completed.pk}"]["status"] == "completed"
    assert documents[f"maintenance-{completed.pk}"]["resolved_at"] == timestamp(completed.end)

    def listed(name: str) -> list[str]:
        return [m["id"] for m in get(client, name)["scheduled_maintenances"]]

    assert listed("scheduled-maintenances-upcoming") == [f"maintenance-{upcoming.pk}"]
    assert listed("scheduled-maintenances-active") == [
        f"maintenance-{ongoing.pk}",
        f"maintenance-{open_ended.pk}",
    ]
    summary = [m["id"] for m in get(client, "summary")["scheduled_maintenances"]]
    assert summary == [
        f"maintenance-{upcoming.pk}",
        f"maintenance-{ongoing.pk}",
        f"maintenance-{open_ended.pk}",
    ]


def test_maintenance_affected_components_while_in_progress(client: Client) -> None:
    service = ServiceFactory()
    MaintenanceFactory(ongoing=True, services=[service])
    [document] = get(client, "scheduled-maintenances-active")["scheduled_maintenances"]
    [affected] = document["incident_updates"][0]["affected_components"]
    assert (affected["old_status"], affected["new_status"]) == ("operational", "under_maintenance")
    assert document["components"][0]["status"] == "under_maintenance"


def test_scheduled_maintenances_lists_the_50_most_recent(client: Client) -> None:
    now = timezone.now()
    maintenances = [
        MaintenanceFactory(scheduled=now + datetime.timedelta(days=60 - days)) for days in range(55)
    ]
    ids = [m["id"] for m in get(client, "scheduled-maintenances")["scheduled_maintenances"]]
    assert ids == [f"maintenance-{m.pk}" for m in maintenances[:50]]


# Speed: a fixed number of queries per document


def populate(count: int) -> None:
    """``count`` rows of each kind: groups, services, incidents, updates, maintenances."""
    now = timezone.now()
    for _ in range(count):
        group = ServiceGroupFactory()
        other = ServiceGroupFactory()
        service = ServiceFactory(groups=[group, other], description="Something.")
        hidden = ServiceFactory(hidden=True, groups=[group])
        free = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)
        service.set_status(ServiceStatus.PERFORMANCE_ISSUES)
        incident = IncidentFactory(services=[service, hidden, free], impact=IncidentImpact.MINOR)
        IncidentUpdateFactory(incident=incident)
        IncidentUpdateFactory(incident=incident, status=IncidentStatus.IDENTIFIED)
        resolved = IncidentFactory(services=[free], occurred=now - datetime.timedelta(days=1))
        IncidentUpdateFactory(incident=resolved, fixed=True)
        IncidentFactory(services=[hidden])
        MaintenanceFactory(services=[service, hidden])
        MaintenanceFactory(ongoing=True, services=[free])
        MaintenanceFactory(completed=True, services=[service])


QUERIES = {
    # services, their groups, services under maintenance
    "components": 3,
    # one aggregate each for services, open incidents, maintenances in progress
    "status": 3,
    # components + incidents, their updates, their services with history
    "incidents": 6,
    "incidents-unresolved": 6,
    # components + maintenances, their services
    "scheduled-maintenances": 5,
    "scheduled-maintenances-upcoming": 5,
    "scheduled-maintenances-active": 5,
    # components + open incidents (3) + maintenances (2)
    "summary": 8,
}


def count_queries(client: Client, name: str) -> tuple[int, int]:
    """The queries a document costs, and the number of objects it lists."""
    with CaptureQueriesContext(connection) as context:
        body = get(client, name)
    listed = sum(len(value) for value in body.values() if isinstance(value, list))
    return len(context.captured_queries), listed


def test_query_count_does_not_grow(client: Client) -> None:
    populate(5)
    assert Service.objects.public().count() == 10
    small = {name: count_queries(client, name) for name in QUERIES}
    populate(45)
    assert Service.objects.public().count() == 100
    assert Incident.objects.count() == 150
    assert IncidentUpdate.objects.count() == 150
    assert ServiceGroup.objects.count() == 100
    large = {name: count_queries(client, name) for name in QUERIES}
    assert {name: queries for name, (queries, _) in small.items()} == QUERIES
    assert {name: queries for name, (queries, _) in large.items()} == QUERIES
    for name in QUERIES:
        if name != "status":
            assert large[name][1] > small[name][1], name


@pytest.mark.parametrize(("name", "queries"), QUERIES.items())
def test_query_count(
    client: Client, django_assert_num_queries: Callable, name: str, queries: int
) -> None:
    populate(2)
    with django_assert_num_queries(queries):
        get(client, name)


# Settings checks


@pytest.mark.parametrize(
    ("settings", "ids"),
    [
        ({"PAGE_NAME": "Example Status", "PAGE_URL": "https://status.example.com/"}, []),
        ({"PAGE_URL": "http://127.0.0.1:8000/statusboard/"}, []),
        ({"PAGE_URL": ""}, []),
        ({"PAGE_NAME": ""}, ["statusboard.E003"]),
        ({"PAGE_NAME": 3}, ["statusboard.E003"]),
        ({"PAGE_URL": None}, ["statusboard.E003"]),
        ({"PAGE_URL": "status.example.com"}, ["statusboard.E007"]),
        ({"PAGE_URL": "ftp://status.example.com/"}, ["statusboard.E007"]),
        ({"PAGE_URL": "https://"}, ["statusboard.E007"]),
        ({"PAGE_NAM": "Status"}, ["statusboard.E002"]),
    ],
)
def test_page_setting_checks(settings: dict, ids: list[str]) -> None:
    with override_settings(STATUSBOARD=settings):
        errors = check_settings()
    assert [error.id for error in errors] == ids
    assert all(error.hint for error in errors)


def test_page_setting_did_you_mean() -> None:
    with override_settings(STATUSBOARD={"PAGE_NAM": "Status"}):
        [error] = check_settings()
    assert error.hint == "Did you mean 'PAGE_NAME'?"


# A tool written for Statuspage


def check_status_page(summary: dict[str, Any]) -> dict[str, Any]:
    """Read summary.json the way a Statuspage Prometheus exporter does.

    This follows ``check_status_page_service`` of
    mcarvin8/statuspage-prometheus-exporter: the page indicator, overridden by
    the worst impact among active incidents; every component's status; the
    active incidents and maintenances with their links and components.
    """
    status = summary.get("status", {})
    indicator = status.get("indicator", "unknown")
    description = status.get("description", "No description available")
    components = [
        {
            "name": component.get("name", "Unknown"),
            "status": component.get("status", "unknown").lower(),
            "status_value": int(component.get("status", "").lower() == "operational"),
        }
        for component in summary.get("components", [])
    ]
    active_incidents = [
        incident
        for incident in summary.get("incidents", [])
        if incident.get("status", "").lower() not in {"resolved", "completed", "postmortem"}
        and not incident.get("resolved_at")
    ]
    severity = {"critical": 3, "major": 2, "minor": 1, "none": 0}
    worst = max(
        (incident.get("impact", "none").lower() for incident in active_incidents),
        key=lambda impact: severity.get(impact, 0),
        default="none",
    )
    if worst != "none":
        indicator = worst
    incidents = [
        {
            "id": incident.get("id", "unknown"),
            "name": incident.get("name", "Unnamed incident"),
            "impact": incident.get("impact", "unknown"),
            "started_at": incident.get("started_at") or incident.get("created_at", ""),
            "shortlink": incident.get("shortlink", ""),
            "affected_components": [c.get("name", "") for c in incident.get("components", [])],
        }
        for incident in active_incidents
    ]
    maintenances = [
        {
            "name": maintenance.get("name", "Unnamed maintenance"),
            "status": maintenance.get("status", "unknown"),
            "scheduled_start": maintenance.get("scheduled_for", "")
            or maintenance.get("created_at", ""),
            "scheduled_end": maintenance.get("scheduled_until", "")
            or maintenance.get("scheduled_for", ""),
            "affected_components": [c.get("name", "") for c in maintenance.get("components", [])],
        }
        for maintenance in summary.get("scheduled_maintenances", [])
        if maintenance.get("status", "").lower() not in {"completed", "cancelled"}
        and not maintenance.get("resolved_at")
    ]
    return {
        "status": {"none": 1, "minor": 0, "major": 0, "critical": 0}.get(indicator.lower(), 0),
        "raw_status": indicator,
        "details": description,
        "components": components,
        "incidents": incidents,
        "maintenances": maintenances,
    }


def component_metrics(components: dict[str, Any]) -> dict[tuple[str, str], float]:
    """Read components.json the way sergeyshevch/statuspage-exporter does."""
    values = {"operational": 1, "degraded_performance": 2, "partial_outage": 3, "major_outage": 4}
    page = components["page"]
    return {
        (page["name"], component["name"]): float(values.get(component["status"], 0))
        for component in components["components"]
    }


def test_a_tool_written_for_statuspage_works(client: Client) -> None:
    web = ServiceGroupFactory(name="Web")
    api = ServiceFactory(name="API", groups=[web])
    ServiceFactory(name="Website", groups=[web])
    database = ServiceFactory(name="Database")
    ServiceFactory(name="Internal", hidden=True, status=ServiceStatus.MAJOR_OUTAGE)

    healthy = check_status_page(get(client, "summary"))
    assert healthy["status"] == 1
    assert healthy["raw_status"] == "none"
    assert healthy["details"] == "All Systems Operational"
    assert healthy["incidents"] == healthy["maintenances"] == []
    assert {c["name"] for c in healthy["components"]} == {"Web", "API", "Website", "Database"}
    assert all(c["status_value"] == 1 for c in healthy["components"])

    api.set_status(ServiceStatus.PARTIAL_OUTAGE)
    incident = IncidentFactory(name="API errors", services=[api], impact=IncidentImpact.MAJOR)
    IncidentUpdateFactory(incident=incident)
    maintenance = MaintenanceFactory(name="Database upgrade", services=[database])

    troubled = check_status_page(get(client, "summary"))
    assert troubled["status"] == 0
    assert troubled["raw_status"] == "major"
    assert troubled["details"] == "Partial System Outage"
    statuses = {c["name"]: c["status"] for c in troubled["components"]}
    assert statuses == {
        "Web": "partial_outage",
        "API": "partial_outage",
        "Website": "operational",
        "Database": "operational",
    }
    [reported] = troubled["incidents"]
    assert reported["name"] == "API errors"
    assert reported["impact"] == "major"
    assert reported["affected_components"] == ["API"]
    assert reported["shortlink"] == expected_shortlink(incident)
    assert same_moment(reported["started_at"], incident.occurred)
    [planned] = troubled["maintenances"]
    assert planned["name"] == "Database upgrade"
    assert planned["status"] == "scheduled"
    assert same_moment(planned["scheduled_start"], maintenance.scheduled)
    assert planned["affected_components"] == ["Database"]

    IncidentUpdateFactory(incident=incident, fixed=True)
    api.set_status(ServiceStatus.OPERATIONAL)
    recovered = check_status_page(get(client, "summary"))
    assert recovered["status"] == 1
    assert recovered["incidents"] == []

    # The other exporter reads components.json after probing it with HEAD.
    assert client.head(DOCUMENTS["components"]).status_code == 200
    metrics = component_metrics(get(client, "components"))
    assert metrics[("Status", "API")] == 1.0
    assert ("Status", "Internal") not in metrics
