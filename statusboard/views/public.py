"""The pages every visitor sees: the index, the incident archive and the
detail pages of incidents, services and maintenances.

Each page runs a fixed number of queries, whatever the amount of data: the
related rows come through ``prefetch_related`` and the status of a group is
computed from its prefetched services. Services that are not public are left
out for everybody but signed-in staff.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, MonthArchiveView, TemplateView

from statusboard.conf import app_settings
from statusboard.models import (
    CollapseMode,
    Incident,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
)
from statusboard.uptime import uptime_for
from statusboard.views.base import StatusboardContextMixin

# How many incidents a page of the archive lists.
ARCHIVE_PAGE_SIZE = 25
# How many incidents the page of a service lists.
SERVICE_RECENT_INCIDENTS = 10


def visible_services(request: HttpRequest) -> QuerySet[Service]:
    """The services ``request.user`` may see, in display order."""
    return Service.objects.visible_to(request.user).priority_sorted()


def incidents_for_display(request: HttpRequest) -> QuerySet[Incident]:
    """Incidents with their updates (newest first) and visible services prefetched."""
    return Incident.objects.for_display(visible_services(request))


def worst_status(statuses: list[int]) -> int | None:
    """The highest of ``statuses``, None when there are none."""
    return max(statuses, default=None)


def favicon_for(status: int | None) -> str:
    """The static path of the favicon for an overall status."""
    if status is None:
        return app_settings.FAVICON_DEFAULT
    return app_settings.FAVICON_INDEX_DICT.get(status, app_settings.FAVICON_DEFAULT)


def _month_start(year: int, month: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, 1))


def _next_month(date: datetime.date) -> datetime.date:
    return (date.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


def _annotate_services(
    services: list[Service], maintenances: list[Maintenance], now: datetime.datetime
) -> None:
    """Give each service its ``uptime`` and whether it is ``under_maintenance``.

    A service in several groups is several objects: all of them get it. The
    maintenances must have their ``visible_services`` prefetched.
    """
    uptimes = uptime_for({service.pk: service for service in services}.values(), now=now)
    in_maintenance = {s.pk for m in maintenances for s in m.visible_services}
    for service in services:
        service.uptime = uptimes[service.pk]
        service.under_maintenance = service.pk in in_maintenance


class IndexView(StatusboardContextMixin, TemplateView):
    """The status page: the overall banner, maintenances, groups of services
    and recent incidents."""

    template_name = "statusboard/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        services = visible_services(self.request)
        groups = list(
            ServiceGroup.objects.priority_sorted().prefetch_related(
                Prefetch("services", queryset=services, to_attr="visible_services")
            )
        )
        uncategorized = list(services.uncategorized())
        statuses = [s.status for s in uncategorized]
        for group in groups:
            group.worst_status = worst_status([s.status for s in group.visible_services])
            group.collapsible = group.collapse != CollapseMode.NEVER
            group.collapsed = group.collapse == CollapseMode.ALWAYS or (
                group.collapse == CollapseMode.IF_OPERATIONAL
                and group.worst_status in (None, ServiceStatus.OPERATIONAL)
            )
            statuses.extend(s.status for s in group.visible_services)
        if not user.has_perm("statusboard.change_servicegroup"):
            # An empty group is noise, except to whoever can fill it.
            groups = [group for group in groups if group.visible_services]
        overall = worst_status(statuses)

        now = timezone.now()
        maintenances = list(
            (Maintenance.objects.in_progress(now) | Maintenance.objects.upcoming(now))
            .order_by("scheduled", "pk")
            .prefetch_related(Prefetch("services", queryset=services, to_attr="visible_services"))
        )
        _annotate_services(
            [*uncategorized, *(s for group in groups for s in group.visible_services)],
            maintenances=[m for m in maintenances if m.scheduled <= now],
            now=now,
        )
        context.update(
            {
                "worst_status": overall,
                "servicegroups": groups,
                "uncategorized": uncategorized,
                "incidents": incidents_for_display(self.request).in_index(),
                "maintenances_in_progress": [m for m in maintenances if m.scheduled <= now],
                "maintenances_upcoming": [m for m in maintenances if m.scheduled > now],
                "auto_refresh": app_settings.AUTO_REFRESH_INDEX_SECONDS,
                "favicon": favicon_for(overall),
            }
        )
        return context


class IncidentArchiveIndexView(StatusboardContextMixin, TemplateView):
    """Redirect to the latest month with incidents, or say there are none."""

    template_name = "statusboard/incident/archive_empty.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        latest = (
            Incident.objects.filter(occurred__lte=timezone.now())
            .order_by("-occurred")
            .values_list("occurred", flat=True)
            .first()
        )
        if latest is None:
            return super().get(request, *args, **kwargs)
        latest = timezone.localtime(latest)
        return redirect(
            "statusboard:incident:archive-month", year=latest.year, month=f"{latest.month:02d}"
        )


class IncidentMonthArchiveView(StatusboardContextMixin, MonthArchiveView):
    """The incidents of one month, with links to the nearest months that have some."""

    date_field = "occurred"
    month_format = "%m"
    # A bad month can have hundreds of incidents: keep the page light.
    paginate_by = ARCHIVE_PAGE_SIZE
    allow_empty = True
    allow_future = False
    context_object_name = "incidents"
    template_name = "statusboard/incident/archive_month.html"

    def get_queryset(self) -> QuerySet[Incident]:
        return incidents_for_display(self.request)

    def get_date_list(
        self, queryset: QuerySet, date_type: Any = None, ordering: str = "ASC"
    ) -> list:
        # The page lists no days: skip the query (MySQL would need its time zone tables).
        return []

    def get_dated_items(self) -> tuple[Any, Any, dict[str, Any]]:
        date_list, object_list, extra = super().get_dated_items()
        if extra["month"] > timezone.localdate():
            raise Http404(_("There is no archive for a month in the future."))
        return date_list, object_list, extra

    def get_previous_month(self, date: datetime.date) -> datetime.date | None:
        occurred = (
            Incident.objects.filter(occurred__lt=_month_start(date.year, date.month))
            .order_by("-occurred")
            .values_list("occurred", flat=True)
            .first()
        )
        return timezone.localtime(occurred).date().replace(day=1) if occurred else None

    def get_next_month(self, date: datetime.date) -> datetime.date | None:
        following = _next_month(date)
        occurred = (
            Incident.objects.filter(
                occurred__gte=_month_start(following.year, following.month),
                occurred__lte=timezone.now(),
            )
            .order_by("occurred")
            .values_list("occurred", flat=True)
            .first()
        )
        return timezone.localtime(occurred).date().replace(day=1) if occurred else None


class IncidentDetailView(StatusboardContextMixin, DetailView):
    """One incident with its impact, all its updates and its postmortem."""

    context_object_name = "incident"
    template_name = "statusboard/incident/detail.html"

    def get_queryset(self) -> QuerySet[Incident]:
        return incidents_for_display(self.request)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        occurred = self.object.occurred
        # The archive has no months in the future.
        context["archive_month"] = (
            timezone.localtime(occurred).date() if occurred <= timezone.now() else None
        )
        return context


class ServiceDetailView(StatusboardContextMixin, DetailView):
    """One service: its status, groups, maintenances and recent incidents."""

    context_object_name = "service"
    template_name = "statusboard/service/detail.html"

    def get_queryset(self) -> QuerySet[Service]:
        return visible_services(self.request).prefetch_related(
            Prefetch(
                "groups", queryset=ServiceGroup.objects.priority_sorted(), to_attr="group_list"
            )
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["incidents"] = incidents_for_display(self.request).filter(services=self.object)[
            :SERVICE_RECENT_INCIDENTS
        ]
        maintenances = list(
            (Maintenance.objects.in_progress(now) | Maintenance.objects.upcoming(now))
            .filter(services=self.object)
            .order_by("scheduled", "pk")
        )
        context["maintenances"] = maintenances
        for maintenance in maintenances:
            maintenance.visible_services = [self.object]
        _annotate_services([self.object], [m for m in maintenances if m.scheduled <= now], now=now)
        context["status_since"] = (
            self.object.status_changes.order_by("-created", "-pk")
            .values_list("created", flat=True)
            .first()
        )
        return context


class MaintenanceDetailView(StatusboardContextMixin, DetailView):
    """One maintenance: when it happens and which services it touches."""

    context_object_name = "maintenance"
    template_name = "statusboard/maintenance/detail.html"

    def get_queryset(self) -> QuerySet[Maintenance]:
        services = visible_services(self.request)
        return Maintenance.objects.prefetch_related(
            Prefetch("services", queryset=services, to_attr="visible_services")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        maintenance = self.object
        if maintenance.scheduled > now:
            context["state"] = "upcoming"
        elif maintenance.end is None or maintenance.end > now:
            context["state"] = "in_progress"
        else:
            context["state"] = "completed"
        return context
