from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import IncidentFactory, IncidentUpdateFactory

pytestmark = pytest.mark.browser


def test_index(page: Page, status_page) -> None:
    page.goto("/statusboard/")

    banner = page.locator("#statusboard-banner")
    expect(banner).to_have_attribute("data-status", "1")
    expect(banner).to_have_text("Some systems are experiencing performance issues")
    expect(page).to_have_title("Service status")

    core = page.locator(f"#group-{status_page.core.pk}")
    expect(core.locator("[data-service]")).to_have_text(
        # Same priority: by name.
        [re.compile(r"^\s*Customer authentication"), re.compile(r"^\s*Website")]
    )
    expect(
        core.locator(f'[data-service="{status_page.api.pk}"] [data-service-status]')
    ).to_have_text("Performance issues")
    expect(page.locator("#group-uncategorized")).to_contain_text("Documentation")
    expect(page.locator(f"#maintenance-{status_page.maintenance.pk}")).to_contain_text(
        "Database upgrade"
    )

    updates = page.locator(f"#incident-{status_page.incident.pk} .statusboard-update")
    expect(updates).to_have_count(2)
    # Newest first.
    expect(updates.nth(0)).to_have_id(f"update-{status_page.latest_update.pk}")
    expect(updates.nth(1)).to_have_id(f"update-{status_page.first_update.pk}")


def test_open_a_collapsed_group(page: Page, status_page) -> None:
    page.goto("/statusboard/")

    group = page.locator(f"#group-{status_page.office.pk}")
    services = page.locator(f"#group-{status_page.office.pk}-services")
    toggle = group.get_by_role("button", name="Back office")
    expect(group).to_have_attribute("data-collapsed", "true")
    expect(services).to_be_hidden()
    # Collapsed, the group still tells its worst status.
    expect(group.locator(".card-header [data-service-status]")).to_have_text("Operational")
    expect(toggle).to_have_attribute("aria-expanded", "false")

    toggle.click()

    expect(services).to_be_visible()
    expect(services.get_by_role("link", name="Billing")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")

    toggle.click()

    expect(services).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")


def test_archive_navigation(page: Page, transactional_db) -> None:
    now = timezone.localtime()
    IncidentFactory(name="This month's incident", occurred=timezone.now())
    IncidentFactory(name="November's incident", occurred=datetime(2024, 11, 15, 12, tzinfo=UTC))
    IncidentFactory(name="March's incident", occurred=datetime(2024, 3, 15, 12, tzinfo=UTC))
    title = page.locator("#statusboard-archive-title")
    previous = page.locator('[data-statusboard-nav="previous-month"]').first
    following = page.locator('[data-statusboard-nav="next-month"]').first

    page.goto("/statusboard/")
    page.get_by_role("link", name="Incident history", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/incident/archive/{now:%Y}/{now:%m}/$"))
    expect(title).to_have_attribute("data-month", f"{now:%Y-%m}")
    expect(page.locator(".statusboard-incident")).to_have_count(1)
    expect(page.locator(".statusboard-incident")).to_contain_text("This month's incident")
    expect(following).to_have_count(0)

    previous.click()
    expect(page).to_have_url(re.compile(r"/incident/archive/2024/11/$"))
    expect(title).to_have_text("Incidents in November 2024")
    expect(page.locator(".statusboard-incident")).to_contain_text("November's incident")

    previous.click()
    expect(title).to_have_attribute("data-month", "2024-03")
    expect(page.locator(".statusboard-incident")).to_contain_text("March's incident")
    expect(previous).to_have_count(0)

    following.click()
    expect(title).to_have_attribute("data-month", "2024-11")

    following.click()
    expect(title).to_have_attribute("data-month", f"{now:%Y-%m}")


def test_incident_page(page: Page, status_page) -> None:
    fixed = IncidentUpdateFactory(incident=status_page.incident, fixed=True)
    page.goto("/statusboard/")

    page.locator(f"#incident-{status_page.incident.pk}").get_by_role(
        "link", name="Slow sign-in"
    ).click()

    expect(page).to_have_url(re.compile(rf"/incident/{status_page.incident.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Slow sign-in")
    expect(page).to_have_title("Slow sign-in – Service status")
    expect(page.locator("#incident-state")).to_have_text("Resolved")
    expect(page.locator(f"#incident-{status_page.incident.pk}")).to_have_attribute(
        "data-closed", "true"
    )
    updates = page.locator(".statusboard-update")
    # Newest first.
    expect(updates).to_have_count(3)
    expect(updates.nth(0)).to_have_id(f"update-{fixed.pk}")
    expect(updates.nth(1)).to_have_id(f"update-{status_page.latest_update.pk}")
    expect(updates.nth(2)).to_have_id(f"update-{status_page.first_update.pk}")
    expect(updates.nth(0)).to_contain_text("Fixed")
    # Exact time on hover, in a <time> element.
    expect(updates.nth(0).locator("time[datetime]").first).to_have_attribute(
        "datetime", re.compile(r"^\d{4}-\d\d-\d\dT")
    )

    page.get_by_role("link", name="Customer authentication and single sign-on gateway").click()
    expect(page).to_have_url(re.compile(rf"/service/{status_page.api.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Customer authentication")
