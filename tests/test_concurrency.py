"""Writes that race each other, on PostgreSQL.

Under PostgreSQL's default READ COMMITTED isolation every statement sees what
was committed when it started, and an UPDATE that waits for another
transaction's row lock goes on with the values it computed before it waited.
``closed`` and a service's history are therefore only right if every writer
locks the row before it reads what it will write: these tests line writers up
with a barrier, each thread on its own connection, many times over; and they
force the worst interleaving outright where it can be reached without sleeping.

SQLite serialises every write on one database lock, and MariaDB is checked by
the rest of the suite; the races worth testing are PostgreSQL's.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from statusboard import signals
from statusboard.models import (
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Service,
    ServiceStatus,
    ServiceStatusChange,
)
from statusboard.notifications import events
from tests.factories import IncidentFactory, IncidentUpdateFactory, ServiceFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races under READ COMMITTED with row locks: run with STATUSBOARD_TEST_DB=postgresql",
    ),
    # Only this app's tables are emptied after each test, which is much quicker.
    pytest.mark.django_db(transaction=True, available_apps=["statusboard"]),
]

ITERATIONS = 20
# Generous: only reached when a thread hangs, which is a failure anyway.
TIMEOUT = 30


@pytest.fixture(autouse=True)
def no_notifications(monkeypatch):
    """Announce nothing once a change commits: the notifications have tests of
    their own, and here their extra commits would only slow every round down."""
    for name in ("announce_service_status", "announce_incident_update", "announce_maintenance"):
        monkeypatch.setattr(events, name, lambda *args: None)


def race(*writers: Callable[[int], object], rounds: int = ITERATIONS) -> list[list[object]]:
    """Run each writer in a thread of its own, on its own database connection,
    for ``rounds`` rounds: in each round a barrier releases all of them at once
    and ``writer(round)`` runs. Return each writer's results; raise the first error.
    """
    barrier = threading.Barrier(len(writers), timeout=TIMEOUT)
    results: list[list[object]] = [[] for _ in writers]
    errors: list[BaseException] = []

    def run(index: int, writer: Callable[[int], object]) -> None:
        try:
            for round_ in range(rounds):
                barrier.wait()
                results[index].append(writer(round_))
        except BaseException as exc:  # raised again in the test's thread
            errors.append(exc)
            barrier.abort()  # Nobody waits for a writer that gave up.
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, writer)) for index, writer in enumerate(writers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    errors.sort(key=lambda exc: isinstance(exc, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    return results


def latest_is_fixed(incident: Incident) -> bool:
    latest = IncidentUpdate.objects.filter(incident=incident).order_by("-created", "-pk").first()
    return latest is not None and latest.status == IncidentStatus.FIXED


def assert_closed_is_right(incident: Incident) -> None:
    incident.refresh_from_db()
    assert incident.closed == latest_is_fixed(incident), [
        (u.pk, u.created, u.status) for u in incident.updates.order_by("created", "pk")
    ]


def add_update(incident: Incident, status: int, created: datetime.datetime | None = None):
    kwargs = {} if created is None else {"created": created}
    return IncidentUpdate.objects.create(
        incident_id=incident.pk, status=status, description="Concurrent", **kwargs
    )


# --- Incident updates and closed ----------------------------------------------

START = timezone.now()
MINUTE = datetime.timedelta(minutes=1)


def test_two_updates_saved_at_once_leave_closed_right():
    incidents = [IncidentFactory() for _ in range(ITERATIONS)]
    for incident in incidents:
        IncidentUpdateFactory(incident=incident, created=START)

    def plan(round_: int) -> tuple[tuple[int, datetime.datetime], tuple[int, datetime.datetime]]:
        # One of the two is Fixed; which one is the latest by creation time
        # varies: later, earlier, or the same moment (then the higher pk).
        statuses = [
            (IncidentStatus.FIXED, IncidentStatus.WATCHING),
            (IncidentStatus.IDENTIFIED, IncidentStatus.FIXED),
        ][round_ % 2]
        times = [
            (START + MINUTE, START + 2 * MINUTE),
            (START + 2 * MINUTE, START + MINUTE),
            (START + MINUTE, START + MINUTE),
        ][round_ % 3]
        return tuple(zip(statuses, times, strict=True))

    race(
        lambda r: add_update(incidents[r], *plan(r)[0]),
        lambda r: add_update(incidents[r], *plan(r)[1]),
    )

    for incident in incidents:
        assert incident.updates.count() == 3
        assert_closed_is_right(incident)


def test_updates_saved_at_once_at_the_current_time_leave_closed_right():
    incidents = [IncidentFactory() for _ in range(ITERATIONS)]

    race(
        lambda r: add_update(incidents[r], IncidentStatus.FIXED),
        lambda r: add_update(incidents[r], IncidentStatus.INVESTIGATING),
    )

    for incident in incidents:
        assert_closed_is_right(incident)


def test_an_update_added_while_another_is_deleted_leaves_closed_right():
    incidents, doomed = [], []
    for round_ in range(ITERATIONS):
        incident = IncidentFactory()
        IncidentUpdateFactory(incident=incident, created=START, fixed=round_ % 2 == 0)
        doomed.append(
            IncidentUpdateFactory(
                incident=incident, created=START + MINUTE, status=IncidentStatus.WATCHING
            )
        )
        incidents.append(incident)

    race(
        lambda r: doomed[r].delete(),
        lambda r: add_update(
            incidents[r],
            IncidentStatus.FIXED if r % 2 else IncidentStatus.IDENTIFIED,
            START + 2 * MINUTE,
        ),
    )

    for incident in incidents:
        assert incident.updates.count() == 2
        assert_closed_is_right(incident)


def test_an_update_edited_while_deleted_neither_deadlocks_nor_leaves_closed_wrong():
    incidents, edited = [], []
    for _ in range(ITERATIONS):
        incident = IncidentFactory()
        IncidentUpdateFactory(incident=incident, created=START, fixed=True)
        edited.append(IncidentUpdateFactory(incident=incident, created=START + MINUTE))
        incidents.append(incident)
    # Loaded beforehand: the delete may commit before the edit reads anything.
    stale = [IncidentUpdate.objects.get(pk=update.pk) for update in edited]

    def edit(round_: int) -> None:
        stale[round_].status = IncidentStatus.FIXED
        stale[round_].description = "Edited"
        stale[round_].save()

    race(lambda r: IncidentUpdate.objects.filter(pk=edited[r].pk).delete(), edit)

    for incident in incidents:
        assert_closed_is_right(incident)


def test_an_incident_saved_while_an_update_is_added_keeps_closed_right():
    incidents = []
    for round_ in range(ITERATIONS):
        incident = IncidentFactory()
        IncidentUpdateFactory(incident=incident, created=START, fixed=round_ % 2 == 1)
        incidents.append(incident)
    stale = [Incident.objects.get(pk=incident.pk) for incident in incidents]

    def rename(round_: int) -> None:
        stale[round_].name = "Renamed"
        stale[round_].save()

    race(
        rename,
        lambda r: add_update(
            incidents[r], IncidentStatus.FIXED if r % 2 == 0 else IncidentStatus.IDENTIFIED
        ),
    )

    for incident in incidents:
        assert_closed_is_right(incident)


def test_a_bulk_update_of_updates_while_one_is_added_keeps_closed_right():
    incidents, updates = [], []
    for _ in range(ITERATIONS):
        incident = IncidentFactory()
        updates.append(IncidentUpdateFactory(incident=incident, created=START))
        incidents.append(incident)

    race(
        lambda r: IncidentUpdate.objects.filter(pk=updates[r].pk).update(
            status=IncidentStatus.WATCHING
        ),
        lambda r: add_update(incidents[r], IncidentStatus.FIXED, START + MINUTE),
    )

    for incident in incidents:
        assert_closed_is_right(incident)
        assert incident.closed


@contextmanager
def just_before(sql_prefix: str, action: Callable[[], None]):
    """Run ``action`` once, just before this thread's connection sends a
    statement that starts with ``sql_prefix``."""
    done: list[bool] = []

    def wrapper(execute, sql, params, many, context):
        if not done and sql.startswith(sql_prefix):
            done.append(True)
            action()
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield done


def test_an_update_committed_between_reading_and_writing_an_incident_is_not_lost():
    """The interleaving the races above can only hope for, forced.

    A stale incident is saved; just before its UPDATE goes out, another
    connection tries to add a Fixed update. Either the incident's row is
    locked already (the save read ``closed`` under the lock, so the other
    writer would have to wait), or the update commits first, and then the save
    must not write back the ``closed`` it computed before.
    """
    incident = IncidentFactory()
    IncidentUpdateFactory(incident=incident)
    outcome: list[str] = []

    def add_fixed_unless_locked(round_: int) -> None:
        try:
            with transaction.atomic():
                Incident.objects.select_for_update(nowait=True).filter(pk=incident.pk).exists()
                add_update(incident, IncidentStatus.FIXED)
            outcome.append("committed")
        except DatabaseError:
            outcome.append("locked out")

    stale = Incident.objects.get(pk=incident.pk)
    stale.name = "Renamed"
    other_writer = partial(race, add_fixed_unless_locked, rounds=1)
    with just_before('UPDATE "statusboard_incident"', other_writer) as done:
        stale.save()

    assert done
    assert outcome == ["locked out"]
    assert_closed_is_right(incident)


# --- Service status and its history ---------------------------------------------


@pytest.fixture
def status_signals():
    """The ``service_status_changed`` signals received, from any thread, in order."""
    lock = threading.Lock()
    received: list[tuple[int, int, int]] = []

    def record(sender, service, old_status, new_status, **kwargs):
        with lock:
            received.append((service.pk, old_status, new_status))

    signals.service_status_changed.connect(record, weak=False)
    yield received
    signals.service_status_changed.disconnect(record)


def assert_history_is_a_chain(service: Service, statuses: set[int], received: list) -> None:
    """Each change starts where the previous one ended, the last one is the
    service's status, and the signals tell the same story: no change slipped
    past another."""
    service.refresh_from_db()
    changes = list(
        ServiceStatusChange.objects.filter(service=service, old_status__isnull=False).order_by(
            "created", "pk"
        )
    )
    assert {change.new_status for change in changes} == statuses
    expected_old = ServiceStatus.OPERATIONAL
    for change in changes:
        assert change.old_status == expected_old, changes
        expected_old = change.new_status
    assert service.status == changes[-1].new_status
    assert [signal for signal in received if signal[0] == service.pk] == [
        (service.pk, change.old_status, change.new_status) for change in changes
    ]


BOTH = {ServiceStatus.PARTIAL_OUTAGE, ServiceStatus.MAJOR_OUTAGE}


def test_two_stale_saves_of_a_service_status_both_count(status_signals):
    services = [ServiceFactory() for _ in range(ITERATIONS)]
    first = [Service.objects.get(pk=service.pk) for service in services]
    second = [Service.objects.get(pk=service.pk) for service in services]

    def save(stale: list[Service], status: int) -> Callable[[int], None]:
        def run(round_: int) -> None:
            stale[round_].status = status
            stale[round_].save()

        return run

    race(save(first, ServiceStatus.PARTIAL_OUTAGE), save(second, ServiceStatus.MAJOR_OUTAGE))

    assert len(status_signals) == 2 * ITERATIONS
    for service in services:
        assert_history_is_a_chain(service, BOTH, status_signals)


def test_a_bulk_status_change_and_a_save_at_once_both_count(status_signals):
    services = [ServiceFactory() for _ in range(ITERATIONS)]
    bystanders = [ServiceFactory() for _ in range(ITERATIONS)]
    stale = [Service.objects.get(pk=service.pk) for service in services]

    changed_in_bulk, changed_alone = race(
        lambda r: Service.objects.filter(pk__in=[services[r].pk, bystanders[r].pk]).set_status(
            ServiceStatus.PARTIAL_OUTAGE
        ),
        lambda r: stale[r].set_status(ServiceStatus.MAJOR_OUTAGE),
    )

    assert changed_in_bulk == [2] * ITERATIONS
    assert changed_alone == [True] * ITERATIONS
    for service in services:
        assert_history_is_a_chain(service, BOTH, status_signals)
