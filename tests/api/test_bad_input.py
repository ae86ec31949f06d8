"""Malformed requests: a 4xx whose JSON body names what is wrong, never a 500,
and nothing half-saved."""

from __future__ import annotations

import pytest
from django.test import override_settings

from statusboard.api.parsers import JSONParser
from statusboard.api.serializers import MAX_IDS
from statusboard.models import Incident, IncidentUpdate, Maintenance, Service, ServiceGroup
from tests.api.utils import url
from tests.factories import IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def writer_client(writer_client):
    writer_client.raise_request_exception = False  # A 500 must show as one.
    return writer_client


def _counts() -> tuple[int, ...]:
    return tuple(
        model.objects.count()
        for model in (ServiceGroup, Service, Incident, IncidentUpdate, Maintenance)
    )


@pytest.fixture
def unchanged():
    """Asserts at the end of the test that no row was added or removed."""
    ServiceFactory()
    IncidentFactory()
    before = _counts()
    yield
    assert _counts() == before


@pytest.mark.parametrize(
    ("resource", "body", "field"),
    [
        ("service", {"name": "S", "status": 4}, "status"),
        ("service", {"name": "S", "status": "down"}, "status"),
        ("service", {"name": "S", "priority": -1}, "priority"),
        ("service", {"name": "S", "priority": 2**40}, "priority"),
        ("service", {"name": "S", "href": "ftp://example.com/"}, "href"),
        ("service", {"name": "S", "groups": [999]}, "groups"),
        ("service", {"name": "S", "public": "perhaps"}, "public"),
        ("service", {"name": ""}, "name"),
        ("service", {"name": "x" * 256}, "name"),
        ("service", {"name": "a\u0000b"}, "name"),
        ("service", {}, "name"),
        ("servicegroup", {"name": "G", "collapse": 3}, "collapse"),
        ("servicegroup", {"name": "G", "services": [999]}, "services"),
        ("servicegroup", {"name": "G", "services": list(range(1, MAX_IDS + 2))}, "services"),
        ("incident", {"name": "I", "occurred": "yesterday"}, "occurred"),
        ("incident", {"name": "I", "occurred": "0001-01-01T00:00:00+05:00"}, "occurred"),
        ("incident", {"name": "I", "services": [999]}, "services"),
        ("incident", {"name": "I", "services": 1}, "services"),
        ("incident", {"name": "I", "impact": 7}, "impact"),
        ("incident", {"name": "I", "service_status": 9}, "service_status"),
        (
            "incident",
            {"name": "I", "first_update": {"status": 9, "description": ""}},
            "first_update",
        ),
        ("incident", {"name": "I", "first_update": "fixed"}, "first_update"),
        ("incidentupdate", {"incident": 999, "status": 0, "description": "d"}, "incident"),
        ("incidentupdate", {"incident": 1.5, "status": 0, "description": "d"}, "incident"),
        ("incidentupdate", {"incident": True, "status": 0, "description": "d"}, "incident"),
        ("maintenance", {"name": "M", "scheduled": "2030-02-30T00:00:00Z"}, "scheduled"),
        (
            "maintenance",
            {"name": "M", "scheduled": "2030-01-02T00:00:00Z", "end": "2030-01-01T00:00:00Z"},
            "end",
        ),
        (
            "maintenance",
            {"name": "M", "scheduled": "2030-01-02T00:00Z", "services": [-3]},
            "services",
        ),
    ],
)
def test_invalid_fields_are_400_naming_the_field(writer_client, unchanged, resource, body, field):
    response = writer_client.post(url("v1", resource), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_duplicate_name_is_400(writer_client):
    ServiceFactory(name="Web")
    response = writer_client.post(url("v1", "service"), {"name": "Web"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "{",
        '{"name": "x",}',
        '{"name": NaN}',
        '{"priority": ' + "9" * 5000 + "}",
        "[" * 100_000 + "]" * 100_000,
        "[" * (JSONParser.max_depth + 1) + "]" * (JSONParser.max_depth + 1),
        '{"name": {"a": ' * 40 + "1" + "}" * 41,
    ],
)
def test_body_that_is_not_json_is_400(writer_client, unchanged, body):
    response = writer_client.post(url("v1", "service"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_body_that_is_not_utf8_is_400(writer_client, unchanged):
    response = writer_client.post(
        url("v1", "service"), b'{"name": "\xff"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("body", ["[]", "3", '"name"', "null"])
def test_body_that_is_not_an_object_is_400(writer_client, unchanged, body):
    response = writer_client.post(url("v1", "service"), body, content_type="application/json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_wrong_content_type_is_415(writer_client, unchanged, content_type):
    response = writer_client.post(url("v1", "service"), "name=x", content_type=content_type)
    assert response.status_code == 415
    assert "detail" in response.json()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_json_413(writer_client, unchanged):
    body = '{"name": "' + "x" * 2000 + '"}'
    response = writer_client.post(url("v1", "service"), body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large."}


def test_failed_update_changes_nothing(writer_client):
    service = ServiceFactory(name="Web")
    response = writer_client.put(
        url("v1", "service", service.pk), {"name": "Mail", "status": 7}, format="json"
    )
    assert response.status_code == 400
    service.refresh_from_db()
    assert (service.name, service.status) == ("Web", 0)


def test_failed_incident_create_saves_nothing(writer_client, unchanged):
    response = writer_client.post(
        url("v1", "incident"),
        {"name": "I", "first_update": {"status": 1, "description": "ok"}, "services": [999]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["services"]


@pytest.mark.parametrize(
    "query",
    ["page=99", "page=0", "page=abc"],
)
def test_page_past_the_end_is_json_404(writer_client, query):
    response = writer_client.get(url("v1", "service", query=query))
    assert response.status_code == 404
    assert "detail" in response.json()


def test_unknown_version_is_json_404(writer_client):
    response = writer_client.post("/statusboard/api/v9/service/", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid version in URL path."}


@pytest.mark.parametrize("pk", ["0", "99999999999999999999999999"])
def test_unknown_or_huge_id_in_path_is_json_404(writer_client, pk):
    for method in ("get", "put", "patch", "delete"):
        response = getattr(writer_client, method)(url("v1", "incident") + f"{pk}/")
        assert response.status_code == 404
        assert "detail" in response.json()
