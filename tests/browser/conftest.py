"""Chromium, driven by Playwright, against Django's live server.

Run with ``pytest -m browser tests/browser``; Debian's ``chromium`` package
provides the browser (STATUSBOARD_CHROMIUM names another binary). Nothing here
downloads a browser.

Every page a test opens is watched: a console error, an uncaught exception, a
Content-Security-Policy violation, a failed request or an HTTP error (a static
file that 404s) fails the test when it ends.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.test import Client, override_settings
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer

from statusboard.models import CollapseMode, IncidentStatus, ServiceStatus
from tests.browser.csp import POLICY
from tests.browser.viewports import DESKTOP
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)
from tests.helpers import user_with_perms

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# The default suite collects this folder too; without Playwright there is
# nothing to run here.
if importlib.util.find_spec("playwright") is None:
    collect_ignore_glob = ["test_*.py"]

CHROMIUM = os.environ.get("STATUSBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP_MIDDLEWARE = "tests.browser.csp.ContentSecurityPolicyMiddleware"

# Reports each securitypolicyviolation event to Python; Playwright injects it
# through the DevTools protocol, so the page's CSP does not apply to it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.statusboardCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ${event.documentURI}`
  );
});
"""


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, with the strict CSP in its middleware.

    The server thread builds its middleware chain once, when it starts: a
    test's ``settings`` fixture would change MIDDLEWARE too late, so the
    setting is overridden for the session, before the server starts.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MIDDLEWARE=[CSP_MIDDLEWARE, *settings.MIDDLEWARE]):
        server = LiveServer(addr)
        yield server
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as monkeypatch:
        # Playwright's sync API runs an asyncio loop in the main thread, so
        # Django would take every ORM call of the tests (and of the set-up
        # and tear-down of the test database) for one made from async code.
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def new_context(
    browser: Browser, live_server: LiveServer
) -> Iterator[Callable[..., BrowserContext]]:
    """Open a watched browser context; its keyword arguments go to ``new_context``."""
    contexts: list[BrowserContext] = []
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on(
            "console",
            lambda message: (
                message.type == "error"
                and problems.append(f"console error on {page.url}: {message.text}")
            ),
        )
        page.on(
            "pageerror", lambda error: problems.append(f"uncaught error on {page.url}: {error}")
        )
        page.on(
            "requestfailed",
            lambda req: problems.append(f"request failed: {req.url} ({req.failure})"),
        )

        def check_response(response: Any) -> None:
            if response.status >= 400:
                problems.append(f"HTTP {response.status}: {response.url}")
            if (
                response.request.resource_type == "document"
                and response.headers.get("content-security-policy") != POLICY
            ):
                problems.append(f"no strict CSP on {response.url}")

        page.on("response", check_response)

    def open_context(**options: Any) -> BrowserContext:
        options = {
            "base_url": live_server.url,
            "viewport": DESKTOP,
            "locale": "en-US",
            "timezone_id": "Europe/Rome",
            # Bootstrap then skips its transitions.
            "reduced_motion": "reduce",
            **options,
        }
        context = browser.new_context(**options)
        context.set_default_timeout(5_000)
        context.expose_binding(
            "statusboardCspViolation",
            lambda source, text: problems.append(f"CSP violation: {text}"),
        )
        context.add_init_script(CSP_LISTENER)
        context.on("page", watch)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def sign_in(live_server: LiveServer) -> Callable[[BrowserContext, AbstractBaseUser], None]:
    """Give a context the session cookie of a user, skipping the login form."""

    def give_session(context: BrowserContext, user: AbstractBaseUser) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return give_session


@pytest.fixture
def manager(transactional_db: None) -> AbstractBaseUser:
    """A user who may open, edit and delete incidents, and nothing else."""
    return user_with_perms("add_incident", "change_incident", "delete_incident", username="manager")


@pytest.fixture
def status_page(transactional_db: None) -> SimpleNamespace:
    """A bit of everything: a group that never collapses and one that always
    does, a service in no group, an open incident with two updates and a
    maintenance in progress."""
    core = ServiceGroupFactory(name="Core platform", priority=0, collapse=CollapseMode.NEVER)
    office = ServiceGroupFactory(name="Back office", priority=1, collapse=CollapseMode.ALWAYS)
    web = ServiceFactory(
        name="Website",
        description="The public website and its content delivery network.",
        href="https://www.example.com/",
        groups=[core],
    )
    api = ServiceFactory(
        name="Customer authentication and single sign-on gateway",
        status=ServiceStatus.PERFORMANCE_ISSUES,
        groups=[core],
    )
    billing = ServiceFactory(name="Billing", groups=[office])
    docs = ServiceFactory(name="Documentation")
    incident = IncidentFactory(
        name="Slow sign-in", occurred=timezone.now() - timedelta(hours=2), services=[api]
    )
    first = IncidentUpdateFactory(
        incident=incident,
        status=IncidentStatus.INVESTIGATING,
        description="Signing in takes longer than usual.",
        created=timezone.now() - timedelta(hours=2),
    )
    latest = IncidentUpdateFactory(
        incident=incident,
        status=IncidentStatus.IDENTIFIED,
        description="A slow database replica; details at "
        "https://status.example.com/postmortems/2025/slow-sign-in-database-replica-lag",
        created=timezone.now() - timedelta(hours=1),
    )
    maintenance = MaintenanceFactory(name="Database upgrade", ongoing=True, services=[billing])
    return SimpleNamespace(
        core=core,
        office=office,
        web=web,
        api=api,
        billing=billing,
        docs=docs,
        incident=incident,
        first_update=first,
        latest_update=latest,
        maintenance=maintenance,
    )
