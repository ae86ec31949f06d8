from __future__ import annotations

import datetime

import feedparser
import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident():
    incident = IncidentFactory(
        name="Database outage",
        services=[ServiceFactory(name="API"), ServiceFactory(name="Secret", hidden=True)],
    )
    start = timezone.now()
    IncidentUpdateFactory(incident=incident, description="Looking", created=start)
    IncidentUpdateFactory(
        incident=incident,
        fixed=True,
        description="**Fixed** <script>alert(1)</script>",
        created=start + datetime.timedelta(minutes=5),
    )
    return incident


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("feed-incidents-rss", "application/rss+xml"),
        ("feed-incidents-atom", "application/atom+xml"),
    ],
)
def test_incident_feeds_parse_and_carry_the_latest_update(client, incident, name, content_type):
    response = client.get(reverse(f"statusboard:{name}"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    [entry] = feed.entries
    assert entry.title == "Database outage (Fixed)"
    assert entry.link.endswith(incident.get_absolute_url())
    assert "<strong>Fixed</strong>" in entry.summary
    assert "Looking" not in entry.summary
    assert "<script" not in response.content.decode()
    assert "API" in entry.summary
    assert "Secret" not in response.content.decode()


def test_incident_feed_query_count_is_flat(client, django_assert_max_num_queries):
    for _ in range(30):
        IncidentUpdateFactory()
    with django_assert_max_num_queries(3):
        client.get(reverse("statusboard:feed-incidents-rss"))


def test_feeds_are_discoverable_from_the_index(client):
    html = client.get(reverse("statusboard:index")).content.decode()

    assert reverse("statusboard:feed-incidents-rss") in html
    assert reverse("statusboard:feed-incidents-atom") in html


def test_maintenance_calendar_parses_with_stable_uids(client):
    service = ServiceFactory(name="API")
    maintenance = MaintenanceFactory(
        name="Upgrade", description="New *version*", services=[service], ongoing=True
    )
    MaintenanceFactory(name="Open-ended", end=None)
    url = reverse("statusboard:feed-maintenances-ics")

    first = icalendar.Calendar.from_ical(client.get(url).content)
    maintenance.name = "Upgrade (extended)"
    maintenance.save()
    second = icalendar.Calendar.from_ical(client.get(url).content)

    events = {str(event["uid"]): event for event in first.walk("VEVENT")}
    edited = {str(event["uid"]): event for event in second.walk("VEVENT")}
    assert set(events) == set(edited)
    uid = f"maintenance-{maintenance.pk}@testserver"
    assert str(events[uid]["summary"]) == "Upgrade"
    assert str(edited[uid]["summary"]) == "Upgrade (extended)"
    assert edited[uid]["sequence"] >= events[uid]["sequence"]
    # iCalendar times have whole seconds.
    assert events[uid].decoded("dtstart") == maintenance.scheduled.replace(microsecond=0)
    assert events[uid].decoded("dtend") == maintenance.end.replace(microsecond=0)
    assert "New version" in str(events[uid]["description"])
    assert "API" in str(events[uid]["description"])


def test_maintenance_calendar_content_type(client):
    response = client.get(reverse("statusboard:feed-maintenances-ics"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
