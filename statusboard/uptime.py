"""Uptime computed from the status history.

A service's uptime over a window is the share of the time it existed in that
window that it was not down, where time in each status counts as down with
the weight ``UPTIME_WEIGHTS`` gives it (by default a major outage counts in
full, a partial outage as 30 % and performance issues not at all), and time
inside one of its maintenance windows never counts as down.

The window is the last ``UPTIME_DAYS`` days in the current time zone, today
included up to now. Every figure is computed from exact timestamps; minutes are
rounded only for display.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone

from statusboard.conf import app_settings
from statusboard.models import Maintenance, Service, ServiceStatus, ServiceStatusChange

Interval = tuple[datetime.datetime, datetime.datetime]


@dataclass(frozen=True)
class DayUptime:
    """What one service went through on one local day."""

    date: datetime.date
    #: The worst status held outside maintenance; None when there is no data.
    worst_status: int | None
    #: Time spent in each non-operational status, outside maintenance.
    time_in_status: Mapping[int, datetime.timedelta] = field(default_factory=dict)
    #: Time the service was under maintenance.
    maintenance: datetime.timedelta = datetime.timedelta(0)

    @property
    def has_data(self) -> bool:
        return self.worst_status is not None

    @property
    def minutes_in_status(self) -> dict[int, int]:
        return {
            status: round(spent.total_seconds() / 60)
            for status, spent in sorted(self.time_in_status.items())
        }


@dataclass(frozen=True)
class Uptime:
    """A service's daily summaries over the window and its uptime percentage."""

    days: tuple[DayUptime, ...]
    #: 0-100, or None when the service did not exist during the window.
    percentage: float | None


def window_days(days: int, now: datetime.datetime) -> list[tuple[datetime.date, Interval]]:
    """The last ``days`` local days, oldest first, each with its [start, end)
    interval; today ends at ``now``."""
    # Aware datetimes that share a tzinfo subtract as wall-clock times, which is
    # wrong across a daylight-saving change: do all arithmetic in UTC.
    now = now.astimezone(datetime.UTC)
    today = timezone.localdate(now)
    result = []
    for offset in range(days - 1, -1, -1):
        day = today - datetime.timedelta(days=offset)
        start = _start_of(day)
        end = min(_start_of(day + datetime.timedelta(days=1)), now)
        result.append((day, (start, end)))
    return result


def _start_of(day: datetime.date) -> datetime.datetime:
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    return local.astimezone(datetime.UTC)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        elif start < end:
            merged.append((start, end))
    return merged


def _overlap(start: datetime.datetime, end: datetime.datetime, intervals: list[Interval]):
    """Total time of [start, end) covered by sorted, disjoint ``intervals``."""
    total = datetime.timedelta(0)
    first = max(bisect.bisect_right(intervals, (start, start)) - 1, 0)
    for other_start, other_end in intervals[first:]:
        if other_start >= end:
            break
        low, high = max(start, other_start), min(end, other_end)
        if high > low:
            total += high - low
    return total


def segments_from_history(
    status_at_start: int | None,
    changes: Sequence[tuple[datetime.datetime, int]],
    window: Interval,
) -> list[tuple[datetime.datetime, datetime.datetime, int]]:
    """Turn a status history into [start, end) segments clipped to ``window``.

    ``status_at_start`` is the status in force when the window opens (None if
    the service did not exist yet); ``changes`` are the (time, new status)
    changes inside the window, oldest first.
    """
    window_start, window_end = window
    segments = []
    status, since = status_at_start, window_start
    for changed_at, new_status in changes:
        changed_at = min(max(changed_at, window_start), window_end)
        if status is not None and changed_at > since:
            segments.append((since, changed_at, status))
        status, since = new_status, changed_at
    if status is not None and window_end > since:
        segments.append((since, window_end, status))
    return segments


def summarize(
    segments: Sequence[tuple[datetime.datetime, datetime.datetime, int]],
    maintenances: Iterable[Interval],
    days: Sequence[tuple[datetime.date, Interval]],
    weights: Mapping[int, float],
) -> Uptime:
    """Daily summaries and the uptime percentage of one service."""
    maintenance = _merge(maintenances)
    summaries = []
    observed = datetime.timedelta(0)
    weighted_down = 0.0
    first = 0  # Segments and days are both in order: walk them together.
    for date, (day_start, day_end) in days:
        worst: int | None = None
        time_in_status: dict[int, datetime.timedelta] = defaultdict(datetime.timedelta)
        in_maintenance = datetime.timedelta(0)
        while first < len(segments) and segments[first][1] <= day_start:
            first += 1
        for start, end, status in itertools.islice(segments, first, None):
            if start >= day_end:
                break
            low, high = max(start, day_start), min(end, day_end)
            if high <= low:
                continue
            covered = _overlap(low, high, maintenance)
            outside = high - low - covered
            observed += high - low
            in_maintenance += covered
            if worst is None:
                worst = ServiceStatus.OPERATIONAL
            if outside:
                worst = max(worst, status)
                if status != ServiceStatus.OPERATIONAL:
                    time_in_status[status] += outside
                    weighted_down += weights.get(status, 0.0) * outside.total_seconds()
        summaries.append(DayUptime(date, worst, dict(time_in_status), in_maintenance))
    percentage = None
    if observed:
        percentage = 100.0 * (1.0 - weighted_down / observed.total_seconds())
    return Uptime(tuple(summaries), percentage)


def uptime_for(
    services: Iterable[Service],
    *,
    days: int | None = None,
    now: datetime.datetime | None = None,
) -> dict[int, Uptime]:
    """The uptime of each service, by pk, in three queries whatever the data."""
    services = list(services)
    if not services:
        return {}
    now = (now or timezone.now()).astimezone(datetime.UTC)
    days = app_settings.UPTIME_DAYS if days is None else days
    day_windows = window_days(days, now)
    window = (day_windows[0][1][0], now)
    pks = [service.pk for service in services]

    latest_before = ServiceStatusChange.objects.filter(
        service=models.OuterRef("pk"), created__lt=window[0]
    ).order_by("-created", "-pk")
    status_at_start = dict(
        Service.objects.filter(pk__in=pks)
        .annotate(status_at_start=models.Subquery(latest_before.values("new_status")[:1]))
        .values_list("pk", "status_at_start")
    )

    changes: dict[int, list[tuple[datetime.datetime, int]]] = defaultdict(list)
    in_window = ServiceStatusChange.objects.filter(
        service_id__in=pks, created__gte=window[0], created__lte=now
    ).order_by("created", "pk")
    for service_id, created, new_status in in_window.values_list(
        "service_id", "created", "new_status"
    ):
        changes[service_id].append((created, new_status))

    maintenances: dict[int, list[Interval]] = defaultdict(list)
    links = Maintenance.services.through.objects.filter(
        models.Q(maintenance__end__isnull=True) | models.Q(maintenance__end__gt=window[0]),
        service_id__in=pks,
        maintenance__scheduled__lt=now,
    )
    for service_id, scheduled, end in links.values_list(
        "service_id", "maintenance__scheduled", "maintenance__end"
    ):
        maintenances[service_id].append((scheduled, end or now))

    weights = app_settings.UPTIME_WEIGHTS
    result = {}
    for service in services:
        start_status = status_at_start.get(service.pk)
        history = changes[service.pk]
        if start_status is None and not history:
            # No history at all (rows written around save()): assume the
            # current status since the service was created.
            history = [(service.created, service.status)] if service.created <= now else []
        segments = segments_from_history(start_status, history, window)
        result[service.pk] = summarize(segments, maintenances[service.pk], day_windows, weights)
    return result
