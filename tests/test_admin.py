from __future__ import annotations

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from statusboard.models import (
    CollapseMode,
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
from statusboard.signals import service_status_changed
from tests.factories import (
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:statusboard_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def admin_user_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def status_changes():
    received = []

    def handler(sender, service, old_status, new_status, **kwargs):
        received.append((sender, service.pk, old_status, new_status))

    service_status_changed.connect(handler)
    yield received
    service_status_changed.disconnect(handler)


class _FormParser(HTMLParser):
    """The fields a browser would submit from the form with the given id."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form":
            self.in_form = attributes.get("id") == self.form_id
        if not self.in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.fields.append(
                (name, attributes.get("value") or ("on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and name:
            self._select, self._multiple, self._options = name, "multiple" in attributes, []
        elif tag == "option" and self._select:
            self._options.append((attributes.get("value") or "", "selected" in attributes))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            selected = [value for value, chosen in self._options if chosen]
            if not selected and not self._multiple and self._options:
                selected = [self._options[0][0]]
            self.fields.extend((self._select, value) for value in selected)
            self._select = None
        elif tag == "textarea" and self._textarea:
            # Browsers drop the newline that follows <textarea>.
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def form_data(response, model) -> dict[str, str | list[str]]:
    """The POST data of an admin change form as rendered, inline templates left out."""
    parser = _FormParser(f"{model._meta.model_name}_form")
    parser.feed(response.content.decode())
    data: dict[str, str | list[str]] = {}
    for name, value in parser.fields:
        if "__prefix__" in name:
            continue
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def inline_index(data: dict, prefix: str, pk: int) -> int:
    return next(
        int(name.split("-")[1])
        for name, value in data.items()
        if name.startswith(f"{prefix}-") and name.endswith("-id") and value == str(pk)
    )


# What each changelist shows, with realistic related rows.


def make_groups(count: int) -> None:
    for group in ServiceGroupFactory.create_batch(count):
        ServiceFactory(groups=[group])


def make_services(count: int) -> None:
    group = ServiceGroupFactory()
    for service in ServiceFactory.create_batch(count, groups=[group]):
        service.set_status(ServiceStatus.PARTIAL_OUTAGE)
        IncidentFactory(services=[service])


def make_incidents(count: int) -> None:
    service = ServiceFactory()
    for incident in IncidentFactory.create_batch(count, services=[service]):
        IncidentUpdateFactory(incident=incident)
        IncidentUpdateFactory(incident=incident, fixed=True)


def make_maintenances(count: int) -> None:
    service = ServiceFactory()
    MaintenanceFactory.create_batch(count, services=[service])


def make_status_changes(count: int) -> None:
    # Creating a service writes one change, setting its status another.
    for service in ServiceFactory.create_batch(count // 2):
        service.set_status(ServiceStatus.MAJOR_OUTAGE)
    if count % 2:
        ServiceFactory()


MAKERS = {
    ServiceGroup: make_groups,
    Service: make_services,
    Incident: make_incidents,
    Maintenance: make_maintenances,
    ServiceStatusChange: make_status_changes,
}
# Their changelists have a date_hierarchy.
DATE_HIERARCHY = {Incident, Maintenance, ServiceStatusChange}
EDITABLE = [Service, ServiceGroup, Incident, Maintenance]


def time_zones_loaded() -> bool:
    if connection.vendor != "mysql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT CONVERT_TZ('2001-01-01 00:00:00', 'UTC', 'Europe/Rome')")
        return cursor.fetchone()[0] is not None


def skip_if_date_hierarchy_cannot_work(model=None) -> None:
    # The admin's date_hierarchy truncates dates in the current time zone, which
    # MySQL and MariaDB can only do with their time zone tables loaded:
    # https://docs.djangoproject.com/en/stable/ref/models/querysets/#datetimes
    if (model is None or model in DATE_HIERARCHY) and not time_zones_loaded():
        pytest.skip("the database has no time zone definitions (load them: mysql_tzinfo_to_sql)")


@pytest.fixture
def date_hierarchy_works(db):
    skip_if_date_hierarchy_cannot_work()


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


class TestPages:
    @pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
    def test_changelist(self, admin_user_client, model):
        skip_if_date_hierarchy_cannot_work(model)
        MAKERS[model](3)

        response = admin_user_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count == model.objects.count()

    @pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
    def test_changelist_empty(self, admin_user_client, model):
        model.objects.all().delete()

        response = admin_user_client.get(admin_url(model, "changelist"))

        assert response.status_code == 200
        assert response.context["cl"].result_count == 0

    @pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
    def test_changelist_query_count_is_flat(self, admin_user_client, model):
        skip_if_date_hierarchy_cannot_work(model)
        url = admin_url(model, "changelist")
        MAKERS[model](5)
        admin_user_client.get(url)  # Fill the caches a first request fills.
        with_5 = count_queries(admin_user_client, url)

        MAKERS[model](45)
        assert model.objects.count() >= 50
        with_50 = count_queries(admin_user_client, url)

        assert with_5 == with_50

    @pytest.mark.parametrize("model", EDITABLE, ids=lambda model: model.__name__)
    def test_add_page(self, admin_user_client, model):
        ServiceFactory()

        response = admin_user_client.get(admin_url(model, "add"))

        assert response.status_code == 200

    @pytest.mark.parametrize("model", MAKERS, ids=lambda model: model.__name__)
    def test_change_page(self, admin_user_client, model):
        MAKERS[model](2)
        obj = model.objects.first()

        response = admin_user_client.get(admin_url(model, "change", obj.pk))

        assert response.status_code == 200
        assert response.context["original"] == obj

    @pytest.mark.parametrize("model", EDITABLE, ids=lambda model: model.__name__)
    def test_delete_page(self, admin_user_client, model):
        MAKERS[model](2)
        obj = model.objects.first()

        response = admin_user_client.get(admin_url(model, "delete", obj.pk))

        assert response.status_code == 200


def result_names(response) -> set[str]:
    assert response.status_code == 200
    # The admin redirects to ?e=1 on a lookup it does not know: the status code catches that.
    return {str(obj) for obj in response.context["cl"].result_list}


class TestSearch:
    def test_service_by_name_and_description(self, admin_user_client):
        ServiceFactory(name="Database")
        ServiceFactory(name="API", description="Talks to the database.")
        ServiceFactory(name="Website")
        url = admin_url(Service, "changelist")

        assert result_names(admin_user_client.get(url, {"q": "database"})) == {"Database", "API"}

    def test_group_by_name(self, admin_user_client):
        ServiceGroupFactory(name="Backend")
        ServiceGroupFactory(name="Frontend")

        response = admin_user_client.get(admin_url(ServiceGroup, "changelist"), {"q": "back"})

        assert result_names(response) == {"Backend"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_incident_by_name_and_update_description(self, admin_user_client):
        IncidentFactory(name="Database down")
        by_update = IncidentFactory(name="Slow pages")
        IncidentUpdateFactory(incident=by_update, description="The database is slow.")
        IncidentUpdateFactory(incident=by_update, description="The database is fast again.")
        IncidentFactory(name="Mail delayed")

        response = admin_user_client.get(admin_url(Incident, "changelist"), {"q": "database"})

        assert result_names(response) == {"Database down", "Slow pages"}
        assert response.context["cl"].result_count == 2

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_maintenance_by_name_and_description(self, admin_user_client):
        MaintenanceFactory(name="Database upgrade")
        MaintenanceFactory(name="Network", description="New database routers.")
        MaintenanceFactory(name="Mail")

        response = admin_user_client.get(admin_url(Maintenance, "changelist"), {"q": "database"})

        assert result_names(response) == {"Database upgrade", "Network"}


class TestFilters:
    def test_service_by_status(self, admin_user_client):
        ServiceFactory(name="Up")
        ServiceFactory(name="Down", down=True)
        url = admin_url(Service, "changelist")

        response = admin_user_client.get(url, {"status__exact": ServiceStatus.MAJOR_OUTAGE})

        assert result_names(response) == {"Down"}

    def test_service_by_public(self, admin_user_client):
        ServiceFactory(name="Shown")
        ServiceFactory(name="Internal", hidden=True)
        url = admin_url(Service, "changelist")

        assert result_names(admin_user_client.get(url, {"public__exact": "0"})) == {"Internal"}
        assert result_names(admin_user_client.get(url, {"public__exact": "1"})) == {"Shown"}

    def test_service_by_group(self, admin_user_client):
        backend, frontend = ServiceGroupFactory(), ServiceGroupFactory()
        ServiceFactory(name="Database", groups=[backend])
        ServiceFactory(name="API", groups=[backend, frontend])
        ServiceFactory(name="Website", groups=[frontend])

        response = admin_user_client.get(
            admin_url(Service, "changelist"), {"groups__id__exact": backend.pk}
        )

        assert result_names(response) == {"Database", "API"}

    def test_group_by_collapse(self, admin_user_client):
        ServiceGroupFactory(name="Folded", collapse=CollapseMode.ALWAYS)
        ServiceGroupFactory(name="Open")

        response = admin_user_client.get(
            admin_url(ServiceGroup, "changelist"), {"collapse__exact": CollapseMode.ALWAYS}
        )

        assert result_names(response) == {"Folded"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_incident_by_closed(self, admin_user_client):
        IncidentUpdateFactory(incident__name="Over", fixed=True)
        IncidentUpdateFactory(incident__name="Ongoing")
        url = admin_url(Incident, "changelist")

        assert result_names(admin_user_client.get(url, {"closed__exact": "1"})) == {"Over"}
        assert result_names(admin_user_client.get(url, {"closed__exact": "0"})) == {"Ongoing"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_incident_by_impact(self, admin_user_client):
        IncidentFactory(name="Bad", impact=IncidentImpact.CRITICAL)
        IncidentFactory(name="Mild", impact=IncidentImpact.MINOR)

        response = admin_user_client.get(
            admin_url(Incident, "changelist"), {"impact__exact": IncidentImpact.CRITICAL}
        )

        assert result_names(response) == {"Bad"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    @pytest.mark.parametrize("model", [Incident, Maintenance])
    def test_by_service(self, admin_user_client, model):
        factory = {Incident: IncidentFactory, Maintenance: MaintenanceFactory}[model]
        database, api = ServiceFactory(), ServiceFactory()
        factory(name="Both", services=[database, api])
        factory(name="Database only", services=[database])
        factory(name="API only", services=[api])

        response = admin_user_client.get(
            admin_url(model, "changelist"), {"services__id__exact": database.pk}
        )

        assert result_names(response) == {"Both", "Database only"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_incident_by_date_hierarchy(self, admin_user_client):
        now = timezone.now()
        IncidentFactory(name="Recent", occurred=now)
        IncidentFactory(name="Old", occurred=now - datetime.timedelta(days=400))
        local = timezone.localtime(now)

        response = admin_user_client.get(
            admin_url(Incident, "changelist"),
            {"occurred__year": local.year, "occurred__month": local.month},
        )

        assert result_names(response) == {"Recent"}

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_status_change_by_new_status_and_service(self, admin_user_client):
        database = ServiceFactory(name="Database")
        database.set_status(ServiceStatus.MAJOR_OUTAGE)
        api = ServiceFactory(name="API")
        api.set_status(ServiceStatus.MAJOR_OUTAGE)
        url = admin_url(ServiceStatusChange, "changelist")

        response = admin_user_client.get(
            url, {"new_status__exact": ServiceStatus.MAJOR_OUTAGE, "service__id__exact": api.pk}
        )

        assert result_names(response) == {"API: Operational → Major outage"}


class TestServiceActions:
    def post_action(self, client, status, services, **extra):
        return client.post(
            admin_url(Service, "changelist"),
            {
                "action": f"set_status_{status.value}",
                "_selected_action": [service.pk for service in services],
                "index": "0",
                **extra,
            },
            follow=True,
        )

    def test_an_action_per_status(self, admin_user_client):
        response = admin_user_client.get(admin_url(Service, "changelist"))

        actions = dict(response.context["action_form"].fields["action"].choices)
        for status in ServiceStatus:
            assert actions[f"set_status_{status.value}"] == (
                f"Set status of selected services to {status.label}"
            )

    def test_actions_follow_the_language_of_the_request(self, admin_user_client):
        url = admin_url(Service, "changelist")

        # LocaleMiddleware leaves the request's language active: restore it after.
        with translation.override(None):
            italian = admin_user_client.get(url, headers={"accept-language": "it"})
            english = admin_user_client.get(url, headers={"accept-language": "en"})

        assert dict(italian.context["action_form"].fields["action"].choices)["set_status_3"] == (
            "Imposta lo stato dei servizi selezionati su Interruzione grave"
        )
        assert dict(english.context["action_form"].fields["action"].choices)["set_status_3"] == (
            "Set status of selected services to Major outage"
        )

    @pytest.mark.parametrize("status", list(ServiceStatus))
    def test_sets_the_status_of_the_selected_services(
        self, admin_user_client, status_changes, status
    ):
        already = ServiceFactory(status=status)
        changing = [ServiceFactory(status=other) for other in ServiceStatus if other != status]
        unselected_status = changing[0].status
        unselected = ServiceFactory(status=unselected_status)
        before = {s.pk: s.status for s in changing}
        changes_before = ServiceStatusChange.objects.count()

        response = self.post_action(admin_user_client, status, [already, *changing])

        assert response.status_code == 200
        assert [str(message) for message in get_messages(response.wsgi_request)] == [
            f"3 services set to {status.label}."
        ]
        for service in [already, *changing]:
            service.refresh_from_db()
            assert service.status == status
        unselected.refresh_from_db()
        assert unselected.status == unselected_status
        # One history row and one signal for each service that changed, none for the others.
        new_changes = ServiceStatusChange.objects.order_by("pk")[changes_before:]
        assert sorted((c.service_id, c.old_status, c.new_status) for c in new_changes) == sorted(
            (pk, old, status) for pk, old in before.items()
        )
        assert sorted(status_changes) == sorted(
            (Service, pk, old, status) for pk, old in before.items()
        )

    def test_nothing_changes_when_all_have_the_status(self, admin_user_client, status_changes):
        services = ServiceFactory.create_batch(2, down=True)
        changes_before = ServiceStatusChange.objects.count()

        response = self.post_action(admin_user_client, ServiceStatus.MAJOR_OUTAGE, services)

        assert [str(message) for message in get_messages(response.wsgi_request)] == [
            "0 services set to Major outage."
        ]
        assert ServiceStatusChange.objects.count() == changes_before
        assert status_changes == []

    def test_one_service(self, admin_user_client, status_changes):
        service = ServiceFactory()

        response = self.post_action(admin_user_client, ServiceStatus.PARTIAL_OUTAGE, [service])

        assert [str(message) for message in get_messages(response.wsgi_request)] == [
            "1 service set to Partial outage."
        ]
        assert status_changes == [
            (Service, service.pk, ServiceStatus.OPERATIONAL, ServiceStatus.PARTIAL_OUTAGE)
        ]

    def test_select_across_a_filtered_changelist(self, admin_user_client, status_changes):
        group = ServiceGroupFactory()
        in_group = ServiceFactory.create_batch(3, groups=[group])
        outside = ServiceFactory()

        admin_user_client.post(
            admin_url(Service, "changelist") + f"?groups__id__exact={group.pk}",
            {
                "action": "set_status_3",
                "_selected_action": [in_group[0].pk],
                "select_across": "1",
                "index": "0",
            },
        )

        assert sorted(pk for _, pk, _, _ in status_changes) == sorted(s.pk for s in in_group)
        outside.refresh_from_db()
        assert outside.status == ServiceStatus.OPERATIONAL
        assert Service.objects.filter(status=ServiceStatus.MAJOR_OUTAGE).count() == 3

    def test_not_offered_without_change_permission(self, client, staff_user, status_changes):
        staff_user.user_permissions.add(Permission.objects.get(codename="view_service"))
        client.force_login(staff_user)
        service = ServiceFactory()

        response = client.get(admin_url(Service, "changelist"))
        assert response.status_code == 200
        assert response.context["action_form"] is None

        self.post_action(client, ServiceStatus.MAJOR_OUTAGE, [service])

        service.refresh_from_db()
        assert service.status == ServiceStatus.OPERATIONAL
        assert status_changes == []


class TestServiceChangeForm:
    def test_new_status_records_history_and_sends_the_signal_once(
        self, admin_user_client, status_changes
    ):
        service = ServiceFactory(name="API", groups=[ServiceGroupFactory()])
        url = admin_url(Service, "change", service.pk)
        data = form_data(admin_user_client.get(url), Service)
        data["status"] = str(ServiceStatus.PARTIAL_OUTAGE.value)

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        service.refresh_from_db()
        assert service.status == ServiceStatus.PARTIAL_OUTAGE
        assert service.groups.count() == 1
        assert list(
            service.status_changes.order_by("pk").values_list("old_status", "new_status")
        ) == [
            (None, ServiceStatus.OPERATIONAL),
            (ServiceStatus.OPERATIONAL, ServiceStatus.PARTIAL_OUTAGE),
        ]
        assert status_changes == [
            (Service, service.pk, ServiceStatus.OPERATIONAL, ServiceStatus.PARTIAL_OUTAGE)
        ]

    def test_same_status_records_nothing(self, admin_user_client, status_changes):
        service = ServiceFactory(down=True)
        url = admin_url(Service, "change", service.pk)
        data = form_data(admin_user_client.get(url), Service)
        data["description"] = "Now with a description."

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        service.refresh_from_db()
        assert service.description == "Now with a description."
        assert service.status_changes.count() == 1
        assert status_changes == []

    @pytest.mark.filterwarnings("error")
    def test_link_without_scheme_gets_https(self, admin_user_client):
        service = ServiceFactory()
        url = admin_url(Service, "change", service.pk)
        data = form_data(admin_user_client.get(url), Service)
        data["href"] = "status.example.com/api"

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        service.refresh_from_db()
        assert service.href == "https://status.example.com/api"

    def test_add_records_the_first_status_without_a_signal(self, admin_user_client, status_changes):
        url = admin_url(Service, "add")
        data = form_data(admin_user_client.get(url), Service)
        data.update(name="Mail", status=str(ServiceStatus.PERFORMANCE_ISSUES.value))

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        service = Service.objects.get(name="Mail")
        assert list(service.status_changes.values_list("old_status", "new_status")) == [
            (None, ServiceStatus.PERFORMANCE_ISSUES)
        ]
        assert status_changes == []

    def test_shows_the_latest_changes_of_this_service(self, admin_user_client):
        service = ServiceFactory()
        for status in [3, 2, 0, 1]:
            service.set_status(status)
        for other in ServiceFactory.create_batch(25):
            other.set_status(ServiceStatus.MAJOR_OUTAGE)

        response = admin_user_client.get(admin_url(Service, "change", service.pk))

        expected = list(service.status_changes.order_by("-created", "-pk"))
        assert len(expected) == 5
        assert history_shown(response) == expected
        for change in expected:
            assert str(change) in response.content.decode()

    def test_shows_at_most_20_changes(self, admin_user_client):
        service = ServiceFactory()
        for _ in range(15):
            service.set_status(ServiceStatus.MAJOR_OUTAGE)
            service.set_status(ServiceStatus.OPERATIONAL)

        response = admin_user_client.get(admin_url(Service, "change", service.pk))

        assert history_shown(response) == list(
            service.status_changes.order_by("-created", "-pk")[:20]
        )

    def test_history_is_read_only(self, admin_user_client):
        service = ServiceFactory()
        service.set_status(ServiceStatus.MAJOR_OUTAGE)
        first_change = service.status_changes.order_by("pk").first()
        url = admin_url(Service, "change", service.pk)
        data = form_data(admin_user_client.get(url), Service)
        index = inline_index(data, "status_changes", first_change.pk)
        data[f"status_changes-{index}-new_status"] = str(ServiceStatus.PARTIAL_OUTAGE.value)
        data[f"status_changes-{index}-DELETE"] = "on"

        response = admin_user_client.post(url, data)

        assert response.status_code == 302
        first_change.refresh_from_db()
        assert first_change.new_status == ServiceStatus.OPERATIONAL
        assert service.status_changes.count() == 2

    def test_change_page_query_count_is_flat(self, admin_user_client):
        service = ServiceFactory(groups=ServiceGroupFactory.create_batch(2))
        url = admin_url(Service, "change", service.pk)
        service.set_status(ServiceStatus.MAJOR_OUTAGE)
        admin_user_client.get(url)
        with_2 = count_queries(admin_user_client, url)

        for _ in range(10):
            service.set_status(ServiceStatus.OPERATIONAL)
            service.set_status(ServiceStatus.MAJOR_OUTAGE)
        with_22 = count_queries(admin_user_client, url)

        assert with_2 == with_22


def history_shown(response) -> list[ServiceStatusChange]:
    [history] = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is ServiceStatusChange
    ]
    return [form.instance for form in history.formset.initial_forms]


class TestIncidentUpdatesInline:
    def test_adding_an_incident_with_a_fixed_update_closes_it(self, admin_user_client):
        url = admin_url(Incident, "add")
        data = form_data(admin_user_client.get(url), Incident)
        data.update(
            {
                "name": "Database down",
                "updates-0-status": str(IncidentStatus.FIXED.value),
                "updates-0-description": "Fixed before anyone noticed.",
            }
        )

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        incident = Incident.objects.get(name="Database down")
        assert incident.closed is True
        assert list(incident.updates.values_list("status", "description")) == [
            (IncidentStatus.FIXED, "Fixed before anyone noticed.")
        ]

    def test_adding_an_incident_with_an_open_update_leaves_it_open(self, admin_user_client):
        url = admin_url(Incident, "add")
        data = form_data(admin_user_client.get(url), Incident)
        data.update(
            {
                "name": "Slow pages",
                "updates-0-status": str(IncidentStatus.INVESTIGATING.value),
                "updates-0-description": "Looking into it.",
            }
        )

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        assert Incident.objects.get(name="Slow pages").closed is False

    def test_adding_a_fixed_update_to_an_open_incident_closes_it(self, admin_user_client):
        update = IncidentUpdateFactory(status=IncidentStatus.IDENTIFIED)
        incident = update.incident
        url = admin_url(Incident, "change", incident.pk)
        data = form_data(admin_user_client.get(url), Incident)
        assert data["updates-INITIAL_FORMS"] == "1"
        data.update(
            {
                "updates-1-status": str(IncidentStatus.FIXED.value),
                "updates-1-description": "Fixed.",
            }
        )

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        incident.refresh_from_db()
        assert incident.closed is True
        assert incident.updates.count() == 2

    def test_editing_the_latest_update_to_fixed_closes_it(self, admin_user_client):
        update = IncidentUpdateFactory()
        url = admin_url(Incident, "change", update.incident.pk)
        data = form_data(admin_user_client.get(url), Incident)
        index = inline_index(data, "updates", update.pk)
        data[f"updates-{index}-status"] = str(IncidentStatus.FIXED.value)

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        update.incident.refresh_from_db()
        assert update.incident.closed is True

    def test_deleting_the_fixed_update_reopens_it(self, admin_user_client):
        incident = IncidentFactory()
        IncidentUpdateFactory(incident=incident)
        fixed = IncidentUpdateFactory(incident=incident, fixed=True)
        incident.refresh_from_db()
        assert incident.closed is True
        url = admin_url(Incident, "change", incident.pk)
        data = form_data(admin_user_client.get(url), Incident)
        data[f"updates-{inline_index(data, 'updates', fixed.pk)}-DELETE"] = "on"

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        incident.refresh_from_db()
        assert incident.closed is False
        assert not IncidentUpdate.objects.filter(pk=fixed.pk).exists()

    def test_closed_is_not_editable(self, admin_user_client):
        incident = IncidentFactory()
        url = admin_url(Incident, "change", incident.pk)
        data = form_data(admin_user_client.get(url), Incident)
        assert "closed" not in data
        data["closed"] = "on"

        response = admin_user_client.post(url, data)

        assert response.status_code == 302, response.context["adminform"].form.errors
        incident.refresh_from_db()
        assert incident.closed is False

    def test_change_page_query_count_is_flat(self, admin_user_client):
        incident = IncidentFactory(services=ServiceFactory.create_batch(2))
        IncidentUpdateFactory.create_batch(2, incident=incident)
        url = admin_url(Incident, "change", incident.pk)
        admin_user_client.get(url)
        with_2 = count_queries(admin_user_client, url)

        IncidentUpdateFactory.create_batch(10, incident=incident)
        with_12 = count_queries(admin_user_client, url)

        assert with_2 == with_12


class TestServiceStatusChangeAdmin:
    def test_add_is_forbidden(self, admin_user_client):
        service = ServiceFactory()
        url = admin_url(ServiceStatusChange, "add")

        assert admin_user_client.get(url).status_code == 403
        response = admin_user_client.post(
            url, {"service": service.pk, "old_status": "0", "new_status": "3"}
        )
        assert response.status_code == 403
        assert service.status_changes.count() == 1

    @pytest.mark.usefixtures("date_hierarchy_works")
    def test_changelist_offers_no_add_and_no_actions(self, admin_user_client):
        ServiceFactory()

        response = admin_user_client.get(admin_url(ServiceStatusChange, "changelist"))

        assert response.status_code == 200
        assert response.context["has_add_permission"] is False
        assert response.context["action_form"] is None
        assert admin_url(ServiceStatusChange, "add") not in response.content.decode()

    def test_change_page_is_view_only(self, admin_user_client):
        service = ServiceFactory()
        change = service.status_changes.get()
        url = admin_url(ServiceStatusChange, "change", change.pk)

        response = admin_user_client.get(url)
        assert response.status_code == 200
        assert response.context["has_change_permission"] is False

        response = admin_user_client.post(
            url, {"service": service.pk, "old_status": "2", "new_status": "3"}
        )
        assert response.status_code == 403
        change.refresh_from_db()
        assert (change.old_status, change.new_status) == (None, ServiceStatus.OPERATIONAL)

    def test_delete_is_forbidden(self, admin_user_client):
        service = ServiceFactory()
        change = service.status_changes.get()
        url = admin_url(ServiceStatusChange, "delete", change.pk)

        assert admin_user_client.get(url).status_code == 403
        assert admin_user_client.post(url, {"post": "yes"}).status_code == 403
        assert service.status_changes.count() == 1
