"""axe-core finds no serious or critical problem, in light and dark mode.

Each test walks through several pages in one browser context and reports the
problems of all of them at once. The management pages are scanned as a
superuser, who sees every link and button of them. The markup is the same in
both modes, so dark mode is only checked for the rules about colours.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

SCHEMES = ["light", "dark"]


class Scanner:
    def __init__(self, page: Page, rules: list[str] | None) -> None:
        self.page = page
        self.rules = rules
        self.violations: list[str] = []

    def scan(self, what: str) -> None:
        self.violations.extend(
            f"{what}: {line}" for line in serious_violations(self.page, self.rules)
        )

    def assert_accessible(self) -> None:
        assert not self.violations, "\n".join(self.violations)


@pytest.fixture
def scanner(new_context, sign_in):
    def open_scanner(*, scheme: str = "light", user=None) -> Scanner:
        context = new_context(color_scheme=scheme)
        if user is not None:
            sign_in(context, user)
        rules = ["color-contrast", "link-in-text-block"] if scheme == "dark" else None
        return Scanner(context.new_page(), rules)

    return open_scanner


@pytest.mark.parametrize("scheme", SCHEMES)
def test_public_pages(scanner, status_page, scheme) -> None:
    scanner = scanner(scheme=scheme)
    page = scanner.page

    page.goto("/statusboard/")
    page.get_by_role("button", name="Back office").click()
    expect(page.locator(f"#group-{status_page.office.pk}-services")).to_be_visible()
    scanner.scan("index, with a collapsed group opened")

    page.goto(status_page.incident.get_absolute_url())
    scanner.scan("incident")

    page.goto("/statusboard/incident/archive/")
    expect(page.locator("#statusboard-archive-title")).to_be_visible()
    scanner.scan("archive month")

    page.goto("/statusboard/login/")
    scanner.scan("login form")

    scanner.assert_accessible()


@pytest.mark.parametrize("scheme", SCHEMES)
def test_management_pages(scanner, status_page, superuser, scheme) -> None:
    scanner = scanner(scheme=scheme, user=superuser)
    page = scanner.page

    page.goto("/statusboard/")
    page.locator("#statusboard-manage-menu").click()
    expect(page.locator("#statusboard-navbar .dropdown-menu")).to_be_visible()
    scanner.scan("index, with the Manage menu open")

    page.goto(status_page.incident.get_absolute_url())
    scanner.scan("incident")

    page.goto(f"/statusboard/incident/{status_page.incident.pk}/edit/")
    page.locator("#statusboard-add-update").click()
    expect(page.locator('[data-update-form="updates-3"]')).to_be_visible()
    scanner.scan("incident form, with an update added")

    page.goto(f"/statusboard/service/{status_page.api.pk}/edit/")
    scanner.scan("service form")

    scanner.assert_accessible()


def test_form_with_errors(scanner, status_page, superuser) -> None:
    scanner = scanner(user=superuser)
    page = scanner.page

    page.goto("/statusboard/incident/create/")
    # A status for the services, but no services and no name.
    page.locator("#id_set_status").select_option(label="Major outage")
    page.locator("#statusboard-submit").click()
    expect(page.locator("#id_name_error")).to_be_visible()
    expect(page.locator("#id_set_status_error")).to_be_visible()
    scanner.scan("incident form with errors")

    scanner.assert_accessible()
