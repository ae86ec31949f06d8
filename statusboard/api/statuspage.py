"""Read-only documents in the format of Atlassian Statuspage's public API (v2).

Exporters, chat bots, aggregators and widgets written for Statuspage read
``<page>/api/v2/summary.json`` and its siblings; the views here serve the same
documents from statusboard's models, under ``<mount>/api/v2/``.

They are the public page in another format: whoever asks, they hold only what
an anonymous visitor may see. That is the public services, and the incidents
and maintenances that concern no service at all or at least one public service
(the others only concern services hidden from the public).

Each document costs a fixed number of SQL queries whatever the amount of data.
The mapping from statusboard's models is described in ``docs/statuspage.md``.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any
from urllib.parse import urljoin

from django.conf import settings
from django.db import models
from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from statusboard.caching import cache_public
from statusboard.conf import DEFAULTS, app_settings
from statusboard.models import (
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)

Json = dict[str, Any]

COMPONENT_STATUSES: dict[int, str] = {
    ServiceStatus.OPERATIONAL: "operational",
    ServiceStatus.PERFORMANCE_ISSUES: "degraded_performance",
    ServiceStatus.PARTIAL_OUTAGE: "partial_outage",
    ServiceStatus.MAJOR_OUTAGE: "major_outage",
}
UNDER_MAINTENANCE = "under_maintenance"
# Component statuses from best to worst: a group shows the worst of its services.
COMPONENT_SEVERITY = (
    "operational",
    UNDER_MAINTENANCE,
    "degraded_performance",
    "partial_outage",
    "major_outage",
)

INCIDENT_STATUSES: dict[int, str] = {
    IncidentStatus.INVESTIGATING: "investigating",
    IncidentStatus.IDENTIFIED: "identified",
    IncidentStatus.WATCHING: "monitoring",
    IncidentStatus.FIXED: "resolved",
}
IMPACTS: dict[int, str] = {
    IncidentImpact.NONE: "none",
    IncidentImpact.MINOR: "minor",
    IncidentImpact.MAJOR: "major",
    IncidentImpact.CRITICAL: "critical",
}

# Page indicators from best to worst.
INDICATORS = ("none", "minor", "major", "critical")
SERVICE_INDICATORS: dict[int, str] = {
    ServiceStatus.OPERATIONAL: "none",
    ServiceStatus.PERFORMANCE_ISSUES: "minor",
    ServiceStatus.PARTIAL_OUTAGE: "minor",
    ServiceStatus.MAJOR_OUTAGE: "major",
}
# The strings Statuspage itself writes in ``status.description``.
ALL_OPERATIONAL = "All Systems Operational"
UNDER_MAINTENANCE_DESCRIPTION = "Service Under Maintenance"
DEGRADED_DESCRIPTION = "Partially Degraded Service"
INDICATOR_DESCRIPTIONS = {
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
}

MAINTENANCE_IMPACT = "maintenance"
MAINTENANCE_SCHEDULED = "scheduled"
MAINTENANCE_IN_PROGRESS = "in_progress"
MAINTENANCE_COMPLETED = "completed"

# As Statuspage: incidents.json and scheduled-maintenances.json list the 50 most recent.
INCIDENTS_LIMIT = 50
MAINTENANCES_LIMIT = 50


def timestamp(value: datetime.datetime | None) -> str | None:
    """ISO 8601 in UTC with milliseconds, as Statuspage writes its times."""
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def page_status(worst_service: int | None, worst_impact: int | None, maintenance: bool) -> Json:
    """The page's ``status`` object.

    ``worst_service`` is the worst status among public services,
    ``worst_impact`` the worst impact among unresolved public incidents (None
    when there are none), ``maintenance`` whether a maintenance in progress
    covers a public service.
    """
    from_services = SERVICE_INDICATORS[worst_service] if worst_service is not None else "none"
    from_incidents = IMPACTS[worst_impact] if worst_impact is not None else "none"
    indicator = max(from_services, from_incidents, key=INDICATORS.index)
    if indicator == "none":
        description = UNDER_MAINTENANCE_DESCRIPTION if maintenance else ALL_OPERATIONAL
    elif (
        indicator == "minor"
        and worst_service == ServiceStatus.PERFORMANCE_ISSUES
        and from_incidents == "none"
    ):
        description = DEGRADED_DESCRIPTION
    else:
        description = INDICATOR_DESCRIPTIONS[indicator]
    return {"indicator": indicator, "description": description}


def public_incidents() -> models.QuerySet[Incident]:
    """Incidents about no service, or about at least one public service."""
    links = Incident.services.through.objects.filter(incident=models.OuterRef("pk"))
    return Incident.objects.filter(
        models.Exists(links.filter(service__public=True)) | ~models.Exists(links)
    )


def public_maintenances() -> models.QuerySet[Maintenance]:
    """Maintenances of no service, or of at least one public service."""
    links = Maintenance.services.through.objects.filter(maintenance=models.OuterRef("pk"))
    return Maintenance.objects.filter(
        models.Exists(links.filter(service__public=True)) | ~models.Exists(links)
    )


def _status_at(service: str, moment: str, lookup: str) -> models.Subquery:
    """The status a service had at a moment, from its history."""
    return models.Subquery(
        ServiceStatusChange.objects.filter(
            service=models.OuterRef(service), **{f"created__{lookup}": models.OuterRef(moment)}
        )
        .order_by("-created", "-pk")
        .values("new_status")[:1]
    )


def service_component_id(pk: int) -> str:
    """The component id of a service: never equal to a group's."""
    return f"service-{pk}"


def group_component_id(pk: int) -> str:
    """The component id of a service group: never equal to a service's."""
    return f"group-{pk}"


class _Components:
    """The public services and their groups as Statuspage components.

    Loaded once per document in three queries: the services, their groups,
    and the services under maintenance.
    """

    def __init__(self, page_id: str, now: datetime.datetime) -> None:
        services = list(
            Service.objects.public()
            .priority_sorted()
            .prefetch_related(
                models.Prefetch("groups", queryset=ServiceGroup.objects.priority_sorted())
            )
        )
        in_progress = Maintenance.objects.in_progress(now)
        under_maintenance = set(
            Maintenance.services.through.objects.filter(maintenance__in=in_progress).values_list(
                "service_id", flat=True
            )
        )
        self.services: dict[int, Service] = {service.pk: service for service in services}
        self.order: dict[int, int] = {service.pk: index for index, service in enumerate(services)}
        self.worst_status: int | None = max((s.status for s in services), default=None)
        self.under_maintenance = any(pk in under_maintenance for pk in self.services)
        self.raw_status: dict[int, str] = {
            service.pk: COMPONENT_STATUSES[service.status] for service in services
        }
        self.shown_status: dict[int, str] = {
            pk: UNDER_MAINTENANCE if pk in under_maintenance else status
            for pk, status in self.raw_status.items()
        }

        # A service in several groups goes in the first one: highest priority, then name.
        groups: dict[int, ServiceGroup] = {}
        members: dict[int, list[Service]] = {}
        ungrouped: list[Service] = []
        for service in services:
            group = next(iter(service.groups.all()), None)
            if group is None:
                ungrouped.append(service)
            else:
                groups.setdefault(group.pk, group)
                members.setdefault(group.pk, []).append(service)
        self.groups = sorted(groups.values(), key=lambda group: (-group.priority, group.name))

        # Groups first, then the services in no group, as on the index page.
        self.by_service: dict[int, Json] = {}
        self.listing: list[Json] = []
        for position, group in enumerate(self.groups, start=1):
            children = [
                self._service(service, index, group_component_id(group.pk), page_id)
                for index, service in enumerate(members[group.pk], start=1)
            ]
            self.listing.append(self._group(group, children, position, page_id))
            self.listing.extend(children)
        first = len(self.groups) + 1
        for position, service in enumerate(ungrouped, start=first):
            self.listing.append(self._service(service, position, None, page_id))

    def _service(self, service: Service, position: int, group_id: str | None, page_id: str) -> Json:
        component = {
            "id": service_component_id(service.pk),
            "name": service.name,
            "status": self.shown_status[service.pk],
            "created_at": timestamp(service.created),
            "updated_at": timestamp(service.modified),
            "position": position,
            "description": service.description or None,
            "showcase": True,
            "start_date": None,
            "group_id": group_id,
            "page_id": page_id,
            "group": False,
            "only_show_if_degraded": False,
        }
        self.by_service[service.pk] = component
        return component

    def _group(
        self, group: ServiceGroup, children: list[Json], position: int, page_id: str
    ) -> Json:
        return {
            "id": group_component_id(group.pk),
            "name": group.name,
            "status": max((c["status"] for c in children), key=COMPONENT_SEVERITY.index),
            "created_at": timestamp(group.created),
            "updated_at": timestamp(group.modified),
            "position": position,
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": None,
            "page_id": page_id,
            "group": True,
            "only_show_if_degraded": False,
            "components": [child["id"] for child in children],
        }


class StatuspageDocuments:
    """The Statuspage documents, as seen by one request at one instant.

    Each public method returns one document. ``page.updated_at`` is the latest
    ``modified`` among the objects the document shows, so build the body
    before the page.
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.now = timezone.now()
        match = request.resolver_match
        self.current_app = match.namespace if match is not None else None
        self.page_url = self._page_url()
        # Statuspage's page ids are 12 characters; this one is stable for a page URL.
        self.page_id = hashlib.sha256(self.page_url.encode()).hexdigest()[:12]
        self.updated_at: datetime.datetime | None = None
        self._components: _Components | None = None

    # Documents

    def summary(self) -> Json:
        components = self._load_components()
        incidents = list(self._incident_queryset(public_incidents().open()))
        body = {
            "status": page_status(
                components.worst_status,
                max((incident.impact for incident in incidents), default=None),
                components.under_maintenance,
            ),
            "components": self._listing(),
            "incidents": self._incidents(incidents),
            "scheduled_maintenances": self._maintenances(
                public_maintenances().upcoming(self.now)
                | public_maintenances().in_progress(self.now)
            ),
        }
        return self._document(body)

    def status(self) -> Json:
        services = Service.objects.public().aggregate(
            worst=models.Max("status"), modified=models.Max("modified")
        )
        incidents = (
            public_incidents()
            .open()
            .aggregate(
                worst=models.Max("impact"),
                modified=models.Max("modified"),
                update_modified=models.Max("updates__modified"),
            )
        )
        maintenance = (
            Maintenance.objects.in_progress(self.now)
            .filter(services__public=True)
            .aggregate(modified=models.Max("modified"))
        )
        self._touch(
            services["modified"],
            incidents["modified"],
            incidents["update_modified"],
            maintenance["modified"],
        )
        body = {
            "status": page_status(
                services["worst"], incidents["worst"], maintenance["modified"] is not None
            )
        }
        return self._document(body)

    def components(self) -> Json:
        self._load_components()
        return self._document({"components": self._listing()})

    def incidents(self) -> Json:
        incidents = self._incident_queryset(public_incidents())[:INCIDENTS_LIMIT]
        return self._document({"incidents": self._incidents(incidents)})

    def unresolved_incidents(self) -> Json:
        incidents = self._incident_queryset(public_incidents().open())
        return self._document({"incidents": self._incidents(incidents)})

    def scheduled_maintenances(self) -> Json:
        maintenances = public_maintenances()[:MAINTENANCES_LIMIT]
        return self._document({"scheduled_maintenances": self._maintenances(maintenances)})

    def upcoming_scheduled_maintenances(self) -> Json:
        maintenances = public_maintenances().upcoming(self.now)
        return self._document({"scheduled_maintenances": self._maintenances(maintenances)})

    def active_scheduled_maintenances(self) -> Json:
        maintenances = public_maintenances().in_progress(self.now)
        return self._document({"scheduled_maintenances": self._maintenances(maintenances)})

    # The page

    def _document(self, body: Json) -> Json:
        page = {
            "id": self.page_id,
            "name": self._page_name(),
            "url": self.page_url,
            "time_zone": settings.TIME_ZONE or "UTC",
            "updated_at": timestamp(self.updated_at),
        }
        return {"page": page, **body}

    def _page_name(self) -> str:
        name = app_settings.PAGE_NAME
        # A bad value is reported by ``manage.py check``; never a 500 here.
        return name if isinstance(name, str) and name.strip() else DEFAULTS["PAGE_NAME"]

    def _page_url(self) -> str:
        configured = app_settings.PAGE_URL
        if isinstance(configured, str) and configured:
            return configured
        return self.request.build_absolute_uri(self._index_path())

    def _index_path(self) -> str:
        index = self._reverse("statusboard:index")
        if index is not None:
            return index
        # No index page in this project: the mount point of statusboard's URLs.
        summary = reverse("statusboard:v2:summary", current_app=self.current_app)
        suffix = "api/v2/summary.json"
        return summary.removesuffix(suffix) if summary.endswith(suffix) else "/"

    def _reverse(self, name: str, *args: Any) -> str | None:
        try:
            return reverse(name, args=args, current_app=self.current_app)
        except NoReverseMatch:
            return None

    def _absolute(self, path: str | None) -> str | None:
        if path is None:
            return None
        configured = app_settings.PAGE_URL
        if isinstance(configured, str) and configured:
            # Behind a proxy the request's host may not be the public one.
            return urljoin(configured, path)
        return self.request.build_absolute_uri(path)

    def _touch(self, *moments: datetime.datetime | None) -> None:
        for moment in moments:
            if moment is not None and (self.updated_at is None or moment > self.updated_at):
                self.updated_at = moment

    # Components

    def _load_components(self) -> _Components:
        if self._components is None:
            self._components = _Components(self.page_id, self.now)
        return self._components

    def _listing(self) -> list[Json]:
        components = self._load_components()
        self._touch(*(service.modified for service in components.services.values()))
        self._touch(*(group.modified for group in components.groups))
        return components.listing

    def _component(self, pk: int) -> Json:
        components = self._load_components()
        self._touch(components.services[pk].modified)
        return components.by_service[pk]

    def _ordered(self, service_pks: set[int]) -> list[int]:
        order = self._load_components().order
        # A service made public after the components were read waits for the next request.
        return sorted((pk for pk in service_pks if pk in order), key=order.__getitem__)

    # Incidents

    def _incident_queryset(self, queryset: models.QuerySet[Incident]) -> models.QuerySet[Incident]:
        updates = IncidentUpdate.objects.order_by("-created", "-pk")
        return queryset.prefetch_related(models.Prefetch("updates", queryset=updates))

    def _incidents(self, queryset: Any) -> list[Json]:
        incidents = list(queryset)
        if not incidents:
            return []
        self._load_components()
        services, statuses, before = self._incident_history([i.pk for i in incidents])
        return [
            self._incident(
                incident, self._ordered(services.get(incident.pk, set())), statuses, before
            )
            for incident in incidents
        ]

    def _incident_history(
        self, incident_pks: list[int]
    ) -> tuple[dict[int, set[int]], dict[tuple[int, int], int | None], dict[tuple[int, int], int]]:
        """For these incidents, in one query: their public services, the status
        each service had at each update, and the one it had before the incident."""
        rows = (
            Incident.services.through.objects.filter(
                incident_id__in=incident_pks, service__public=True
            )
            .annotate(
                update_pk=models.F("incident__updates__pk"),
                update_created=models.F("incident__updates__created"),
            )
            .annotate(
                status_at_update=_status_at("service_id", "update_created", "lte"),
                status_before=_status_at("service_id", "incident__occurred", "lt"),
            )
            .values_list(
                "incident_id", "service_id", "update_pk", "status_at_update", "status_before"
            )
        )
        services: dict[int, set[int]] = {}
        statuses: dict[tuple[int, int], int | None] = {}
        before: dict[tuple[int, int], int] = {}
        for incident_pk, service_pk, update_pk, status_at_update, status_before in rows:
            services.setdefault(incident_pk, set()).add(service_pk)
            if update_pk is not None:
                statuses[update_pk, service_pk] = status_at_update
            if status_before is not None:
                before[incident_pk, service_pk] = status_before
        return services, statuses, before

    def _incident(
        self,
        incident: Incident,
        service_pks: list[int],
        statuses: dict[tuple[int, int], int | None],
        before: dict[tuple[int, int], int],
    ) -> Json:
        updates = list(incident.updates.all())  # newest first
        latest = updates[0] if updates else None
        monitoring = next((u for u in updates if u.status == IncidentStatus.WATCHING), None)
        modified = max([incident.modified, *(update.modified for update in updates)])
        self._touch(modified)
        incident_id = f"incident-{incident.pk}"

        components = self._load_components()
        affected: dict[int, list[Json] | None] = {}
        previous = {pk: before.get((incident.pk, pk)) for pk in service_pks}
        for update in reversed(updates):  # oldest first, to know each old status
            entries = []
            for pk in service_pks:
                new = statuses.get((update.pk, pk))
                if new is None:  # no history that far back
                    new = components.services[pk].status
                old = previous[pk] if previous[pk] is not None else new
                previous[pk] = new
                entries.append(
                    {
                        "code": service_component_id(pk),
                        "name": components.services[pk].name,
                        "old_status": COMPONENT_STATUSES[old],
                        "new_status": COMPONENT_STATUSES[new],
                    }
                )
            affected[update.pk] = entries or None

        return {
            "id": incident_id,
            "name": incident.name,
            "status": INCIDENT_STATUSES[latest.status] if latest else "investigating",
            "created_at": timestamp(incident.created),
            "updated_at": timestamp(modified),
            "monitoring_at": timestamp(monitoring.created if monitoring else None),
            "resolved_at": timestamp(latest.created if incident.closed and latest else None),
            "impact": IMPACTS[incident.impact],
            "shortlink": self._absolute(self._reverse("statusboard:incident:detail", incident.pk)),
            "started_at": timestamp(incident.occurred),
            "page_id": self.page_id,
            "incident_updates": [
                {
                    "id": f"incident-update-{update.pk}",
                    "status": INCIDENT_STATUSES[update.status],
                    "body": update.description,
                    "incident_id": incident_id,
                    "created_at": timestamp(update.created),
                    "updated_at": timestamp(update.modified),
                    "display_at": timestamp(update.created),
                    "affected_components": affected[update.pk],
                    "deliver_notifications": False,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
                for update in updates
            ],
            "components": [self._component(pk) for pk in service_pks],
        }

    # Scheduled maintenances

    def _maintenances(self, queryset: models.QuerySet[Maintenance]) -> list[Json]:
        maintenances = list(queryset)
        if not maintenances:
            return []
        self._load_components()
        services: dict[int, set[int]] = {}
        links = Maintenance.services.through.objects.filter(
            maintenance_id__in=[m.pk for m in maintenances], service__public=True
        ).values_list("maintenance_id", "service_id")
        for maintenance_pk, service_pk in links:
            services.setdefault(maintenance_pk, set()).add(service_pk)
        return [
            self._maintenance(maintenance, self._ordered(services.get(maintenance.pk, set())))
            for maintenance in maintenances
        ]

    def _maintenance_status(self, maintenance: Maintenance) -> str:
        # The same boundaries as MaintenanceQuerySet.upcoming/in_progress/completed.
        if maintenance.scheduled > self.now:
            return MAINTENANCE_SCHEDULED
        if maintenance.end is not None and maintenance.end <= self.now:
            return MAINTENANCE_COMPLETED
        return MAINTENANCE_IN_PROGRESS

    def _maintenance(self, maintenance: Maintenance, service_pks: list[int]) -> Json:
        self._touch(maintenance.modified)
        status = self._maintenance_status(maintenance)
        components = self._load_components()
        maintenance_id = f"maintenance-{maintenance.pk}"
        affected = [
            {
                "code": service_component_id(pk),
                "name": components.services[pk].name,
                "old_status": components.raw_status[pk],
                "new_status": components.shown_status[pk],
            }
            for pk in service_pks
        ]
        shortlink = self._reverse("statusboard:maintenance:detail", maintenance.pk)
        return {
            "id": maintenance_id,
            "name": maintenance.name,
            "status": status,
            "created_at": timestamp(maintenance.created),
            "updated_at": timestamp(maintenance.modified),
            "monitoring_at": None,
            "resolved_at": timestamp(maintenance.end if status == MAINTENANCE_COMPLETED else None),
            "impact": MAINTENANCE_IMPACT,
            "shortlink": self._absolute(shortlink) if shortlink else self.page_url,
            "started_at": timestamp(maintenance.scheduled),
            "page_id": self.page_id,
            # statusboard has no maintenance updates: its description is the one update.
            "incident_updates": [
                {
                    "id": f"maintenance-update-{maintenance.pk}",
                    "status": status,
                    "body": maintenance.description,
                    "incident_id": maintenance_id,
                    "created_at": timestamp(maintenance.created),
                    "updated_at": timestamp(maintenance.modified),
                    "display_at": timestamp(maintenance.created),
                    "affected_components": affected or None,
                    "deliver_notifications": False,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
            ],
            "components": [self._component(pk) for pk in service_pks],
            "scheduled_for": timestamp(maintenance.scheduled),
            "scheduled_until": timestamp(maintenance.end),
        }


@method_decorator(csrf_exempt, name="dispatch")
class StatuspageView(View):
    """One Statuspage document, public and read-only: GET and HEAD only.

    Exempt from CSRF because it never changes anything, so that a POST gets a
    JSON 405 rather than the CSRF failure page.
    """

    http_method_names = ["get", "head"]
    document = "summary"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        body = getattr(StatuspageDocuments(request), self.document)()
        response = JsonResponse(body)
        # Public data without credentials: browser widgets may read it from any site.
        response["Access-Control-Allow-Origin"] = "*"
        return response

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> JsonResponse:
        response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
        response["Allow"] = "GET, HEAD"
        return response


# (path, URL name, document): every document is public and cached alike.
DOCUMENTS = [
    ("summary.json", "summary", "summary"),
    ("status.json", "status", "status"),
    ("components.json", "components", "components"),
    ("incidents.json", "incidents", "incidents"),
    ("incidents/unresolved.json", "incidents-unresolved", "unresolved_incidents"),
    ("scheduled-maintenances.json", "scheduled-maintenances", "scheduled_maintenances"),
    (
        "scheduled-maintenances/upcoming.json",
        "scheduled-maintenances-upcoming",
        "upcoming_scheduled_maintenances",
    ),
    (
        "scheduled-maintenances/active.json",
        "scheduled-maintenances-active",
        "active_scheduled_maintenances",
    ),
]

urlpatterns = [
    path(route, cache_public(StatuspageView.as_view(document=document)), name=name)
    for route, name, document in DOCUMENTS
]
