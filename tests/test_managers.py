from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import override_settings
from django.utils import timezone

from statusboard.models import Incident, Service, ServiceGroup, ServiceStatus
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    ServiceFactory,
    ServiceGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")


def at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, tzinfo=ROME)


class TestServiceQuerySet:
    def test_worst_status_is_none_without_services(self):
        assert Service.objects.worst_status() is None

    def test_worst_status(self):
        ServiceFactory(status=ServiceStatus.PERFORMANCE_ISSUES)
        ServiceFactory(status=ServiceStatus.PARTIAL_OUTAGE)

        assert Service.objects.worst_status() == ServiceStatus.PARTIAL_OUTAGE

    def test_worst_status_of_public_services_ignores_hidden_ones(self):
        ServiceFactory()
        ServiceFactory(down=True, hidden=True)

        assert Service.objects.public().worst_status() == ServiceStatus.OPERATIONAL

    def test_uncategorized(self):
        grouped = ServiceFactory(groups=[ServiceGroupFactory()])
        loose = ServiceFactory()

        assert list(Service.objects.uncategorized()) == [loose]
        assert grouped not in Service.objects.uncategorized()

    def test_priority_sorted(self):
        low = ServiceFactory(name="B", priority=0)
        high = ServiceFactory(name="Z", priority=5)
        low_a = ServiceFactory(name="A", priority=0)

        assert list(Service.objects.priority_sorted()) == [high, low_a, low]

    def test_group_priority_sorted(self):
        low = ServiceGroupFactory(name="B", priority=0)
        high = ServiceGroupFactory(name="Z", priority=5)

        assert list(ServiceGroup.objects.priority_sorted()) == [high, low]

    def test_visible_to(self):
        public = ServiceFactory()
        hidden = ServiceFactory(hidden=True)
        staff = UserFactory(staff=True)

        assert list(Service.objects.visible_to(None)) == [public]
        assert list(Service.objects.visible_to(UserFactory())) == [public]
        assert set(Service.objects.visible_to(staff)) == {public, hidden}


class TestIncidentQuerySet:
    def test_open(self):
        open_incident = IncidentFactory()
        IncidentUpdateFactory(fixed=True)

        assert list(Incident.objects.open()) == [open_incident]

    @pytest.mark.parametrize(
        ("days", "expected"),
        [(0, set()), (1, {"today"}), (2, {"today", "yesterday"}), (3, {"today", "yesterday"})],
    )
    def test_occurred_in_last_n_days_counts_local_days(self, days, expected, freezer_now):
        freezer_now(at(10, 0) + datetime.timedelta(minutes=30))
        IncidentFactory(name="today", occurred=at(10, 0))
        IncidentFactory(name="yesterday", occurred=at(9, 0))
        IncidentFactory(name="older", occurred=at(7, 23))

        names = set(Incident.objects.occurred_in_last_n_days(days).values_list("name", flat=True))

        assert names == expected

    def test_in_index_includes_old_open_incidents(self):
        old = timezone.now() - datetime.timedelta(days=30)
        old_open = IncidentFactory(occurred=old)
        IncidentUpdateFactory(incident__occurred=old, fixed=True)
        recent = IncidentFactory()

        assert set(Incident.objects.in_index()) == {old_open, recent}

    def test_in_index_without_open_incidents(self):
        IncidentFactory(occurred=timezone.now() - datetime.timedelta(days=30))
        recent = IncidentFactory()

        with override_settings(STATUSBOARD={"OPEN_INCIDENT_IN_INDEX": False}):
            assert list(Incident.objects.in_index()) == [recent]

    def test_in_index_with_zero_days_shows_only_open_ones(self):
        open_incident = IncidentFactory()
        IncidentUpdateFactory(fixed=True)

        with override_settings(STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 0}):
            assert list(Incident.objects.in_index()) == [open_incident]

        settings = {"INCIDENT_DAYS_IN_INDEX": 0, "OPEN_INCIDENT_IN_INDEX": False}
        with override_settings(STATUSBOARD=settings):
            assert list(Incident.objects.in_index()) == []

    def test_bulk_sync_closed(self):
        update = IncidentUpdateFactory(fixed=True)
        Incident.objects.filter(pk=update.incident_id).update(closed=False)

        Incident.objects.all().sync_closed()

        assert Incident.objects.get(pk=update.incident_id).closed is True
