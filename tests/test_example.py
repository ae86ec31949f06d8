"""The demo host project in ``example/``, driven through its manage.py as a user would."""

from __future__ import annotations

import importlib
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from itertools import pairwise
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management.utils import get_random_secret_key
from django.utils import timezone

from statusboard.models import (
    Incident,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)

REPOSITORY_ROOT = Path(__file__).resolve().parent.parent
MANAGE_PY = REPOSITORY_ROOT / "example" / "manage.py"


def manage(*args: str, db_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    # pytest-django exports DJANGO_SETTINGS_MODULE=tests.settings, which manage.py
    # would otherwise keep.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_project.settings",
        "STATUSBOARD_DEMO_DB": str(db_path),
        **env,
    }
    result = subprocess.run(  # noqa: S603 (our own manage.py, with fixed arguments)
        [sys.executable, str(MANAGE_PY), *args],
        cwd=REPOSITORY_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def query(db_path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db_path)) as connection:
        return connection.execute(sql).fetchall()


def statusboard_rows(db_path: Path) -> dict[str, list[tuple]]:
    tables = query(
        db_path,
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'statusboard%'",
    )
    # The table names come from sqlite_master, not from outside.
    return {
        table: query(db_path, f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608
        for (table,) in tables
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo database set up by ``demo --no-serve``, and what that printed."""
    db_path = tmp_path_factory.mktemp("demo") / "db.sqlite3"
    return db_path, manage("demo", "--no-serve", db_path=db_path).stdout


def test_demo_loads_the_sample_data(demo: tuple[Path, str]) -> None:
    db_path, _ = demo
    [(groups, services, hidden, incidents, open_incidents, postmortems)] = query(
        db_path,
        """SELECT
            (SELECT COUNT(*) FROM statusboard_servicegroup),
            (SELECT COUNT(*) FROM statusboard_service),
            (SELECT COUNT(*) FROM statusboard_service WHERE NOT public),
            (SELECT COUNT(*) FROM statusboard_incident),
            (SELECT COUNT(*) FROM statusboard_incident WHERE NOT closed),
            (SELECT COUNT(*) FROM statusboard_incident WHERE postmortem != '')""",
    )
    assert (groups, services, hidden, postmortems) == (5, 20, 1, 1)
    assert 0 < open_incidents < incidents / 2
    [(fewest_updates,)] = query(
        db_path,
        """SELECT MIN(n) FROM (SELECT COUNT(*) AS n FROM statusboard_incidentupdate
        GROUP BY incident_id)""",
    )
    assert fewest_updates >= 2
    [(past, in_progress, upcoming)] = query(
        db_path,
        """SELECT
            SUM("end" <= datetime('now')),
            SUM(scheduled <= datetime('now') AND "end" > datetime('now')),
            SUM(scheduled > datetime('now'))
        FROM statusboard_maintenance""",
    )
    assert past and in_progress and upcoming
    [(oldest_change_days,)] = query(
        db_path,
        """SELECT julianday('now') - julianday(MIN(created)) FROM statusboard_servicestatuschange
        WHERE old_status IS NOT NULL""",
    )
    assert 60 < oldest_change_days <= 90


def test_demo_again_changes_nothing(demo: tuple[Path, str]) -> None:
    db_path, output = demo
    assert query(db_path, "SELECT username FROM auth_user WHERE is_superuser") == [("admin",)]
    assert "with the password" in output
    before = statusboard_rows(db_path)
    again = manage("demo", "--no-serve", db_path=db_path).stdout
    assert statusboard_rows(db_path) == before
    assert query(db_path, "SELECT COUNT(*) FROM auth_user") == [(1,)]
    assert "password" not in again


def test_status_history_leads_to_the_current_status(demo: tuple[Path, str]) -> None:
    db_path, _ = demo
    services = dict(query(db_path, "SELECT id, status FROM statusboard_service"))
    history: dict[int, list[tuple[int | None, int]]] = {pk: [] for pk in services}
    for service_id, old_status, new_status in query(
        db_path,
        """SELECT service_id, old_status, new_status FROM statusboard_servicestatuschange
        ORDER BY created, id""",
    ):
        history[service_id].append((old_status, new_status))
    for pk, status in services.items():
        changes = history[pk]
        assert changes[0][0] is None
        assert all(old == previous[1] for previous, (old, _) in pairwise(changes))
        assert changes[-1][1] == status
    assert any(services.values())


def test_production_settings_pass_the_deploy_checks(tmp_path: Path) -> None:
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings",
        "example_project.settings_production",
        db_path=tmp_path / "db.sqlite3",
        DJANGO_SECRET_KEY=get_random_secret_key(),
        DJANGO_ALLOWED_HOSTS="status.example.com",
    )
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


@pytest.fixture
def loading(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The demo's loader, run here on the test database (SQLite, PostgreSQL or MariaDB)."""
    monkeypatch.syspath_prepend(str(REPOSITORY_ROOT / "example"))
    return importlib.import_module("demo.loading")


def model_counts() -> dict[str, int]:
    return {
        model.__name__: model._default_manager.count()
        for model in (
            Incident,
            IncidentUpdate,
            Maintenance,
            Service,
            ServiceGroup,
            ServiceStatusChange,
        )
    }


@pytest.mark.django_db
def test_load_sample_data_is_idempotent(loading: ModuleType) -> None:
    created = loading.load_sample_data()
    assert created == {"service groups": 5, "services": 20, "incidents": 14, "maintenances": 6}
    counts = model_counts()
    assert loading.load_sample_data() == dict.fromkeys(created, 0)
    assert model_counts() == counts
    assert loading.load_sample_data(reset=True) == created
    assert model_counts() == counts
    for service in Service.objects.all():
        assert service.status_changes.order_by("-created", "-pk")[0].new_status == service.status


@pytest.mark.django_db
def test_load_sample_data_adds_only_what_is_missing(loading: ModuleType) -> None:
    loading.load_sample_data()
    Service.objects.get(name="Search").delete()
    Incident.objects.get(name="Delayed SMS to some carriers").delete()
    assert loading.load_sample_data() == {
        "service groups": 0,
        "services": 1,
        "incidents": 1,
        "maintenances": 0,
    }
    assert Service.objects.get(name="Search").status == ServiceStatus.PERFORMANCE_ISSUES


def test_sample_data_is_deterministic(loading: ModuleType) -> None:
    clock = loading.Clock(timezone.now())

    def plan() -> list:
        return loading.plan_services(clock, loading.incidents(clock), loading.maintenances(clock))

    assert plan() == plan()
