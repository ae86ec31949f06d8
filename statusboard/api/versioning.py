"""The versions of the native API and the router that serves one of them.

Each version is mounted at ``<mount>/api/<version>/`` in its own URL namespace
(``statusboard:v0.1:service-list``, ``statusboard:v1:service-list``). The version
is part of the path, but not a URL parameter: every route of a version passes it
to its views as a fixed keyword argument, so that ``reverse()`` needs no
``version`` and DRF's ``URLPathVersioning`` still reads it from the view's
keyword arguments.
"""

from __future__ import annotations

from typing import Any

from rest_framework import routers, versioning
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

V0_1 = "v0.1"
V1 = "v1"
NATIVE_VERSIONS = (V0_1, V1)

# The Statuspage-compatible documents live beside the native versions.
STATUSPAGE_VERSION = "v2"


class URLPathVersioning(versioning.URLPathVersioning):
    """Accepts the native versions; a view outside a version router gets v1."""

    default_version = V1
    allowed_versions = NATIVE_VERSIONS

    def reverse(self, viewname: str, *args: Any, **kwargs: Any) -> str:
        # The version is a fixed argument of the routes, not a parameter:
        # reversing with it would never match.
        return versioning.BaseVersioning.reverse(self, viewname, *args, **kwargs)


def versioning_class_for(version: str) -> type[URLPathVersioning]:
    """The versioning class of the views of one version.

    Its ``default_version`` is that version, which is how drf-spectacular learns
    which version each view belongs to and so puts both in one schema.
    """
    if version not in NATIVE_VERSIONS:
        raise ValueError(f"Unknown API version {version!r}.")
    name = "URLPathVersioning_" + version.replace(".", "_")
    return type(
        name, (URLPathVersioning,), {"default_version": version, "allowed_versions": (version,)}
    )


class APIRootView(routers.APIRootView):
    """The list of a version's resources."""

    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        kwargs.pop("version", None)  # See URLPathVersioning.reverse.
        return super().get(request, *args, **kwargs)


class VersionRouter(routers.DefaultRouter):
    """A DefaultRouter for one version of the native API.

    Every view it routes is told its version and the pagination of that version
    (``None`` for plain JSON arrays).
    """

    APIRootView = APIRootView

    def __init__(
        self, version: str, *, pagination_class: type[BasePagination] | None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.version = version
        self.view_initkwargs = {
            "versioning_class": versioning_class_for(version),
            "pagination_class": pagination_class,
        }

    def get_routes(self, viewset: type) -> list[routers.Route]:
        return [
            route._replace(initkwargs={**route.initkwargs, **self.view_initkwargs})
            for route in super().get_routes(viewset)
        ]
