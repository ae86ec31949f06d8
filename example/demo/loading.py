"""Turn the specs of ``sample_data`` into rows, with a status history that
follows the incidents and maintenances of each service.

Loading is idempotent: rows are recognised by name, and only the missing ones
are created, so a second load changes nothing. ``reset=True`` deletes the
sample rows first, to date them from now again.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from demo.sample_data import (
    GROUPS,
    SEED,
    SERVICES,
    Clock,
    IncidentSpec,
    MaintenanceSpec,
    ServiceSpec,
    incidents,
    maintenances,
)
from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)

# A stretch of a service's status: (from, status) steps in time order; before
# the first step, and when no stretch says otherwise, the service is operational.
Episode = Sequence[tuple[datetime.datetime, int]]
# (when, old status, new status), the fields of a ServiceStatusChange.
HistoryRow = tuple[datetime.datetime, int | None, int]


@dataclass(frozen=True)
class ServicePlan:
    spec: ServiceSpec
    created: datetime.datetime
    history: tuple[HistoryRow, ...]

    @property
    def status(self) -> int:
        return self.history[-1][2]


def status_at(episode: Episode, moment: datetime.datetime) -> int:
    status = ServiceStatus.OPERATIONAL
    for start, step_status in episode:
        if start > moment:
            break
        status = step_status
    return status


def status_history(
    created: datetime.datetime, episodes: Iterable[Episode], now: datetime.datetime
) -> tuple[HistoryRow, ...]:
    """The changes of a service created operational at ``created``, whose status
    at any moment is the worst one its episodes give."""
    episodes = [episode for episode in episodes if episode[0][0] > created]
    moments = sorted({start for episode in episodes for start, _ in episode})
    rows: list[HistoryRow] = [(created, None, ServiceStatus.OPERATIONAL)]
    for moment in moments:
        if moment > now:
            break
        status = max(status_at(episode, moment) for episode in episodes)
        if status != rows[-1][2]:
            rows.append((moment, rows[-1][2], status))
    return tuple(rows)


def plan_services(
    clock: Clock,
    incident_specs: Iterable[IncidentSpec],
    maintenance_specs: Iterable[MaintenanceSpec],
) -> list[ServicePlan]:
    """Each sample service with its creation date and its status history."""
    episodes: dict[str, list[Episode]] = {spec.name: [] for spec in SERVICES}
    for incident in incident_specs:
        steps = [
            (incident.started + datetime.timedelta(minutes=update.minutes), update.service_status)
            for update in incident.updates
        ]
        for name in incident.services:
            episodes[name].append(steps)
    for maintenance in maintenance_specs:
        if maintenance.service_status != ServiceStatus.OPERATIONAL:
            steps = [
                (maintenance.scheduled, maintenance.service_status),
                (maintenance.end, ServiceStatus.OPERATIONAL),
            ]
            for name in maintenance.services:
                episodes[name].append(steps)

    # Short slowdowns that never made it to an incident, left to a seeded chance.
    rng = random.Random(SEED)
    plans = []
    for spec in SERVICES:
        created = clock.days_ago(spec.created_days_ago or rng.randint(100, 400), "09:00")
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            start = clock.days_ago(
                rng.randint(2, 89), f"{rng.randint(0, 23):02}:{rng.randrange(0, 60, 5):02}"
            )
            end = start + datetime.timedelta(minutes=rng.randint(5, 40))
            episodes[spec.name].append(
                [(start, ServiceStatus.PERFORMANCE_ISSUES), (end, ServiceStatus.OPERATIONAL)]
            )
        history = status_history(created, episodes[spec.name], clock.now)
        plans.append(ServicePlan(spec, created, history))
    return plans


def load_sample_data(
    *, now: datetime.datetime | None = None, reset: bool = False
) -> dict[str, int]:
    """Create the sample rows that are missing; return how many of each were created."""
    clock = Clock(now or timezone.now())
    incident_specs = incidents(clock)
    maintenance_specs = maintenances(clock)
    with transaction.atomic():
        if reset:
            _delete_sample_rows(incident_specs, maintenance_specs)
        created = dict.fromkeys(
            (
                ServiceGroup._meta.verbose_name_plural,
                Service._meta.verbose_name_plural,
                Incident._meta.verbose_name_plural,
                Maintenance._meta.verbose_name_plural,
            ),
            0,
        )

        groups = {}
        for spec in GROUPS:
            groups[spec.name], is_new = ServiceGroup.objects.get_or_create(
                name=spec.name, defaults={"priority": spec.priority, "collapse": spec.collapse}
            )
            created[ServiceGroup._meta.verbose_name_plural] += is_new

        services = {}
        for plan in plan_services(clock, incident_specs, maintenance_specs):
            service = Service.objects.filter(name=plan.spec.name).first()
            if service is None:
                service = _create_service(plan, groups)
                created[Service._meta.verbose_name_plural] += 1
            services[plan.spec.name] = service

        for spec in incident_specs:
            if not Incident.objects.filter(name=spec.name).exists():
                _create_incident(spec, services)
                created[Incident._meta.verbose_name_plural] += 1

        for spec in maintenance_specs:
            if not Maintenance.objects.filter(name=spec.name).exists():
                _create_maintenance(spec, services, clock)
                created[Maintenance._meta.verbose_name_plural] += 1
    return {str(name): count for name, count in created.items()}


def _delete_sample_rows(
    incident_specs: Iterable[IncidentSpec], maintenance_specs: Iterable[MaintenanceSpec]
) -> None:
    Incident.objects.filter(name__in=[spec.name for spec in incident_specs]).delete()
    Maintenance.objects.filter(name__in=[spec.name for spec in maintenance_specs]).delete()
    # Their status history goes with them.
    Service.objects.filter(name__in=[spec.name for spec in SERVICES]).delete()
    ServiceGroup.objects.filter(name__in=[spec.name for spec in GROUPS]).delete()


def _create_service(plan: ServicePlan, groups: dict[str, ServiceGroup]) -> Service:
    spec = plan.spec
    service = Service(
        name=spec.name,
        description=spec.description,
        href=spec.href,
        priority=spec.priority,
        public=spec.public,
        status=plan.status,
        created=plan.created,
    )
    service.full_clean()
    service.save()
    service.groups.set([groups[name] for name in spec.groups])
    # save() has recorded the status as of now; the sample history replaces
    # that row with the changes at their own dates, ending in the same status.
    service.status_changes.all().delete()
    ServiceStatusChange.objects.bulk_create(
        ServiceStatusChange(service=service, old_status=old, new_status=new, created=moment)
        for moment, old, new in plan.history
    )
    return service


def _create_incident(spec: IncidentSpec, services: dict[str, Service]) -> Incident:
    incident = Incident.objects.create(
        name=spec.name,
        occurred=spec.started,
        created=spec.started,
        impact=spec.impact,
        postmortem=spec.postmortem,
    )
    incident.services.set([services[name] for name in spec.services])
    for update in spec.updates:
        IncidentUpdate.objects.create(
            incident=incident,
            status=update.status,
            description=update.description,
            created=spec.started + datetime.timedelta(minutes=update.minutes),
        )
    return incident


def _create_maintenance(
    spec: MaintenanceSpec, services: dict[str, Service], clock: Clock
) -> Maintenance:
    maintenance = Maintenance(
        name=spec.name,
        description=spec.description,
        scheduled=spec.scheduled,
        end=spec.end,
        # Announced two weeks ahead, or just now for one that is close.
        created=min(clock.now, spec.scheduled - datetime.timedelta(days=14)),
    )
    maintenance.full_clean()
    maintenance.save()
    maintenance.services.set([services[name] for name in spec.services])
    return maintenance
