"""The management pages: who may use them, and what they change."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.dispatch import receiver
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from statusboard import signals
from statusboard.models import (
    Incident,
    IncidentImpact,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
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

FACTORIES = {
    "servicegroup": ServiceGroupFactory,
    "service": ServiceFactory,
    "maintenance": MaintenanceFactory,
    "incident": IncidentFactory,
}
MODELS = {
    "servicegroup": ServiceGroup,
    "service": Service,
    "maintenance": Maintenance,
    "incident": Incident,
}
ACTIONS = {"create": "add", "edit": "change", "delete": "delete"}


def _url(model: str, view: str, obj=None) -> str:
    if view == "create":
        return reverse(f"statusboard:{model}:{view}")
    return reverse(f"statusboard:{model}:{view}", args=[obj.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def valid_data(model: str) -> dict[str, str]:
    """A valid POST for the create or edit form of ``model``."""
    return {
        "servicegroup": {"name": "Network", "priority": "3", "collapse": "1"},
        "service": {"name": "Mail", "status": "2", "priority": "0", "public": "on"},
        "maintenance": {"name": "Upgrade", "scheduled": "2030-01-01T10:00"},
        "incident": {
            "name": "Outage",
            "occurred": "2024-05-01T10:00",
            "impact": "1",
            **formset_data([]),
        },
    }[model]


def formset_data(forms: list[dict[str, str]], initial: int = 0) -> dict[str, str]:
    """The POST of the updates formset with ``forms``."""
    data = {
        "updates-TOTAL_FORMS": str(len(forms)),
        "updates-INITIAL_FORMS": str(initial),
        "updates-MIN_NUM_FORMS": "0",
        "updates-MAX_NUM_FORMS": "1000",
    }
    for index, form in enumerate(forms):
        for key, value in form.items():
            data[f"updates-{index}-{key}"] = value
    return data


PAGES = [(model, view) for model in FACTORIES for view in ACTIONS]


# -- Permissions (who is refused: tests/test_permission_matrix.py) ----------------------


@pytest.mark.parametrize(("model", "view"), PAGES)
def test_with_the_permission_the_page_shows(client, model, view):
    obj = FACTORIES[model]()
    client.force_login(user_with_perms(f"{ACTIONS[view]}_{model}"))

    response = client.get(_url(model, view, obj))

    assert response.status_code == 200
    doc = check_page(response.content)
    assert doc.find("form", method="post").find("button", type="submit") is not None


@pytest.mark.parametrize(("model", "view"), [p for p in PAGES if p[1] != "create"])
def test_a_missing_object_is_a_404(client, model, view):
    client.force_login(user_with_perms(f"{ACTIONS[view]}_{model}"))
    url = reverse(f"statusboard:{model}:{view}", args=[987654])

    assert client.get(url).status_code == 404
    assert client.post(url, valid_data(model)).status_code == 404


# -- Create, edit, delete --------------------------------------------------------------


@pytest.mark.parametrize("model", FACTORIES)
def test_create(client, model):
    client.force_login(user_with_perms(f"add_{model}"))

    response = client.post(_url(model, "create"), valid_data(model))

    obj = MODELS[model].objects.get()
    assert response.status_code == 302
    assert response["Location"] == obj.get_absolute_url()
    assert _messages(response) == [f"The {obj._meta.verbose_name} “{obj}” was added."]


@pytest.mark.parametrize("model", FACTORIES)
def test_edit(client, model):
    obj = FACTORIES[model]()
    client.force_login(user_with_perms(f"change_{model}"))

    response = client.post(_url(model, "edit", obj), valid_data(model))

    obj.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == obj.get_absolute_url()
    assert obj.name == valid_data(model)["name"]
    assert _messages(response) == [f"The {obj._meta.verbose_name} “{obj}” was changed."]


@pytest.mark.parametrize("model", FACTORIES)
def test_delete(client, model):
    obj = FACTORIES[model](name="Doomed")
    client.force_login(user_with_perms(f"delete_{model}"))

    page = check_page(client.get(_url(model, "delete", obj)).content)
    assert "Doomed" in page.find("h1").text
    response = client.post(_url(model, "delete", obj))

    assert response.status_code == 302
    assert response["Location"] == "/statusboard/"
    assert not MODELS[model].objects.exists()
    assert _messages(response) == [f"The {obj._meta.verbose_name} “Doomed” was deleted."]


def test_the_flash_message_shows_on_the_next_page(client):
    client.force_login(user_with_perms("add_servicegroup"))

    response = client.post(_url("servicegroup", "create"), valid_data("servicegroup"), follow=True)

    message = check_page(response.content).find(id="statusboard-messages")
    assert message.text == "The service group “Network” was added."
    assert message.find(data_message_level="success") is not None


def test_deleting_a_group_keeps_its_services(client):
    group = ServiceGroupFactory()
    service = ServiceFactory(groups=[group])
    client.force_login(user_with_perms("delete_servicegroup"))

    client.post(_url("servicegroup", "delete", group))

    assert list(Service.objects.all()) == [service]


def test_editing_a_service_status_records_history_and_signals(client):
    service = ServiceFactory(name="Mail")
    client.force_login(user_with_perms("change_service"))
    calls = []

    @receiver(signals.service_status_changed)
    def record(sender, service, old_status, new_status, **kwargs):
        calls.append((service.pk, old_status, new_status))

    try:
        client.post(_url("service", "edit", service), valid_data("service"))
    finally:
        signals.service_status_changed.disconnect(record)

    assert calls == [(service.pk, ServiceStatus.OPERATIONAL, ServiceStatus.PARTIAL_OUTAGE)]
    assert ServiceStatusChange.objects.filter(service=service).count() == 2


def test_a_link_without_scheme_is_taken_as_https(client):
    client.force_login(user_with_perms("add_service"))
    client.post(_url("service", "create"), {**valid_data("service"), "href": "example.com"})
    assert Service.objects.get().href == "https://example.com"


def test_maintenance_times_are_in_the_sites_time_zone(client):
    client.force_login(user_with_perms("add_maintenance"))
    client.post(
        _url("maintenance", "create"),
        {**valid_data("maintenance"), "end": "2030-01-01T12:30"},
    )
    maintenance = Maintenance.objects.get()
    local = timezone.localtime(maintenance.scheduled)
    assert (local.hour, local.minute) == (10, 0)
    assert maintenance.end - maintenance.scheduled == datetime.timedelta(hours=2, minutes=30)


# -- Invalid input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        ("servicegroup", {"name": "", "priority": "0", "collapse": "0"}, "name"),
        ("service", {"name": "Mail", "status": "9", "priority": "0"}, "status"),
        ("service", {"name": "Mail", "status": "0", "priority": "0", "href": "ftp://x"}, "href"),
        (
            "maintenance",
            {"name": "Up", "scheduled": "2030-01-01T10:00", "end": "2030-01-01T09:00"},
            "end",
        ),
        ("maintenance", {"name": "Up", "scheduled": "tomorrow"}, "scheduled"),
    ],
)
def test_invalid_input_shows_errors_by_the_field_and_saves_nothing(client, model, data, field):
    client.force_login(user_with_perms(f"add_{model}"))

    response = client.post(_url(model, "create"), data)

    assert response.status_code == 200
    assert not MODELS[model].objects.exists()
    assert _messages(response) == []
    doc = check_page(response.content)
    control = doc.find(id=f"id_{field}")
    assert "is-invalid" in control.classes
    assert control.attrs["aria-invalid"] == "true"
    error = doc.find(id=f"id_{field}_error")
    assert error.text
    assert f"id_{field}_error" in control.attrs["aria-describedby"].split()


def test_a_duplicate_name_is_refused(client):
    ServiceGroupFactory(name="Network")
    client.force_login(user_with_perms("add_servicegroup"))

    response = client.post(_url("servicegroup", "create"), valid_data("servicegroup"))

    assert ServiceGroup.objects.count() == 1
    assert "already exists" in check_page(response.content).find(id="id_name_error").text


# -- The incident form: the incident, its updates and the services' status ---------------


@pytest.fixture
def manager(client):
    client.force_login(user_with_perms("add_incident", "change_incident"))
    return client


@pytest.fixture
def status_signals():
    calls = []

    def record(sender, service, old_status, new_status, **kwargs):
        calls.append((service.name, old_status, new_status))

    signals.service_status_changed.connect(record)
    yield calls
    signals.service_status_changed.disconnect(record)


def test_create_an_incident_that_sets_its_services_status(manager, status_signals):
    web = ServiceFactory(name="Web")
    api = ServiceFactory(name="API")
    db = ServiceFactory(name="DB", status=ServiceStatus.MAJOR_OUTAGE)
    untouched = ServiceFactory(name="Untouched")
    data = {
        "name": "Datacenter down",
        "occurred": "2024-05-01T10:00",
        "impact": str(IncidentImpact.CRITICAL),
        "services": [str(web.pk), str(api.pk), str(db.pk)],
        "set_status": str(ServiceStatus.MAJOR_OUTAGE),
        **formset_data([{"status": "0", "description": "We are looking into it."}]),
    }

    response = manager.post(reverse("statusboard:incident:create"), data)

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == incident.get_absolute_url()
    assert incident.impact == IncidentImpact.CRITICAL
    assert set(incident.services.all()) == {web, api, db}
    assert [u.description for u in incident.updates.all()] == ["We are looking into it."]
    assert not incident.closed
    # Each service that changed, once; DB was already down.
    assert sorted(status_signals) == [
        ("API", ServiceStatus.OPERATIONAL, ServiceStatus.MAJOR_OUTAGE),
        ("Web", ServiceStatus.OPERATIONAL, ServiceStatus.MAJOR_OUTAGE),
    ]
    assert ServiceStatusChange.objects.filter(new_status=ServiceStatus.MAJOR_OUTAGE).count() == 3
    untouched.refresh_from_db()
    assert untouched.status == ServiceStatus.OPERATIONAL
    assert _messages(response) == [
        "The incident “Datacenter down” was added.",
        "2 services set to Major outage.",
    ]


def test_edit_adds_edits_and_deletes_updates_together(manager, status_signals):
    service = ServiceFactory(down=True)
    incident = IncidentFactory(name="Outage", services=[service])
    keep = IncidentUpdateFactory(incident=incident, description="Looking")
    drop = IncidentUpdateFactory(incident=incident, description="Wrong")
    IncidentUpdate.objects.filter(pk=keep.pk).update(
        created=timezone.now() - datetime.timedelta(hours=1)
    )
    page = check_page(manager.get(reverse("statusboard:incident:edit", args=[incident.pk])).content)
    # The new update's form comes first, then the existing ones, newest first.
    prefixes = [f.attrs["data-update-form"] for f in page.find_all(data_update_form=True)]
    assert prefixes[:3] == ["updates-2", "updates-0", "updates-1"]
    assert page.find(data_update_form="updates-0").attrs["data-update"] == str(drop.pk)

    data = {
        "name": "Outage",
        "occurred": "2024-05-01T10:00",
        "impact": "0",
        "services": [str(service.pk)],
        "set_status": "",
        **formset_data(
            [
                {"id": str(drop.pk), "status": "0", "description": "Wrong", "DELETE": "on"},
                {"id": str(keep.pk), "status": "1", "description": "Found it"},
                {"status": str(IncidentStatus.FIXED), "description": "Fixed."},
            ],
            initial=2,
        ),
    }

    response = manager.post(reverse("statusboard:incident:edit", args=[incident.pk]), data)

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.closed
    assert [(u.status, u.description) for u in incident.updates.all()] == [
        (IncidentStatus.FIXED, "Fixed."),
        (IncidentStatus.IDENTIFIED, "Found it"),
    ]
    # No status chosen: the services stay as they are.
    service.refresh_from_db()
    assert service.status == ServiceStatus.MAJOR_OUTAGE
    assert status_signals == []
    assert _messages(response) == ["The incident “Outage” was changed."]


def test_an_empty_new_update_form_is_ignored(manager):
    data = {**valid_data("incident"), **formset_data([{"status": "", "description": ""}])}
    response = manager.post(reverse("statusboard:incident:create"), data)
    assert response.status_code == 302
    assert not IncidentUpdate.objects.exists()


def test_an_invalid_update_saves_nothing(manager, status_signals):
    service = ServiceFactory()
    data = {
        **valid_data("incident"),
        "services": [str(service.pk)],
        "set_status": "3",
        **formset_data([{"status": "1", "description": ""}]),
    }

    response = manager.post(reverse("statusboard:incident:create"), data)

    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert not IncidentUpdate.objects.exists()
    service.refresh_from_db()
    assert service.status == ServiceStatus.OPERATIONAL
    assert status_signals == []
    doc = check_page(response.content)
    assert doc.find(id="id_updates-0-description_error").text == "This field is required."
    # What was typed is still there.
    assert doc.find(id="id_name").attrs["value"] == "Outage"


def test_an_invalid_incident_saves_no_update(manager):
    incident = IncidentFactory(name="Before")
    data = {
        **valid_data("incident"),
        "name": "",
        **formset_data([{"status": "3", "description": "Fixed"}]),
    }

    response = manager.post(reverse("statusboard:incident:edit", args=[incident.pk]), data)

    assert response.status_code == 200
    assert "id_name_error" in response.content.decode()
    incident.refresh_from_db()
    assert incident.name == "Before"
    assert not incident.updates.exists()


def test_setting_a_status_needs_affected_services(manager):
    data = {**valid_data("incident"), "set_status": "3"}

    response = manager.post(reverse("statusboard:incident:create"), data)

    assert response.status_code == 200
    assert not Incident.objects.exists()
    assert "Choose the affected services first" in (
        check_page(response.content).find(id="id_set_status_error").text
    )


def test_the_incident_and_the_status_change_are_one_transaction(manager):
    service = ServiceFactory()

    def fail(**kwargs):
        raise RuntimeError("notification failed")

    signals.service_status_changed.connect(fail)
    data = {
        **valid_data("incident"),
        "services": [str(service.pk)],
        "set_status": "3",
        **formset_data([{"status": "0", "description": "Looking"}]),
    }
    try:
        with pytest.raises(RuntimeError):
            manager.post(reverse("statusboard:incident:create"), data)
    finally:
        signals.service_status_changed.disconnect(fail)

    assert not Incident.objects.exists()
    assert not IncidentUpdate.objects.exists()
    service.refresh_from_db()
    assert service.status == ServiceStatus.OPERATIONAL


def test_non_public_services_are_offered_and_marked(manager):
    ServiceFactory(name="Secret", hidden=True)

    doc = check_page(manager.get(reverse("statusboard:incident:create")).content)

    labels = [label.text for label in doc.find(data_field="services").find_all("label")]
    assert labels == ["Secret (not public)"]


def test_editing_keeps_the_incidents_non_public_services_for_non_staff(manager):
    hidden = ServiceFactory(hidden=True)
    incident = IncidentFactory(services=[hidden])
    data = {**valid_data("incident"), "services": [str(hidden.pk)]}

    manager.post(reverse("statusboard:incident:edit", args=[incident.pk]), data)

    assert list(incident.services.all()) == [hidden]


@override_settings(LOGIN_URL="/somewhere/else/")
def test_the_apps_login_page_wins_over_the_hosts_login_url(client):
    response = client.get(reverse("statusboard:incident:create"))
    assert response["Location"].startswith("/statusboard/login/?next=")
