"""SVG status badges in the style of shields.io, for any README to embed.

``badges/status.svg`` shows the overall status of the public services;
``badges/service/<pk>.svg`` the status of one public service.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from statusboard.conf import app_settings
from statusboard.markup import without_control_characters
from statusboard.models import Maintenance, Service, ServiceStatus

COLOURS = {
    ServiceStatus.OPERATIONAL: "#2e7d32",
    ServiceStatus.PERFORMANCE_ISSUES: "#8a6d00",
    ServiceStatus.PARTIAL_OUTAGE: "#c75000",
    ServiceStatus.MAJOR_OUTAGE: "#c62828",
}
MAINTENANCE_COLOUR = "#1565c0"
NO_DATA_COLOUR = "#616161"
# shields.io's badges use Verdana 11px: about 7 pixels a character is close
# enough to size the boxes without measuring fonts.
CHARACTER_WIDTH = 7
PADDING = 10
BADGE_MAX_AGE = 60


def badge_response(label: str, message: str, colour: str) -> HttpResponse:
    # An SVG is XML: control characters would make the whole image invalid.
    label, message = without_control_characters(label), without_control_characters(message)
    label_width = len(label) * CHARACTER_WIDTH + PADDING
    message_width = len(message) * CHARACTER_WIDTH + PADDING
    svg = render_to_string(
        "statusboard/badge.svg",
        {
            "label": label,
            "message": message,
            "colour": colour,
            "label_width": str(label_width),
            "message_width": str(message_width),
            "width": str(label_width + message_width),
            # Strings, so that no locale turns the decimal point into a comma.
            "label_x": f"{label_width / 2:g}",
            "message_x": f"{label_width + message_width / 2:g}",
        },
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    patch_cache_control(response, public=True, max_age=BADGE_MAX_AGE)
    return response


class OverallStatusBadge(View):
    """The worst status among the public services."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        worst = Service.objects.public().worst_status()
        label = app_settings.PAGE_NAME
        if worst is None:
            return badge_response(label, _("no services"), NO_DATA_COLOUR)
        if worst == ServiceStatus.OPERATIONAL:
            return badge_response(label, _("operational"), COLOURS[worst])
        return badge_response(label, ServiceStatus(worst).label.lower(), COLOURS[worst])


class ServiceStatusBadge(View):
    """One public service's status, or "under maintenance" during a window."""

    def get(self, request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        service = get_object_or_404(Service.objects.public(), pk=pk)
        if Maintenance.objects.in_progress().filter(services=service).exists():
            return badge_response(service.name, _("under maintenance"), MAINTENANCE_COLOUR)
        status = ServiceStatus(service.status)
        return badge_response(service.name, status.label.lower(), COLOURS[status])
