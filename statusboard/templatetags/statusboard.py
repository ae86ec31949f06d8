"""Template tags and filters for statusboard's pages: ``{% load statusboard %}``.

Statuses are shown with a colour, an icon and words, never a colour alone.
The filters of the original django-statusboard (``service_status_class``,
``service_status_summary_text``, ``incident_status_class``, ...) keep working
for hosts whose templates use them.
"""

from __future__ import annotations

import datetime
import functools
import math
from typing import Any

from django import forms, template
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import get_language, gettext, ngettext, pgettext

from statusboard.markup import render_markdown
from statusboard.models import IncidentImpact, IncidentStatus, ServiceStatus
from statusboard.uptime import DayUptime, Uptime

register = template.Library()

# Bootstrap contextual colours and Bootstrap Icons, by status value.
SERVICE_STATUS_CLASSES = {
    ServiceStatus.OPERATIONAL: "success",
    ServiceStatus.PERFORMANCE_ISSUES: "info",
    ServiceStatus.PARTIAL_OUTAGE: "warning",
    ServiceStatus.MAJOR_OUTAGE: "danger",
}
SERVICE_STATUS_ICONS = {
    ServiceStatus.OPERATIONAL: "bi-check-circle-fill",
    ServiceStatus.PERFORMANCE_ISSUES: "bi-dash-circle-fill",
    ServiceStatus.PARTIAL_OUTAGE: "bi-exclamation-triangle-fill",
    ServiceStatus.MAJOR_OUTAGE: "bi-x-circle-fill",
}
INCIDENT_STATUS_CLASSES = {
    IncidentStatus.INVESTIGATING: "danger",
    IncidentStatus.IDENTIFIED: "warning",
    IncidentStatus.WATCHING: "info",
    IncidentStatus.FIXED: "success",
}
INCIDENT_STATUS_ICONS = {
    IncidentStatus.INVESTIGATING: "bi-search",
    IncidentStatus.IDENTIFIED: "bi-crosshair",
    IncidentStatus.WATCHING: "bi-eye-fill",
    IncidentStatus.FIXED: "bi-check-circle-fill",
}
IMPACT_CLASSES = {
    IncidentImpact.NONE: "secondary",
    IncidentImpact.MINOR: "warning",
    IncidentImpact.MAJOR: "danger",
    IncidentImpact.CRITICAL: "danger",
}


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def summary_text(status: int | None) -> str:
    """The sentence of the overall banner for the worst status, "" for none."""
    texts = {
        ServiceStatus.OPERATIONAL: gettext("All systems are operational"),
        ServiceStatus.PERFORMANCE_ISSUES: gettext(
            "Some systems are experiencing performance issues"
        ),
        ServiceStatus.PARTIAL_OUTAGE: gettext("Some systems are experiencing partial outages"),
        ServiceStatus.MAJOR_OUTAGE: gettext("Some systems are experiencing major outages"),
    }
    return texts.get(_as_int(status), "")


@register.filter
def service_status_summary_text(value: Any, arg: str = "") -> str:
    """The banner sentence for a worst status: ``{{ worst|service_status_summary_text }}``."""
    return summary_text(_as_int(value)) or arg


@register.filter
def service_status_class(value: Any, arg: str = "") -> str:
    """The Bootstrap colour (success, info, warning, danger) of a service status."""
    return SERVICE_STATUS_CLASSES.get(_as_int(value), arg)


@register.filter
def service_status_icon(value: Any, arg: str = "") -> str:
    """The Bootstrap Icons class of a service status."""
    return SERVICE_STATUS_ICONS.get(_as_int(value), arg)


@register.filter
def service_status_label(value: Any, arg: str = "") -> str:
    """The words of a service status ("Major outage")."""
    status = _as_int(value)
    return ServiceStatus(status).label if status in ServiceStatus.values else arg


@register.filter
def incident_status_class(value: Any, arg: str = "") -> str:
    """The Bootstrap colour of an incident update status."""
    return INCIDENT_STATUS_CLASSES.get(_as_int(value), arg)


@register.filter
def incident_status_icon(value: Any, arg: str = "") -> str:
    """The Bootstrap Icons class of an incident update status."""
    return INCIDENT_STATUS_ICONS.get(_as_int(value), arg)


@register.filter
def markdown(value: str) -> SafeString:
    """Markdown to sanitised HTML (see ``statusboard.markup``)."""
    return render_markdown(value)


@register.filter
def is_checkbox(field: forms.BoundField) -> bool:
    """Whether a bound form field renders as a single checkbox."""
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def is_multiple_checkbox(field: forms.BoundField) -> bool:
    """Whether a bound form field renders as a list of checkboxes."""
    return isinstance(field.field.widget, forms.CheckboxSelectMultiple)


@register.inclusion_tag("statusboard/includes/status_badge.html")
def service_status_badge(status: int) -> dict[str, Any]:
    """A badge with the colour, icon and words of a service status."""
    status = _as_int(status)
    return {
        "status": status,
        "css_class": SERVICE_STATUS_CLASSES.get(status, "secondary"),
        "icon": SERVICE_STATUS_ICONS.get(status, "bi-question-circle-fill"),
        "label": service_status_label(status, gettext("Unknown")),
        "kind": "service",
    }


@register.inclusion_tag("statusboard/includes/status_badge.html")
def incident_status_badge(status: int) -> dict[str, Any]:
    """A badge with the colour, icon and words of an incident update status."""
    status = _as_int(status)
    return {
        "status": status,
        "css_class": INCIDENT_STATUS_CLASSES.get(status, "secondary"),
        "icon": INCIDENT_STATUS_ICONS.get(status, "bi-question-circle-fill"),
        "label": (
            IncidentStatus(status).label if status in IncidentStatus.values else gettext("Unknown")
        ),
        "kind": "incident",
    }


@register.inclusion_tag("statusboard/includes/impact_badge.html")
def impact_badge(impact: int) -> dict[str, Any]:
    """A badge saying an incident's impact, in words."""
    impact = _as_int(impact)
    return {
        "impact": impact,
        "css_class": IMPACT_CLASSES.get(impact, "secondary"),
        "label": IncidentImpact(impact).label if impact in IncidentImpact.values else "",
    }


def relative_text(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """ "3 hours ago", "in 2 days" or "just now", in the active language."""
    now = now or timezone.now()
    if abs((now - value).total_seconds()) < 60:
        return gettext("just now")
    if value <= now:
        return gettext("%(delta)s ago") % {"delta": timesince(value, now, depth=1)}
    return pgettext("in the future", "in %(delta)s") % {"delta": timeuntil(value, now, depth=1)}


def _local(value: datetime.datetime) -> datetime.datetime:
    # To the second: the machine-readable time needs no more.
    value = value.replace(microsecond=0)
    return timezone.localtime(value) if timezone.is_aware(value) else value


@register.simple_tag
def relative_time(value: datetime.datetime | None) -> SafeString | str:
    """A ``<time>`` element with relative text and the exact local time on hover.

    The ``datetime`` attribute and the exact time are in the current time zone
    (the host's TIME_ZONE unless a view activated another).
    """
    if value is None:
        return ""
    value = _local(value)
    return format_html(
        '<time datetime="{}" title="{}" data-statusboard-relative>{}</time>',
        value.isoformat(),
        date_format(value, "DATETIME_FORMAT"),
        relative_text(value),
    )


@register.simple_tag
def exact_time(value: datetime.datetime | None) -> SafeString | str:
    """A ``<time>`` element showing the exact local date and time."""
    if value is None:
        return ""
    value = _local(value)
    return format_html(
        '<time datetime="{}">{}</time>',
        value.isoformat(),
        date_format(value, "DATETIME_FORMAT"),
    )


@functools.lru_cache(maxsize=4096)
def _quiet_day_bar(date: datetime.date, css_class: str, status: int | None, language: str) -> str:
    """The bar of a day with nothing to report but its status.

    Most bars of most services are such days: the index shows thousands of
    them, so each is built once per date, status and language.
    """
    text = date_format(date, "DATE_FORMAT")
    if status is None:
        title = gettext("%(date)s: no data") % {"date": text}
    else:
        title = f"{text}: {ServiceStatus(status).label}"
    return _bar(css_class, title)


def _bar(css_class: str, title: str) -> str:
    return (
        f'<span class="statusboard-day statusboard-day-{css_class}" title="{escape(title)}"></span>'
    )


def _day_bar(day: DayUptime) -> str:
    css_class = _day_class(day)
    maintenance = round(day.maintenance.total_seconds() / 60)
    minutes = {status: count for status, count in day.minutes_in_status.items() if count}
    if not minutes and not maintenance:
        return _quiet_day_bar(day.date, css_class, day.worst_status, get_language() or "")
    parts = [f"{date_format(day.date, 'DATE_FORMAT')}: {ServiceStatus(day.worst_status).label}"]
    for status, count in minutes.items():
        parts.append(
            ngettext("%(status)s for %(count)d minute", "%(status)s for %(count)d minutes", count)
            % {"status": ServiceStatus(status).label, "count": count}
        )
    if maintenance:
        parts.append(
            ngettext(
                "under maintenance for %(count)d minute",
                "under maintenance for %(count)d minutes",
                maintenance,
            )
            % {"count": maintenance}
        )
    return _bar(css_class, "; ".join(parts))


def _day_class(day: DayUptime) -> str:
    if not day.has_data:
        return "none"
    if day.worst_status == ServiceStatus.OPERATIONAL and day.maintenance:
        return "maintenance"
    return SERVICE_STATUS_CLASSES[day.worst_status]


@register.filter
def uptime_percentage(uptime: Uptime | None) -> str:
    """The uptime as "99.95 %", or an empty string without data."""
    if uptime is None or uptime.percentage is None:
        return ""
    # Never round 99.996 up to a perfect 100.00: the page would hide an outage.
    shown = math.floor(uptime.percentage * 100) / 100
    return gettext("%(percentage)s %%") % {"percentage": number_format(shown, 2)}


@register.simple_tag
def uptime_bars(uptime: Uptime | None) -> SafeString | str:
    """A bar per day, coloured by the worst status, with a tooltip each.

    Built in Python rather than with a template loop: the index shows
    ``UPTIME_DAYS`` bars for every service.
    """
    if uptime is None:
        return ""
    bars = mark_safe("".join(_day_bar(day) for day in uptime.days))  # noqa: S308 (escaped in _bar)
    label = ngettext(
        "Uptime over the last %(days)d day: %(percentage)s",
        "Uptime over the last %(days)d days: %(percentage)s",
        len(uptime.days),
    ) % {
        "days": len(uptime.days),
        "percentage": uptime_percentage(uptime) or gettext("no data"),
    }
    return format_html(
        '<div class="statusboard-uptime-bars" role="img" aria-label="{}">{}</div>', label, bars
    )
