"""URL path versioning: the versions, their namespaces, and unknown paths."""

from __future__ import annotations

import pytest
from django.urls import reverse

from statusboard.api.versioning import versioning_class_for
from tests.api.utils import RESOURCES, V1_ONLY_RESOURCES, VERSIONS
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_each_version_has_its_namespace(version, resource):
    base = f"/statusboard/api/{version}/{resource}/"
    assert reverse(f"statusboard:{version}:{resource}-list") == base
    assert reverse(f"statusboard:{version}:{resource}-detail", kwargs={"pk": 7}) == f"{base}7/"


@pytest.mark.parametrize("version", VERSIONS)
def test_api_root_lists_the_resources(api_client, version):
    response = api_client.get(reverse(f"statusboard:{version}:api-root"))
    assert response.status_code == 200
    assert response.json() == {
        resource: f"http://testserver/statusboard/api/{version}/{resource}/"
        for resource in (*RESOURCES, *(V1_ONLY_RESOURCES if version == "v1" else ()))
    }


def test_request_version(api_client):
    service = ServiceFactory()
    assert "url" not in api_client.get(f"/statusboard/api/v0.1/service/{service.pk}/").json()
    assert "url" in api_client.get(f"/statusboard/api/v1/service/{service.pk}/").json()


@pytest.mark.parametrize("method", ["get", "post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["v3/", "v0.2/service/", "latest/service/1/", "v1.0/"])
def test_unknown_version_is_json_404(api_client, method, path):
    response = getattr(api_client, method)(f"/statusboard/api/{path}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid version in URL path."}


@pytest.mark.parametrize(
    "path", ["v1/nothing/", "v0.1/service/abc/", "v1/service/1/extra/", "v2/nothing/"]
)
def test_unknown_path_in_a_version_is_json_404(api_client, path):
    response = api_client.get(f"/statusboard/api/{path}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_missing_slash_still_redirects(api_client):
    response = api_client.get("/statusboard/api/v1/service")
    assert response.status_code == 301
    assert response["Location"] == "/statusboard/api/v1/service/"


def test_format_suffix(api_client):
    response = api_client.get("/statusboard/api/v0.1/service.json")
    assert response.status_code == 200
    assert response.json() == []


def test_versioning_class_for():
    assert versioning_class_for("v0.1").default_version == "v0.1"
    assert versioning_class_for("v1").allowed_versions == ("v1",)
    with pytest.raises(ValueError, match="v9"):
        versioning_class_for("v9")
