"""``manage.py statusboard_tick``: each start and end of a maintenance is
announced exactly once, however often it runs."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from statusboard.notifications.models import EventType, NotificationEvent
from statusboard.notifications.tick import announce_maintenances, maintenance_key
from tests.factories import EmailSubscriberFactory, MaintenanceFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.timedelta:
    return datetime.timedelta(minutes=n)


def tick_at(freezer_now, moment: datetime.datetime) -> str:
    freezer_now(moment)
    out = StringIO()
    call_command("statusboard_tick", stdout=out)
    return out.getvalue()


def announced() -> list[tuple[str, int]]:
    return [
        (event.event_type, event.payload["maintenance"]["id"])
        for event in NotificationEvent.objects.exclude(
            event_type=EventType.MAINTENANCE_SCHEDULED
        ).order_by("pk")
    ]


def test_start_and_end_are_announced_once_each(freezer_now, run_on_commit):
    EmailSubscriberFactory()
    freezer_now(NOW - minutes(60))
    with run_on_commit():
        maintenance = MaintenanceFactory(scheduled=NOW, end=NOW + minutes(30))
    mail.outbox.clear()

    with run_on_commit():
        assert "0 maintenance event(s)" in tick_at(freezer_now, NOW - minutes(1))
        assert "1 maintenance event(s)" in tick_at(freezer_now, NOW)
        for offset in (1, 2, 10):
            assert "0 maintenance event(s)" in tick_at(freezer_now, NOW + minutes(offset))
        assert "1 maintenance event(s)" in tick_at(freezer_now, NOW + minutes(30))
        for offset in (31, 45):
            tick_at(freezer_now, NOW + minutes(offset))

    assert announced() == [
        ("maintenance.started", maintenance.pk),
        ("maintenance.completed", maintenance.pk),
    ]
    assert [m.subject.split("] ")[1] for m in mail.outbox] == [
        f"Maintenance started: {maintenance.name}",
        f"Maintenance completed: {maintenance.name}",
    ]


def test_a_maintenance_that_started_and_ended_between_two_runs(freezer_now):
    maintenance = MaintenanceFactory(scheduled=NOW, end=NOW + minutes(2))

    tick_at(freezer_now, NOW + minutes(5))
    tick_at(freezer_now, NOW + minutes(6))

    assert announced() == [
        ("maintenance.started", maintenance.pk),
        ("maintenance.completed", maintenance.pk),
    ]


def test_a_maintenance_without_an_end_only_starts(freezer_now):
    maintenance = MaintenanceFactory(scheduled=NOW)

    tick_at(freezer_now, NOW + minutes(1))
    tick_at(freezer_now, NOW + minutes(500))

    assert announced() == [("maintenance.started", maintenance.pk)]


def test_the_past_beyond_the_window_is_let_go(freezer_now, settings):
    settings.STATUSBOARD = {"MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 15}
    MaintenanceFactory(scheduled=NOW - minutes(16), end=NOW - minutes(15))
    recent = MaintenanceFactory(scheduled=NOW - minutes(20), end=NOW - minutes(14))

    tick_at(freezer_now, NOW)

    assert announced() == [("maintenance.completed", recent.pk)]


def test_moving_a_maintenance_after_its_start_does_not_announce_it_again(freezer_now):
    maintenance = MaintenanceFactory(scheduled=NOW)
    tick_at(freezer_now, NOW + minutes(1))

    maintenance.scheduled = NOW + minutes(5)
    maintenance.save()
    tick_at(freezer_now, NOW + minutes(6))

    assert announced() == [("maintenance.started", maintenance.pk)]


def test_two_ticks_racing_announce_once(freezer_now):
    # The second run finds the key taken even though it missed it when it looked.
    maintenance = MaintenanceFactory(scheduled=NOW)
    freezer_now(NOW + minutes(1))
    NotificationEvent.objects.create(
        event_type=EventType.MAINTENANCE_STARTED,
        payload={},
        key=maintenance_key(EventType.MAINTENANCE_STARTED, maintenance.pk),
    )

    from statusboard.notifications import events

    assert (
        events.announce_maintenance(
            maintenance,
            EventType.MAINTENANCE_STARTED,
            "default",
            key=maintenance_key(EventType.MAINTENANCE_STARTED, maintenance.pk),
        )
        is None
    )
    assert announce_maintenances(NOW + minutes(1)) == 0
    assert NotificationEvent.objects.count() == 1


def test_the_key_is_unique_in_the_database():
    NotificationEvent.objects.create(event_type=EventType.MAINTENANCE_STARTED, payload={}, key="k")

    with pytest.raises(IntegrityError):
        NotificationEvent.objects.create(
            event_type=EventType.MAINTENANCE_STARTED, payload={}, key="k"
        )


def test_events_without_a_key_do_not_collide():
    NotificationEvent.objects.create(event_type=EventType.INCIDENT_CREATED, payload={})
    NotificationEvent.objects.create(event_type=EventType.INCIDENT_CREATED, payload={})

    assert NotificationEvent.objects.filter(key__isnull=True).count() == 2


def test_the_tick_records_even_when_nobody_listens(freezer_now):
    # So that a subscriber who arrives later is not told about the past.
    MaintenanceFactory(scheduled=NOW)

    tick_at(freezer_now, NOW + minutes(1))

    assert NotificationEvent.objects.count() == 1


def test_quiet_with_verbosity_0(freezer_now):
    freezer_now(timezone.now())
    out = StringIO()
    call_command("statusboard_tick", verbosity=0, stdout=out)
    assert out.getvalue() == ""
