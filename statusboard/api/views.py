"""Viewsets of the native API, and the views around them.

Everything DRF would otherwise take from the host's ``REST_FRAMEWORK`` setting
is set here, except authentication (the host's ``DEFAULT_AUTHENTICATION_CLASSES``)
and rendering, so the API works without any DRF setting. Each ``get_queryset``
prefetches what its serializers show, so the number of queries of every list
and detail does not grow with the number of rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from statusboard.api import filters
from statusboard.api import serializers as api_serializers
from statusboard.api.parsers import JSONParser, PayloadTooLarge
from statusboard.api.permissions import ModelPermissionsOrAnonReadOnly
from statusboard.api.schema import AutoSchema
from statusboard.api.versioning import (
    NATIVE_VERSIONS,
    STATUSPAGE_VERSION,
    V0_1,
    V1,
    URLPathVersioning,
)
from statusboard.models import Incident, IncidentUpdate, Maintenance, Service, ServiceGroup
from statusboard.uptime import uptime_for


class StatusboardViewSet(viewsets.ModelViewSet):
    """The common configuration of the native API's viewsets."""

    permission_classes = [ModelPermissionsOrAnonReadOnly]
    versioning_class = URLPathVersioning
    # The version routers set the pagination of their version.
    pagination_class = None
    filter_backends = [DjangoFilterBackend]
    # JSON only: anything else is a 415 rather than a guess.
    parser_classes = [JSONParser]
    schema = AutoSchema()
    lookup_value_regex = "[0-9]+"

    serializer_classes: ClassVar[dict[str, type[serializers.BaseSerializer]]]

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return self.serializer_classes[self.request.version]

    def visible_services(self) -> QuerySet[Service]:
        """The services the requesting user may see, loaded as lists of ids need them."""
        return Service.objects.visible_to(self.request.user).only("pk", "public")

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, RequestDataTooBig):
            # Django would answer with its HTML 400 page.
            exc = PayloadTooLarge()
        return super().handle_exception(exc)

    # Each write is one transaction: nothing is half-saved when a step fails.
    def perform_create(self, serializer: serializers.BaseSerializer) -> None:
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer: serializers.BaseSerializer) -> None:
        with transaction.atomic():
            serializer.save()

    def perform_destroy(self, instance: Any) -> None:
        with transaction.atomic():
            instance.delete()


class ServiceGroupViewSet(StatusboardViewSet):
    """Groups of services, shown together on the status page.

    ``services`` lists the ids of the group's services; services that are not
    public appear only to signed-in staff.
    """

    serializer_classes: ClassVar = {
        V0_1: api_serializers.ServiceGroupV01Serializer,
        V1: api_serializers.ServiceGroupSerializer,
    }
    filterset_class = filters.ServiceGroupFilter

    def get_queryset(self) -> QuerySet[ServiceGroup]:
        return ServiceGroup.objects.prefetch_related(
            Prefetch("services", queryset=self.visible_services())
        )


class ServiceViewSet(StatusboardViewSet):
    """Services and their status.

    Status: 0 operational, 1 performance issues, 2 partial outage, 3 major
    outage. A change of status is recorded in the service's history and sends
    ``service_status_changed``. Services that are not public exist here only
    for signed-in staff.
    """

    serializer_classes: ClassVar = {
        V0_1: api_serializers.ServiceV01Serializer,
        V1: api_serializers.ServiceSerializer,
    }
    filterset_class = filters.ServiceFilter

    def get_queryset(self) -> QuerySet[Service]:
        return Service.objects.visible_to(self.request.user).prefetch_related("groups")


class ServiceV1ViewSet(ServiceViewSet):
    """Services, their status and their uptime.

    Status: 0 operational, 1 performance issues, 2 partial outage, 3 major
    outage. A change of status is recorded in the service's history and sends
    ``service_status_changed``. Services that are not public exist here only
    for signed-in staff. ``history/`` gives a service's daily summaries over
    the last ``UPTIME_DAYS`` days.
    """

    @extend_schema(responses=api_serializers.ServiceHistorySerializer, filters=False)
    # The schema class is given again: extend_schema would otherwise fall back
    # to the host's DEFAULT_SCHEMA_CLASS for an action.
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=None,
        schema=AutoSchema(),
    )
    def history(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """A service's uptime and, for each day, its worst status and time in each status."""
        service = self.get_object()
        uptime = uptime_for([service])[service.pk]
        data = api_serializers.ServiceHistorySerializer.data_for(service, uptime)
        return Response(api_serializers.ServiceHistorySerializer(data).data)


class IncidentViewSet(StatusboardViewSet):
    """Incidents, told through their updates.

    ``closed`` is true when the latest update is Fixed. Creating an incident may
    carry its ``first_update`` and a ``service_status`` to set on its services.
    """

    serializer_classes: ClassVar = {
        V0_1: api_serializers.IncidentV01Serializer,
        V1: api_serializers.IncidentSerializer,
    }
    filterset_class = filters.IncidentFilter

    def get_queryset(self) -> QuerySet[Incident]:
        return Incident.objects.prefetch_related(
            Prefetch("services", queryset=self.visible_services()),
            Prefetch("updates", queryset=IncidentUpdate.objects.only("pk", "incident_id")),
        )


class IncidentUpdateViewSet(StatusboardViewSet):
    """Updates of incidents.

    Status: 0 investigating, 1 identified, 2 watching, 3 fixed. Adding, editing
    or deleting an update keeps its incident's ``closed`` right.
    """

    serializer_classes: ClassVar = {
        V0_1: api_serializers.IncidentUpdateV01Serializer,
        V1: api_serializers.IncidentUpdateSerializer,
    }
    filterset_class = filters.IncidentUpdateFilter

    def get_queryset(self) -> QuerySet[IncidentUpdate]:
        return IncidentUpdate.objects.all()


class MaintenanceViewSet(StatusboardViewSet):
    """Planned maintenance windows.

    Filter with ``state`` (upcoming, in_progress, completed) as of the request.
    """

    serializer_classes: ClassVar = {
        V0_1: api_serializers.MaintenanceV01Serializer,
        V1: api_serializers.MaintenanceSerializer,
    }
    filterset_class = filters.MaintenanceFilter

    def get_queryset(self) -> QuerySet[Maintenance]:
        queryset = Maintenance.objects.all()
        if self.request.version != V0_1:
            queryset = queryset.prefetch_related(
                Prefetch("services", queryset=self.visible_services())
            )
        return queryset


class _AnyPathVersioning(URLPathVersioning):
    allowed_versions = (*NATIVE_VERSIONS, STATUSPAGE_VERSION)


class NotFoundView(APIView):
    """A JSON 404 for any path under the API that nothing else matched.

    An unknown version says so; an unknown path in a known version is "Not
    found."
    """

    schema = None  # Not part of the API's description.
    permission_classes: ClassVar = []
    authentication_classes: ClassVar = []
    versioning_class = _AnyPathVersioning

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # An unknown version raises here.
        raise exceptions.NotFound()
