"""The OpenAPI schema and the pages that show it."""

from __future__ import annotations

import json

import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path
from drf_spectacular.settings import spectacular_settings
from rest_framework.response import Response
from rest_framework.views import APIView

from statusboard.api.schema import SchemaGenerator
from tests.api.utils import RESOURCES, V1_ONLY_RESOURCES, VERSIONS

GENERATOR = "statusboard.api.schema.SchemaGenerator"

OPERATIONS = {
    "list": ("", "get"),
    "create": ("", "post"),
    "retrieve": ("{id}/", "get"),
    "update": ("{id}/", "put"),
    "partial_update": ("{id}/", "patch"),
    "destroy": ("{id}/", "delete"),
}


@pytest.fixture(scope="module")
def schema(tmp_path_factory, django_db_blocker):
    """The schema, written by ``manage.py spectacular --validate --fail-on-warn``."""
    target = tmp_path_factory.mktemp("schema") / "schema.json"
    with django_db_blocker.unblock():
        call_command(
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--format=openapi-json",
            f"--generator-class={GENERATOR}",
            f"--file={target}",
        )
    return json.loads(target.read_text())


def test_schema_describes_every_native_endpoint(schema):
    expected = (
        {
            (f"/statusboard/api/{version}/{resource}/{suffix}", method)
            for version in VERSIONS
            for resource in RESOURCES
            for suffix, method in OPERATIONS.values()
        }
        | {
            (f"/statusboard/api/v1/{resource}/{suffix}", method)
            for resource in V1_ONLY_RESOURCES
            for suffix, method in OPERATIONS.values()
        }
        | {("/statusboard/api/v1/service/{id}/history/", "get")}
    )
    native = {
        (route, method)
        for route, operations in schema["paths"].items()
        if not route.startswith("/statusboard/api/v2/")
        for method in operations
        if method != "parameters"
    }
    assert native == expected


def test_operation_ids(schema):
    operation_ids = {
        operation["operationId"]
        for operations in schema["paths"].values()
        for operation in operations.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    assert {"v0_1_service_list", "v1_incident_partial_update"} <= operation_ids


def test_v01_lists_are_arrays_and_v1_lists_are_pages(schema):
    v01 = schema["paths"]["/statusboard/api/v0.1/service/"]["get"]["responses"]["200"]
    assert v01["content"]["application/json"]["schema"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ServiceV01"},
    }
    v1 = schema["paths"]["/statusboard/api/v1/service/"]["get"]["responses"]["200"]
    assert v1["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginatedServiceList"
    }


def _parameters(schema, route):
    return {p["name"]: p for p in schema["paths"][route]["get"].get("parameters", [])}


@pytest.mark.parametrize(
    ("resource", "names"),
    [
        ("servicegroup", {"search", "ordering"}),
        ("service", {"status", "status__gte", "status__lte", "group", "search", "ordering"}),
        (
            "incident",
            {"closed", "occurred_after", "occurred_before", "service", "impact", "ordering"},
        ),
        ("incidentupdate", {"incident", "status", "ordering"}),
        ("maintenance", {"state", "service", "ordering"}),
    ],
)
def test_filters_are_in_the_schema(schema, resource, names):
    assert set(_parameters(schema, f"/statusboard/api/v0.1/{resource}/")) == names
    assert set(_parameters(schema, f"/statusboard/api/v1/{resource}/")) == names | {
        "page",
        "page_size",
    }


def test_filter_types(schema):
    service = _parameters(schema, "/statusboard/api/v1/service/")
    assert service["status__gte"]["schema"] == {"type": "integer", "enum": [0, 1, 2, 3]}
    assert service["group"]["schema"] == {"type": "integer"}
    incident = _parameters(schema, "/statusboard/api/v1/incident/")
    assert incident["closed"]["schema"] == {"type": "boolean"}
    assert incident["occurred_after"]["schema"] == {"type": "string", "format": "date-time"}
    maintenance = _parameters(schema, "/statusboard/api/v1/maintenance/")
    assert set(maintenance["state"]["schema"]["enum"]) == {"upcoming", "in_progress", "completed"}


def test_error_responses(schema):
    paths = schema["paths"]
    assert set(paths["/statusboard/api/v1/service/"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
    }
    assert set(paths["/statusboard/api/v0.1/service/"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
    }
    assert set(paths["/statusboard/api/v1/service/"]["post"]["responses"]) == {
        "201",
        "400",
        "401",
        "403",
        "413",
        "415",
    }
    assert set(paths["/statusboard/api/v1/service/{id}/"]["patch"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
    }
    assert set(paths["/statusboard/api/v1/service/{id}/"]["delete"]["responses"]) == {
        "204",
        "401",
        "403",
        "404",
    }


def test_reads_need_no_credentials(schema):
    paths = schema["paths"]
    assert {} in paths["/statusboard/api/v1/service/"]["get"]["security"]
    assert {} not in paths["/statusboard/api/v1/service/"]["post"]["security"]


def test_write_only_fields_are_in_requests_only(schema):
    components = schema["components"]["schemas"]
    assert {"first_update", "service_status"} <= set(components["IncidentRequest"]["properties"])
    assert not {"first_update", "service_status"} & set(components["Incident"]["properties"])
    assert "closed" not in components["IncidentRequest"]["properties"]
    assert "updates" not in components["IncidentV01Request"]["properties"]


def test_request_bodies_are_json_only(schema):
    body = schema["paths"]["/statusboard/api/v1/service/"]["post"]["requestBody"]
    assert list(body["content"]) == ["application/json"]


def test_enum_names(schema):
    assert {
        "ServiceStatusEnum",
        "IncidentStatusEnum",
        "IncidentImpactEnum",
        "CollapseModeEnum",
        "MaintenanceStateEnum",
    } <= set(schema["components"]["schemas"])


def test_host_settings_are_restored():
    split = spectacular_settings.COMPONENT_SPLIT_REQUEST
    SchemaGenerator().get_schema(public=True)
    assert split == spectacular_settings.COMPONENT_SPLIT_REQUEST


# --- Served -----------------------------------------------------------------


@pytest.mark.django_db
def test_schema_view(api_client, schema):
    response = api_client.get("/statusboard/api/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    served = yaml.safe_load(response.content)
    assert served["paths"].keys() == schema["paths"].keys()
    as_json = api_client.get("/statusboard/api/schema/?format=json")
    assert as_json.json()["paths"].keys() == schema["paths"].keys()
    # One document for every version: a version parameter changes nothing.
    one_version = api_client.get("/statusboard/api/schema/?format=json&version=v1")
    assert one_version.json()["paths"].keys() == schema["paths"].keys()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "assets"),
    [
        (
            "/statusboard/api/schema/swagger-ui/",
            [
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
                "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
            ],
        ),
        (
            "/statusboard/api/schema/redoc/",
            ["/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"],
        ),
    ],
)
def test_docs_pages_use_local_static_files(api_client, page, assets):
    response = api_client.get(page)
    assert response.status_code == 200
    html = response.content.decode()
    for asset in assets:
        assert asset in html
    assert "/statusboard/api/schema/" in html
    assert "https://" not in html
    assert "http://" not in html


class ForeignView(APIView):
    """A host's own API view."""

    def get(self, request):
        return Response({})


class LegacyView(APIView):
    """A statusboard view without drf-spectacular's AutoSchema."""

    def get(self, request) -> Response:
        return Response({})


LegacyView.__module__ = "statusboard.api.legacy"

urlpatterns = [
    path("statusboard/", include("statusboard.urls")),
    path("host/api/", ForeignView.as_view()),
    path("statusboard/legacy/", LegacyView.as_view()),
]


@override_settings(ROOT_URLCONF=__name__)
def test_schema_leaves_out_the_hosts_views():
    generated = SchemaGenerator().get_schema(public=True)
    assert "/host/api/" not in generated["paths"]
    assert "/statusboard/legacy/" in generated["paths"]
