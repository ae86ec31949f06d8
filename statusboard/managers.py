"""Query logic for the statusboard models.

Every method returns a QuerySet (or one aggregate value), so that a view can
still add ``select_related``/``prefetch_related`` and keep its query count flat.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from statusboard.caching import invalidate_on_commit
from statusboard.conf import app_settings

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def start_of_day_n_days_ago(days: int) -> datetime.datetime:
    """The start of the local day ``days - 1`` days before today (1 = today)."""
    today = timezone.localdate()
    day = today - datetime.timedelta(days=days - 1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ServiceQuerySet(models.QuerySet):
    def public(self) -> ServiceQuerySet:
        return self.filter(public=True)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | None) -> ServiceQuerySet:
        """All services for signed-in staff, only public ones for everybody else."""
        if user is not None and user.is_active and user.is_staff:
            return self.all()
        return self.public()

    def priority_sorted(self) -> ServiceQuerySet:
        return self.order_by("-priority", "name")

    def uncategorized(self) -> ServiceQuerySet:
        """Services that belong to no group."""
        return self.filter(groups__isnull=True)

    def worst_status(self) -> int | None:
        """The highest status among these services, None when there are none."""
        return self.order_by().aggregate(worst=models.Max("status"))["worst"]

    def set_status(self, status: int) -> int:
        """Set the status of every service here, through ``Service.set_status``.

        Each service that actually changes gets a history row and sends
        ``service_status_changed``; the whole change is one transaction.
        Returns the number of services that changed.
        """
        changed = 0
        pks = list(self.values_list("pk", flat=True))
        with transaction.atomic(using=self.db):
            locked = self.model._base_manager.using(self.db).select_for_update()
            for service in locked.filter(pk__in=pks).order_by("pk"):
                changed += service.set_status(status)
        return changed


class ServiceGroupQuerySet(models.QuerySet):
    def priority_sorted(self) -> ServiceGroupQuerySet:
        return self.order_by("-priority", "name")


class IncidentQuerySet(models.QuerySet):
    def for_display(self, services: models.QuerySet) -> IncidentQuerySet:
        """Newest first, with ``updates_newest_first`` and ``visible_services``
        (those of ``services``) prefetched: two queries for any number of rows."""
        from statusboard.models import IncidentUpdate

        return self.order_by("-occurred", "-pk").prefetch_related(
            models.Prefetch(
                "updates",
                queryset=IncidentUpdate.objects.order_by("-created", "-pk"),
                to_attr="updates_newest_first",
            ),
            models.Prefetch("services", queryset=services, to_attr="visible_services"),
        )

    def open(self) -> IncidentQuerySet:
        return self.filter(closed=False)

    def occurred_in_last_n_days(self, days: int) -> IncidentQuerySet:
        """Incidents that occurred since the start of the local day ``days - 1`` ago.

        ``days=1`` is today only; ``days=0`` is nothing.
        """
        if days <= 0:
            return self.none()
        return self.filter(occurred__gte=start_of_day_n_days_ago(days))

    def in_index(self) -> IncidentQuerySet:
        """The incidents the index shows, as ``INCIDENT_DAYS_IN_INDEX`` and
        ``OPEN_INCIDENT_IN_INDEX`` say."""
        days = app_settings.INCIDENT_DAYS_IN_INDEX
        condition = models.Q(pk__in=[])
        if days > 0:
            condition |= models.Q(occurred__gte=start_of_day_n_days_ago(days))
        if app_settings.OPEN_INCIDENT_IN_INDEX:
            condition |= models.Q(closed=False)
        return self.filter(condition)

    def lock(self) -> list[int]:
        """Lock these incidents' rows until the transaction ends; return their pks.

        Whoever writes ``closed`` locks the incident before reading its updates.
        Under PostgreSQL's READ COMMITTED a statement sees what was committed
        when it started, and an UPDATE that waited for another transaction's
        row lock still writes what it computed before waiting: without the lock
        taken first, an update committed meanwhile would be lost from
        ``closed``. Rows are locked in pk order, and before any of their
        updates, so that writers never wait for each other in a circle.
        """
        return list(self.select_for_update().order_by("pk").values_list("pk", flat=True))

    def sync_closed(self) -> int:
        """Set ``closed`` from each incident's latest update, in one UPDATE.

        Lock the incidents first (``lock()``) when others may write at once.
        """
        from statusboard.models import IncidentStatus, IncidentUpdate

        latest_status = models.Subquery(
            IncidentUpdate.objects.filter(incident=models.OuterRef("pk"))
            .order_by("-created", "-pk")
            .values("status")[:1]
        )
        return self.update(
            closed=models.Case(
                models.When(
                    models.lookups.Exact(latest_status, IncidentStatus.FIXED),
                    then=models.Value(True),
                ),
                default=models.Value(False),
            )
        )


class IncidentUpdateQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        # A bulk change of status or incident must keep ``Incident.closed`` right too.
        from statusboard.models import Incident

        with transaction.atomic(using=self.db):
            pks = list(self.values_list("pk", flat=True))
            incident_pks = set(self.values_list("incident_id", flat=True))
            incidents = Incident.objects.using(self.db)
            incidents.filter(pk__in=incident_pks).lock()
            rows = super().update(**kwargs)
            moved = self.model._base_manager.using(self.db).filter(pk__in=pks)
            incident_pks.update(moved.values_list("incident_id", flat=True))
            incidents.filter(pk__in=incident_pks).lock()
            incidents.filter(pk__in=incident_pks).sync_closed()
            # No post_save for a bulk update: tell the page cache directly.
            invalidate_on_commit(using=self.db)
        return rows


class MaintenanceQuerySet(models.QuerySet):
    def upcoming(self, now: datetime.datetime | None = None) -> MaintenanceQuerySet:
        return self.filter(scheduled__gt=now or timezone.now())

    def in_progress(self, now: datetime.datetime | None = None) -> MaintenanceQuerySet:
        now = now or timezone.now()
        return self.filter(scheduled__lte=now).filter(
            models.Q(end__isnull=True) | models.Q(end__gt=now)
        )

    def completed(self, now: datetime.datetime | None = None) -> MaintenanceQuerySet:
        return self.filter(end__lte=now or timezone.now())
