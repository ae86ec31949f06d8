"""Pagination of the v1 lists."""

from __future__ import annotations

import pytest

from statusboard.api.pagination import PageNumberPagination
from tests.api.utils import url
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_services():
    return ServiceFactory.create_batch(5)


def test_page_size(api_client, five_services):
    data = api_client.get(url("v1", "service", query="page_size=2")).json()
    assert data["count"] == 5
    assert len(data["results"]) == 2
    assert data["next"].endswith("?page=2&page_size=2")
    assert data["previous"] is None
    last = api_client.get(url("v1", "service", query="page_size=2&page=3")).json()
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_page_size_is_clamped(api_client, five_services, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "max_page_size", 3)
    data = api_client.get(url("v1", "service", query="page_size=100")).json()
    assert len(data["results"]) == 3
    data = api_client.get(url("v1", "service", query="page_size=" + "9" * 5000)).json()
    assert len(data["results"]) == 3


def test_default_page_size(api_client, five_services, monkeypatch):
    monkeypatch.setattr(PageNumberPagination, "page_size", 4)
    assert len(api_client.get(url("v1", "service")).json()["results"]) == 4


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5", "٣", "000"])
def test_malformed_page_size_is_400(api_client, five_services, value):
    response = api_client.get(url("v1", "service", query=f"page_size={value}"))
    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("page", ["2", "0", "-1", "x", "9" * 5000])
def test_page_out_of_range_is_json_404(api_client, page):
    ServiceFactory()
    response = api_client.get(url("v1", "service", query=f"page={page}"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


def test_v01_ignores_pagination_parameters(api_client, five_services):
    response = api_client.get(url("v0.1", "service", query="page=9&page_size=x"))
    assert response.status_code == 200
    assert len(response.json()) == 5
