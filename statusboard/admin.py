from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)


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
        description=_("Set status of selected services to %(status)s") % {"status": status.label},
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

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Only the latest changes: a long-lived service has thousands.
        pks = super().get_queryset(request).values("pk")[:20]
        return ServiceStatusChange.objects.filter(pk__in=list(pks))


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "priority", "public", "modified"]
    list_filter = ["status", "public", "groups"]
    search_fields = ["name", "description"]
    filter_horizontal = ["groups"]
    inlines = [ServiceStatusChangeInline]
    actions = [_set_status_action(status) for status in ServiceStatus]


class IncidentUpdateInline(admin.StackedInline):
    model = IncidentUpdate
    fields = ["status", "description"]
    extra = 1
    ordering = ["-created", "-pk"]


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
