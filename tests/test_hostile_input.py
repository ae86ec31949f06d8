"""Hostile input: whatever is typed into a field, every page, feed, badge,
email and JSON document stays harmless; forms need their CSRF token; signing
in never sends anyone off-site; oversized input is refused cleanly; and
``closed`` follows the incident-closing rule whatever happens to the updates.

tests/test_markup.py covers the Markdown renderer itself; here the hostile text
goes through the models, the forms and the API into every output.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient
from rest_framework.views import APIView

from statusboard.api.versioning import NATIVE_VERSIONS
from statusboard.models import (
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
)
from statusboard.notifications import ssrf, tokens
from statusboard.notifications.models import EmailSubscriber, Webhook
from statusboard.views.manage import ManageMixin
from tests.factories import (
    EmailSubscriberFactory,
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)
from tests.helpers import app_routes

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
MARKDOWN_JS_LINK = "[click](javascript:alert(1))"
# A vertical tab, as pasted from a word processor: XML 1.0 cannot carry it.
CONTROL = "\x0b"


def hostile(label: str) -> str:
    """Every payload at once, after a ``label`` that tells where it came from."""
    return f"{label} {SCRIPT} {ATTRIBUTE} {JS_URL} {MARKDOWN_JS_LINK} {CONTROL}end"


def escaped(label: str) -> str:
    """How the start of ``hostile(label)`` reads in HTML that escaped it."""
    return f"{label} &lt;script&gt;alert(1)&lt;/script&gt;"


# --- Checking HTML -------------------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
SAFE_SCHEMES = {"", "http", "https", "mailto"}


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text.append(data)


def assert_harmless(html: str) -> None:
    """No element, attribute, handler or link that the payloads could have made."""
    assert SCRIPT not in html
    assert "<img src=x" not in html
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.elements:
        assert not (tag == "img" and attrs.get("src") == "x")
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in URL_ATTRIBUTES and value:
                assert urlsplit(value.strip()).scheme.lower() in SAFE_SCHEMES, (tag, name, value)
    assert not any("alert(1)" in text for text in parser.script_text)


# --- A world made of hostile text -----------------------------------------------------


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Every host name is public: webhook URLs validate without a real lookup."""
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["93.184.215.14"])


@pytest.fixture
def world(settings):
    settings.STATUSBOARD = {"PAGE_NAME": hostile("Page-name")}
    group = ServiceGroupFactory(name=hostile("Group-name"))
    service = ServiceFactory(
        name=hostile("Service-name"),
        description=hostile("Service-description"),
        href="https://example.com/status",
        groups=[group],
    )
    incident = IncidentFactory(
        name=hostile("Incident-name"), postmortem=hostile("Postmortem"), services=[service]
    )
    update = IncidentUpdateFactory(incident=incident, description=hostile("Update-description"))
    maintenance = MaintenanceFactory(
        name=hostile("Maintenance-name"),
        description=hostile("Maintenance-description"),
        services=[service],
        ongoing=True,
    )
    webhook = WebhookFactory(name=hostile("Webhook-name"), services=[service], groups=[group])
    WebhookDeliveryFactory(webhook=webhook)
    return SimpleNamespace(
        group=group,
        service=service,
        incident=incident,
        update=update,
        maintenance=maintenance,
        webhook=webhook,
        superuser=UserFactory(superuser=True),
    )


def _confirm_url(w) -> str:
    subscription = tokens.Subscription(
        email="someone@example.com",
        language="en",
        page_url="https://status.example.com/",
        service_ids=[w.service.pk],
        group_ids=[w.group.pk],
    )
    token = tokens.make_confirm_token(subscription)
    return reverse("statusboard:subscribe-confirm", kwargs={"token": token})


def _archive_url(w) -> str:
    occurred = timezone.localtime(w.incident.occurred)
    return reverse(
        "statusboard:incident:archive-month",
        kwargs={"year": occurred.year, "month": occurred.month},
    )


OF_INCIDENT = {"Incident-name", "Update-description", "Postmortem", "Service-name"}
OF_MAINTENANCE = {"Maintenance-name", "Maintenance-description", "Service-name"}

# Each page: its URL in the world, and the hostile fields it shows.
PUBLIC_PAGES = {
    "index": (
        lambda w: reverse("statusboard:index"),
        {
            "Group-name",
            "Service-name",
            "Service-description",
            "Incident-name",
            "Update-description",
            "Maintenance-name",
            "Maintenance-description",
        },
    ),
    "incident": (lambda w: w.incident.get_absolute_url(), OF_INCIDENT),
    "service": (
        lambda w: w.service.get_absolute_url(),
        {"Service-name", "Service-description", "Group-name", "Maintenance-name"},
    ),
    "maintenance": (lambda w: w.maintenance.get_absolute_url(), OF_MAINTENANCE),
    "archive": (_archive_url, {"Incident-name"}),
    "subscribe": (lambda w: reverse("statusboard:subscribe"), {"Service-name", "Group-name"}),
    "subscribe-confirm": (_confirm_url, {"Service-name", "Group-name"}),
}
MANAGEMENT_PAGES = {
    "servicegroup-edit": (
        lambda w: reverse("statusboard:servicegroup:edit", args=[w.group.pk]),
        {"Group-name"},
    ),
    "service-create": (lambda w: reverse("statusboard:service:create"), {"Group-name"}),
    "service-edit": (
        lambda w: reverse("statusboard:service:edit", args=[w.service.pk]),
        {"Service-name", "Service-description", "Group-name"},
    ),
    "incident-create": (lambda w: reverse("statusboard:incident:create"), {"Service-name"}),
    "incident-edit": (
        lambda w: reverse("statusboard:incident:edit", args=[w.incident.pk]),
        OF_INCIDENT,
    ),
    "maintenance-create": (
        lambda w: reverse("statusboard:maintenance:create"),
        {"Service-name"},
    ),
    "maintenance-edit": (
        lambda w: reverse("statusboard:maintenance:edit", args=[w.maintenance.pk]),
        OF_MAINTENANCE,
    ),
    "webhook-list": (
        lambda w: reverse("statusboard:webhook:list"),
        {"Webhook-name", "Service-name"},
    ),
    "webhook-create": (
        lambda w: reverse("statusboard:webhook:create"),
        {"Service-name", "Group-name"},
    ),
    "webhook-edit": (
        lambda w: reverse("statusboard:webhook:edit", args=[w.webhook.pk]),
        {"Webhook-name", "Service-name", "Group-name"},
    ),
    **{
        f"{model}-delete": (
            lambda w, model=model, attribute=attribute: reverse(
                f"statusboard:{model}:delete", args=[getattr(w, attribute).pk]
            ),
            {label},
        )
        for model, attribute, label in [
            ("servicegroup", "group", "Group-name"),
            ("service", "service", "Service-name"),
            ("incident", "incident", "Incident-name"),
            ("maintenance", "maintenance", "Maintenance-name"),
            ("webhook", "webhook", "Webhook-name"),
        ]
    },
}


@pytest.mark.parametrize(
    ("page", "who"),
    [
        *((page, who) for page in PUBLIC_PAGES for who in ("visitor", "manager")),
        *((page, "manager") for page in MANAGEMENT_PAGES),
    ],
)
def test_every_page_shows_hostile_text_escaped(client, world, page, who):
    url, fields = {**PUBLIC_PAGES, **MANAGEMENT_PAGES}[page]
    if who == "manager":
        client.force_login(world.superuser)

    response = client.get(url(world))

    assert response.status_code == 200
    html = response.content.decode()
    assert_harmless(html)
    for field in fields:
        assert escaped(field) in html, field


def test_text_sent_back_to_a_form_is_escaped(client, world):
    client.force_login(world.superuser)
    responses = [
        # Invalid: the form comes back with what was typed, and its errors.
        client.post(
            reverse("statusboard:service:create"),
            {
                "name": hostile("Typed-name"),
                "description": hostile("Typed-description"),
                "status": hostile("Typed-status"),
                "href": JS_URL,
            },
        ),
        client.post(
            reverse("statusboard:incident:create"),
            {
                "name": hostile("Typed-incident"),
                "services": [SCRIPT, ATTRIBUTE],
                "updates-TOTAL_FORMS": "1",
                "updates-INITIAL_FORMS": "0",
                "updates-0-status": SCRIPT,
                "updates-0-description": hostile("Typed-update"),
            },
        ),
        Client().post(
            reverse("statusboard:login"),
            {"username": hostile("Typed-user"), "password": "x", "next": ATTRIBUTE},
        ),
        Client().get(reverse("statusboard:login"), {"next": hostile("Typed-next")}),
        Client().get(reverse("statusboard:index"), {"q": ATTRIBUTE}),
    ]

    for response in responses:
        assert response.status_code == 200
        assert_harmless(response.content.decode())
    service_form, incident_form, login, login_page, _index = (
        response.content.decode() for response in responses
    )
    assert escaped("Typed-name") in service_form
    assert escaped("Typed-description") in service_form
    assert escaped("Typed-incident") in incident_form
    assert escaped("Typed-update") in incident_form
    assert escaped("Typed-user") in login
    assert escaped("Typed-next") in login_page
    assert not Service.objects.exclude(pk=world.service.pk).exists()
    assert not Incident.objects.exclude(pk=world.incident.pk).exists()


# --- Feeds, calendar, badges ---------------------------------------------------------


def _local_name(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


@pytest.mark.parametrize("feed", ["rss", "atom"])
def test_feeds_carry_names_as_text_and_descriptions_sanitised(client, world, feed):
    response = client.get(reverse(f"statusboard:feed-incidents-{feed}"))

    assert response.status_code == 200
    root = ET.fromstring(response.content)  # Well-formed XML: no control character.
    assert not [e for e in root.iter() if _local_name(e) in ("script", "img")]
    items = [e for e in root.iter() if _local_name(e) in ("item", "entry")]
    [item] = items
    fields = {_local_name(e): e for e in item}
    title = fields["title"].text
    assert title.startswith(hostile("Incident-name").replace(CONTROL, ""))
    description = fields["description" if feed == "rss" else "summary"].text
    assert escaped("Update-description") in description
    assert_harmless(description)
    categories = [e.text or e.get("term") for e in item if _local_name(e) == "category"]
    assert categories == [hostile("Service-name").replace(CONTROL, "")]


def test_the_maintenance_calendar_is_plain_text_without_injected_lines(client, world):
    world.maintenance.name = hostile("Maintenance-name") + "\r\nBEGIN:VEVENT\r\nSUMMARY:Injected"
    world.maintenance.description = "Fish & chips " + hostile("Maintenance-description")
    world.maintenance.save()

    response = client.get(reverse("statusboard:feed-maintenances-ics"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    # One line of text: the line break is written as "\n", never as a new line.
    assert str(event["summary"]) == world.maintenance.name.replace(CONTROL, "").replace("\r", "")
    description = str(event["description"])
    # Plain text: the words as typed (no HTML entities), Markdown links gone.
    assert description.startswith("Fish & chips Maintenance-description <script>alert(1)</script>")
    assert CONTROL not in response.content.decode()
    assert response.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1


def test_a_service_badge_is_valid_svg_with_the_name_as_text(client, world):
    response = client.get(reverse("statusboard:badge-service", args=[world.service.pk]))

    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # Well-formed: no control character either.
    for element in root.iter():
        assert _local_name(element) not in ("script", "foreignObject", "a")
        assert not any(name.startswith("on") for name in element.attrib)
    texts = [e.text for e in root.iter() if _local_name(e) == "text"]
    assert texts[0] == hostile("Service-name").replace(CONTROL, "")
    assert SCRIPT not in response.content.decode()


def test_the_overall_badge_escapes_the_page_name(client, world):
    response = client.get(reverse("statusboard:badge-status"))

    root = ET.fromstring(response.content)
    assert [e.text for e in root.iter() if _local_name(e) == "text"][0] == (
        hostile("Page-name").replace(CONTROL, "")
    )


# --- Emails ----------------------------------------------------------------------------


def _check_email(message: mail.EmailMessage, labels: set[str]) -> None:
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.content_subtype == "plain"
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert_harmless(html)
    for label in labels:
        # Plain text shows the text as typed; HTML escapes it.
        assert f"{label} {SCRIPT}" in message.body, label
        assert escaped(label) in html, label


def test_notification_emails_escape_their_html_part(world, django_capture_on_commit_callbacks):
    EmailSubscriberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        world.service.set_status(ServiceStatus.MAJOR_OUTAGE)
    with django_capture_on_commit_callbacks(execute=True):
        IncidentUpdateFactory(incident=world.incident, description=hostile("New-update"))
    with django_capture_on_commit_callbacks(execute=True):
        MaintenanceFactory(
            name=hostile("New-maintenance"),
            description=hostile("New-maintenance-description"),
            services=[world.service],
        )

    service_email, incident_email, maintenance_email = mail.outbox
    _check_email(service_email, {"Service-name"})
    _check_email(incident_email, {"Page-name", "Incident-name", "New-update"})
    _check_email(maintenance_email, {"New-maintenance", "New-maintenance-description"})


def test_a_name_cannot_inject_email_headers(world, django_capture_on_commit_callbacks):
    EmailSubscriberFactory()
    service = ServiceFactory(name="API\r\nBcc: evil@example.com\r\n\r\nBody")
    with django_capture_on_commit_callbacks(execute=True):
        service.set_status(ServiceStatus.MAJOR_OUTAGE)

    [message] = mail.outbox
    assert "\r" not in message.subject and "\n" not in message.subject
    assert "API Bcc: evil@example.com Body" in message.subject
    headers = message.message().as_string().split("\n\n", 1)[0]
    assert not [line for line in headers.splitlines() if line.lower().startswith("bcc:")]
    assert message.recipients() == [EmailSubscriber.objects.get().email]


def test_the_confirmation_email_escapes_its_html_part(
    client, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("statusboard:subscribe"),
            {
                "email": "someone@example.com",
                "services": [world.service.pk],
                "groups": [world.group.pk],
            },
        )

    [message] = mail.outbox
    _check_email(message, {"Service-name", "Group-name"})


# --- JSON documents -----------------------------------------------------------------


def _strings(data: object) -> list[str]:
    if isinstance(data, dict):
        return [s for value in data.values() for s in _strings(value)]
    if isinstance(data, list):
        return [s for value in data for s in _strings(value)]
    return [data] if isinstance(data, str) else []


API_FIELDS = {
    "servicegroup": ("group", ["name"]),
    "service": ("service", ["name", "description"]),
    "incident": ("incident", ["name"]),
    "incidentupdate": ("update", ["description"]),
    "maintenance": ("maintenance", ["name", "description"]),
    "webhook": ("webhook", ["name"]),
}


@pytest.mark.parametrize(
    ("version", "resource"),
    [
        (version, resource)
        for version in NATIVE_VERSIONS
        for resource in API_FIELDS
        if not (version == "v0.1" and resource == "webhook")  # Webhooks came with v1.
    ],
)
def test_the_api_returns_the_raw_text_as_json(world, version, resource):
    client = APIClient()
    client.force_authenticate(world.superuser)
    attribute, fields = API_FIELDS[resource]
    obj = getattr(world, attribute)
    if resource == "incident" and version == "v1":
        fields = [*fields, "postmortem"]

    for url in (
        f"/statusboard/api/{version}/{resource}/",
        f"/statusboard/api/{version}/{resource}/{obj.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["X-Content-Type-Options"] == "nosniff"
        strings = _strings(response.json())
        for field in fields:
            assert getattr(obj, field) in strings, field


def test_the_browsable_api_escapes_the_text(world):
    client = APIClient()
    client.force_login(world.superuser)
    for url in (
        f"/statusboard/api/v1/service/{world.service.pk}/",
        f"/statusboard/api/v1/incident/{world.incident.pk}/",
        "/statusboard/api/v1/incidentupdate/",
    ):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response["Content-Type"].startswith("text/html")
        assert_harmless(response.content.decode())


STATUSPAGE_DOCUMENTS = {
    "summary": {"Page-name", "Service-name", "Group-name", "Incident-name", "Maintenance-name"},
    "components": {"Service-name", "Group-name"},
    "incidents": {"Incident-name", "Update-description"},
    "scheduled-maintenances": {"Maintenance-name", "Maintenance-description"},
}


@pytest.mark.parametrize("document", STATUSPAGE_DOCUMENTS)
def test_the_statuspage_documents_are_json_with_the_raw_text(client, world, document):
    response = client.get(reverse(f"statusboard:v2:{document}"))

    assert response["Content-Type"] == "application/json"
    strings = _strings(json.loads(response.content))
    for label in STATUSPAGE_DOCUMENTS[document]:
        assert hostile(label) in strings, label


# --- Links must be http(s) -------------------------------------------------------------

REFUSED_LINKS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com/",
    "mailto:someone@example.com",
]


@pytest.mark.parametrize("href", REFUSED_LINKS)
def test_a_service_link_must_be_http(client, href):
    service = ServiceFactory(name="Mail")
    superuser = UserFactory(superuser=True)
    client.force_login(superuser)
    api = APIClient()
    api.force_authenticate(superuser)

    form = client.post(
        reverse("statusboard:service:create"),
        {"name": "Web", "status": "0", "priority": "0", "href": href},
    )
    admin = client.post(
        reverse("admin:statusboard_service_add"),
        {"name": "Web", "status": "0", "priority": "0", "href": href, "public": "on"},
    )
    assert form.status_code == admin.status_code == 200
    for version in NATIVE_VERSIONS:
        created = api.post(
            f"/statusboard/api/{version}/service/", {"name": "Web", "href": href}, format="json"
        )
        changed = api.patch(
            f"/statusboard/api/{version}/service/{service.pk}/", {"href": href}, format="json"
        )
        assert created.status_code == changed.status_code == 400
        assert list(created.json()) == list(changed.json()) == ["href"]
    with pytest.raises(ValidationError) as error:
        Service(name="Web", href=href).full_clean()
    assert "href" in error.value.message_dict

    assert list(Service.objects.values_list("name", "href")) == [("Mail", "")]


# --- CSRF --------------------------------------------------------------------------------


def test_the_only_exemption_from_csrf_that_takes_a_write_is_one_click_unsubscribe():
    exempt = {
        name: pattern
        for name, pattern in app_routes().items()
        if getattr(pattern.callback, "csrf_exempt", False)
    }
    # DRF checks CSRF itself for session-authenticated requests (tested below).
    api = {
        name
        for name, pattern in exempt.items()
        if issubclass(getattr(pattern.callback, "cls", object), APIView)
    }
    read_only = {
        name
        for name, pattern in exempt.items()
        if name not in api
        and set(pattern.callback.view_class.http_method_names) <= {"get", "head", "options"}
    }

    assert set(exempt) - api - read_only == {"statusboard:unsubscribe"}


def _management_forms() -> list[str]:
    return sorted(
        name
        for name, pattern in app_routes().items()
        if issubclass(getattr(pattern.callback, "view_class", object), ManageMixin)
        and not name.endswith(":list")
    )


FACTORIES = {
    ServiceGroup: ServiceGroupFactory,
    Service: ServiceFactory,
    Incident: IncidentFactory,
    Maintenance: MaintenanceFactory,
    Webhook: WebhookFactory,
}
FORM_DATA = {
    ServiceGroup: {"name": "Forged", "priority": "0", "collapse": "0"},
    Service: {"name": "Forged", "status": "0", "priority": "0", "public": "on"},
    Incident: {
        "name": "Forged",
        "occurred": "2024-05-01T10:00",
        "impact": "0",
        "updates-TOTAL_FORMS": "0",
        "updates-INITIAL_FORMS": "0",
    },
    Maintenance: {"name": "Forged", "scheduled": "2030-01-01T10:00"},
    Webhook: {"name": "Forged", "url": "https://hooks.example.com/", "secret": "s" * 32},
}


@pytest.mark.parametrize("name", _management_forms())
def test_management_forms_need_the_csrf_token(name):
    model = app_routes()[name].callback.view_class.model
    obj = FACTORIES[model](name="Before")
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(superuser=True))
    url = reverse(name) if name.endswith(":create") else reverse(name, args=[obj.pk])

    response = client.post(url, {} if name.endswith(":delete") else FORM_DATA[model])

    assert response.status_code == 403
    assert list(model.objects.values_list("name", flat=True)) == ["Before"]


def test_signing_in_and_out_need_the_csrf_token():
    user = UserFactory(username="alice")
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("statusboard:login"), {"username": "alice", "password": "password"}
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session

    client.force_login(user)
    assert client.post(reverse("statusboard:logout")).status_code == 403
    assert client.session["_auth_user_id"] == str(user.pk)


def test_subscribing_and_confirming_need_the_csrf_token(django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    token = tokens.make_confirm_token(
        tokens.Subscription(
            email="someone@example.com",
            language="en",
            page_url="https://status.example.com/",
            service_ids=[],
            group_ids=[],
        )
    )

    with django_capture_on_commit_callbacks(execute=True):
        subscribe = client.post(reverse("statusboard:subscribe"), {"email": "a@example.com"})
    confirm = client.post(reverse("statusboard:subscribe-confirm", kwargs={"token": token}))

    assert subscribe.status_code == confirm.status_code == 403
    assert mail.outbox == []
    assert not EmailSubscriber.objects.exists()


@pytest.mark.parametrize("version", NATIVE_VERSIONS)
def test_api_writes_with_a_session_need_the_csrf_token(version):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(UserFactory(superuser=True))
    service = ServiceFactory(name="Before")

    for response in (
        client.post(f"/statusboard/api/{version}/service/", {"name": "Forged"}, format="json"),
        client.patch(
            f"/statusboard/api/{version}/service/{service.pk}/", {"name": "Forged"}, format="json"
        ),
        client.delete(f"/statusboard/api/{version}/service/{service.pk}/"),
    ):
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
    assert list(Service.objects.values_list("name", flat=True)) == ["Before"]


# --- Signing in never leads off-site ---------------------------------------------------

# tests/test_views_auth.py tries the plain ones (https://evil.example/, //evil.example/).
OFF_SITE = [
    "//evil.com",
    "https://evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "/\\/evil.com",
    "\\/evil.com",
    "///evil.com",
    "https:evil.com",
    "http:/evil.com",
    " //evil.com",
    "\t//evil.com",
    "//evil.com%2F%2E%2E",
    "//testserver@evil.com",
    "https://testserver.evil.com/",
    "JAVASCRIPT:alert(1)",
    "javascript:alert(1)//",
    "data:text/html,<script>alert(1)</script>",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_follows_next_off_site(client, target):
    UserFactory(username="alice")

    response = client.post(
        reverse("statusboard:login"), {"username": "alice", "password": "password", "next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("statusboard:index")


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_never_follows_next_off_site(client, target):
    client.force_login(UserFactory())

    response = client.post(f"{reverse('statusboard:logout')}?next={target}", {"next": target})

    assert response.status_code == 302
    assert response["Location"] == reverse("statusboard:index")


# --- Oversized input -----------------------------------------------------------------

TEN_MB = "x" * (10 * 1024 * 1024)


@pytest.fixture
def manager_client(client):
    client.raise_request_exception = False  # A 500 must show as one.
    client.force_login(UserFactory(superuser=True))
    return client


@pytest.fixture
def api_manager():
    client = APIClient()
    client.raise_request_exception = False
    client.force_authenticate(UserFactory(superuser=True))
    return client


def test_a_10_mb_description_through_a_form_is_refused(manager_client):
    service = manager_client.post(
        reverse("statusboard:service:create"),
        {"name": "Big", "status": "0", "priority": "0", "description": TEN_MB},
    )
    incident = manager_client.post(
        reverse("statusboard:incident:create"),
        {
            **FORM_DATA[Incident],
            "updates-TOTAL_FORMS": "1",
            "updates-0-status": "0",
            "updates-0-description": TEN_MB,
        },
    )

    assert service.status_code == incident.status_code == 400
    assert not Service.objects.exists()
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("resource", "body"),
    [
        ("service", {"name": "Big", "description": TEN_MB}),
        ("maintenance", {"name": "Big", "scheduled": "2030-01-01T10:00Z", "description": TEN_MB}),
        ("incident", {"name": "Big", "first_update": {"status": 0, "description": TEN_MB}}),
    ],
)
def test_a_10_mb_description_through_the_api_is_refused(api_manager, resource, body):
    for version in NATIVE_VERSIONS:
        response = api_manager.post(f"/statusboard/api/{version}/{resource}/", body, format="json")
        assert response.status_code == 413
        assert response.json() == {"detail": "The request body is too large."}
    assert not Service.objects.exists()
    assert not Maintenance.objects.exists()
    assert not Incident.objects.exists()


HUNDRED_THOUSAND = list(range(1, 100_001))


@pytest.mark.parametrize(
    ("version", "resource", "body", "field"),
    [
        ("v0.1", "servicegroup", {"name": "G"}, "services"),
        ("v1", "servicegroup", {"name": "G"}, "services"),
        ("v0.1", "service", {"name": "S"}, "groups"),
        ("v1", "incident", {"name": "I"}, "services"),
        ("v1", "maintenance", {"name": "M", "scheduled": "2030-01-01T10:00Z"}, "services"),
        ("v1", "webhook", {"name": "W", "endpoint": "https://hooks.example.com/"}, "services"),
        ("v1", "webhook", {"name": "W", "endpoint": "https://hooks.example.com/"}, "groups"),
    ],
)
def test_a_100000_item_id_list_through_the_api_is_refused_at_once(
    api_manager, django_assert_max_num_queries, version, resource, body, field
):
    # Refused before any id is looked up.
    with django_assert_max_num_queries(2):
        response = api_manager.post(
            f"/statusboard/api/{version}/{resource}/",
            {**body, field: HUNDRED_THOUSAND},
            format="json",
        )

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "at most 1000 items" in response.json()[field][0]
    model = {"servicegroup": ServiceGroup, "service": Service, "webhook": Webhook}.get(resource)
    assert model is None or not model.objects.exists()


def test_a_100000_item_choice_list_through_a_form_is_refused(manager_client):
    ids = [str(pk) for pk in HUNDRED_THOUSAND]
    incident = manager_client.post(
        reverse("statusboard:incident:create"), {**FORM_DATA[Incident], "services": ids}
    )
    # The public form too, where anybody may try.
    subscribe = Client(raise_request_exception=False).post(
        reverse("statusboard:subscribe"), {"email": "a@example.com", "services": ids}
    )

    assert incident.status_code == subscribe.status_code == 400
    assert not Incident.objects.exists()
    # Django reports each to the ADMINS; nothing else is sent.
    assert {tuple(message.to) for message in mail.outbox} == {("admin@example.com",)}


def test_a_long_list_of_unknown_choices_is_a_form_error(manager_client):
    # Just under Django's DATA_UPLOAD_MAX_NUMBER_FIELDS: it reaches the form.
    ids = [str(pk) for pk in range(1, 990)]

    response = manager_client.post(
        reverse("statusboard:incident:create"), {**FORM_DATA[Incident], "services": ids}
    )

    assert response.status_code == 200
    assert "is not one of the available choices" in response.content.decode()
    assert not Incident.objects.exists()


# --- The incident-closing rule, whatever happens to the updates ----------------------

START = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)

statuses = st.sampled_from(IncidentStatus.values)
# Few distinct times, so that updates often share one and the pk decides.
offsets = st.integers(min_value=0, max_value=4)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(0, 1), statuses, offsets),
        st.tuples(st.just("save"), st.integers(0, 50), statuses, offsets),
        st.tuples(st.just("bulk_update"), st.integers(0, 50), statuses, offsets),
        st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 1)),
        st.tuples(st.just("delete"), st.integers(0, 50)),
        st.tuples(st.just("bulk_delete"), st.integers(0, 50)),
        st.tuples(st.just("save_incident"), st.integers(0, 1)),
    ),
    max_size=12,
)


def _expected_closed(updates: dict[int, tuple[int, datetime.datetime, int]], incident: int):
    mine = [
        (created, pk, status) for pk, (inc, created, status) in updates.items() if inc == incident
    ]
    return bool(mine) and max(mine)[2] == IncidentStatus.FIXED


def test_closed_follows_the_latest_update_whatever_is_done_to_the_updates():
    @settings(
        max_examples=100,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(operations)
    def check(steps):
        with transaction.atomic():
            incidents = [IncidentFactory(), IncidentFactory()]
            # pk -> (incident index, created, status): what the rule is computed from.
            model: dict[int, tuple[int, datetime.datetime, int]] = {}
            for kind, *args in steps:
                pks = sorted(model)
                pk = pks[args[0] % len(pks)] if pks else None
                if kind == "add":
                    which, status, offset = args
                    created = START + datetime.timedelta(minutes=offset)
                    update = IncidentUpdate.objects.create(
                        incident=incidents[which], status=status, description="d", created=created
                    )
                    model[update.pk] = (which, created, status)
                elif kind == "save_incident":
                    # A copy loaded long before, saved after whatever came since.
                    incidents[args[0]].name = "Renamed"
                    incidents[args[0]].save()
                elif pk is None:
                    continue
                elif kind in ("save", "bulk_update"):
                    _index, status, offset = args
                    created = START + datetime.timedelta(minutes=offset)
                    if kind == "save":
                        update = IncidentUpdate.objects.get(pk=pk)
                        update.status, update.created = status, created
                        update.save()
                    else:
                        IncidentUpdate.objects.filter(pk=pk).update(status=status, created=created)
                    model[pk] = (model[pk][0], created, status)
                elif kind == "move":
                    which = args[1]
                    update = IncidentUpdate.objects.get(pk=pk)
                    update.incident = incidents[which]
                    update.save()
                    model[pk] = (which, *model[pk][1:])
                elif kind == "delete":
                    IncidentUpdate.objects.get(pk=pk).delete()
                    del model[pk]
                elif kind == "bulk_delete":
                    IncidentUpdate.objects.filter(pk__gte=pk).delete()
                    for gone in [p for p in model if p >= pk]:
                        del model[gone]

                for index, incident in enumerate(incidents):
                    stored = Incident.objects.get(pk=incident.pk).closed
                    assert stored == _expected_closed(model, index), (steps, model)
            transaction.set_rollback(True)

    check()
