"""The data of a status page: services in groups, incidents with their updates,
maintenances, and the history of every service status change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, router, transaction
from django.db.models.signals import post_delete, pre_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from statusboard import managers, signals


class ServiceStatus(models.IntegerChoices):
    OPERATIONAL = 0, _("Operational")
    PERFORMANCE_ISSUES = 1, _("Performance issues")
    PARTIAL_OUTAGE = 2, _("Partial outage")
    MAJOR_OUTAGE = 3, _("Major outage")


class IncidentStatus(models.IntegerChoices):
    INVESTIGATING = 0, _("Investigating")
    IDENTIFIED = 1, _("Identified")
    WATCHING = 2, _("Watching")
    FIXED = 3, _("Fixed")


class IncidentImpact(models.IntegerChoices):
    NONE = 0, _("None")
    MINOR = 1, _("Minor")
    MAJOR = 2, _("Major")
    CRITICAL = 3, _("Critical")


class CollapseMode(models.IntegerChoices):
    NEVER = 0, _("Never")
    ALWAYS = 1, _("Always")
    IF_OPERATIONAL = 2, _("When all its services are operational")


# The original django-statusboard exposed its choices as tuples.
SERVICE_STATUSES = tuple(ServiceStatus.choices)
INCIDENT_STATUSES = tuple(IncidentStatus.choices)
GROUP_COLLAPSE_OPTIONS = tuple(CollapseMode.choices)


def _db_for_write(instance: models.Model, kwargs: dict[str, Any]) -> str:
    return kwargs.get("using") or router.db_for_write(type(instance), instance=instance)


class TimeStampedModel(models.Model):
    # A default rather than auto_now_add, so that imports can keep their timestamps.
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class ServiceGroup(TimeStampedModel):
    """A named set of services shown together on the status page."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    priority = models.PositiveIntegerField(
        _("priority"), default=0, help_text=_("Groups with a higher priority are shown first.")
    )
    collapse = models.PositiveSmallIntegerField(
        _("collapse"),
        choices=CollapseMode.choices,
        default=CollapseMode.NEVER,
        help_text=_("When the group's list of services is folded away on the status page."),
    )

    objects = managers.ServiceGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("service group")
        verbose_name_plural = _("service groups")
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(collapse__in=CollapseMode.values),
                name="statusboard_servicegroup_collapse_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        # A group has no page of its own: it is a section of the index.
        return reverse("statusboard:index") + f"#group-{self.pk}"


class Service(TimeStampedModel):
    """Something whose state the status page reports.

    Change ``status`` through ``save()`` or ``set_status()``: both record a
    ``ServiceStatusChange`` and send ``service_status_changed``. A raw
    ``QuerySet.update(status=...)`` bypasses them; use
    ``Service.objects.filter(...).set_status(...)`` instead.

    During a ``post_save`` handler ``instance._status`` holds the status before
    the save; afterwards it equals ``status``.
    """

    name = models.CharField(_("name"), max_length=255, unique=True)
    description = models.TextField(_("description"), blank=True)
    href = models.URLField(
        _("link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("An http(s) address where visitors can learn more about the service."),
    )
    status = models.IntegerField(
        _("status"), choices=ServiceStatus.choices, default=ServiceStatus.OPERATIONAL
    )
    priority = models.PositiveIntegerField(
        _("priority"),
        default=0,
        help_text=_("Services with a higher priority are shown first."),
    )
    groups = models.ManyToManyField(
        ServiceGroup, verbose_name=_("groups"), blank=True, related_name="services"
    )
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_("A service that is not public is shown to signed-in staff only."),
    )

    objects = managers.ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["-priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ServiceStatus.values),
                name="statusboard_service_status_valid",
            ),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read from __dict__ so that a deferred status costs no query here.
        self._status = self.__dict__.get("status")
        self._status_changed = False

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        writes_status = update_fields is None or "status" in update_fields
        using = _db_for_write(self, kwargs)
        with transaction.atomic(using=using):
            adding = self._state.adding
            if not adding and writes_status:
                # The stored status, locked: a concurrent change or a stale
                # instance must not slip past the history.
                stored = (
                    type(self)
                    ._base_manager.using(using)
                    .select_for_update()
                    .filter(pk=self.pk)
                    .values_list("status", flat=True)
                    .first()
                )
                if stored is None:
                    adding = True
                else:
                    self._status = stored
            super().save(*args, **kwargs)
            self._status_changed = writes_status and not adding and self._status != self.status
            if adding:
                self._record_status_change(None, using)
            elif self._status_changed:
                self._record_status_change(self._status, using)
                signals.service_status_changed.send(
                    sender=Service, service=self, old_status=self._status, new_status=self.status
                )
            if writes_status:
                self._status = self.status

    def get_absolute_url(self) -> str:
        return reverse("statusboard:service:detail", kwargs={"pk": self.pk})

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        if "status" in self.__dict__:
            self._status = self.status

    def _record_status_change(self, old_status: int | None, using: str) -> None:
        ServiceStatusChange.objects.using(using).create(
            service=self, old_status=old_status, new_status=self.status
        )

    def set_status(self, status: int) -> bool:
        """Set and save the status; return whether it actually changed."""
        self.status = ServiceStatus(status)
        if self._state.adding:
            self.save()
        else:
            self.save(update_fields=["status", "modified"])
        return self._status_changed


class ServiceStatusChange(models.Model):
    """One change of a service's status; the row written when a service is
    created has no ``old_status``."""

    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    old_status = models.IntegerField(
        _("old status"), choices=ServiceStatus.choices, null=True, blank=True
    )
    new_status = models.IntegerField(_("new status"), choices=ServiceStatus.choices)
    created = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("service status change")
        verbose_name_plural = _("service status changes")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["service", "created"], name="statusboard_change_svc_idx"),
        ]

    def __str__(self) -> str:
        old = ServiceStatus(self.old_status).label if self.old_status is not None else "—"
        return f"{self.service}: {old} → {ServiceStatus(self.new_status).label}"


class Incident(TimeStampedModel):
    """Something that went wrong, told through its updates.

    ``closed`` is true exactly when the latest update is Fixed; it is kept
    right whenever updates are added, edited or deleted.
    """

    name = models.CharField(_("name"), max_length=255)
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="incidents"
    )
    occurred = models.DateTimeField(_("occurred"), default=timezone.now, db_index=True)
    closed = models.BooleanField(_("closed"), default=False, editable=False)
    impact = models.PositiveSmallIntegerField(
        _("impact"), choices=IncidentImpact.choices, default=IncidentImpact.NONE
    )
    postmortem = models.TextField(
        _("postmortem"), blank=True, help_text=_("What happened and why, written afterwards.")
    )

    objects = managers.IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(impact__in=IncidentImpact.values),
                name="statusboard_incident_impact_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self._state.adding or not (update_fields is None or "closed" in update_fields):
            super().save(*args, **kwargs)
            return
        using = _db_for_write(self, kwargs)
        with transaction.atomic(using=using):
            # Never write back a stale ``closed`` from an instance loaded earlier,
            # nor one read before an update committed meanwhile: read it under
            # the row's lock (see ``IncidentQuerySet.lock``).
            Incident.objects.using(using).filter(pk=self.pk).lock()
            self.closed = self._latest_update_is_fixed(using)
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("statusboard:incident:detail", kwargs={"pk": self.pk})

    def _latest_update_is_fixed(self, using: str) -> bool:
        latest = (
            IncidentUpdate.objects.using(using)
            .filter(incident_id=self.pk)
            .order_by("-created", "-pk")
            .values_list("status", flat=True)
            .first()
        )
        return latest == IncidentStatus.FIXED

    def sync_closed(self, using: str | None = None) -> bool:
        """Bring ``closed`` in line with the latest update, in the database and here."""
        using = using or router.db_for_write(Incident, instance=self)
        self.closed = self._latest_update_is_fixed(using)
        Incident.objects.using(using).filter(pk=self.pk).update(closed=self.closed)
        return self.closed


class IncidentUpdate(TimeStampedModel):
    """A dated message about an incident; the latest one gives its state."""

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="updates"
    )
    status = models.IntegerField(_("status"), choices=IncidentStatus.choices)
    description = models.TextField(_("description"))

    objects = managers.IncidentUpdateQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident update")
        verbose_name_plural = _("incident updates")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["incident", "created"], name="statusboard_update_inc_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=IncidentStatus.values),
                name="statusboard_incidentupdate_status_valid",
            ),
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loaded_incident_id = self.__dict__.get("incident_id")

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_status_display()}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = _db_for_write(self, kwargs)
        created = self._state.adding
        with transaction.atomic(using=using):
            # Lock the incident first (and the one the update leaves), so that
            # two updates saved at once compute ``closed`` one after the other.
            incident_pks = {self.incident_id, self._loaded_incident_id} - {None}
            Incident.objects.using(using).filter(pk__in=incident_pks).lock()
            super().save(*args, **kwargs)
            self.incident.sync_closed(using)
            if self._loaded_incident_id not in (None, self.incident_id):
                Incident.objects.using(using).filter(pk=self._loaded_incident_id).sync_closed()
            self._loaded_incident_id = self.incident_id
            signals.incident_updated.send(
                sender=Incident, incident=self.incident, update=self, created=created
            )

    def get_absolute_url(self) -> str:
        # An update is a section of its incident's page.
        return reverse("statusboard:incident:detail", kwargs={"pk": self.incident_id}) + (
            f"#update-{self.pk}"
        )


@receiver(pre_delete, sender=IncidentUpdate, dispatch_uid="statusboard_update_deleting")
def _lock_incident_before_update_deleted(
    sender: type[IncidentUpdate], instance: IncidentUpdate, using: str, **kwargs: Any
) -> None:
    # Inside the deletion's transaction, before the update's row is touched:
    # the post_delete sync below then reads under the lock, and a concurrent
    # edit of the same update (which locks the incident first) cannot deadlock.
    Incident.objects.using(using).filter(pk=instance.incident_id).lock()


@receiver(post_delete, sender=IncidentUpdate, dispatch_uid="statusboard_update_deleted")
def _sync_closed_after_update_deleted(
    sender: type[IncidentUpdate], instance: IncidentUpdate, using: str, **kwargs: Any
) -> None:
    # post_delete also covers QuerySet.delete(), which never calls delete().
    Incident.objects.using(using).filter(pk=instance.incident_id).sync_closed()


class Maintenance(TimeStampedModel):
    """Planned work on some services, from ``scheduled`` until ``end``.

    Without an end, a maintenance that has started stays in progress until an
    end is set.
    """

    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    scheduled = models.DateTimeField(_("scheduled start"), db_index=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="maintenances"
    )

    objects = managers.MaintenanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("maintenance")
        verbose_name_plural = _("maintenances")
        ordering = ["-scheduled", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gt=models.F("scheduled")),
                name="statusboard_maintenance_end_after_scheduled",
                violation_error_message=_("The end must be after the scheduled start."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("statusboard:maintenance:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if self.end is not None and self.scheduled is not None and self.end <= self.scheduled:
            raise ValidationError({"end": _("The end must be after the scheduled start.")})


# The notification models live in their own subpackage, in this app.
from statusboard.notifications.models import *  # noqa: E402,F401,F403
