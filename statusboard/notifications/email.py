"""The emails: a confirmation for each subscription, then one message per
event per subscriber, in plain text and HTML, through the host's email backend.

Each message goes to one address only, in the subscriber's language, with a
one-click unsubscribe link and the ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` headers (RFC 2369 and RFC 8058).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from statusboard.conf import app_settings
from statusboard.markup import render_markdown
from statusboard.models import (
    IncidentImpact,
    IncidentStatus,
    Service,
    ServiceGroup,
    ServiceStatus,
)
from statusboard.notifications.events import absolute_url
from statusboard.notifications.models import EmailSubscriber, EventType, NotificationEvent
from statusboard.notifications.tokens import make_unsubscribe_token

TEMPLATE_DIR = "statusboard/email"


def _send(
    to: str,
    subject: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> None:
    text = render_to_string(f"{TEMPLATE_DIR}/{template}.txt", context)
    html = render_to_string(f"{TEMPLATE_DIR}/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),  # No line breaks in a header.
        body=text,
        from_email=app_settings.NOTIFICATION_FROM_EMAIL,
        to=[to],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(html, "text/html")
    message.send()


def _language(language: str) -> str:
    return language or settings.LANGUAGE_CODE


def send_confirmation(
    address: str,
    confirm_url: str,
    language: str,
    *,
    services: list[Service],
    groups: list[ServiceGroup],
) -> None:
    """Send the link that confirms a subscription to ``address``."""
    with translation.override(_language(language)):
        context = {
            "page_name": app_settings.PAGE_NAME,
            "confirm_url": confirm_url,
            "services": services,
            "groups": groups,
        }
        subject = gettext("[%(page)s] Confirm your subscription") % {"page": app_settings.PAGE_NAME}
        _send(address, subject, "subscribe_confirm", context)


def unsubscribe_url(subscriber: EmailSubscriber) -> str | None:
    """The absolute address of the subscriber's unsubscribe page."""
    token = make_unsubscribe_token(subscriber.pk, subscriber.email)
    return absolute_url(
        reverse("statusboard:unsubscribe", kwargs={"token": token}), subscriber.page_url
    )


def _subject(event_type: str, payload: dict[str, Any]) -> str:
    names = {
        EventType.INCIDENT_CREATED: gettext("New incident: %(name)s"),
        EventType.INCIDENT_UPDATED: gettext("Incident update: %(name)s"),
        EventType.INCIDENT_RESOLVED: gettext("Resolved: %(name)s"),
        EventType.MAINTENANCE_SCHEDULED: gettext("Maintenance scheduled: %(name)s"),
        EventType.MAINTENANCE_STARTED: gettext("Maintenance started: %(name)s"),
        EventType.MAINTENANCE_COMPLETED: gettext("Maintenance completed: %(name)s"),
    }
    if event_type == EventType.SERVICE_STATUS_CHANGED:
        text = gettext("%(name)s: %(status)s") % {
            "name": payload["service"]["name"],
            "status": ServiceStatus(payload["change"]["new_status"]).label,
        }
    else:
        obj = payload.get("incident") or payload.get("maintenance") or {}
        text = names[EventType(event_type)] % {"name": obj.get("name", "")}
    return f"[{app_settings.PAGE_NAME}] {text}"


def _dates(data: dict[str, Any], *names: str) -> dict[str, Any]:
    converted = dict(data)
    for name in names:
        if data.get(name):
            converted[name] = parse_datetime(data[name])
    return converted


def notification_context(event: NotificationEvent, subscriber: EmailSubscriber) -> dict[str, Any]:
    """What the notification templates get, for the language that is active."""
    payload = event.payload
    base = subscriber.page_url

    def url(data: dict[str, Any] | None, name: str) -> str | None:
        if not data:
            return None
        return absolute_url(reverse(name, kwargs={"pk": data["id"]}), base)

    context: dict[str, Any] = {
        "event_type": event.event_type,
        "page_name": app_settings.PAGE_NAME,
        "index_url": absolute_url(reverse("statusboard:index"), base),
        "unsubscribe_url": unsubscribe_url(subscriber),
        # Only what the public status page shows.
        "services": [s["name"] for s in payload.get("services", []) if s.get("public")],
    }
    if incident := payload.get("incident"):
        update = payload.get("update") or {}
        context["incident"] = {
            **_dates(incident, "occurred"),
            "impact_label": IncidentImpact(incident["impact"]).label,
            "url": url(incident, "statusboard:incident:detail"),
        }
        if update:
            context["update"] = {
                **_dates(update, "created"),
                "status_label": IncidentStatus(update["status"]).label,
                "description_html": render_markdown(update["description"]),
            }
    if "change" in payload:
        change = payload["change"]
        context["service"] = {
            "name": payload["service"]["name"],
            "url": url(payload["service"], "statusboard:service:detail"),
            "old_label": ServiceStatus(change["old_status"]).label,
            "new_label": ServiceStatus(change["new_status"]).label,
            "worse": change["direction"] == "worse",
        }
    if maintenance := payload.get("maintenance"):
        context["maintenance"] = {
            **_dates(maintenance, "scheduled", "end"),
            "description_html": render_markdown(maintenance["description"]),
            "url": url(maintenance, "statusboard:maintenance:detail"),
        }
    return context


def send_notification(event: NotificationEvent, subscriber: EmailSubscriber) -> None:
    """Email ``subscriber`` about ``event``."""
    with translation.override(_language(subscriber.language)):
        context = notification_context(event, subscriber)
        headers = {}
        if context["unsubscribe_url"]:
            headers = {
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        subject = _subject(event.event_type, event.payload)
        _send(subscriber.email, subject, "notification", context, headers)
