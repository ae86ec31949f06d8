"""Feeds: incidents as RSS 2.0 and Atom, maintenances as iCalendar (RFC 5545).

Feeds are public documents: they list what an anonymous visitor may see.
"""

from __future__ import annotations

import datetime
from typing import Any

import icalendar
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views import View

from statusboard.conf import app_settings
from statusboard.markup import markdown_to_text, render_markdown, without_control_characters
from statusboard.models import Incident, IncidentUpdate, Maintenance, Service

FEED_ITEMS = 50


class IncidentFeed(Feed):
    """The latest incidents, each with its latest update, as RSS 2.0.

    Control characters are left out of every text: XML 1.0 cannot carry them.
    """

    feed_type = Rss201rev2Feed

    def title(self) -> str:
        return without_control_characters(
            _("%(page)s: incidents") % {"page": app_settings.PAGE_NAME}
        )

    def description(self) -> str:
        return _("The latest incidents and their updates.")

    def link(self) -> str:
        return reverse("statusboard:index")

    def items(self) -> QuerySet[Incident]:
        return Incident.objects.for_display(Service.objects.public())[:FEED_ITEMS]

    def item_title(self, item: Incident) -> str:
        latest = _latest_update(item)
        if latest is None:
            return without_control_characters(item.name)
        return without_control_characters(f"{item.name} ({latest.get_status_display()})")

    def item_description(self, item: Incident) -> str:
        latest = _latest_update(item)
        parts = []
        if latest is not None:
            parts.append(
                format_html(
                    "<p><strong>{}</strong></p>{}",
                    latest.get_status_display(),
                    render_markdown(latest.description),
                )
            )
        if item.visible_services:
            names = ", ".join(service.name for service in item.visible_services)
            parts.append(
                format_html("<p>{}</p>", _("Affected services: %(names)s") % {"names": names})
            )
        return without_control_characters("".join(parts))

    def item_pubdate(self, item: Incident) -> datetime.datetime:
        return item.occurred

    def item_updateddate(self, item: Incident) -> datetime.datetime:
        latest = _latest_update(item)
        return max(item.modified, latest.modified) if latest is not None else item.modified

    def item_guid(self, item: Incident) -> str:
        return self.item_link(item)

    def item_categories(self, item: Incident) -> list[str]:
        return [without_control_characters(service.name) for service in item.visible_services]


class IncidentAtomFeed(IncidentFeed):
    """The same incidents as an Atom feed."""

    feed_type = Atom1Feed
    subtitle = IncidentFeed.description


def _latest_update(incident: Incident) -> IncidentUpdate | None:
    updates = incident.updates_newest_first
    return updates[0] if updates else None


class MaintenanceCalendar(View):
    """Every maintenance as an iCalendar event, to subscribe to in a calendar.

    Each event keeps its UID and raises its SEQUENCE when the maintenance is
    edited, so calendars update it in place. A maintenance without an end is
    an event of its start only.
    """

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//django-statusboard//maintenances//EN")
        calendar.add("version", "2.0")
        calendar.add(
            "x-wr-calname",
            without_control_characters(
                _("%(page)s: maintenances") % {"page": app_settings.PAGE_NAME}
            ),
        )
        host = request.get_host().split(":")[0]
        maintenances = Maintenance.objects.order_by("-scheduled", "-pk").prefetch_related(
            Prefetch("services", queryset=Service.objects.public(), to_attr="public_services")
        )
        for maintenance in maintenances:
            calendar.add_component(_event(request, maintenance, host))
        response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="maintenances.ics"'
        return response


def _event(request: HttpRequest, maintenance: Maintenance, host: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"maintenance-{maintenance.pk}@{host}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", maintenance.scheduled)
    if maintenance.end is not None:
        event.add("dtend", maintenance.end)
    event.add("summary", without_control_characters(maintenance.name))
    description = markdown_to_text(maintenance.description)
    if maintenance.public_services:
        services = ", ".join(service.name for service in maintenance.public_services)
        description = "\n\n".join(
            filter(None, [description, _("Affected services: %(names)s") % {"names": services}])
        )
    if description:
        event.add("description", without_control_characters(description))
    event.add("url", request.build_absolute_uri(maintenance.get_absolute_url()))
    event.add("last-modified", maintenance.modified)
    event.add("created", maintenance.created)
    # Seconds since the creation grow with every edit: calendars take the
    # highest SEQUENCE as the current version of the event.
    event.add("sequence", int((maintenance.modified - maintenance.created).total_seconds()))
    return event
