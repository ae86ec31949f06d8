"""django-filter FilterSets of the native API's lists.

Every filter validates its value: a malformed one is a 400 whose body names the
parameter, never an ignored parameter or a 500. Each list also takes
``ordering``, a comma-separated list of fields, ``-`` in front for descending.
"""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.request import Request

from statusboard.api.serializers import MaintenanceState
from statusboard.models import (
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
)


class StrictBooleanField(forms.Field):
    """``true``/``false`` (or ``1``/``0``); anything else is an error, not "no filter"."""

    default_error_messages = {"invalid": _("Enter true or false.")}

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        lowered = str(value).lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    # Not the rest_framework BooleanFilter, whose widget turns unknown values into None.
    field_class = StrictBooleanField


class UTCDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date and time that can be stored: one whose offset would move
    it out of the years 1–9999 is refused instead of failing in the database."""

    default_error_messages = {"overflow": _("Enter a date and time between the years 1 and 9999.")}

    def to_python(self, value: Any) -> datetime.datetime | None:
        result = super().to_python(value)
        if result is not None:
            try:
                result.astimezone(datetime.UTC)
            except OverflowError:
                raise ValidationError(self.error_messages["overflow"], code="overflow") from None
        return result


class DateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


def _visible_services(request: Request | None) -> QuerySet[Service]:
    return Service.objects.visible_to(getattr(request, "user", None))


def _id_filter(**kwargs: Any) -> filters.ModelChoiceFilter:
    return extend_schema_field(OpenApiTypes.INT)(filters.ModelChoiceFilter(**kwargs))


class ServiceGroupFilter(filters.FilterSet):
    search = filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name contains (case-insensitive)")
    )
    ordering = filters.OrderingFilter(fields=["name", "priority", "created", "modified"])

    class Meta:
        model = ServiceGroup
        fields: list[str] = []


class ServiceFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ServiceStatus.choices, label=_("Status is"))
    status__gte = filters.ChoiceFilter(
        field_name="status",
        lookup_expr="gte",
        choices=ServiceStatus.choices,
        label=_("Status is at least (as bad as)"),
    )
    status__lte = filters.ChoiceFilter(
        field_name="status",
        lookup_expr="lte",
        choices=ServiceStatus.choices,
        label=_("Status is at most"),
    )
    group = _id_filter(
        field_name="groups", queryset=ServiceGroup.objects.all(), label=_("In the group with id")
    )
    search = filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("Name contains (case-insensitive)")
    )
    ordering = filters.OrderingFilter(fields=["name", "priority", "status", "created", "modified"])

    class Meta:
        model = Service
        fields: list[str] = []


class IncidentFilter(filters.FilterSet):
    closed = StrictBooleanFilter(label=_("Closed (true) or open (false)"))
    occurred_after = DateTimeFilter(
        field_name="occurred", lookup_expr="gte", label=_("Occurred at or after")
    )
    occurred_before = DateTimeFilter(
        field_name="occurred", lookup_expr="lt", label=_("Occurred before")
    )
    service = _id_filter(
        field_name="services", queryset=_visible_services, label=_("Affects the service with id")
    )
    impact = filters.ChoiceFilter(choices=IncidentImpact.choices, label=_("Impact is"))
    ordering = filters.OrderingFilter(fields=["occurred", "name", "created", "modified"])

    class Meta:
        model = Incident
        fields: list[str] = []


class IncidentUpdateFilter(filters.FilterSet):
    incident = _id_filter(queryset=Incident.objects.all(), label=_("Of the incident with id"))
    status = filters.ChoiceFilter(choices=IncidentStatus.choices, label=_("Status is"))
    ordering = filters.OrderingFilter(fields=["created", "modified", "status"])

    class Meta:
        model = IncidentUpdate
        fields: list[str] = []


class MaintenanceFilter(filters.FilterSet):
    state = filters.ChoiceFilter(
        choices=MaintenanceState.choices, method="filter_state", label=_("State now")
    )
    service = _id_filter(
        field_name="services", queryset=_visible_services, label=_("Affects the service with id")
    )
    ordering = filters.OrderingFilter(fields=["scheduled", "end", "name", "created", "modified"])

    class Meta:
        model = Maintenance
        fields: list[str] = []

    def filter_state(self, queryset: QuerySet[Maintenance], name: str, value: str) -> QuerySet:
        if value == MaintenanceState.UPCOMING:
            return queryset.upcoming()
        if value == MaintenanceState.IN_PROGRESS:
            return queryset.in_progress()
        return queryset.completed()
