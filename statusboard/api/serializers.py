"""Serializers of the native API, one per model and version.

The ``…V01Serializer`` classes have exactly the fields of the original
django-statusboard's ``v0.1`` API, so its clients keep working. The v1
serializers extend them with additions only (URLs, display names, the newer
model fields), never changing a field that v0.1 has.

Related objects are written and shown as lists of ids. Services that are not
public are left out of these lists for everyone but signed-in staff, and an
update by someone who cannot see them leaves them in place.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.validators import URLValidator
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from statusboard.api.permissions import check_can_set_service_status, sees_hidden_services
from statusboard.models import (
    CollapseMode,
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
)
from statusboard.uptime import Uptime, uptime_for

MAX_IDS = 1000
"""The longest list of related ids a write may carry."""

# What every database stores in a PositiveIntegerField; DRF would take the
# current backend's range, which is wider on SQLite than on PostgreSQL.
MAX_POSITIVE_INTEGER = 2**31 - 1

_DIGITS = re.compile(r"[0-9]{1,19}")


class DateTimeField(serializers.DateTimeField):
    """DRF's DateTimeField, in UTC when the current time zone's offset at that
    moment is not whole minutes (local mean time before ~1900), which RFC 3339
    cannot write."""

    def enforce_timezone(self, value: datetime.datetime) -> datetime.datetime:
        value = super().enforce_timezone(value)
        offset = value.utcoffset()
        if offset is not None and offset % datetime.timedelta(minutes=1):
            value = value.astimezone(datetime.UTC)
        return value


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeField,
    }


def _request_user(context: Mapping[str, Any]) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@extend_schema_field({"type": "array", "items": {"type": "integer"}, "maxItems": MAX_IDS})
class RelatedIdsField(serializers.ManyRelatedField):
    """A list of ids of related objects, checked in one query.

    DRF's ``PrimaryKeyRelatedField(many=True)`` runs a query per id; this field
    refuses lists longer than ``MAX_IDS`` and looks the rest up at once, so an
    oversized or hostile list costs one query at most.
    """

    default_error_messages = {
        "max_length": _("Ensure this list has at most {max_length} items."),
    }

    def __init__(self, child_relation: serializers.RelatedField, **kwargs: Any) -> None:
        self.max_length = kwargs.pop("max_length", MAX_IDS)
        super().__init__(child_relation=child_relation, **kwargs)

    def to_internal_value(self, data: Any) -> list[models.Model]:
        if isinstance(data, str | Mapping) or not isinstance(data, Iterable):
            self.fail("not_a_list", input_type=type(data).__name__)
        items = list(data)
        if not self.allow_empty and not items:
            self.fail("empty")
        if len(items) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        child = self.child_relation
        pks = []
        for item in items:
            if isinstance(item, str) and _DIGITS.fullmatch(item):
                item = int(item)
            if isinstance(item, bool) or not isinstance(item, int):
                child.fail("incorrect_type", data_type=type(item).__name__)
            pks.append(item)
        queryset = child.get_queryset()
        pk_field = queryset.model._meta.pk
        low, high = _integer_range(pk_field, queryset.db)
        found = queryset.in_bulk([pk for pk in pks if low <= pk <= high])
        for pk in pks:
            if pk not in found:
                child.fail("does_not_exist", pk_value=pk)
        return [found[pk] for pk in dict.fromkeys(pks)]


def _integer_range(field: models.Field, using: str) -> tuple[int, int]:
    from django.db import connections

    low, high = connections[using].ops.integer_field_range(field.get_internal_type())
    return (low if low is not None else -(2**63), high if high is not None else 2**63 - 1)


class VisibleServiceField(serializers.PrimaryKeyRelatedField):
    """A service the requesting user may see."""

    def get_queryset(self) -> models.QuerySet[Service]:
        return Service.objects.visible_to(_request_user(self.context))


class ServiceIdsField(RelatedIdsField):
    """Ids of services; those the requesting user may not see are left out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child_relation=VisibleServiceField(), **kwargs)

    def get_attribute(self, instance: models.Model) -> Any:
        services = super().get_attribute(instance)
        if sees_hidden_services(_request_user(self.context)):
            return services
        # Usually already filtered by the view's Prefetch; the responses to
        # writes come from unprefetched instances.
        return [service for service in services if service.public]


def _strict_pk_field(queryset: models.QuerySet) -> serializers.PrimaryKeyRelatedField:
    # IntegerField refuses 1.5 and true, which a bare PrimaryKeyRelatedField lets through.
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, pk_field=serializers.IntegerField()
    )


class KeepsHiddenServicesMixin:
    """Keep the services a user cannot see when that user rewrites ``services``."""

    def update(self, instance: models.Model, validated_data: dict[str, Any]) -> models.Model:
        services = validated_data.get("services")
        if services is not None and not sees_hidden_services(_request_user(self.context)):
            hidden = _stored_services(instance).filter(public=False)
            validated_data["services"] = [*services, *hidden]
        return super().update(instance, validated_data)


def _stored_services(instance: models.Model) -> models.QuerySet[Service]:
    """The services of ``instance`` in the database.

    Not ``instance.services.filter()``, which Django 6.1 applies to the
    instance's prefetched services: the view prefetched the visible ones only.
    """
    relation = instance._meta.get_field("services")
    lookup = relation.field.name if relation.auto_created else relation.related_query_name()
    return Service.objects.filter(**{lookup: instance})


class EnumChoiceField(serializers.ChoiceField):
    """A choice among the members of a Django ``Choices`` class.

    The schema describes it as the component ``<class name>Enum``, whatever
    the field is called (``statusboard.api.schema.EnumChoiceFieldExtension``).
    """

    def __init__(self, choices_class: type[models.Choices], **kwargs: Any) -> None:
        self.choices_class = choices_class
        super().__init__(choices=choices_class.choices, **kwargs)


def _choice(choices: type[models.Choices], **kwargs: Any) -> EnumChoiceField:
    # Declared rather than derived from the model, whose validators would add
    # the current database's integer range to the schema.
    return EnumChoiceField(choices, **kwargs)


def _url(basename: str) -> serializers.HyperlinkedIdentityField:
    return serializers.HyperlinkedIdentityField(view_name=f"statusboard:v1:{basename}-detail")


# --- Service groups ---------------------------------------------------------


class ServiceGroupV01Serializer(KeepsHiddenServicesMixin, ModelSerializer):
    """A group of services (v0.1 fields)."""

    services = ServiceIdsField(required=False)
    collapse = _choice(CollapseMode, required=False)

    class Meta:
        model = ServiceGroup
        fields = ["id", "name", "collapse", "priority", "services", "created", "modified"]
        extra_kwargs = {"priority": {"max_value": MAX_POSITIVE_INTEGER}}


class ServiceGroupSerializer(ServiceGroupV01Serializer):
    """A group of services."""

    url = _url("servicegroup")
    collapse_display = serializers.CharField(source="get_collapse_display", read_only=True)

    class Meta(ServiceGroupV01Serializer.Meta):
        fields = [*ServiceGroupV01Serializer.Meta.fields, "url", "collapse_display"]


# --- Services ---------------------------------------------------------------


class ServiceV01Serializer(ModelSerializer):
    """A service (v0.1 fields).

    Changing ``status`` saves the service through ``Service.save()``, which
    records the change in its history and sends ``service_status_changed``.
    """

    status = _choice(ServiceStatus, required=False)
    groups = RelatedIdsField(
        child_relation=_strict_pk_field(ServiceGroup.objects.all()), required=False
    )

    class Meta:
        model = Service
        fields = [
            "id",
            "name",
            "description",
            "href",
            "status",
            "groups",
            "priority",
            "created",
            "modified",
        ]
        extra_kwargs = {
            "priority": {"max_value": MAX_POSITIVE_INTEGER},
            # DRF drops the model's URLValidators for its own, which allows ftp.
            "href": {"validators": [URLValidator(schemes=["http", "https"])]},
        }


class UptimeField(serializers.FloatField):
    """The service's uptime percentage over ``UPTIME_DAYS``; null without data."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, allow_null=True, min_value=0, max_value=100, source="*")
        super().__init__(**kwargs)

    def to_representation(self, service: Service) -> float | None:
        uptime = getattr(service, "uptime", None)
        if uptime is None:  # a single service, e.g. the response to a write
            uptime = uptime_for([service])[service.pk]
        return None if uptime.percentage is None else round(uptime.percentage, 4)


class ServiceListSerializer(serializers.ListSerializer):
    """Computes the uptime of all the listed services at once (three queries)."""

    def to_representation(self, data: Any) -> list[Any]:
        services = list(data.all() if isinstance(data, models.manager.BaseManager) else data)
        uptimes = uptime_for(services)
        for service in services:
            service.uptime = uptimes[service.pk]
        return super().to_representation(services)


class ServiceSerializer(ServiceV01Serializer):
    """A service.

    Changing ``status`` saves the service through ``Service.save()``, which
    records the change in its history and sends ``service_status_changed``.
    ``uptime`` is the percentage of the last ``UPTIME_DAYS`` days the service
    was up, as the status page shows it.
    """

    url = _url("service")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    uptime = UptimeField()

    class Meta(ServiceV01Serializer.Meta):
        fields = [*ServiceV01Serializer.Meta.fields, "url", "status_display", "public", "uptime"]
        list_serializer_class = ServiceListSerializer


class DayUptimeSerializer(serializers.Serializer):
    """What a service went through on one day, in the host's time zone."""

    date = serializers.DateField()
    worst_status = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "The worst status held outside maintenance; null: no data (before the service existed)."
        ),
    )
    minutes_in_status = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("Minutes spent in each non-operational status outside maintenance, by status."),
    )
    maintenance_minutes = serializers.IntegerField()


class ServiceHistorySerializer(serializers.Serializer):
    """A service's uptime and daily history over the last ``UPTIME_DAYS`` days."""

    service = serializers.IntegerField()
    uptime = serializers.FloatField(allow_null=True, min_value=0, max_value=100)
    days = DayUptimeSerializer(many=True)

    @staticmethod
    def data_for(service: Service, uptime: Uptime) -> dict[str, Any]:
        return {
            "service": service.pk,
            "uptime": None if uptime.percentage is None else round(uptime.percentage, 4),
            "days": [
                {
                    "date": day.date,
                    "worst_status": day.worst_status,
                    "minutes_in_status": {str(k): v for k, v in day.minutes_in_status.items()},
                    "maintenance_minutes": round(day.maintenance.total_seconds() / 60),
                }
                for day in uptime.days
            ],
        }


# --- Incidents --------------------------------------------------------------


class FirstUpdateSerializer(serializers.Serializer):
    """The first update of an incident being created."""

    status = _choice(IncidentStatus)
    description = serializers.CharField()


class IncidentV01Serializer(KeepsHiddenServicesMixin, ModelSerializer):
    """An incident (v0.1 fields).

    ``closed`` and ``updates`` are read-only: updates are written through the
    incidentupdate endpoints, and ``closed`` follows the latest of them.

    Two write-only fields do what the incident form does, in the same
    transaction as the incident itself:

    - ``first_update`` (only when creating): ``{"status": 0-3, "description": "…"}``,
      saved as the incident's first update.
    - ``service_status`` (0-3): set on the incident's services through
      ``Service.objects.filter(...).set_status()``, which records each change
      and sends ``service_status_changed``. It needs the permission to change
      services too.
    """

    services = ServiceIdsField(required=False)
    updates = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    first_update = FirstUpdateSerializer(
        write_only=True,
        required=False,
        help_text=_("Only when creating: the incident's first update."),
    )
    service_status = _choice(
        ServiceStatus,
        write_only=True,
        required=False,
        help_text=_("A status to set on the incident's services."),
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "name",
            "services",
            "occurred",
            "created",
            "modified",
            "updates",
            "closed",
            "first_update",
            "service_status",
        ]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is not None and "first_update" in attrs:
            raise serializers.ValidationError(
                {
                    "first_update": [
                        _(
                            "Only a new incident takes a first update; "
                            "add later updates as incidentupdate."
                        )
                    ]
                }
            )
        if "service_status" in attrs:
            check_can_set_service_status(_request_user(self.context))
        return attrs

    def create(self, validated_data: dict[str, Any]) -> Incident:
        first_update = validated_data.pop("first_update", None)
        service_status = validated_data.pop("service_status", None)
        with transaction.atomic(using=router.db_for_write(Incident)):
            incident = super().create(validated_data)
            if first_update is not None:
                IncidentUpdate.objects.create(incident=incident, **first_update)
            if service_status is not None:
                self._set_service_status(incident, service_status)
        return incident

    def update(self, instance: Incident, validated_data: dict[str, Any]) -> Incident:
        service_status = validated_data.pop("service_status", None)
        with transaction.atomic(using=router.db_for_write(Incident)):
            incident = super().update(instance, validated_data)
            if service_status is not None:
                self._set_service_status(incident, service_status)
        return incident

    def _set_service_status(self, incident: Incident, status: int) -> None:
        services = Service.objects.visible_to(_request_user(self.context))
        services.filter(incidents=incident).set_status(status)


class IncidentSerializer(IncidentV01Serializer):
    """An incident.

    ``closed`` and ``updates`` are read-only: updates are written through the
    incidentupdate endpoints, and ``closed`` follows the latest of them.

    Two write-only fields do what the incident form does, in the same
    transaction as the incident itself:

    - ``first_update`` (only when creating): ``{"status": 0-3, "description": "…"}``,
      saved as the incident's first update.
    - ``service_status`` (0-3): set on the incident's services through
      ``Service.objects.filter(...).set_status()``, which records each change
      and sends ``service_status_changed``. It needs the permission to change
      services too.
    """

    url = _url("incident")
    impact = _choice(IncidentImpact, required=False)
    impact_display = serializers.CharField(source="get_impact_display", read_only=True)

    class Meta(IncidentV01Serializer.Meta):
        fields = [
            *IncidentV01Serializer.Meta.fields,
            "url",
            "impact",
            "impact_display",
            "postmortem",
        ]


# --- Incident updates -------------------------------------------------------


class IncidentUpdateV01Serializer(ModelSerializer):
    """An update of an incident (v0.1 fields, plus the incident it belongs to).

    Adding, editing or deleting an update sets the incident's ``closed``.
    """

    incident = _strict_pk_field(Incident.objects.all())
    status = _choice(IncidentStatus)

    class Meta:
        model = IncidentUpdate
        fields = ["id", "incident", "status", "description", "created", "modified"]


class IncidentUpdateSerializer(IncidentUpdateV01Serializer):
    """An update of an incident.

    Adding, editing or deleting an update sets the incident's ``closed``.
    """

    url = _url("incidentupdate")
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta(IncidentUpdateV01Serializer.Meta):
        fields = [*IncidentUpdateV01Serializer.Meta.fields, "url", "status_display"]


# --- Maintenances -----------------------------------------------------------


class MaintenanceState(models.TextChoices):
    UPCOMING = "upcoming", _("Upcoming")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")


def maintenance_state(maintenance: Maintenance, now: Any = None) -> MaintenanceState:
    """The state of ``maintenance`` at ``now``, as ``MaintenanceQuerySet`` defines it."""
    now = now or timezone.now()
    if maintenance.scheduled > now:
        return MaintenanceState.UPCOMING
    if maintenance.end is None or maintenance.end > now:
        return MaintenanceState.IN_PROGRESS
    return MaintenanceState.COMPLETED


class MaintenanceV01Serializer(ModelSerializer):
    """Planned work (v0.1 fields)."""

    class Meta:
        model = Maintenance
        fields = ["id", "name", "description", "created", "modified", "scheduled"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        scheduled = attrs.get("scheduled", getattr(self.instance, "scheduled", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if end is not None and scheduled is not None and end <= scheduled:
            field = "end" if "end" in attrs else "scheduled"
            raise serializers.ValidationError(
                {field: [_("The end must be after the scheduled start.")]}
            )
        return attrs


class MaintenanceSerializer(KeepsHiddenServicesMixin, MaintenanceV01Serializer):
    """Planned work on some services, from ``scheduled`` until ``end``.

    ``state`` is ``upcoming`` before ``scheduled``, ``completed`` from ``end``
    on, and ``in_progress`` in between (and after ``scheduled`` while there is
    no ``end``).
    """

    url = _url("maintenance")
    services = ServiceIdsField(required=False)
    state = serializers.SerializerMethodField()

    class Meta(MaintenanceV01Serializer.Meta):
        fields = [*MaintenanceV01Serializer.Meta.fields, "url", "end", "services", "state"]

    @extend_schema_field(EnumChoiceField(MaintenanceState))
    def get_state(self, maintenance: Maintenance) -> str:
        return maintenance_state(maintenance).value
