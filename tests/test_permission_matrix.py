"""Who may do what: every management page and every API write, for everybody.

The cases come from the URL conf, so a new route cannot be forgotten: every
named page of the app is either a management page (and walked here) or listed
in ``PUBLIC_PAGES``, and every write route of the native API is walked here.

For each case:

- an anonymous visitor is sent to the login page (pages) or refused with a
  401/403 (API);
- a signed-in user without the permission gets a 403, and so does a staff
  user holding *every other* statusboard permission: no other permission
  grants it;
- a user holding exactly that permission gets through, and the change is made.

Nothing changes in the database unless the request is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.db.models import Model
from django.urls import URLPattern, reverse
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSetMixin

from statusboard.api.versioning import NATIVE_VERSIONS
from statusboard.models import Incident, Maintenance, Service, ServiceGroup
from statusboard.notifications import ssrf
from statusboard.notifications.models import (
    EmailSubscriber,
    NotificationEvent,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
)
from statusboard.views.manage import ManageMixin
from tests.factories import (
    EmailSubscriberFactory,
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    NotificationEventFactory,
    ServiceFactory,
    ServiceGroupFactory,
    UserFactory,
    WebhookAttemptFactory,
    WebhookFactory,
)
from tests.helpers import app_routes, user_with_perms

pytestmark = pytest.mark.django_db

LOGIN = reverse("statusboard:login")
WRITTEN = "Written by the test"

# --- The routes, from the URL conf ---------------------------------------------------


def _is_api(name: str) -> bool:
    return name.split(":")[1] in (*NATIVE_VERSIONS, "v2") or name.startswith("statusboard:api-")


def _view_class(pattern: URLPattern) -> type | None:
    return getattr(pattern.callback, "view_class", None)


def management_page_names() -> set[str]:
    return {
        name
        for name, pattern in app_routes().items()
        if not _is_api(name) and issubclass(_view_class(pattern) or object, ManageMixin)
    }


# Pages anybody may see (or that need a signed token rather than a permission).
PUBLIC_PAGES = {
    "statusboard:index",
    "statusboard:login",
    "statusboard:logout",
    "statusboard:incident:archive-index",
    "statusboard:incident:archive-month",
    "statusboard:incident:detail",
    "statusboard:service:detail",
    "statusboard:maintenance:detail",
    "statusboard:feed-incidents-rss",
    "statusboard:feed-incidents-atom",
    "statusboard:feed-maintenances-ics",
    "statusboard:badge-status",
    "statusboard:badge-service",
    "statusboard:subscribe",
    "statusboard:subscribe-sent",
    "statusboard:subscribe-confirm",
    "statusboard:unsubscribe",
}

WRITE_METHODS = ("post", "put", "patch", "delete")


def api_write_routes() -> set[tuple[str, str, str]]:
    """``(version, basename, method)`` of every write the native API routes."""
    writes = set()
    for name, pattern in app_routes().items():
        version = name.split(":")[1]
        actions = getattr(pattern.callback, "actions", None)
        if version not in NATIVE_VERSIONS or not actions:
            continue
        basename = name.split(":")[2].rsplit("-", 1)[0]
        writes.update((version, basename, method) for method in actions if method in WRITE_METHODS)
    return writes


def api_viewsets() -> set[type]:
    return {
        pattern.callback.cls
        for name, pattern in app_routes().items()
        if _is_api(name) and issubclass(getattr(pattern.callback, "cls", object), ViewSetMixin)
    }


# --- The management pages ------------------------------------------------------------

PAGE_ACTIONS = {"create": "add", "edit": "change", "delete": "delete", "list": "view"}


@dataclass(frozen=True)
class Page:
    model: type[Model]
    view: str  # create, edit, delete, list

    @property
    def name(self) -> str:
        return f"statusboard:{self.model._meta.model_name}:{self.view}"

    @property
    def permission(self) -> str:
        return f"{PAGE_ACTIONS[self.view]}_{self.model._meta.model_name}"

    def __str__(self) -> str:
        return self.name.removeprefix("statusboard:")


PAGE_FACTORIES = {
    ServiceGroup: ServiceGroupFactory,
    Service: ServiceFactory,
    Incident: IncidentFactory,
    Maintenance: MaintenanceFactory,
    Webhook: WebhookFactory,
}

PAGES = [
    *(Page(model, view) for model in PAGE_FACTORIES for view in ("create", "edit", "delete")),
    Page(Webhook, "list"),
]


def form_data(model: type[Model]) -> dict[str, object]:
    """A valid POST of the create or edit form of ``model``, named ``WRITTEN``."""
    return {
        ServiceGroup: {"name": WRITTEN, "priority": "0", "collapse": "0"},
        Service: {"name": WRITTEN, "status": "0", "priority": "0", "public": "on"},
        Maintenance: {"name": WRITTEN, "scheduled": "2030-01-01T10:00"},
        Incident: {
            "name": WRITTEN,
            "occurred": "2024-05-01T10:00",
            "impact": "0",
            "updates-TOTAL_FORMS": "0",
            "updates-INITIAL_FORMS": "0",
        },
        Webhook: {"name": WRITTEN, "url": "https://hooks.example.com/in", "secret": "s" * 32},
    }[model]


@pytest.fixture(autouse=True)
def public_dns(monkeypatch):
    """Every host name is public: webhook URLs validate without a real lookup."""
    monkeypatch.setattr(ssrf, "resolve", lambda host, port: ["93.184.215.14"])


def snapshot(model: type[Model]) -> list[tuple]:
    return list(model.objects.order_by("pk").values_list("pk", "name"))


def everything_but(codename: str, **kwargs: object):
    """A user holding every statusboard permission except ``codename``."""
    user = UserFactory(**kwargs)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="statusboard").exclude(codename=codename)
    )
    return user


def test_the_matrix_covers_every_management_page():
    assert management_page_names() == {page.name for page in PAGES}


def test_every_page_is_either_managed_or_public():
    pages = {name for name in app_routes() if not _is_api(name)}
    assert pages == management_page_names() | PUBLIC_PAGES


def _page_url(page: Page, obj: Model) -> str:
    if page.view in ("create", "list"):
        return reverse(page.name)
    return reverse(page.name, args=[obj.pk])


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_anonymous_visitors_are_sent_to_sign_in(client, page):
    obj = PAGE_FACTORIES[page.model]()
    url = _page_url(page, obj)
    before = snapshot(page.model)

    for response in (client.get(url), client.post(url, form_data(page.model))):
        assert response.status_code == 302
        assert response["Location"] == f"{LOGIN}?next={quote(url)}"

    assert snapshot(page.model) == before


@pytest.mark.parametrize("who", ["no permission", "staff, no permission", "every other one"])
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_without_the_permission_it_is_forbidden(client, page, who):
    obj = PAGE_FACTORIES[page.model]()
    url = _page_url(page, obj)
    client.force_login(
        {
            "no permission": lambda: UserFactory(),
            "staff, no permission": lambda: UserFactory(staff=True),
            "every other one": lambda: everything_but(page.permission, staff=True),
        }[who]()
    )
    before = snapshot(page.model)

    assert client.get(url).status_code == 403
    assert client.post(url, form_data(page.model)).status_code == 403

    assert snapshot(page.model) == before


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_exactly_the_permission_is_enough(client, page):
    obj = PAGE_FACTORIES[page.model](name="Before")
    url = _page_url(page, obj)
    client.force_login(user_with_perms(page.permission))

    assert client.get(url).status_code == 200
    if page.view == "list":
        return
    response = client.post(url, {} if page.view == "delete" else form_data(page.model))

    assert response.status_code == 302, response.content.decode()[:2000]
    names = [name for _pk, name in snapshot(page.model)]
    assert (
        names
        == {
            "create": ["Before", WRITTEN],
            "edit": [WRITTEN],
            "delete": [],
        }[page.view]
    )


# --- The API -----------------------------------------------------------------------


API_ACTIONS = {"post": "add", "put": "change", "patch": "change", "delete": "delete"}
API_FACTORIES = {
    "servicegroup": ServiceGroupFactory,
    "service": ServiceFactory,
    "incident": IncidentFactory,
    "incidentupdate": IncidentUpdateFactory,
    "maintenance": MaintenanceFactory,
    "webhook": WebhookFactory,
}
# The field each write sets to WRITTEN, to see that it happened.
MARKER_FIELD = {"incidentupdate": "description"}


def api_body(basename: str, target: Model) -> dict[str, object]:
    """A full, valid body for POST and PUT of ``basename``."""
    return {
        "servicegroup": {"name": WRITTEN},
        "service": {"name": WRITTEN},
        "incident": {"name": WRITTEN},
        "incidentupdate": {
            "incident": getattr(target, "incident_id", None),
            "status": 1,
            "description": WRITTEN,
        },
        "maintenance": {"name": WRITTEN, "scheduled": "2030-01-01T10:00:00Z"},
        "webhook": {"name": WRITTEN, "endpoint": "https://hooks.example.com/in"},
    }[basename]


def _api_cases() -> list[tuple[str, str, str]]:
    return [
        (version, basename, method)
        for version in NATIVE_VERSIONS
        for basename in API_FACTORIES
        for method in WRITE_METHODS
        if not (version == "v0.1" and basename == "webhook")
    ]


API_CASES = _api_cases()


def test_the_matrix_covers_every_api_write():
    assert api_write_routes() == set(API_CASES)


def test_no_api_exposes_the_subscribers_or_the_delivery_log():
    models = {
        serializer.Meta.model
        for viewset in api_viewsets()
        for serializer in viewset.serializer_classes.values()
    }
    assert Webhook in models
    assert not models & {EmailSubscriber, WebhookDelivery, WebhookAttempt, NotificationEvent}


class APICase:
    def __init__(self, version: str, basename: str, method: str) -> None:
        self.version, self.basename, self.method = version, basename, method
        self.target = API_FACTORIES[basename](**{MARKER_FIELD.get(basename, "name"): "Before"})
        self.model = type(self.target)
        self.permission = f"{API_ACTIONS[method]}_{self.model._meta.model_name}"

    def request(self, client: APIClient):
        prefix = f"/statusboard/api/{self.version}/{self.basename}/"
        body = api_body(self.basename, self.target)
        if self.method == "post":
            return client.post(prefix, body, format="json")
        detail = f"{prefix}{self.target.pk}/"
        if self.method == "delete":
            return client.delete(detail)
        if self.method == "patch":
            body = {MARKER_FIELD.get(self.basename, "name"): WRITTEN}
        return getattr(client, self.method)(detail, body, format="json")

    def rows(self) -> list[str]:
        field = MARKER_FIELD.get(self.basename, "name")
        return list(self.model.objects.order_by("pk").values_list(field, flat=True))

    def expected_rows(self) -> list[str]:
        return {
            "post": ["Before", WRITTEN],
            "put": [WRITTEN],
            "patch": [WRITTEN],
            "delete": [],
        }[self.method]


def _signed_in(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture(params=API_CASES, ids="-".join)
def api_case(request) -> APICase:
    return APICase(*request.param)


def test_anonymous_api_writes_are_refused(api_case):
    response = api_case.request(APIClient())

    assert response.status_code in (401, 403)
    assert "detail" in response.json()
    assert api_case.rows() == ["Before"]


@pytest.mark.parametrize("who", ["no permission", "staff, no permission", "every other one"])
def test_api_writes_without_the_permission_are_forbidden(api_case, who):
    user = {
        "no permission": lambda: UserFactory(),
        "staff, no permission": lambda: UserFactory(staff=True),
        "every other one": lambda: everything_but(api_case.permission, staff=True),
    }[who]()

    response = api_case.request(_signed_in(user))

    assert response.status_code == 403, response.content
    assert api_case.rows() == ["Before"]


def test_api_writes_with_exactly_the_permission_are_made(api_case):
    response = api_case.request(_signed_in(user_with_perms(api_case.permission)))

    assert response.status_code in (200, 201, 204), response.content
    assert api_case.rows() == api_case.expected_rows()


# --- Subscribers and the delivery log: managers only ---------------------------------


@pytest.fixture
def logs():
    EmailSubscriberFactory(email="secret-subscriber@example.com")
    attempt = WebhookAttemptFactory(error="secret-error", delivery__webhook__name="Secret hook")
    NotificationEventFactory()
    return attempt


ADMIN_MODELS = [
    "emailsubscriber",
    "webhook",
    "webhookdelivery",
    "webhookattempt",
    "notificationevent",
]


def _admin_urls(model: str) -> list[str]:
    instance = {
        "emailsubscriber": EmailSubscriber,
        "webhook": Webhook,
        "webhookdelivery": WebhookDelivery,
        "webhookattempt": WebhookAttempt,
        "notificationevent": NotificationEvent,
    }[model].objects.first()
    return [
        reverse(f"admin:statusboard_{model}_changelist"),
        reverse(f"admin:statusboard_{model}_change", args=[instance.pk]),
    ]


@pytest.mark.parametrize("model", ADMIN_MODELS)
def test_the_admin_shows_subscribers_and_logs_to_managers_only(client, logs, model):
    urls = _admin_urls(model)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))

    # Not staff: the admin is closed, whatever the permissions.
    client.force_login(user_with_perms(f"view_{model}", f"change_{model}"))
    for url in urls:
        assert client.get(url)["Location"].startswith(reverse("admin:login"))

    # Staff with every permission but the ones that show these rows.
    user = UserFactory(staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="statusboard").exclude(
            codename__in=[f"view_{model}", f"change_{model}"]
        )
    )
    client.force_login(user)
    for url in urls:
        assert client.get(url).status_code == 403

    client.force_login(user_with_perms(f"view_{model}", staff=True))
    for url in urls:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "no permission", "every other one"])
def test_webhooks_and_their_deliveries_are_hidden_from_everybody_else(client, logs, who):
    hook = logs.delivery.webhook
    api_client = APIClient()
    if who != "anonymous":
        user = (
            UserFactory(staff=True)
            if who == "no permission"
            else everything_but("view_webhook", staff=True)
        )
        client.force_login(user)
        api_client.force_login(user)
    pages = [reverse("statusboard:webhook:list")]
    reads = ["/statusboard/api/v1/webhook/", f"/statusboard/api/v1/webhook/{hook.pk}/"]

    for url in pages:
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert b"Secret hook" not in response.content
    for url in reads:
        response = api_client.get(url)
        assert response.status_code in (401, 403)
        assert hook.secret not in response.content.decode()


def test_managers_see_webhooks_and_their_deliveries(client, logs):
    hook = logs.delivery.webhook
    manager = user_with_perms("view_webhook")
    client.force_login(manager)
    api_client = _signed_in(manager)

    assert "Secret hook" in client.get(reverse("statusboard:webhook:list")).content.decode()
    response = api_client.get(f"/statusboard/api/v1/webhook/{hook.pk}/")
    assert response.status_code == 200
    assert response.json()["secret"] == hook.secret
