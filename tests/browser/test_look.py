from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.viewports import DESKTOP, PHONE

pytestmark = pytest.mark.browser

# Git ignores it; CI keeps it as an artifact.
TEST_OUTPUT = Path(__file__).resolve().parents[2] / "test-output"

# Bootstrap 5.3's --bs-body-bg, light and dark.
BODY_BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(33, 37, 41)"}


def body_background(page: Page) -> str:
    return page.evaluate("() => getComputedStyle(document.body).backgroundColor")


def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport."""
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_follows_the_colour_scheme_of_the_browser(new_context, status_page, scheme) -> None:
    page = new_context(color_scheme=scheme).new_page()

    page.goto("/statusboard/")

    expect(page.locator("html")).to_have_attribute("data-bs-theme", scheme)
    assert body_background(page) == BODY_BACKGROUND[scheme]


def test_switches_theme_when_the_preference_changes(page: Page, status_page) -> None:
    page.emulate_media(color_scheme="light")
    page.goto("/statusboard/")
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "light")

    page.emulate_media(color_scheme="dark")

    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark")


def test_phone_width(new_context, sign_in, status_page, manager) -> None:
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    sign_in(context, manager)
    page = context.new_page()
    pages = [
        "/statusboard/",
        status_page.incident.get_absolute_url(),
        status_page.api.get_absolute_url(),
        status_page.maintenance.get_absolute_url(),
        "/statusboard/incident/archive/",
        "/statusboard/incident/create/",
        f"/statusboard/incident/{status_page.incident.pk}/edit/",
    ]
    for path in pages:
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"], path
        assert horizontal_overflow(page) <= 0, path

    # The menu folds behind its toggler.
    page.goto("/statusboard/")
    menu_link = page.locator("#statusboard-nav-archive")
    expect(menu_link).to_be_hidden()
    page.get_by_role("button", name="Show or hide the menu").click()
    expect(menu_link).to_be_visible()
    page.locator("#statusboard-manage-menu").click()
    expect(
        page.locator('.dropdown-menu [data-statusboard-action="incident-create"]')
    ).to_be_visible()


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("desktop", {"viewport": DESKTOP}),
        ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True}),
        ("phone-dark", {"viewport": PHONE, "is_mobile": True, "color_scheme": "dark"}),
    ],
)
def test_screenshot_of_the_index(new_context, status_page, name, options) -> None:
    page = new_context(**options).new_page()
    page.goto("/statusboard/")
    expect(page.locator("#statusboard-banner")).to_be_visible()

    TEST_OUTPUT.mkdir(exist_ok=True)
    path = TEST_OUTPUT / f"index-{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")

    assert path.stat().st_size > 0
    assert horizontal_overflow(page) <= 0
