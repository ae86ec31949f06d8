from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)


def _set_status_description(status: ServiceStatus) -> str:
    return gettext("Set status of selected services to %(status)s") % {"status": status.label}


def _set_status_action(status: ServiceStatus) -> Callable[..., None]:
    def action(modeladmin: ServiceAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        changed = queryset.set_status(status)
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d service set to %(status)s.",
                "%(count)d services set to %(status)s.",
                changed,
            )
            % {"count": changed, "status": status.label},
            messages.SUCCESS,
        )

    action.__name__ = f"set_status_{status.value}"
    return admin.action(
        # Lazy, so that each request gets its own language, not the one active at import.
        description=lazy(_set_status_description, str)(status),
        permissions=["change"],
    )(action)


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "priority", "collapse", "modified"]
    list_editable = ["priority"]
    list_filter = ["collapse"]
    search_fields = ["name"]


class ServiceStatusChangeInline(admin.TabularInline):
    model = ServiceStatusChange
    fields = ["created", "old_status", "new_status"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-created", "-pk"]
    verbose_name_plural = _("status history")
    # Only the latest changes: a long-lived service has thousands.
    max_shown = 20


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "priority", "public", "modified"]
    list_filter = ["status", "public", "groups"]
    search_fields = ["name", "description"]
    filter_horizontal = ["groups"]
    # A link typed without a scheme gets https, on Django 5.2 as on 6.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ServiceStatusChangeInline]
    actions = [_set_status_action(status) for status in ServiceStatus]

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Service, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, ServiceStatusChangeInline):
            # The formset filters by service only after this, and a sliced
            # queryset can't be filtered: pick this service's latest rows here.
            history = kwargs["queryset"]
            latest = history.filter(service_id=obj.pk).values_list("pk", flat=True)
            kwargs["queryset"] = history.filter(
                pk__in=list(latest[: inline.max_shown])
            ).select_related("service")
        return kwargs


class IncidentUpdateInline(admin.StackedInline):
    model = IncidentUpdate
    fields = ["status", "description"]
    extra = 1
    ordering = ["-created", "-pk"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each update's title shows its incident.
        return super().get_queryset(request).select_related("incident")


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["name", "impact", "occurred", "closed", "modified"]
    list_filter = ["closed", "impact", "services"]
    search_fields = ["name", "updates__description"]
    date_hierarchy = "occurred"
    filter_horizontal = ["services"]
    readonly_fields = ["closed"]
    fields = ["name", "occurred", "impact", "services", "closed", "postmortem"]
    inlines = [IncidentUpdateInline]


@admin.register(Maintenance)
class MaintenanceAdmin(admin.ModelAdmin):
    list_display = ["name", "scheduled", "end", "modified"]
    list_filter = ["services"]
    search_fields = ["name", "description"]
    date_hierarchy = "scheduled"
    filter_horizontal = ["services"]


@admin.register(ServiceStatusChange)
class ServiceStatusChangeAdmin(admin.ModelAdmin):
    """The status history is written by the app only: read-only here."""

    list_display = ["service", "old_status", "new_status", "created"]
    list_filter = ["new_status", "service"]
    list_select_related = ["service"]
    date_hierarchy = "created"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The notification models, from their own subpackage.
from statusboard.notifications import admin as notifications_admin  # noqa: E402,F401
