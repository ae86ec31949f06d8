from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from statusboard.models import Incident, Service, ServiceStatus, ServiceStatusChange
from tests.factories import ServiceFactory

pytestmark = pytest.mark.browser


def history(service: Service) -> list[int]:
    changes = ServiceStatusChange.objects.filter(service=service).order_by("created", "pk")
    return list(changes.values_list("new_status", flat=True))


def test_open_and_close_an_incident(page: Page, manager) -> None:
    web = ServiceFactory(name="Website")
    api = ServiceFactory(name="API")
    mail = ServiceFactory(name="Mail")
    banner = page.locator("#statusboard-banner")
    messages = page.locator("#statusboard-messages")

    def service_row(service: Service) -> Locator:
        return page.locator(f'#group-uncategorized [data-service="{service.pk}"]')

    page.goto("/statusboard/")
    expect(banner).to_have_text("All systems are operational")
    expect(page.locator("#statusboard-manage-menu")).to_have_count(0)

    # Sign in, and come back to the index.
    page.locator("#statusboard-login").click()
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("password")
    page.locator("#statusboard-submit").click()
    expect(page).to_have_url(re.compile(r"/statusboard/$"))
    expect(page.locator("#statusboard-user")).to_have_text("manager")

    # Open an incident from the Manage menu (a Bootstrap dropdown).
    new_incident = page.locator('.dropdown-menu [data-statusboard-action="incident-create"]')
    expect(new_incident).to_be_hidden()
    page.locator("#statusboard-manage-menu").click()
    new_incident.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New incident")
    page.locator("#id_name").fill("Database down")
    page.get_by_label("Website", exact=True).check()
    page.get_by_label("API", exact=True).check()
    page.locator("#id_set_status").select_option(label="Major outage")
    page.locator("#id_updates-0-status").select_option(label="Investigating")
    page.locator("#id_updates-0-description").fill("The primary database does not answer.")
    page.locator("#statusboard-submit").click()

    incident = Incident.objects.get(name="Database down")
    expect(page).to_have_url(re.compile(rf"/incident/{incident.pk}/$"))
    expect(messages).to_contain_text("The incident “Database down” was added.")
    expect(messages).to_contain_text("2 services set to Major outage.")
    expect(page.locator("#incident-state")).to_have_text("Open")

    page.locator("#statusboard-nav-index").click()
    expect(banner).to_have_attribute("data-status", str(ServiceStatus.MAJOR_OUTAGE))
    expect(banner).to_have_text("Some systems are experiencing major outages")
    expect(service_row(web)).to_have_attribute("data-status", "3")
    expect(service_row(api)).to_have_attribute("data-status", "3")
    expect(service_row(mail)).to_have_attribute("data-status", "0")

    # Close it with a Fixed update, in a form added by "Add another update".
    page.locator(f'#incident-{incident.pk} [data-statusboard-action="incident-edit"]').click()
    expect(page.locator("[data-update-form]")).to_have_count(2)
    page.locator("#statusboard-add-update").click()
    expect(page.locator('[data-update-form="updates-2"]')).to_be_visible()
    expect(page.locator("#id_updates-2-status")).to_be_focused()
    expect(page.locator("#id_updates-TOTAL_FORMS")).to_have_value("3")
    page.locator("#id_updates-2-status").select_option(label="Fixed")
    page.locator("#id_updates-2-description").fill("The database is back.")
    page.locator("#statusboard-submit").click()

    expect(messages).to_contain_text("The incident “Database down” was changed.")
    expect(messages).not_to_contain_text("set to")
    expect(page.locator("#incident-state")).to_have_text("Resolved")
    expect(page.locator(f"#incident-{incident.pk}")).to_have_attribute("data-closed", "true")
    updates = page.locator(".statusboard-update")
    expect(updates).to_have_count(2)
    expect(updates.first).to_contain_text("Fixed")
    expect(updates.first).to_contain_text("The database is back.")

    # Closing the incident set no status: the services stay as they were.
    page.locator("#statusboard-nav-index").click()
    expect(banner).to_have_attribute("data-status", str(ServiceStatus.MAJOR_OUTAGE))
    expect(service_row(web)).to_have_attribute("data-status", "3")
    expect(service_row(api)).to_have_attribute("data-status", "3")
    expect(service_row(mail)).to_have_attribute("data-status", "0")
    # The history has the first status of each service and the one change of two.
    assert history(web) == history(api) == [ServiceStatus.OPERATIONAL, ServiceStatus.MAJOR_OUTAGE]
    assert history(mail) == [ServiceStatus.OPERATIONAL]
