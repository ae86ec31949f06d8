"""Who hears about what, and what was sent to them.

These models belong to the ``statusboard`` app: ``statusboard.models`` imports
them, so they live in its migrations.
"""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from statusboard.models import Service, ServiceGroup, TimeStampedModel
from statusboard.notifications import managers
from statusboard.notifications.ssrf import validate_webhook_url

__all__ = [
    "DeliveryStatus",
    "EmailSubscriber",
    "EventType",
    "NotificationEvent",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]


class EventType(models.TextChoices):
    """What happened; the value is the ``type`` of the webhook payload."""

    INCIDENT_CREATED = "incident.created", _("Incident created")
    INCIDENT_UPDATED = "incident.updated", _("Incident updated")
    INCIDENT_RESOLVED = "incident.resolved", _("Incident resolved")
    SERVICE_STATUS_CHANGED = "service.status_changed", _("Service status changed")
    MAINTENANCE_SCHEDULED = "maintenance.scheduled", _("Maintenance scheduled")
    MAINTENANCE_STARTED = "maintenance.started", _("Maintenance started")
    MAINTENANCE_COMPLETED = "maintenance.completed", _("Maintenance completed")


class DeliveryStatus(models.IntegerChoices):
    PENDING = 0, _("Pending")
    DELIVERED = 1, _("Delivered")
    FAILED = 2, _("Failed")


def generate_secret() -> str:
    """A new random webhook secret."""
    return secrets.token_hex(32)


class EmailSubscriber(models.Model):
    """A confirmed email address that hears about the services it chose.

    A row exists only once its owner has followed the signed link of the
    confirmation email (or a manager added it). With no services and no groups
    chosen, it hears about everything public.
    """

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=35,
        blank=True,
        help_text=_("The language of the emails; empty for the site's default language."),
    )
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="email_subscribers"
    )
    groups = models.ManyToManyField(
        ServiceGroup, verbose_name=_("groups"), blank=True, related_name="email_subscribers"
    )
    page_url = models.URLField(
        _("status page address"),
        blank=True,
        help_text=_(
            "Where the subscriber signed up; links in the emails start here "
            "when the PAGE_URL setting is empty."
        ),
    )
    confirmed = models.DateTimeField(_("confirmed"), default=timezone.now)

    objects = managers.EmailSubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("email subscriber")
        verbose_name_plural = _("email subscribers")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        # One row per address, however it was typed.
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before validate_unique(), so that the admin reports a duplicate.
        super().clean()
        self.email = self.email.strip().lower()


class Webhook(TimeStampedModel):
    """An http(s) endpoint that receives a signed POST for every event it
    is interested in (every event when no services and no groups are chosen)."""

    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(
        _("URL"),
        max_length=2000,
        validators=[validate_webhook_url],
        help_text=_("Must resolve to public addresses only."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=255,
        default=generate_secret,
        help_text=_("Signs each request: the receiver checks the Statusboard-Signature header."),
    )
    active = models.BooleanField(_("active"), default=True)
    services = models.ManyToManyField(
        Service, verbose_name=_("services"), blank=True, related_name="webhooks"
    )
    groups = models.ManyToManyField(
        ServiceGroup, verbose_name=_("groups"), blank=True, related_name="webhooks"
    )

    objects = managers.WebhookQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class NotificationEvent(models.Model):
    """Something subscribers are told about, with the payload they receive.

    ``key`` is set for events that must happen once only (a maintenance's
    start and end): its unique constraint makes a second one fail.
    """

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("type"), max_length=40, choices=EventType.choices)
    payload = models.JSONField(_("payload"))
    key = models.CharField(_("key"), max_length=100, null=True, blank=True, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} ({self.created:%Y-%m-%d %H:%M})"


class WebhookDelivery(TimeStampedModel):
    """One event on its way to one webhook, with its attempts."""

    event = models.ForeignKey(
        NotificationEvent,
        verbose_name=_("event"),
        on_delete=models.CASCADE,
        related_name="webhook_deliveries",
    )
    webhook = models.ForeignKey(
        Webhook, verbose_name=_("webhook"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.PositiveSmallIntegerField(
        _("status"), choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempt_count = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(
        _("next attempt"),
        null=True,
        blank=True,
        help_text=_("When a pending delivery may be tried (again)."),
    )

    objects = managers.WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "webhook"], name="statusboard_delivery_event_webhook_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="statusboard_delivery_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="statusboard_delivery_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.webhook}"


class WebhookAttempt(models.Model):
    """One POST of a delivery: what came back, or what went wrong, and how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        verbose_name=_("delivery"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    started = models.DateTimeField(_("started"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")
        ordering = ["-started", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="statusboard_attempt_delivery_number_unique"
            ),
        ]

    def __str__(self) -> str:
        outcome = self.status_code if self.status_code is not None else self.error
        return f"#{self.number}: {outcome}"
