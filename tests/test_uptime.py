from __future__ import annotations

import datetime
import zoneinfo
from collections import defaultdict

import pytest
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statusboard.models import Maintenance, ServiceStatus, ServiceStatusChange
from statusboard.uptime import uptime_for
from tests.factories import MaintenanceFactory, ServiceFactory

ROME = zoneinfo.ZoneInfo("Europe/Rome")
MINUTE = datetime.timedelta(minutes=1)
WEIGHTS = {1: 0.0, 2: 0.3, 3: 1.0}
DAYS = 4
# Each window contains a daylight-saving change in Europe/Rome (the tests' TIME_ZONE).
NOWS = [
    datetime.datetime(2026, 3, 30, 10, 17, tzinfo=ROME),  # a 23-hour day
    datetime.datetime(2026, 10, 26, 0, 3, tzinfo=ROME),  # a 25-hour day
]


def window_start(now: datetime.datetime) -> datetime.datetime:
    first_day = now.date() - datetime.timedelta(days=DAYS - 1)
    return datetime.datetime.combine(first_day, datetime.time.min, tzinfo=ROME)


def brute_force(history, maintenances, now):
    """Walk the window minute by minute: the definition, slowly."""
    days = defaultdict(lambda: {"worst": None, "minutes": defaultdict(int), "maintenance": 0})
    observed = down = 0.0
    # Step in UTC: adding a minute to a local time is wall-clock arithmetic.
    moment = window_start(now).astimezone(datetime.UTC)
    status, next_change = None, 0
    while moment < now:
        while next_change < len(history) and history[next_change][0] <= moment:
            status = history[next_change][1]  # oldest first: the last one wins
            next_change += 1
        if status is not None:
            day = days[moment.astimezone(ROME).date()]
            observed += 1
            in_maintenance = any(start <= moment < end for start, end in maintenances)
            day["worst"] = 0 if day["worst"] is None else day["worst"]
            if in_maintenance:
                day["maintenance"] += 1
            else:
                day["worst"] = max(day["worst"], status)
                if status:
                    day["minutes"][status] += 1
                    down += WEIGHTS[status]
        else:
            days[moment.astimezone(ROME).date()]  # a day with no data
        moment += MINUTE
    percentage = 100 * (1 - down / observed) if observed else None
    return days, percentage


@st.composite
def service_histories(draw, now):
    start = window_start(now) - datetime.timedelta(days=1)
    span = int((now - start) / MINUTE)
    created = start + draw(st.integers(0, span)) * MINUTE
    offsets = sorted(draw(st.lists(st.integers(0, span), max_size=12)))
    statuses = draw(st.lists(st.sampled_from(ServiceStatus.values), min_size=13, max_size=13))
    history = [(created, statuses[0])]
    history += [
        (start + offset * MINUTE, status)
        for offset, status in zip(offsets, statuses[1:], strict=False)
        if start + offset * MINUTE >= created
    ]
    maintenances = []
    for _ in range(draw(st.integers(0, 3))):
        begin = start + draw(st.integers(0, span)) * MINUTE
        length = draw(st.one_of(st.none(), st.integers(1, 2000)))
        maintenances.append((begin, None if length is None else begin + length * MINUTE))
    return history, maintenances


@pytest.mark.django_db
@pytest.mark.parametrize("now", NOWS, ids=["spring-forward", "fall-back"])
def test_uptime_matches_a_minute_by_minute_count(now):
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=service_histories(now))
    def check(data):
        history, maintenances = data
        with transaction.atomic():
            service = ServiceFactory(status=history[-1][1])
            service.status_changes.all().delete()
            ServiceStatusChange.objects.bulk_create(
                ServiceStatusChange(service=service, new_status=status, created=changed_at)
                for changed_at, status in history
            )
            for begin, end in maintenances:
                MaintenanceFactory(scheduled=begin, end=end, services=[service])

            uptime = uptime_for([service], days=DAYS, now=now)[service.pk]
            transaction.set_rollback(True)

        windows = [(begin, end or now) for begin, end in maintenances]
        expected_days, expected_percentage = brute_force(history, windows, now)
        assert [day.date for day in uptime.days] == sorted(expected_days)
        for day in uptime.days:
            expected = expected_days[day.date]
            assert day.has_data == (expected["worst"] is not None)
            assert day.worst_status == expected["worst"]
            assert day.minutes_in_status == dict(sorted(expected["minutes"].items()))
            assert day.maintenance == expected["maintenance"] * MINUTE
        if expected_percentage is None:
            assert uptime.percentage is None
        else:
            assert uptime.percentage == pytest.approx(expected_percentage, abs=1e-9)

    check()


@pytest.mark.django_db
def test_days_before_the_service_existed_have_no_data():
    service = ServiceFactory()
    now = timezone.now()

    uptime = uptime_for([service], days=3, now=now)[service.pk]

    assert [day.has_data for day in uptime.days] == [False, False, True]
    assert uptime.percentage == 100.0


@pytest.mark.django_db
def test_a_major_outage_counts_as_down_and_maintenance_does_not():
    now = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=ROME)
    service = ServiceFactory(down=True)
    service.status_changes.update(created=now - datetime.timedelta(hours=12))
    # Half of the 12 hours of outage were announced maintenance.
    MaintenanceFactory(scheduled=now - datetime.timedelta(hours=6), end=now, services=[service])

    uptime = uptime_for([service], days=1, now=now)[service.pk]

    assert uptime.percentage == pytest.approx(50.0)
    assert uptime.days[0].worst_status == ServiceStatus.MAJOR_OUTAGE
    assert uptime.days[0].minutes_in_status == {3: 360}


@pytest.mark.django_db
def test_weights_come_from_the_settings(settings):
    settings.STATUSBOARD = {"UPTIME_WEIGHTS": {2: 1.0}}
    now = datetime.datetime(2026, 5, 10, 12, 0, tzinfo=ROME)
    service = ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)
    service.status_changes.update(created=now - datetime.timedelta(hours=12))

    uptime = uptime_for([service], days=1, now=now)[service.pk]

    assert uptime.percentage == pytest.approx(0.0)


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 50])
def test_query_count_does_not_grow_with_the_data(count):
    now = timezone.now()
    services = ServiceFactory.create_batch(count)
    for service in services:
        for status in (3, 0, 2, 0):
            service.set_status(status)
    MaintenanceFactory.create_batch(count, ongoing=True, services=services)

    with CaptureQueriesContext(transaction.get_connection()) as queries:
        result = uptime_for(services, now=now)

    assert len(result) == count
    assert len(queries) == 3
    assert Maintenance.objects.count() == count
