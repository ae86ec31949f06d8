"""URLs of the API, mounted at ``<mount>/api/``.

- ``v0.1/`` and ``v1/``: the native API, a router per version, in the URL
  namespaces ``statusboard:v0.1`` and ``statusboard:v1``.
- ``v2/``: the Statuspage-compatible read-only documents.
- ``schema/``: the OpenAPI 3 schema, with ``schema/swagger-ui/`` and
  ``schema/redoc/``.

Any other path under a version is a JSON 404.
"""

from __future__ import annotations

from django.urls import include, path, re_path

from statusboard.api import schema, statuspage, views, webhooks
from statusboard.api.pagination import PageNumberPagination
from statusboard.api.versioning import V0_1, V1, VersionRouter


def _router(version: str, pagination_class: type[PageNumberPagination] | None) -> VersionRouter:
    router = VersionRouter(version, pagination_class=pagination_class)
    router.register("servicegroup", views.ServiceGroupViewSet, basename="servicegroup")
    service_viewset = views.ServiceV1ViewSet if version == V1 else views.ServiceViewSet
    router.register("service", service_viewset, basename="service")
    router.register("incident", views.IncidentViewSet, basename="incident")
    router.register("incidentupdate", views.IncidentUpdateViewSet, basename="incidentupdate")
    router.register("maintenance", views.MaintenanceViewSet, basename="maintenance")
    if version == V1:  # Webhooks came with v1.
        router.register("webhook", webhooks.WebhookViewSet, basename="webhook")
    return router


def _version(version: str, router: VersionRouter) -> object:
    # The version reaches the views as a fixed keyword argument, which is where
    # DRF's URLPathVersioning looks for it; reverse() needs no version.
    return path(f"{version}/", include((router.urls, version)), {"version": version})


urlpatterns = [
    # Atlassian Statuspage-compatible read-only documents.
    path("v2/", include((statuspage.urlpatterns, "v2"))),
    _version(V0_1, _router(V0_1, pagination_class=None)),
    _version(V1, _router(V1, pagination_class=PageNumberPagination)),
    path("schema/", schema.SchemaView.as_view(), name="api-schema"),
    path("schema/swagger-ui/", schema.SwaggerView.as_view(), name="api-swagger-ui"),
    path("schema/redoc/", schema.RedocView.as_view(), name="api-redoc"),
    # Only paths ending in a slash, so that CommonMiddleware still redirects
    # "v1/service" to "v1/service/".
    re_path(r"^(?P<version>[^/]+)/(?:.*/)?$", views.NotFoundView.as_view()),
]
