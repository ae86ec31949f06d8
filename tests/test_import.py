"""``manage.py statusboard_import``: a ``dumpdata statusboard`` file of
django-statusboard 0.15 comes over whole, or not at all."""

from __future__ import annotations

import copy
import datetime
import gzip
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test import override_settings

from statusboard import signals
from statusboard.models import (
    CollapseMode,
    Incident,
    IncidentImpact,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)
from statusboard.notifications.models import NotificationEvent
from tests.factories import (
    EmailSubscriberFactory,
    IncidentFactory,
    IncidentUpdateFactory,
    MaintenanceFactory,
    ServiceFactory,
    ServiceGroupFactory,
)

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

ALL_TABLES = [
    ServiceGroup,
    Service,
    Service.groups.through,
    ServiceStatusChange,
    Incident,
    Incident.services.through,
    IncidentUpdate,
    Maintenance,
    Maintenance.services.through,
]


def legacy_dump() -> list[dict[str, Any]]:
    """What ``dumpdata statusboard`` writes with django-statusboard 0.15: its
    models in their order of definition, times as DjangoJSONEncoder writes them
    (milliseconds, "Z" for UTC), many-to-many fields as lists of pks."""

    def obj(model: str, pk: int, **fields: Any) -> dict[str, Any]:
        return {"model": f"statusboard.{model}", "pk": pk, "fields": fields}

    return [
        obj(
            "service",
            3,
            created="2022-03-01T09:00:00.250Z",
            modified="2024-06-01T12:30:00Z",
            name="Website",
            description="The public site.",
            href="https://www.example.com/",
            status=0,
            priority=10,
            groups=[1],
        ),
        obj(
            "service",
            7,
            created="2022-03-01T09:05:00Z",
            modified="2024-06-02T08:00:00.125Z",
            name="API",
            description="",
            href="",
            status=2,
            priority=5,
            groups=[1, 4],
        ),
        obj(
            "service",
            8,
            created="2023-01-15T10:00:00Z",
            modified="2024-06-03T18:45:10Z",
            name="Batch jobs",
            description="Nightly processing.",
            href="",
            status=3,
            priority=0,
            groups=[],
        ),
        obj(
            "servicegroup",
            1,
            created="2022-02-28T17:00:00Z",
            modified="2023-11-11T11:11:11.111Z",
            name="Public",
            priority=2,
            collapse=2,
        ),
        obj(
            "servicegroup",
            4,
            created="2022-02-28T17:05:00Z",
            modified="2022-02-28T17:05:00Z",
            name="Internal",
            priority=0,
            collapse=1,
        ),
        # Fixed by its latest update: closed.
        obj(
            "incident",
            5,
            created="2024-05-01T07:59:00Z",
            modified="2024-05-01T10:00:00Z",
            name="API errors",
            services=[7],
            occurred="2024-05-01T07:45:00Z",
            closed=True,
        ),
        # Still being worked on, and about two services.
        obj(
            "incident",
            6,
            created="2024-06-03T18:50:00Z",
            modified="2024-06-03T19:00:00Z",
            name="Batch jobs down",
            services=[8, 3],
            occurred="2024-06-03T18:40:00Z",
            closed=False,
        ),
        # Fixed, then reopened: the file's "closed" is stale on purpose.
        obj(
            "incident",
            9,
            created="2024-04-01T08:00:00Z",
            modified="2024-04-02T08:00:00Z",
            name="Slow logins",
            services=[],
            occurred="2024-04-01T07:30:00Z",
            closed=True,
        ),
        obj(
            "incident",
            10,
            created="2024-03-01T08:00:00Z",
            modified="2024-03-01T08:00:00Z",
            name="Nothing said yet",
            services=[3],
            occurred="2024-03-01T08:00:00Z",
            closed=False,
        ),
        obj(
            "incidentupdate",
            11,
            created="2024-05-01T08:00:00Z",
            modified="2024-05-01T08:00:00Z",
            incident=5,
            status=0,
            description="We are looking into errors from the API.",
        ),
        obj(
            "incidentupdate",
            12,
            created="2024-05-01T10:00:00Z",
            modified="2024-05-01T10:05:00Z",
            incident=5,
            status=3,
            description="Fixed.",
        ),
        obj(
            "incidentupdate",
            13,
            created="2024-06-03T19:00:00Z",
            modified="2024-06-03T19:00:00Z",
            incident=6,
            status=1,
            description="A full disk.",
        ),
        obj(
            "incidentupdate",
            14,
            created="2024-04-01T09:00:00Z",
            modified="2024-04-01T09:00:00Z",
            incident=9,
            status=3,
            description="Fixed, we think.",
        ),
        obj(
            "incidentupdate",
            15,
            created="2024-04-02T08:00:00Z",
            modified="2024-04-02T08:00:00Z",
            incident=9,
            status=0,
            description="It is back.",
        ),
        obj(
            "maintenance",
            2,
            created="2024-05-20T12:00:00Z",
            modified="2024-05-21T12:00:00Z",
            scheduled="2024-06-10T22:00:00Z",
            name="Database upgrade",
            description="Read-only for an hour.",
        ),
    ]


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def write_dump(tmp_path: Path, data: Any, name: str = "statusboard.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def run(path: Path, *args: str) -> str:
    out = StringIO()
    call_command("statusboard_import", str(path), *args, stdout=out)
    return out.getvalue()


def fields_of(dump: list[dict[str, Any]], model: str, pk: int) -> dict[str, Any]:
    return next(
        obj["fields"] for obj in dump if obj["model"] == f"statusboard.{model}" and obj["pk"] == pk
    )


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._base_manager.count() for model in ALL_TABLES}


def assert_nothing_written(before: dict[str, int] | None = None) -> None:
    assert row_counts() == (before or dict.fromkeys(row_counts(), 0))


# --- A good file ---------------------------------------------------------------


def test_ids_timestamps_and_fields_are_kept(tmp_path):
    run(write_dump(tmp_path, legacy_dump()))

    assert sorted(ServiceGroup.objects.values_list("pk", "name", "priority", "collapse")) == [
        (1, "Public", 2, CollapseMode.IF_OPERATIONAL),
        (4, "Internal", 0, CollapseMode.ALWAYS),
    ]
    website = Service.objects.get(pk=3)
    assert (website.name, website.description, website.href) == (
        "Website",
        "The public site.",
        "https://www.example.com/",
    )
    assert (website.status, website.priority) == (ServiceStatus.OPERATIONAL, 10)
    assert website.created == at(2022, 3, 1, 9, 0, 0, 250_000)
    assert website.modified == at(2024, 6, 1, 12, 30)
    assert Service.objects.get(pk=7).modified == at(2024, 6, 2, 8, 0, 0, 125_000)
    assert ServiceGroup.objects.get(pk=1).modified == at(2023, 11, 11, 11, 11, 11, 111_000)

    incident = Incident.objects.get(pk=6)
    assert (incident.name, incident.occurred) == ("Batch jobs down", at(2024, 6, 3, 18, 40))
    assert (incident.created, incident.modified) == (at(2024, 6, 3, 18, 50), at(2024, 6, 3, 19))
    update = IncidentUpdate.objects.get(pk=12)
    assert (update.incident_id, update.status, update.description) == (5, 3, "Fixed.")
    assert (update.created, update.modified) == (at(2024, 5, 1, 10), at(2024, 5, 1, 10, 5))
    maintenance = Maintenance.objects.get()
    assert (maintenance.pk, maintenance.name, maintenance.scheduled) == (
        2,
        "Database upgrade",
        at(2024, 6, 10, 22),
    )
    assert (maintenance.created, maintenance.modified) == (at(2024, 5, 20, 12), at(2024, 5, 21, 12))


def test_many_to_many_links_are_kept(tmp_path):
    run(write_dump(tmp_path, legacy_dump()))

    def pks(manager: models.Manager) -> set[int]:
        return set(manager.values_list("pk", flat=True))

    assert pks(Service.objects.get(pk=3).groups) == {1}
    assert pks(Service.objects.get(pk=7).groups) == {1, 4}
    assert pks(Service.objects.get(pk=8).groups) == set()
    assert pks(ServiceGroup.objects.get(pk=1).services) == {3, 7}
    assert pks(Incident.objects.get(pk=5).services) == {7}
    assert pks(Incident.objects.get(pk=6).services) == {3, 8}
    assert pks(Incident.objects.get(pk=9).services) == set()


def test_closed_follows_the_latest_imported_update(tmp_path):
    output = run(write_dump(tmp_path, legacy_dump()))

    assert dict(Incident.objects.values_list("pk", "closed")) == {
        5: True,  # Fixed.
        6: False,  # Identified.
        9: False,  # Fixed, then Investigating again: the file said closed.
        10: False,  # No update.
    }
    assert "1 incident(s) had a 'closed' in the file that did not match" in output


def test_each_service_gets_one_history_row_dated_at_its_modified(tmp_path):
    run(write_dump(tmp_path, legacy_dump()))

    rows = ServiceStatusChange.objects.order_by("service_id")
    assert [(row.service_id, row.old_status, row.new_status, row.created) for row in rows] == [
        (3, None, ServiceStatus.OPERATIONAL, at(2024, 6, 1, 12, 30)),
        (7, None, ServiceStatus.PARTIAL_OUTAGE, at(2024, 6, 2, 8, 0, 0, 125_000)),
        (8, None, ServiceStatus.MAJOR_OUTAGE, at(2024, 6, 3, 18, 45, 10)),
    ]


def test_status_modified_of_later_development_versions_dates_the_history(tmp_path):
    dump = legacy_dump()
    fields_of(dump, "service", 7)["status_modified"] = "2024-05-30T06:00:00Z"
    run(write_dump(tmp_path, dump))

    assert ServiceStatusChange.objects.get(service_id=7).created == at(2024, 5, 30, 6)
    assert Service.objects.get(pk=7).modified == at(2024, 6, 2, 8, 0, 0, 125_000)


def test_fields_the_original_did_not_have_get_their_defaults(tmp_path):
    run(write_dump(tmp_path, legacy_dump()))

    assert set(Service.objects.values_list("public", flat=True)) == {True}
    assert set(Incident.objects.values_list("impact", "postmortem")) == {(IncidentImpact.NONE, "")}
    maintenance = Maintenance.objects.get()
    assert maintenance.end is None
    assert not maintenance.services.exists()


def test_new_objects_get_ids_after_the_imported_ones(tmp_path):
    # Import exactly the ids each table would hand out next: without a
    # sequence reset (PostgreSQL), creating an object afterwards would collide.
    IncidentUpdateFactory(incident__services=[ServiceFactory(groups=[ServiceGroupFactory()])])
    MaintenanceFactory()
    next_pk = {
        model: model.objects.aggregate(top=models.Max("pk"))["top"] + 1
        for model in (ServiceGroup, Service, Incident, IncidentUpdate, Maintenance)
    }
    for model in (Maintenance, Incident, Service, ServiceGroup):
        model.objects.all().delete()
    dump = [
        {"model": "statusboard.servicegroup", "pk": next_pk[ServiceGroup], "fields": {
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
            "name": "Imported group", "priority": 0, "collapse": 0,
        }},
        {"model": "statusboard.service", "pk": next_pk[Service], "fields": {
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
            "name": "Imported service", "description": "", "href": "", "status": 0,
            "priority": 0, "groups": [next_pk[ServiceGroup]],
        }},
        {"model": "statusboard.incident", "pk": next_pk[Incident], "fields": {
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
            "name": "Imported incident", "services": [next_pk[Service]],
            "occurred": "2024-01-01T00:00:00Z", "closed": False,
        }},
        {"model": "statusboard.incidentupdate", "pk": next_pk[IncidentUpdate], "fields": {
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
            "incident": next_pk[Incident], "status": 0, "description": "Looking.",
        }},
        {"model": "statusboard.maintenance", "pk": next_pk[Maintenance], "fields": {
            "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
            "scheduled": "2024-02-01T00:00:00Z", "name": "Imported maintenance",
            "description": "",
        }},
    ]  # fmt: skip
    run(write_dump(tmp_path, dump))

    group = ServiceGroupFactory()
    service = ServiceFactory(groups=[group])
    update = IncidentUpdateFactory(incident=IncidentFactory(services=[service]))
    maintenance = MaintenanceFactory(services=[service])
    assert group.pk > next_pk[ServiceGroup]
    assert service.pk > next_pk[Service]
    assert update.incident.pk > next_pk[Incident]
    assert update.pk > next_pk[IncidentUpdate]
    assert maintenance.pk > next_pk[Maintenance]


def test_summary_counts_each_model(tmp_path):
    path = write_dump(tmp_path, legacy_dump())
    output = run(path)

    assert f"Imported {path}:" in output
    lines = [line.split() for line in output.splitlines()]
    assert ["statusboard.servicegroup", "2"] in lines
    assert ["statusboard.service", "3"] in lines
    assert ["statusboard.incident", "4", "(1", "closed)"] in lines
    assert ["statusboard.incidentupdate", "5"] in lines
    assert ["statusboard.maintenance", "1"] in lines
    assert "statusboard.servicestatuschange  3 (one per service" in output
    assert "sequences reset" in output


def test_started_maintenances_without_an_end_are_pointed_out(tmp_path):
    # 0.15 had no end: a maintenance disappeared from its page once started.
    # Here it stays in progress until an end is set, so the summary says so.
    dump = legacy_dump()
    upcoming = copy.deepcopy(next(o for o in dump if o["model"] == "statusboard.maintenance"))
    upcoming["pk"] = 3
    upcoming["fields"]["scheduled"] = "2999-01-01T00:00:00Z"
    dump.append(upcoming)
    path = write_dump(tmp_path, dump)

    warning = "1 maintenance(s) have started and have no end"
    assert warning in run(path, "--dry-run")
    assert warning in run(path)
    assert list(Maintenance.objects.in_progress().values_list("pk", flat=True)) == [2]


def test_no_word_about_maintenances_that_have_not_started(tmp_path):
    dump = legacy_dump()
    fields_of(dump, "maintenance", 2)["scheduled"] = "2999-01-01T00:00:00Z"
    assert "have started" not in run(write_dump(tmp_path, dump))


def test_quiet_with_verbosity_0(tmp_path):
    out = StringIO()
    call_command(
        "statusboard_import", str(write_dump(tmp_path, legacy_dump())), verbosity=0, stdout=out
    )
    assert out.getvalue() == ""
    assert Service.objects.count() == 3


def test_importing_notifies_nobody(tmp_path, django_capture_on_commit_callbacks):
    EmailSubscriberFactory()
    received = []

    def receiver(**kwargs: Any) -> None:
        received.append(kwargs)

    signals.service_status_changed.connect(receiver)
    signals.incident_updated.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run(write_dump(tmp_path, legacy_dump()))
    finally:
        signals.service_status_changed.disconnect(receiver)
        signals.incident_updated.disconnect(receiver)

    assert received == []
    assert not NotificationEvent.objects.exists()
    assert mail.outbox == []


def test_compressed_dump(tmp_path):
    path = tmp_path / "statusboard.json.gz"
    path.write_bytes(gzip.compress(json.dumps(legacy_dump()).encode()))
    run(path)
    assert Service.objects.count() == 3


def test_empty_dump_imports_nothing(tmp_path):
    output = run(write_dump(tmp_path, []))
    assert ["statusboard.service", "0"] in [line.split() for line in output.splitlines()]
    assert_nothing_written()


@override_settings(TIME_ZONE="Europe/Rome")
def test_times_without_a_zone_are_in_the_current_time_zone(tmp_path):
    # dumpdata writes naive times when the old project ran with USE_TZ = False.
    dump = legacy_dump()
    fields_of(dump, "maintenance", 2)["scheduled"] = "2024-06-10T22:00:00"
    run(write_dump(tmp_path, dump))
    assert Maintenance.objects.get().scheduled == at(2024, 6, 10, 20)


def test_a_big_file_takes_batched_queries(tmp_path, django_assert_max_num_queries):
    groups, services, incidents, updates = 50, 1000, 1000, 2000
    stamp = "2024-01-01T00:00:00Z"
    times = {"created": stamp, "modified": stamp}
    dump = [
        {"model": "statusboard.servicegroup", "pk": pk, "fields": {
            **times, "name": f"Group {pk}", "priority": 0, "collapse": 0,
        }}
        for pk in range(1, groups + 1)
    ] + [
        {"model": "statusboard.service", "pk": pk, "fields": {
            **times, "name": f"Service {pk}", "description": "", "href": "",
            "status": pk % 4, "priority": 0, "groups": [pk % groups + 1],
        }}
        for pk in range(1, services + 1)
    ] + [
        {"model": "statusboard.incident", "pk": pk, "fields": {
            **times, "name": f"Incident {pk}", "services": [pk, pk % services + 1],
            "occurred": stamp, "closed": False,
        }}
        for pk in range(1, incidents + 1)
    ] + [
        {"model": "statusboard.incidentupdate", "pk": pk, "fields": {
            **times, "incident": (pk - 1) // 2 + 1, "status": 3 if pk % 2 == 0 else 0,
            "description": "Update.",
        }}
        for pk in range(1, updates + 1)
    ]  # fmt: skip
    path = write_dump(tmp_path, dump)

    # About 6,000 rows; far fewer queries than objects.
    with django_assert_max_num_queries(100):
        run(path)

    assert Service.objects.count() == services
    assert ServiceStatusChange.objects.count() == services
    assert Incident.services.through.objects.count() == 2 * incidents
    assert Incident.objects.filter(closed=True).count() == incidents


# --- Dry run ---------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(tmp_path):
    path = write_dump(tmp_path, legacy_dump())
    output = run(path, "--dry-run")

    assert "Dry run: nothing was written." in output
    lines = [line.split() for line in output.splitlines()]
    assert ["statusboard.service", "3"] in lines
    assert ["statusboard.incidentupdate", "5"] in lines
    assert "No conflicts with the database." in output
    assert_nothing_written()


def test_dry_run_lists_the_conflicts(tmp_path):
    ServiceFactory(pk=7, name="Something else")
    ServiceGroupFactory(pk=100, name="Internal")
    before = row_counts()
    out = StringIO()

    with pytest.raises(CommandError, match=r"would fail: 2 conflict\(s\)"):
        call_command(
            "statusboard_import", str(write_dump(tmp_path, legacy_dump())), "--dry-run", stdout=out
        )

    output = out.getvalue()
    assert "Conflicts with the database (2):" in output
    assert "statusboard.service pk=7 (object 2 in the file): the database already has" in output
    assert (
        "statusboard.servicegroup pk=4 (object 5 in the file), field 'name': 'Internal' is "
        "already the name of statusboard.servicegroup pk=100 in the database." in output
    )
    assert_nothing_written(before)


# --- Bad files -------------------------------------------------------------------


def _set(model: str, pk: int, name: str, value: Any):
    def change(dump: list[dict[str, Any]]) -> None:
        fields_of(dump, model, pk)[name] = value

    return change


def _delete(model: str, pk: int, name: str):
    def change(dump: list[dict[str, Any]]) -> None:
        del fields_of(dump, model, pk)[name]

    return change


def _append(obj: Any):
    def change(dump: list[dict[str, Any]]) -> None:
        dump.append(obj)

    return change


def _delete_pk(dump: list[dict[str, Any]]) -> None:
    del dump[1]["pk"]


def _repeat_service_7(dump: list[dict[str, Any]]) -> None:
    twin = copy.deepcopy(dump[1])
    twin["fields"]["name"] = "API twin"
    dump.append(twin)


def _fields_not_an_object(dump: list[dict[str, Any]]) -> None:
    dump[1]["fields"] = ["name", "API"]


BAD_FIELDS = {
    "missing field": (
        _delete("service", 7, "status"),
        ["statusboard.service pk=7 (object 2 in the file), field 'status': is missing."],
    ),
    "missing timestamp": (
        _delete("incidentupdate", 12, "modified"),
        ["statusboard.incidentupdate pk=12", "'modified': is missing"],
    ),
    "unknown field": (
        _set("service", 7, "public", False),
        ["statusboard.service pk=7", "'public': not a field of statusboard.service in"],
    ),
    "service status out of range": (
        _set("service", 7, "status", 4),
        ["statusboard.service pk=7", "'status': 4 is not one of 0, 1, 2, 3."],
    ),
    "negative service status": (
        _set("service", 8, "status", -1),
        ["statusboard.service pk=8", "'status': -1 is not one of"],
    ),
    "status as text": (
        _set("service", 7, "status", "2"),
        ["statusboard.service pk=7", "'status': '2' is not one of"],
    ),
    "status as a boolean": (
        _set("service", 7, "status", True),
        ["statusboard.service pk=7", "'status': True is not one of"],
    ),
    "incident update status out of range": (
        _set("incidentupdate", 12, "status", 5),
        ["statusboard.incidentupdate pk=12", "'status': 5 is not one of 0, 1, 2, 3."],
    ),
    "collapse out of range": (
        _set("servicegroup", 1, "collapse", 3),
        ["statusboard.servicegroup pk=1", "'collapse': 3 is not one of 0, 1, 2."],
    ),
    "negative priority": (
        _set("servicegroup", 4, "priority", -2),
        ["statusboard.servicegroup pk=4", "'priority': -2 is not a whole number"],
    ),
    "fractional priority": (
        _set("service", 3, "priority", 1.5),
        ["statusboard.service pk=3", "'priority': 1.5 is not a whole number"],
    ),
    "not a time": (
        _set("incident", 6, "occurred", "yesterday"),
        ["statusboard.incident pk=6", "'occurred': 'yesterday' is not a date and time"],
    ),
    "impossible date": (
        _set("maintenance", 2, "scheduled", "2024-02-30T10:00:00Z"),
        ["statusboard.maintenance pk=2", "'scheduled': '2024-02-30T10:00:00Z' is not a date"],
    ),
    "time as a number": (
        _set("service", 3, "created", 1717243800),
        ["statusboard.service pk=3", "'created': 1717243800 is not a date and time"],
    ),
    "name not text": (
        _set("incident", 5, "name", 42),
        ["statusboard.incident pk=5", "'name': 42 is not text."],
    ),
    "empty name": (
        _set("servicegroup", 1, "name", " "),
        ["statusboard.servicegroup pk=1", "'name': it is empty."],
    ),
    "name too long": (
        _set("service", 3, "name", "x" * 256),
        ["statusboard.service pk=3", "'name': it has 256 characters, more than 255."],
    ),
    "description missing text": (
        _set("incidentupdate", 13, "description", None),
        ["statusboard.incidentupdate pk=13", "'description': None is not text."],
    ),
    "link with a script": (
        _set("service", 3, "href", "javascript:alert(1)"),
        ["statusboard.service pk=3", "'href': 'javascript:alert(1)' is not an http(s) address."],
    ),
    "closed not a boolean": (
        _set("incident", 5, "closed", "yes"),
        ["statusboard.incident pk=5", "'closed': 'yes' is not true or false."],
    ),
    "groups not a list": (
        _set("service", 7, "groups", 1),
        ["statusboard.service pk=7", "'groups': 1 is not a list of ids."],
    ),
    "id in a list not a number": (
        _set("incident", 6, "services", [8, "3"]),
        ["statusboard.incident pk=6", "'services': '3' is not an id"],
    ),
    "dangling group": (
        _set("service", 7, "groups", [1, 99]),
        [
            "statusboard.service pk=7 (object 2 in the file), field 'groups': refers to "
            "statusboard.servicegroup pk=99, which is not in the file."
        ],
    ),
    "dangling service": (
        _set("incident", 6, "services", [8, 42]),
        ["statusboard.incident pk=6", "'services': refers to statusboard.service pk=42"],
    ),
    "dangling incident": (
        _set("incidentupdate", 13, "incident", 77),
        ["statusboard.incidentupdate pk=13", "'incident': refers to statusboard.incident pk=77"],
    ),
    "unknown model": (
        _append({"model": "auth.user", "pk": 1, "fields": {"username": "admin"}}),
        ["object 16 in the file, field 'model': 'auth.user' is not a model of"],
    ),
    "a model of this app, not of 0.15": (
        _append({"model": "statusboard.servicestatuschange", "pk": 1, "fields": {}}),
        ["'statusboard.servicestatuschange' is not a model of django-statusboard 0.15"],
    ),
    "model label missing": (
        _append({"pk": 1, "fields": {}}),
        ["object 16 in the file, field 'model': None is not a model of"],
    ),
    "not an object": (
        _append(["statusboard.service", 1]),
        ["object 16 in the file: ['statusboard.service', 1] is not an object."],
    ),
    "pk missing": (
        _delete_pk,
        ["statusboard.service (object 2 in the file), field 'pk': is missing."],
    ),
    "pk not a number": (
        _append({"model": "statusboard.maintenance", "pk": "x", "fields": {}}),
        ["statusboard.maintenance (object 16 in the file), field 'pk': 'x' is not an id"],
    ),
    "pk zero": (
        _append({"model": "statusboard.maintenance", "pk": 0, "fields": {}}),
        ["statusboard.maintenance (object 16 in the file), field 'pk': 0 is not an id"],
    ),
    "fields not an object": (
        _fields_not_an_object,
        ["statusboard.service pk=7 (object 2 in the file), field 'fields'", "is not an object"],
    ),
    "pk twice": (
        _repeat_service_7,
        [
            "statusboard.service pk=7 (object 16 in the file), field 'pk': 7 is also the pk of "
            "object 2."
        ],
    ),  # fmt: skip
    "name twice": (
        _set("service", 8, "name", "API"),
        ["statusboard.service pk=8", "'name': 'API' is also the name of object 2."],
    ),
}


@pytest.mark.parametrize(
    ("change", "expected"), list(BAD_FIELDS.values()), ids=list(BAD_FIELDS.keys())
)
def test_a_bad_object_is_named_and_nothing_is_written(tmp_path, change, expected):
    dump = legacy_dump()
    change(dump)

    with pytest.raises(CommandError) as raised:
        run(write_dump(tmp_path, dump))

    message = str(raised.value)
    assert "nothing was written" in message
    for fragment in expected:
        assert fragment in message
    assert_nothing_written()


def test_every_problem_is_listed(tmp_path):
    dump = legacy_dump()
    fields_of(dump, "service", 3)["status"] = 9
    fields_of(dump, "incidentupdate", 15)["incident"] = 99
    fields_of(dump, "maintenance", 2)["scheduled"] = None

    with pytest.raises(CommandError, match=r"\(3 problem\(s\)\)") as raised:
        run(write_dump(tmp_path, dump))

    message = str(raised.value)
    assert "statusboard.service pk=3" in message
    assert "statusboard.incidentupdate pk=15" in message
    assert "statusboard.maintenance pk=2" in message


def test_a_long_list_of_problems_is_cut(tmp_path):
    dump = [{"model": "statusboard.maintenance", "pk": pk, "fields": {}} for pk in range(1, 31)]
    with pytest.raises(CommandError, match="and 130 more") as raised:
        run(write_dump(tmp_path, dump))
    assert "(150 problem(s))" in str(raised.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("this is not JSON", "is not valid JSON"),
        (json.dumps(legacy_dump())[:-40], "is not valid JSON"),
        ("", "is not valid JSON"),
        (json.dumps({"model": "statusboard.service", "pk": 1, "fields": {}}), "not a list"),
        ("null", "it holds a JSON NoneType, not a list"),
    ],
    ids=["text", "truncated", "empty", "one object", "null"],
)
def test_a_file_that_is_not_a_dump_is_refused(tmp_path, content, expected):
    path = write_dump(tmp_path, content)
    with pytest.raises(CommandError, match=expected) as raised:
        run(path)
    assert str(path) in str(raised.value)
    assert_nothing_written()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "statusboard.json"
    path.write_bytes(b'[{"model": "statusboard.service", "name": "\xff"}]')
    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run(path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.json")


def test_a_broken_compressed_file_is_refused(tmp_path):
    path = tmp_path / "statusboard.json.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(CommandError, match="cannot be read"):
        run(path)


# --- Conflicts with the database -------------------------------------------------


def test_ids_already_in_the_database_are_refused(tmp_path):
    IncidentUpdateFactory(pk=13, incident=IncidentFactory(pk=500))
    ServiceFactory(pk=8, name="Already here")
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        run(write_dump(tmp_path, legacy_dump()))

    message = str(raised.value)
    assert "2 object(s)" in message
    assert "nothing was written" in message
    assert (
        "statusboard.service pk=8 (object 3 in the file): the database already has a "
        "statusboard.service with this pk." in message
    )
    assert "statusboard.incidentupdate pk=13 (object 12 in the file)" in message
    assert_nothing_written(before)


def test_names_already_in_the_database_are_refused(tmp_path):
    ServiceFactory(pk=1000, name="Website")
    before = row_counts()

    with pytest.raises(CommandError) as raised:
        run(write_dump(tmp_path, legacy_dump()))

    assert (
        "statusboard.service pk=3 (object 1 in the file), field 'name': 'Website' is already "
        "the name of statusboard.service pk=1000 in the database." in str(raised.value)
    )
    assert_nothing_written(before)


def test_a_database_error_midway_undoes_everything(tmp_path, monkeypatch):
    # A service that another process adds between the check and the insert:
    # the groups are already written when its INSERT fails, and must go too.
    from statusboard.management.commands import statusboard_import

    monkeypatch.setattr(statusboard_import, "find_conflicts", lambda plan, using: [])
    ServiceFactory(pk=8, name="Sneaked in")
    before = row_counts()

    with pytest.raises(CommandError, match="database refused the import") as raised:
        run(write_dump(tmp_path, legacy_dump()))

    assert "nothing was written" in str(raised.value)
    assert_nothing_written(before)


def test_an_unknown_database_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no database 'other'"):
        run(write_dump(tmp_path, legacy_dump()), "--database", "other")
