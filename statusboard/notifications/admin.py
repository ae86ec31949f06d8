"""The notification models in Django's admin; the event and delivery logs are read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from statusboard.notifications.models import (
    EmailSubscriber,
    NotificationEvent,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)


class ReadOnlyAdminMixin:
    """Rows written by the app only: they can be looked at, and deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EmailSubscriber)
class EmailSubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "confirmed"]
    search_fields = ["email"]
    list_filter = ["language"]
    date_hierarchy = "confirmed"
    filter_horizontal = ["services", "groups"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "modified"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["services", "groups"]
    # A URL typed without a scheme gets https, on Django 5.2 as on 6.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class WebhookAttemptInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = WebhookAttempt
    fields = ["number", "started", "status_code", "error", "duration_ms"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["number"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event", "webhook", "status", "attempt_count", "next_attempt_at", "created"]
    list_filter = ["status", "webhook"]
    list_select_related = ["event", "webhook"]
    date_hierarchy = "created"
    fields = ["event", "webhook", "status", "attempt_count", "next_attempt_at", "created"]
    readonly_fields = fields
    inlines = [WebhookAttemptInline]


@admin.register(WebhookAttempt)
class WebhookAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["delivery", "number", "started", "status_code", "error", "duration_ms"]
    list_filter = ["status_code"]
    list_select_related = ["delivery__event", "delivery__webhook"]
    date_hierarchy = "started"
    fields = ["delivery", "number", "started", "status_code", "error", "duration_ms"]
    readonly_fields = fields


@admin.register(NotificationEvent)
class NotificationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["event_type", "created", "uuid"]
    list_filter = ["event_type"]
    date_hierarchy = "created"
    fields = ["uuid", "event_type", "created", "key", "payload"]
    readonly_fields = fields
