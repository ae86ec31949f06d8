"""The OpenAPI 3 description of statusboard's API (drf-spectacular), and the
views that serve it with Swagger UI and ReDoc from drf-spectacular-sidecar's
static files.

The schema covers statusboard's own views only, whatever else the host serves,
and is generated with statusboard's drf-spectacular settings patched over the
host's ``SPECTACULAR_SETTINGS``. ``manage.py spectacular --generator-class
statusboard.api.schema.SchemaGenerator`` writes the same document.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models
from django.template import engines
from django.template.backends.django import DjangoTemplates
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from drf_spectacular import generators, openapi
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import ResolvedComponent, build_choice_description_list
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerView,
)
from rest_framework import permissions, serializers
from rest_framework.renderers import TemplateHTMLRenderer
from rest_framework.request import Request

import statusboard

SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Statusboard API",
    "DESCRIPTION": (
        "The services, incidents and maintenances of a status page.\n\n"
        "`v1` is the current version; its lists are paginated. `v0.1` keeps the "
        "fields of the original django-statusboard API and returns plain arrays. "
        "`v2` serves read-only documents in the format of Atlassian Statuspage.\n\n"
        "Anyone may read. Writing needs the Django model permission for the model "
        "and action; request bodies are JSON."
    ),
    "VERSION": statusboard.__version__,
    # Tags and operation ids start after ".../api/", wherever the app is mounted.
    "SCHEMA_PATH_PREFIX": r"/(?:.*?/)?api/",
    "SCHEMA_PATH_PREFIX_TRIM": False,
    "SCHEMA_PATH_PREFIX_INSERT": "",
    "COMPONENT_SPLIT_REQUEST": True,
    "CAMELIZE_NAMES": False,
    "PREPROCESSING_HOOKS": [],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums"],
}


# The patch is global: two schemas generated at once in two threads would
# clear each other's.
_settings_lock = threading.Lock()


@contextmanager
def statusboard_settings() -> Iterator[None]:
    """drf-spectacular's settings with statusboard's patched over them."""
    with _settings_lock, patched_settings(SPECTACULAR_SETTINGS):
        yield


class EnumChoiceFieldExtension(OpenApiSerializerFieldExtension):
    """Describes each ``EnumChoiceField`` as a reference to the component named
    after its choices class (``ServiceStatusEnum``, ``IncidentStatusEnum``, …).

    Left to itself, drf-spectacular names enums after fields, and "status" has
    two meanings here: it would warn, under any generator and settings (its
    deploy check included), unless the host listed ours in ENUM_NAME_OVERRIDES.
    """

    target_class = "statusboard.api.serializers.EnumChoiceField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema: openapi.AutoSchema, direction: str) -> Any:
        choices = self.target.choices_class
        schema = {
            "type": "integer" if issubclass(choices, models.IntegerChoices) else "string",
            "enum": list(choices.values),
            "description": build_choice_description_list(choices.choices),
        }
        component = ResolvedComponent(
            name=f"{choices.__name__}Enum",
            type=ResolvedComponent.SCHEMA,
            object=choices,
            schema=schema,
        )
        auto_schema.registry.register_on_missing(component)
        return component.ref


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


VALIDATION_ERROR_SCHEMA = {
    "type": "object",
    "description": (
        "Each key names a parameter or field at fault (non_field_errors for the "
        "whole object, detail for a body that could not be read) and holds its messages."
    ),
    "additionalProperties": {},
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's AutoSchema, plus the error responses the API gives."""

    def get_operation_id(self) -> str:
        # "v0.1_service_list" would trip up client generators.
        return super().get_operation_id().replace(".", "_")

    def get_auth(self) -> list[dict[str, Any]]:
        auth = super().get_auth()
        if self.method in permissions.SAFE_METHODS and {} not in auth:
            auth.append({})  # Anyone may read.
        return auth

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in self.error_responses().items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses

    def error_responses(self) -> dict[str, OpenApiResponse]:
        """The 4xx responses of this operation."""
        errors = {
            "401": OpenApiResponse(ErrorSerializer, _("Credentials were given but are wrong.")),
            "403": OpenApiResponse(
                ErrorSerializer, _("Not allowed: a write needs the model permission.")
            ),
        }
        invalid = OpenApiResponse(VALIDATION_ERROR_SCHEMA, _("Invalid parameters or body."))
        is_detail = "{" in self.path
        if self.method in ("POST", "PUT", "PATCH"):
            errors["400"] = invalid
            errors["413"] = OpenApiResponse(ErrorSerializer, _("The body is too large."))
            errors["415"] = OpenApiResponse(ErrorSerializer, _("The body is not JSON."))
        elif self.method == "GET" and not is_detail and self._is_list_view():
            errors["400"] = invalid
            if self._get_paginator() is not None:
                errors["404"] = OpenApiResponse(ErrorSerializer, _("No such page."))
        if is_detail:
            errors["404"] = OpenApiResponse(ErrorSerializer, _("No such object."))
        return errors


class EndpointEnumerator(generators.EndpointEnumerator):
    """statusboard's API views only, whatever else the host serves."""

    def should_include_endpoint(self, path: str, callback: Any) -> bool:
        view_class = getattr(callback, "cls", None)
        return (
            view_class is not None
            and view_class.__module__.startswith("statusboard.")
            and super().should_include_endpoint(path, callback)
        )


class SchemaGenerator(generators.SchemaGenerator):
    """Describes statusboard's API, both native versions and the Statuspage
    documents, in one schema."""

    endpoint_inspector_cls = EndpointEnumerator

    def create_view(self, callback: Any, method: str, request: Request | None = None) -> Any:
        view = super().create_view(callback, method, request)
        # A view that relies on DEFAULT_SCHEMA_CLASS gets DRF's inspector unless the
        # host configured drf-spectacular's; statusboard must not depend on that.
        if not isinstance(view.schema, openapi.AutoSchema):
            self._set_schema_to_view(view, AutoSchema())
        return view

    def get_schema(self, request: Request | None = None, public: bool = False) -> dict[str, Any]:
        with statusboard_settings():
            return super().get_schema(request=request, public=public)


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3 schema of the API: YAML, or JSON with ``?format=json``."""

    # The views that serve the schema are not part of it, in any generator
    # (drf-spectacular's deploy check runs the host's).
    schema = None
    generator_class = SchemaGenerator
    versioning_class = None
    serve_public = True
    urlconf = None
    api_version = None

    def _get_version_parameter(self, request: Request) -> None:
        # One document describes every version.
        return None


def _sidecar(path: str) -> str:
    return static(f"drf_spectacular_sidecar/{path}")


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI for the schema, from static files (no CDN)."""

    schema = None
    url_name = "statusboard:api-schema"
    title = SPECTACULAR_SETTINGS["TITLE"]
    versioning_class = None

    @staticmethod
    def _swagger_ui_resource(filename: str) -> str:
        return _sidecar(f"swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon() -> str:
        return _sidecar("swagger-ui-dist/favicon-32x32.png")


# drf-spectacular's ReDoc page loads its fonts from Google; this one does not.
_REDOC_TEMPLATE = """{% extends "drf_spectacular/redoc.html" %}
{% block head %}
<title>{{ title|default:"Redoc" }}</title>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
{% endblock head %}
"""


class _RedocRenderer(TemplateHTMLRenderer):
    def resolve_template(self, template_names: list[str]) -> Any:
        engine = next(e for e in engines.all() if isinstance(e, DjangoTemplates))
        return engine.from_string(_REDOC_TEMPLATE)


class RedocView(SpectacularRedocView):
    """ReDoc for the schema, from static files (no CDN)."""

    schema = None
    url_name = "statusboard:api-schema"
    title = SPECTACULAR_SETTINGS["TITLE"]
    versioning_class = None
    renderer_classes = [_RedocRenderer]

    @staticmethod
    def _redoc_standalone() -> str:
        return _sidecar("redoc/bundles/redoc.standalone.js")
