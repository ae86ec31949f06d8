"""The pages every visitor sees: what they show, to whom, and in how many queries."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from statusboard.models import (
    CollapseMode,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    ServiceStatus,
)
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)
from tests.helpers import user_with_perms
from tests.htmlcheck import check_page

pytestmark = pytest.mark.django_db

ROME = zoneinfo.ZoneInfo("Europe/Rome")
INDEX = reverse("statusboard:index")


def get_page(client, url: str, status: int = 200):
    response = client.get(url)
    assert response.status_code == status, response
    return check_page(response.content) if status == 200 else None


def rome(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=ROME)


# -- The overall banner and the favicon ------------------------------------------------


@pytest.mark.parametrize(
    ("status", "text", "icon"),
    [
        (ServiceStatus.OPERATIONAL, "All systems are operational", "favicon-operational.svg"),
        (
            ServiceStatus.PERFORMANCE_ISSUES,
            "Some systems are experiencing performance issues",
            "favicon-performance.svg",
        ),
        (
            ServiceStatus.PARTIAL_OUTAGE,
            "Some systems are experiencing partial outages",
            "favicon-partial.svg",
        ),
        (
            ServiceStatus.MAJOR_OUTAGE,
            "Some systems are experiencing major outages",
            "favicon-major.svg",
        ),
    ],
)
def test_banner_and_favicon_follow_the_worst_status(client, status, text, icon):
    ServiceFactory(status=ServiceStatus.OPERATIONAL)
    ServiceFactory(status=status, groups=[ServiceGroupFactory()])

    doc = get_page(client, INDEX)

    banner = doc.find(id="statusboard-banner")
    assert banner.text == text
    assert banner.attrs["data-status"] == str(status)
    assert banner.find("h1") is not None
    favicon = doc.find("link", rel="icon")
    assert favicon.attrs["href"] == f"/static/statusboard/icons/{icon}"


def test_no_banner_and_default_favicon_without_services(client):
    doc = get_page(client, INDEX)

    assert doc.find(id="statusboard-banner") is None
    assert doc.find(id="statusboard-no-services") is not None
    assert doc.find("link", rel="icon").attrs["href"].endswith("favicon-default.svg")


@override_settings(
    STATUSBOARD={"FAVICON_INDEX_DICT": {3: "acme/down.svg"}, "FAVICON_DEFAULT": "acme/x.svg"}
)
def test_favicon_settings_are_honoured(client):
    ServiceFactory(down=True)
    doc = get_page(client, INDEX)
    assert doc.find("link", rel="icon").attrs["href"] == "/static/acme/down.svg"


def test_other_pages_have_the_default_favicon(client):
    ServiceFactory(down=True)
    doc = get_page(client, reverse("statusboard:incident:archive-index"))
    assert doc.find("link", rel="icon").attrs["href"].endswith("favicon-default.svg")


# -- Non-public services ----------------------------------------------------------------


def test_non_public_services_are_hidden_from_anonymous_visitors(client):
    group = ServiceGroupFactory(name="Backend")
    ServiceFactory(name="Website", groups=[group])
    hidden = ServiceFactory(name="Secret VPN", hidden=True, down=True, groups=[group])
    ServiceFactory(name="Secret DB", hidden=True, down=True)
    incident = IncidentFactory(services=[hidden])

    doc = get_page(client, INDEX)

    assert "Secret" not in doc.text
    assert doc.find(id="statusboard-banner").text == "All systems are operational"
    assert doc.find("link", rel="icon").attrs["href"].endswith("favicon-operational.svg")
    assert doc.find(id=f"group-{group.pk}").attrs["data-status"] == "0"
    # The incident stays, without the service.
    assert doc.find(id=f"incident-{incident.pk}") is not None
    get_page(client, hidden.get_absolute_url(), status=404)
    assert "Secret" not in get_page(client, incident.get_absolute_url()).text


def test_a_signed_in_user_who_is_not_staff_does_not_see_them_either(client):
    ServiceFactory(name="Secret VPN", hidden=True, down=True)
    client.force_login(user_with_perms("change_service"))

    doc = get_page(client, INDEX)

    assert "Secret" not in doc.text
    assert doc.find(id="statusboard-banner") is None


def test_staff_see_non_public_services_marked_and_counted(client, staff_user):
    ServiceFactory(name="Website")
    hidden = ServiceFactory(name="Secret VPN", hidden=True, down=True)
    client.force_login(staff_user)

    doc = get_page(client, INDEX)

    item = doc.find("li", data_service=str(hidden.pk))
    assert "Secret VPN" in item.text
    assert item.attrs["data-public"] == "false"
    assert item.find(class_="statusboard-not-public").text == "Not public"
    assert doc.find(id="statusboard-banner").attrs["data-status"] == "3"
    assert "Not public" in get_page(client, hidden.get_absolute_url()).text
    incident = IncidentFactory(services=[hidden])
    link = get_page(client, incident.get_absolute_url()).find("a", data_service=str(hidden.pk))
    assert "statusboard-not-public" in link.parent.find("span").classes


# -- Groups and services ---------------------------------------------------------------


def test_groups_and_services_in_priority_then_name_order(client):
    low = ServiceGroupFactory(name="A low", priority=0)
    high = ServiceGroupFactory(name="Z high", priority=5)
    ServiceFactory(name="b", groups=[high])
    ServiceFactory(name="a", groups=[high])
    ServiceFactory(name="z first", priority=9, groups=[high])
    ServiceFactory(name="in low", groups=[low])
    ServiceFactory(name="loose")

    doc = get_page(client, INDEX)

    groups = doc.find(id="services").find_all("section", class_="statusboard-group")
    assert [g.attrs["id"] for g in groups] == [
        f"group-{high.pk}",
        f"group-{low.pk}",
        "group-uncategorized",
    ]
    names = [li.find("a").text for li in groups[0].find_all("li", class_="statusboard-service")]
    assert names == ["z first", "a", "b"]
    assert groups[2].find("h3").text == "Other services"
    assert "loose" in groups[2].text


def test_a_service_shows_its_badge_description_and_link(client):
    ServiceFactory(
        name="API",
        status=ServiceStatus.PARTIAL_OUTAGE,
        description="The public REST API.",
        href="https://api.example.com/",
    )

    doc = get_page(client, INDEX)

    item = doc.find("li", class_="statusboard-service")
    badge = item.find(class_="statusboard-status-badge")
    assert badge.text == "Partial outage"
    assert "text-bg-warning" in badge.classes
    assert badge.find("i", class_="bi-exclamation-triangle-fill").attrs["aria-hidden"] == "true"
    assert "The public REST API." in item.text
    assert item.find("a", href="https://api.example.com/") is not None


def test_without_groups_the_services_are_listed_plainly(client):
    ServiceFactory(name="Solo")
    doc = get_page(client, INDEX)
    assert doc.find(id="group-uncategorized-name").text == "All services"


def test_empty_groups_show_only_to_who_can_edit_them(client):
    group = ServiceGroupFactory(name="Empty")
    ServiceFactory(hidden=True, groups=[group])
    assert get_page(client, INDEX).find(id=f"group-{group.pk}") is None

    client.force_login(user_with_perms("change_servicegroup"))
    section = get_page(client, INDEX).find(id=f"group-{group.pk}")
    assert "No services in this group." in section.text


def _group_parts(doc, group):
    section = doc.find(id=f"group-{group.pk}")
    return section, section.find("button"), section.find("ul")


def test_a_group_that_never_collapses_has_no_toggle(client):
    group = ServiceGroupFactory(collapse=CollapseMode.NEVER)
    ServiceFactory(groups=[group])

    section, button, services = _group_parts(get_page(client, INDEX), group)

    assert button is None
    assert "collapse" not in services.classes
    assert section.attrs["data-collapsed"] == "false"


def test_a_group_that_always_collapses_starts_folded_and_shows_its_worst_status(client):
    group = ServiceGroupFactory(collapse=CollapseMode.ALWAYS)
    ServiceFactory(groups=[group])
    ServiceFactory(groups=[group], status=ServiceStatus.PERFORMANCE_ISSUES)

    section, button, services = _group_parts(get_page(client, INDEX), group)

    assert section.attrs["data-collapsed"] == "true"
    assert "collapse" in services.classes and "show" not in services.classes
    assert button.attrs["data-bs-toggle"] == "collapse"
    assert button.attrs["data-bs-target"] == f"#{services.attrs['id']}"
    assert button.attrs["aria-expanded"] == "false"
    assert button.attrs["aria-controls"] == services.attrs["id"]
    badge = section.find("div", class_="card-header").find(class_="statusboard-status-badge")
    assert badge.text == "Performance issues"


@pytest.mark.parametrize(
    ("statuses", "collapsed"),
    [
        ([ServiceStatus.OPERATIONAL, ServiceStatus.OPERATIONAL], True),
        ([ServiceStatus.OPERATIONAL, ServiceStatus.MAJOR_OUTAGE], False),
    ],
)
def test_a_group_collapses_when_all_its_services_are_operational(client, statuses, collapsed):
    group = ServiceGroupFactory(collapse=CollapseMode.IF_OPERATIONAL)
    for status in statuses:
        ServiceFactory(groups=[group], status=status)

    section, button, services = _group_parts(get_page(client, INDEX), group)

    assert section.attrs["data-collapsed"] == ("true" if collapsed else "false")
    assert ("show" in services.classes) is not collapsed
    assert button.attrs["aria-expanded"] == ("false" if collapsed else "true")


def test_a_hidden_outage_does_not_unfold_a_group_for_visitors(client, staff_user):
    group = ServiceGroupFactory(collapse=CollapseMode.IF_OPERATIONAL)
    ServiceFactory(groups=[group])
    ServiceFactory(groups=[group], hidden=True, down=True)

    assert get_page(client, INDEX).find(id=f"group-{group.pk}").attrs["data-collapsed"] == "true"
    client.force_login(staff_user)
    assert get_page(client, INDEX).find(id=f"group-{group.pk}").attrs["data-collapsed"] == "false"


# -- Incidents and maintenances on the index ---------------------------------------------


def test_recent_incidents_with_updates_newest_first_and_affected_services(client):
    service = ServiceFactory(name="Mail")
    incident = IncidentFactory(name="Mail delays", services=[service])
    first = IncidentUpdateFactory(incident=incident, description="Looking")
    second = IncidentUpdateFactory(
        incident=incident, status=IncidentStatus.IDENTIFIED, description="Found it"
    )
    IncidentUpdate.objects.filter(pk=first.pk).update(
        created=timezone.now() - datetime.timedelta(hours=2)
    )

    doc = get_page(client, INDEX)

    article = doc.find(id=f"incident-{incident.pk}")
    assert article.find("h3").text == "Mail delays"
    updates = article.find_all("li", class_="statusboard-update")
    assert [u.attrs["id"] for u in updates] == [f"update-{second.pk}", f"update-{first.pk}"]
    assert "2 hours ago" in updates[1].text
    assert article.find(class_="card-header").find(class_="statusboard-status-badge").text == (
        "Identified"
    )
    assert article.find("a", data_service=str(service.pk)).text == "Mail"


def test_old_incidents_leave_the_index_unless_still_open(client):
    long_ago = timezone.now() - datetime.timedelta(days=30)
    closed = IncidentFactory(name="Old and fixed", occurred=long_ago)
    IncidentUpdateFactory(incident=closed, fixed=True)
    still_open = IncidentFactory(name="Old and open", occurred=long_ago)
    recent = IncidentFactory(name="Recent")

    ids = {a.attrs["id"] for a in get_page(client, INDEX).find_all("article")}
    assert f"incident-{recent.pk}" in ids
    assert f"incident-{still_open.pk}" in ids
    assert f"incident-{closed.pk}" not in ids

    with override_settings(
        STATUSBOARD={"INCIDENT_DAYS_IN_INDEX": 0, "OPEN_INCIDENT_IN_INDEX": False}
    ):
        doc = get_page(client, INDEX)
    assert doc.find("article", class_="statusboard-incident") is None
    assert doc.find(id="statusboard-no-incidents") is not None


def test_maintenances_in_progress_and_upcoming(client):
    ongoing = MaintenanceFactory(name="Now", ongoing=True)
    upcoming = MaintenanceFactory(name="Later")
    done = MaintenanceFactory(name="Done", completed=True)

    doc = get_page(client, INDEX)

    assert doc.find(id="maintenances-in-progress").find(id=f"maintenance-{ongoing.pk}")
    assert doc.find(id="maintenances-upcoming").find(id=f"maintenance-{upcoming.pk}")
    assert doc.find(id=f"maintenance-{done.pk}") is None


def test_no_maintenance_sections_when_there_are_none(client):
    doc = get_page(client, INDEX)
    assert doc.find(id="maintenances-in-progress") is None
    assert doc.find(id="maintenances-upcoming") is None


@pytest.mark.parametrize(("seconds", "expected"), [(0, None), (30, "30")])
def test_auto_refresh(client, seconds, expected):
    with override_settings(STATUSBOARD={"AUTO_REFRESH_INDEX_SECONDS": seconds}):
        doc = get_page(client, INDEX)
    refresh = doc.find("meta", http_equiv="refresh")
    assert (refresh.attrs["content"] if refresh else None) == expected


def test_times_are_local_with_the_exact_time_on_hover(client):
    IncidentFactory(occurred=timezone.now() - datetime.timedelta(hours=3))

    time = get_page(client, INDEX).find("time", data_statusboard_relative=True)

    occurred = datetime.datetime.fromisoformat(time.attrs["datetime"])
    assert occurred.utcoffset() == timezone.localtime().utcoffset()  # Europe/Rome
    assert time.text == "3 hours ago"
    assert str(occurred.year) in time.attrs["title"]


# -- Links to the management pages -----------------------------------------------------


def _actions(doc) -> set[str]:
    return {a.attrs["data-statusboard-action"] for a in doc.find_all(data_statusboard_action=True)}


def test_visitors_see_no_management_links(client):
    group = ServiceGroupFactory()
    ServiceFactory(groups=[group])
    IncidentFactory()
    MaintenanceFactory()

    doc = get_page(client, INDEX)

    assert _actions(doc) == set()
    assert doc.find(id="statusboard-manage-menu") is None
    assert (
        doc.find(id="statusboard-login").attrs["href"] == "/statusboard/login/?next=/statusboard/"
    )


def test_links_follow_each_permission(client):
    group = ServiceGroupFactory()
    ServiceFactory(groups=[group])
    IncidentFactory()
    MaintenanceFactory()
    client.force_login(user_with_perms("change_service", "add_incident", "delete_maintenance"))

    doc = get_page(client, INDEX)

    assert _actions(doc) == {"service-edit", "incident-create", "maintenance-delete"}
    assert doc.find(id="statusboard-manage-menu") is not None


def test_a_superuser_sees_every_link(client, superuser):
    group = ServiceGroupFactory()
    ServiceFactory(groups=[group])
    IncidentFactory()
    MaintenanceFactory()
    client.force_login(superuser)

    actions = _actions(get_page(client, INDEX))

    for model in ("incident", "service", "servicegroup", "maintenance"):
        assert {f"{model}-create", f"{model}-edit", f"{model}-delete"} <= actions


# -- Incident archive ------------------------------------------------------------------


def test_archive_without_incidents_shows_an_empty_state(client):
    doc = get_page(client, reverse("statusboard:incident:archive-index"))
    assert doc.find(id="statusboard-archive-empty") is not None


def test_archive_redirects_to_the_latest_local_month_with_incidents(client):
    IncidentFactory(occurred=rome(2024, 1, 10, 12))
    # 23:30 UTC on 31 March is already April in Rome.
    IncidentFactory(occurred=datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC))
    IncidentFactory(occurred=timezone.now() + datetime.timedelta(days=90))  # Not yet.

    response = client.get(reverse("statusboard:incident:archive-index"))

    assert response.status_code == 302
    assert response["Location"] == "/statusboard/incident/archive/2024/04/"


def test_archive_month_lists_its_incidents_with_links_to_months_that_have_some(client):
    IncidentFactory(name="January", occurred=rome(2024, 1, 10))
    march_a = IncidentFactory(name="March A", occurred=rome(2024, 3, 1, 0, 30))
    march_b = IncidentFactory(name="March B", occurred=rome(2024, 3, 20))
    IncidentFactory(name="June", occurred=rome(2024, 6, 30, 23))

    doc = get_page(client, reverse("statusboard:incident:archive-month", args=[2024, 3]))

    assert doc.find("h1").text == "Incidents in March 2024"
    names = [a.find("h2").text for a in doc.find_all("article")]
    assert names == [march_b.name, march_a.name]
    previous = doc.find("a", data_statusboard_nav="previous-month")
    following = doc.find("a", data_statusboard_nav="next-month")
    assert previous.attrs["href"] == "/statusboard/incident/archive/2024/01/"
    assert following.attrs["href"] == "/statusboard/incident/archive/2024/06/"

    first = get_page(client, reverse("statusboard:incident:archive-month", args=[2024, 1]))
    assert first.find("a", data_statusboard_nav="previous-month") is None


def test_archive_month_without_incidents_is_an_empty_page(client):
    IncidentFactory(occurred=rome(2024, 1, 10))
    doc = get_page(client, "/statusboard/incident/archive/2024/02/")
    assert doc.find(id="statusboard-archive-empty") is not None
    assert doc.find("a", data_statusboard_nav="previous-month") is not None


def test_archive_of_the_current_month_works(client):
    IncidentFactory()
    today = timezone.localdate()
    get_page(client, f"/statusboard/incident/archive/{today.year}/{today.month:02d}/")


@pytest.mark.parametrize("path", ["2024/13/", "2024/00/", "2024/123/", "20x4/01/", "24/01/"])
def test_a_malformed_month_is_a_404(client, path):
    assert client.get(f"/statusboard/incident/archive/{path}").status_code == 404


def test_a_month_in_the_future_is_a_404(client):
    IncidentFactory(occurred=timezone.now() + datetime.timedelta(days=62))
    future = timezone.localdate() + datetime.timedelta(days=62)
    url = f"/statusboard/incident/archive/{future.year}/{future.month:02d}/"
    assert client.get(url).status_code == 404


# -- Detail pages ----------------------------------------------------------------------


def test_incident_page(client):
    service = ServiceFactory(name="Mail")
    incident = IncidentFactory(
        name="Mail down", services=[service], impact=2, postmortem="A disk filled up."
    )
    update = IncidentUpdateFactory(incident=incident, description="Investigating.")
    IncidentUpdateFactory(incident=incident, fixed=True)

    doc = get_page(client, incident.get_absolute_url())

    assert doc.find("h1").text == "Mail down"
    assert doc.find(id="incident-state").text == "Resolved"
    assert doc.find(class_="statusboard-impact-badge").text == "Impact: Major"
    assert doc.find(id="postmortem").find("div").text == "A disk filled up."
    updates = doc.find_all("li", class_="statusboard-update")
    assert updates[-1].attrs["id"] == f"update-{update.pk}"
    assert update.get_absolute_url() == f"{incident.get_absolute_url()}#update-{update.pk}"
    assert doc.find("a", data_service=str(service.pk)).attrs["href"] == service.get_absolute_url()
    archive = f"/statusboard/incident/archive/{timezone.localdate():%Y/%m}/"
    assert doc.find("a", href=archive) is not None


def test_incident_page_without_postmortem(client):
    incident = IncidentFactory()
    doc = get_page(client, incident.get_absolute_url())
    assert doc.find(id="postmortem") is None
    assert doc.find(id="incident-state").text == "Open"


def test_service_page(client):
    group = ServiceGroupFactory(name="Core")
    service = ServiceFactory(name="DNS", groups=[group], status=ServiceStatus.PARTIAL_OUTAGE)
    incident = IncidentFactory(name="DNS slow", services=[service])
    IncidentFactory(name="Unrelated")
    maintenance = MaintenanceFactory(name="DNS upgrade", services=[service])

    doc = get_page(client, service.get_absolute_url())

    assert doc.find("h1").text == "DNS"
    assert doc.find(class_="statusboard-status-badge").text == "Partial outage"
    assert doc.find("a", href=group.get_absolute_url()).text == "Core"
    assert doc.find(id=f"incident-{incident.pk}") is not None
    assert "Unrelated" not in doc.text
    assert doc.find("li", data_maintenance=str(maintenance.pk)) is not None


def test_maintenance_page(client):
    service = ServiceFactory(name="DB")
    maintenance = MaintenanceFactory(name="DB upgrade", services=[service], ongoing=True)

    doc = get_page(client, maintenance.get_absolute_url())

    assert doc.find("h1").text == "DB upgrade"
    assert doc.find(id="maintenance-state").text == "In progress"
    assert doc.find("a", data_service=str(service.pk)) is not None


@pytest.mark.parametrize("model", ["incident", "service", "maintenance"])
def test_a_missing_object_is_a_404(client, model):
    assert client.get(reverse(f"statusboard:{model}:detail", args=[987654])).status_code == 404


# -- Queries: flat, whatever the amount of data ------------------------------------------


def populate(n: int) -> dict[str, object]:
    """n groups, incidents, updates and maintenances, 3n services."""
    now = timezone.now()
    groups = [ServiceGroupFactory(collapse=i % 3) for i in range(n)]
    services = []
    for i in range(n):
        services.append(ServiceFactory(status=i % 4, groups=groups[i % n : i % n + 2]))
        services.append(ServiceFactory(hidden=True, groups=[groups[i]]))
        services.append(ServiceFactory())  # uncategorized
    incidents = [
        IncidentFactory(occurred=now - datetime.timedelta(minutes=i), services=services[:n])
        for i in range(n)
    ]
    # n updates on the first incident (its page), one on each of the others.
    IncidentUpdate.objects.bulk_create(
        [IncidentUpdate(incident=incidents[0], status=i % 4, description="x") for i in range(n)]
        + [
            IncidentUpdate(incident=incident, status=0, description="x")
            for incident in incidents[1:]
        ]
    )
    Incident.objects.sync_closed()
    maintenances = [
        MaintenanceFactory(services=services[:n], ongoing=bool(i % 2)) for i in range(n)
    ]
    return {"service": services[0], "incident": incidents[0], "maintenance": maintenances[0]}


# Anonymous; for staff add the session and user queries, and 2 for permissions.
QUERIES = {
    # Three of them for the uptime bars of all services (statusboard.uptime).
    "index": 11,
    # One of them counts the incidents for the pagination.
    "archive": 6,
    "incident": 3,
    "service": 10,
    "maintenance": 2,
}


def _url(page: str, objects: dict[str, object]) -> str:
    today = timezone.localdate()
    return {
        "index": INDEX,
        "archive": f"/statusboard/incident/archive/{today.year}/{today.month:02d}/",
        "incident": objects["incident"].get_absolute_url(),
        "service": objects["service"].get_absolute_url(),
        "maintenance": objects["maintenance"].get_absolute_url(),
    }[page]


@pytest.mark.parametrize("n", [5, 50])
def test_query_count_does_not_grow_with_data(client, django_assert_num_queries, n):
    objects = populate(n)
    for page, queries in QUERIES.items():
        with django_assert_num_queries(queries, info=page):
            response = client.get(_url(page, objects))
        assert response.status_code == 200, page


@pytest.mark.parametrize("n", [5, 50])
def test_query_count_for_a_manager_does_not_grow_with_data(client, django_assert_num_queries, n):
    objects = populate(n)
    user = user_with_perms("change_service", "change_incident", "delete_maintenance", staff=True)
    client.force_login(user)
    for page, queries in QUERIES.items():
        # The session, the user, and the user's and its groups' permissions.
        with django_assert_num_queries(queries + 4, info=page):
            response = client.get(_url(page, objects))
        assert response.status_code == 200, page
        assert b"data-statusboard-action" in response.content, page


def test_a_busy_month_is_paginated(client):
    from statusboard.views.public import ARCHIVE_PAGE_SIZE

    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime(today.year, today.month, 1, 0, 30))
    for minute in range(ARCHIVE_PAGE_SIZE + 1):
        IncidentFactory(occurred=start + datetime.timedelta(minutes=minute))
    url = f"/statusboard/incident/archive/{today.year}/{today.month:02d}/"

    first = client.get(url)
    second = client.get(url, {"page": 2})
    beyond = client.get(url, {"page": 3})

    assert len(first.context["incidents"]) == ARCHIVE_PAGE_SIZE
    assert b'rel="next"' in first.content
    assert len(second.context["incidents"]) == 1
    assert beyond.status_code == 404


def test_index_and_service_page_show_uptime_bars(client, settings):
    settings.STATUSBOARD = {"UPTIME_DAYS": 30}
    service = ServiceFactory(name="API")
    service.status_changes.update(created=timezone.now() - datetime.timedelta(days=3))

    for url in [INDEX, service.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert html.count("statusboard-day statusboard-day-") == 30, url
        assert html.count("statusboard-day-none") == 26, url  # before the service existed
        assert "100.00 % uptime" in html, url
        assert 'aria-label="Uptime over the last 30 days: 100.00 %"' in html, url


def test_a_service_in_a_maintenance_window_shows_it_without_changing_its_status(client):
    service = ServiceFactory(name="API", status=ServiceStatus.PERFORMANCE_ISSUES)
    MaintenanceFactory(ongoing=True, services=[service])
    MaintenanceFactory(services=[ServiceFactory(name="Later")])  # upcoming: no badge

    html = client.get(INDEX).content.decode()

    assert html.count("statusboard-maintenance-badge") == 1
    assert "Under maintenance" in client.get(service.get_absolute_url()).content.decode()
    service.refresh_from_db()
    assert service.status == ServiceStatus.PERFORMANCE_ISSUES


def test_affected_services_are_separated_by_commas_without_a_stray_space(client):
    incident = IncidentFactory(services=[ServiceFactory(name="A"), ServiceFactory(name="B")])
    IncidentUpdateFactory(incident=incident)

    html = client.get(incident.get_absolute_url()).content.decode()

    assert "</a>, <a" in html
    assert "</a>\n, " not in html
