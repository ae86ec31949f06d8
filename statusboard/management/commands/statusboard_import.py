"""``manage.py statusboard_import FILE [--dry-run]``: bring over the data of
django-statusboard 0.15.

FILE is what ``manage.py dumpdata statusboard`` wrote with the original app
(plain JSON, or compressed as ``.gz``, ``.bz2``, ``.xz`` or ``.lzma``): a list
of ``{"model": "statusboard.service", "pk": 1, "fields": {...}}`` objects for
its five models. The import keeps every id, every ``created`` and ``modified``
and every many-to-many link; the fields the original did not have get their
defaults. It also writes what the original did not keep:

- one ``ServiceStatusChange`` per service, from no status to its status, dated
  at the service's ``modified``: the last save in the old app, the one moment
  the file shows the service had that status (or ``status_modified``, which
  development versions after 0.15 wrote, when the file has it);
- ``Incident.closed``, computed from the imported updates rather than copied.

Everything happens in one transaction, and nothing is written unless the whole
file is valid and none of its ids or unique names is already in the database.
Like ``loaddata``, the import sends no ``post_save``, ``service_status_changed``
or ``incident_updated`` signal, so subscribers are not notified about old news.
"""

from __future__ import annotations

import bz2
import datetime
import gzip
import itertools
import json
import lzma
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.core.validators import URLValidator
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from statusboard.caching import invalidate_on_commit
from statusboard.models import (
    CollapseMode,
    Incident,
    IncidentStatus,
    IncidentUpdate,
    Maintenance,
    Service,
    ServiceGroup,
    ServiceStatus,
    ServiceStatusChange,
)

BATCH_SIZE = 500
"""Rows per ``executemany()`` of an INSERT, and ids per ``IN (...)`` lookup."""

MAX_LISTED_PROBLEMS = 20
"""Problems spelt out in an error; the rest are only counted."""

# What every supported database stores in an integer column.
MAX_INTEGER = 2**31 - 1

_OPENERS: dict[str, Callable[[Path], Any]] = {
    ".gz": gzip.open,
    ".bz2": bz2.open,
    ".xz": lzma.open,
    ".lzma": lzma.open,
}


# --- Reading one value ---------------------------------------------------------
# Each parser takes a value from the file and returns it as the model wants
# it, or raises ValueError with a message that ends the sentence
# "field 'x': ...". They are stricter than loaddata on purpose: a 3.5 is not
# quietly a 3, and "1" is not a pk.


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _id(value: Any) -> int:
    if not _is_int(value) or not 1 <= value <= MAX_INTEGER:
        raise ValueError(f"{value!r} is not an id (a whole number from 1 to {MAX_INTEGER}).")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text.")
    return value


def _name(value: Any) -> str:
    value = _text(value)
    if not value.strip():
        raise ValueError("it is empty.")
    if len(value) > 255:
        raise ValueError(f"it has {len(value)} characters, more than 255.")
    return value


_validate_link = URLValidator(schemes=["http", "https"])


def _link(value: Any) -> str:
    value = _text(value)
    if len(value) > 200:
        raise ValueError(f"it has {len(value)} characters, more than 200.")
    if value:
        try:
            _validate_link(value)
        except ValidationError:
            raise ValueError(f"{value!r} is not an http(s) address.") from None
    return value


def _priority(value: Any) -> int:
    if not _is_int(value) or not 0 <= value <= MAX_INTEGER:
        raise ValueError(f"{value!r} is not a whole number from 0 to {MAX_INTEGER}.")
    return value


def _choice(choices: type[models.IntegerChoices]) -> Callable[[Any], int]:
    def parse(value: Any) -> int:
        if not _is_int(value) or value not in choices.values:
            allowed = ", ".join(str(v) for v in choices.values)
            raise ValueError(f"{value!r} is not one of {allowed}.")
        return value

    return parse


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false.")
    return value


def _datetime(value: Any) -> datetime.datetime:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # Well formed, but not a date, like 2024-02-30.
        parsed = None
    if parsed is None:
        raise ValueError(f"{value!r} is not a date and time (ISO 8601).")
    # What loaddata does: a naive time is in the current time zone.
    if settings.USE_TZ and timezone.is_naive(parsed):
        return timezone.make_aware(parsed)
    if not settings.USE_TZ and timezone.is_aware(parsed):
        return timezone.make_naive(parsed)
    return parsed


@dataclass(frozen=True)
class _Reference:
    """A foreign key (``many=False``) or a list of them, to objects in the file."""

    target: str
    many: bool = False

    def __call__(self, value: Any) -> int | list[int]:
        if not self.many:
            return _id(value)
        if not isinstance(value, list):
            raise ValueError(f"{value!r} is not a list of ids.")
        # dict.fromkeys: drop repeats, keep the order.
        return list(dict.fromkeys(_id(item) for item in value))


# --- The format of django-statusboard 0.15 -------------------------------------


@dataclass(frozen=True)
class LegacyModel:
    """One model as ``dumpdata`` wrote it with django-statusboard 0.15."""

    label: str
    model: type[models.Model]
    fields: dict[str, Callable[[Any], Any]]
    #: Fields that may be left out; every other one must be there.
    optional: frozenset[str] = frozenset()
    #: Fields whose values must be unique in the file and the database.
    unique: tuple[str, ...] = ()


_TIMESTAMPS = {"created": _datetime, "modified": _datetime}

# In the order they are written, each after the models it refers to.
LEGACY_MODELS: dict[str, LegacyModel] = {
    legacy.label: legacy
    for legacy in [
        LegacyModel(
            "statusboard.servicegroup",
            ServiceGroup,
            {
                **_TIMESTAMPS,
                "name": _name,
                "priority": _priority,
                "collapse": _choice(CollapseMode),
            },
            unique=("name",),
        ),
        LegacyModel(
            "statusboard.service",
            Service,
            {
                **_TIMESTAMPS,
                "name": _name,
                "description": _text,
                "href": _link,
                "status": _choice(ServiceStatus),
                "priority": _priority,
                "groups": _Reference("statusboard.servicegroup", many=True),
                # Written by development versions after 0.15 (their migration 0023).
                "status_modified": _datetime,
            },
            optional=frozenset({"status_modified"}),
            unique=("name",),
        ),
        LegacyModel(
            "statusboard.incident",
            Incident,
            {
                **_TIMESTAMPS,
                "name": _name,
                "services": _Reference("statusboard.service", many=True),
                "occurred": _datetime,
                # Recomputed from the updates, so only checked.
                "closed": _boolean,
            },
            optional=frozenset({"closed"}),
        ),
        LegacyModel(
            "statusboard.incidentupdate",
            IncidentUpdate,
            {
                **_TIMESTAMPS,
                "incident": _Reference("statusboard.incident"),
                "status": _choice(IncidentStatus),
                "description": _text,
            },
        ),
        LegacyModel(
            "statusboard.maintenance",
            Maintenance,
            {**_TIMESTAMPS, "scheduled": _datetime, "name": _name, "description": _text},
        ),
    ]
}

HISTORY_LABEL = "statusboard.servicestatuschange"


# --- Reading the file ----------------------------------------------------------


@dataclass
class Record:
    """One valid object of the file."""

    label: str
    pk: int
    #: Its place in the file, from 1.
    position: int
    values: dict[str, Any]

    def describe(self) -> str:
        return f"{self.label} pk={self.pk} (object {self.position} in the file)"


@dataclass
class Plan:
    """The valid objects of a file, by model label, in file order."""

    records: dict[str, list[Record]] = field(
        default_factory=lambda: {label: [] for label in LEGACY_MODELS}
    )
    #: The pks of every object with a model and a pk, valid or not: a
    #: reference to an invalid object is not reported a second time.
    present: dict[str, set[int]] = field(
        default_factory=lambda: {label: set() for label in LEGACY_MODELS}
    )

    def started_maintenances(self) -> int:
        """Maintenances that have started: without an end, they show as in progress."""
        now = timezone.now()
        return sum(
            1
            for record in self.records["statusboard.maintenance"]
            if record.values["scheduled"] <= now
        )

    def counts(self) -> dict[str, int]:
        counts = {label: len(records) for label, records in self.records.items()}
        counts[HISTORY_LABEL] = counts["statusboard.service"]
        return counts


def _problem(position: int, label: str | None, pk: Any, field_name: str | None, text: str) -> str:
    where = f"object {position} in the file"
    if label is not None:
        where = f"{label} pk={pk!r} ({where})" if pk is not None else f"{label} ({where})"
    return f"{where}, field {field_name!r}: {text}" if field_name else f"{where}: {text}"


def _listing(problems: Sequence[str]) -> str:
    lines = [f"  - {problem}" for problem in problems[:MAX_LISTED_PROBLEMS]]
    if len(problems) > MAX_LISTED_PROBLEMS:
        lines.append(f"  … and {len(problems) - MAX_LISTED_PROBLEMS} more.")
    return "\n".join(lines)


def read_objects(path: Path) -> list[Any]:
    """The list of objects in a dumpdata file, or a CommandError."""
    opener = _OPENERS.get(path.suffix.lower(), Path.open)
    try:
        with opener(path, "rb") as stream:
            raw = stream.read()
    except FileNotFoundError:
        raise CommandError(f"{path}: no such file.") from None
    except (OSError, EOFError, lzma.LZMAError) as error:
        raise CommandError(f"{path} cannot be read: {error}") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not UTF-8 text: {error}") from None
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{path} is not valid JSON: {error}. Export with "
            f"'manage.py dumpdata statusboard' and django-statusboard 0.15."
        ) from None
    if not isinstance(data, list):
        raise CommandError(
            f"{path} is not a dumpdata file: it holds a JSON {type(data).__name__}, "
            f"not a list of objects."
        )
    return data


def parse(objects: Sequence[Any]) -> Plan:
    """Check every object and every reference between them; raise a
    CommandError that lists the problems, or return the plan."""
    plan = Plan()
    problems: list[str] = []
    for position, obj in enumerate(objects, start=1):
        record = _parse_object(position, obj, plan, problems)
        if record is not None:
            plan.records[record.label].append(record)
    problems.extend(_check_across_objects(plan))
    if problems:
        raise CommandError(
            f"The file cannot be imported ({len(problems)} problem(s)); nothing was written:\n"
            + _listing(problems)
        )
    return plan


def _parse_object(position: int, obj: Any, plan: Plan, problems: list[str]) -> Record | None:
    if not isinstance(obj, dict):
        problems.append(_problem(position, None, None, None, f"{obj!r:.60} is not an object."))
        return None
    label = obj.get("model")
    legacy = LEGACY_MODELS.get(label.lower()) if isinstance(label, str) else None
    if legacy is None:
        known = ", ".join(LEGACY_MODELS)
        problems.append(
            _problem(
                position,
                None,
                None,
                "model",
                f"{label!r} is not a model of django-statusboard 0.15 (one of {known}).",
            )
        )
        return None
    label = legacy.label
    raw_pk = obj.get("pk")
    try:
        pk = _id(raw_pk)
    except ValueError as error:
        text = "is missing." if raw_pk is None else str(error)
        problems.append(_problem(position, label, None, "pk", text))
        return None
    plan.present[label].add(pk)
    fields = obj.get("fields")
    if not isinstance(fields, dict):
        problems.append(
            _problem(position, label, pk, "fields", f"{fields!r:.60} is not an object.")
        )
        return None

    values: dict[str, Any] = {}
    found = len(problems)
    for name in fields.keys() - legacy.fields.keys():
        problems.append(
            _problem(
                position, label, pk, name, f"not a field of {label} in django-statusboard 0.15."
            )
        )
    for name, parser in legacy.fields.items():
        if name not in fields:
            if name not in legacy.optional:
                problems.append(_problem(position, label, pk, name, "is missing."))
            continue
        try:
            values[name] = parser(fields[name])
        except ValueError as error:
            problems.append(_problem(position, label, pk, name, str(error)))
    if len(problems) > found:
        return None
    return Record(label, pk, position, values)


def _check_across_objects(plan: Plan) -> Iterator[str]:
    """Repeated pks and unique values, and references to objects not in the file."""
    for label, records in plan.records.items():
        legacy = LEGACY_MODELS[label]
        seen: dict[tuple[str, Any], Record] = {}
        for record in records:
            keys = [("pk", record.pk)] + [(name, record.values[name]) for name in legacy.unique]
            for name, value in keys:
                first = seen.setdefault((name, value), record)
                if first is not record:
                    yield _problem(
                        record.position,
                        label,
                        record.pk,
                        name,
                        f"{value!r} is also the {name} of object {first.position}.",
                    )

    for label, records in plan.records.items():
        references = [
            (name, parser)
            for name, parser in LEGACY_MODELS[label].fields.items()
            if isinstance(parser, _Reference)
        ]
        for record in records:
            for name, reference in references:
                value = record.values[name]
                for target_pk in value if reference.many else [value]:
                    if target_pk not in plan.present[reference.target]:
                        yield _problem(
                            record.position,
                            label,
                            record.pk,
                            name,
                            f"refers to {reference.target} pk={target_pk}, "
                            f"which is not in the file.",
                        )


# --- Comparing with the database -----------------------------------------------


def _chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def find_conflicts(plan: Plan, using: str) -> list[str]:
    """The objects of the file whose pk or unique name is already taken."""
    conflicts: list[str] = []
    for label, records in plan.records.items():
        legacy = LEGACY_MODELS[label]
        manager = legacy.model._base_manager.using(using)
        by_pk = {record.pk: record for record in records}
        for chunk in _chunks(list(by_pk)):
            for pk in sorted(manager.filter(pk__in=chunk).values_list("pk", flat=True)):
                conflicts.append(
                    f"{by_pk[pk].describe()}: the database already has a {label} with this pk."
                )
        for name in legacy.unique:
            by_value: dict[Any, list[Record]] = defaultdict(list)
            for record in records:
                by_value[record.values[name]].append(record)
            # A case-insensitive collation (MariaDB's) may match another spelling.
            by_folded = defaultdict(list)
            for value, same in by_value.items():
                by_folded[str(value).casefold()].extend(same)
            for chunk in _chunks(list(by_value)):
                taken = manager.filter(**{f"{name}__in": chunk}).values_list(name, "pk")
                for value, existing_pk in sorted(taken, key=lambda row: row[1]):
                    for record in by_value.get(value) or by_folded[str(value).casefold()]:
                        conflicts.append(
                            f"{record.describe()}, field {name!r}: {record.values[name]!r} "
                            f"is already the {name} of {label} pk={existing_pk} in the database."
                        )
    return conflicts


# --- Writing ---------------------------------------------------------------------


# Read from the file but not stored as such: ``closed`` is recomputed, and
# ``status_modified`` dates the history row.
_NOT_COPIED = frozenset({"closed", "status_modified"})


@dataclass
class Result:
    counts: dict[str, int]
    closed: int
    closed_differs: int


def _instances(label: str, records: Iterable[Record]) -> Iterator[models.Model]:
    """Unsaved model instances, with foreign keys as ids and without the
    many-to-many links and the fields that are not copied; the fields the
    original did not have get their defaults."""
    legacy = LEGACY_MODELS[label]
    kwargs_of: dict[str, str] = {}
    for name, parser in legacy.fields.items():
        if name in _NOT_COPIED or (isinstance(parser, _Reference) and parser.many):
            continue
        kwargs_of[name] = f"{name}_id" if isinstance(parser, _Reference) else name
    for record in records:
        yield legacy.model(
            pk=record.pk,
            **{kwargs_of[k]: v for k, v in record.values.items() if k in kwargs_of},
        )


def insert_rows(
    model: type[models.Model], objs: Iterable[models.Model], using: str, *, with_pk: bool
) -> None:
    """INSERT the instances as they are, in batches.

    Like ``save(raw=True)`` (what loaddata does) and unlike ``bulk_create()``,
    this calls no ``pre_save()``, so ``modified`` (``auto_now``) keeps the
    file's value, without a second pass of UPDATEs. Without ``with_pk`` the
    database numbers the rows.
    """
    connection = connections[using]
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    # Only names from the model's _meta go into the statement; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = (
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs
    )
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, BATCH_SIZE)):
            cursor.executemany(sql, batch)


def write(plan: Plan, using: str) -> Result:
    """Insert everything in the plan; call inside a transaction."""

    def insert(label: str) -> None:
        records = plan.records[label]
        insert_rows(LEGACY_MODELS[label].model, _instances(label, records), using, with_pk=True)

    services = plan.records["statusboard.service"]
    incidents = plan.records["statusboard.incident"]
    Membership = Service.groups.through
    Affected = Incident.services.through

    insert("statusboard.servicegroup")
    insert("statusboard.service")
    insert_rows(
        Membership,
        (
            Membership(service_id=record.pk, servicegroup_id=group_pk)
            for record in services
            for group_pk in record.values["groups"]
        ),
        using,
        with_pk=False,
    )
    insert_rows(
        ServiceStatusChange,
        (
            ServiceStatusChange(
                service_id=record.pk,
                old_status=None,
                new_status=record.values["status"],
                created=record.values.get("status_modified") or record.values["modified"],
            )
            for record in services
        ),
        using,
        with_pk=False,
    )
    insert("statusboard.incident")
    insert_rows(
        Affected,
        (
            Affected(incident_id=record.pk, service_id=service_pk)
            for record in incidents
            for service_pk in record.values["services"]
        ),
        using,
        with_pk=False,
    )
    insert("statusboard.incidentupdate")
    insert("statusboard.maintenance")

    closed_pks: set[int] = set()
    incident_pks = [record.pk for record in incidents]
    for chunk in _chunks(incident_pks):
        Incident.objects.using(using).filter(pk__in=chunk).sync_closed()
        closed_pks.update(
            Incident.objects.using(using)
            .filter(pk__in=chunk, closed=True)
            .values_list("pk", flat=True)
        )
    closed_differs = sum(
        1
        for record in incidents
        if "closed" in record.values and record.values["closed"] != (record.pk in closed_pks)
    )

    reset_sequences(using)
    # No post_save was sent: tell the page cache directly.
    invalidate_on_commit(using=using)
    return Result(plan.counts(), len(closed_pks), closed_differs)


def reset_sequences(using: str) -> None:
    """Make the next new object of each model get an id above the imported ones.

    PostgreSQL's sequences do not move when rows are inserted with their ids;
    SQLite and MariaDB need nothing, and their ``sequence_reset_sql`` says so.
    """
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(
        no_style(), [legacy.model for legacy in LEGACY_MODELS.values()]
    )
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


# --- The command ---------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Import a 'manage.py dumpdata statusboard' JSON file made with django-statusboard "
        "0.15: service groups, services, incidents with their updates and maintenances, "
        "keeping their ids, timestamps and links. Nothing is written unless the whole file "
        "can be imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file",
            help="The dumpdata file (.json, or compressed: .json.gz, .json.bz2, .json.xz).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and the database, report what would be imported, write nothing.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database to import into (default: 'default').",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        using = options["database"]
        if using not in connections:
            raise CommandError(f"There is no database {using!r} in DATABASES.")
        plan = parse(read_objects(path))
        if options["dry_run"]:
            self._dry_run(path, plan, using)
            return
        try:
            with transaction.atomic(using=using):
                conflicts = find_conflicts(plan, using)
                if conflicts:
                    raise CommandError(
                        f"{len(conflicts)} object(s) of {path} are already in the database; "
                        f"nothing was written:\n{_listing(conflicts)}"
                    )
                result = write(plan, using)
        except DatabaseError as error:
            raise CommandError(
                f"The database refused the import of {path}; nothing was written: {error}"
            ) from error
        if options["verbosity"] >= 1:
            self._summary(path, result, plan.started_maintenances())

    def _counts(self, counts: dict[str, int], closed: int | None = None) -> list[str]:
        width = max(len(label) for label in counts)
        lines = []
        for label, count in counts.items():
            line = f"  {label:<{width}}  {count}"
            if label == "statusboard.incident" and closed is not None:
                line += f" ({closed} closed)"
            if label == HISTORY_LABEL:
                line += " (one per service, written by the import)"
            lines.append(line)
        return lines

    def _started_maintenances(self, started: int) -> list[str]:
        # django-statusboard 0.15 had no end and stopped showing a maintenance
        # once it started; here one without an end stays in progress.
        if not started:
            return []
        return [
            f"{started} maintenance(s) have started and have no end: the status page shows "
            f"them as in progress until an end is set."
        ]

    def _dry_run(self, path: Path, plan: Plan, using: str) -> None:
        conflicts = find_conflicts(plan, using)
        lines = [f"Dry run: nothing was written. Importing {path} would write:"]
        lines += self._counts(plan.counts())
        lines += self._started_maintenances(plan.started_maintenances())
        if conflicts:
            lines.append(f"Conflicts with the database ({len(conflicts)}):")
            lines += [f"  - {conflict}" for conflict in conflicts]
        else:
            lines.append("No conflicts with the database.")
        self.stdout.write("\n".join(lines))
        if conflicts:
            raise CommandError(
                f"The import would fail: {len(conflicts)} conflict(s) with the database."
            )

    def _summary(self, path: Path, result: Result, started_maintenances: int) -> None:
        lines = [f"Imported {path}:"]
        lines += self._counts(result.counts, closed=result.closed)
        lines += self._started_maintenances(started_maintenances)
        if result.closed_differs:
            lines.append(
                f"{result.closed_differs} incident(s) had a 'closed' in the file that did not "
                f"match their latest update; 'closed' now follows the latest update."
            )
        lines.append("Database sequences reset: new objects get ids after the imported ones.")
        self.stdout.write(self.style.SUCCESS(lines[0]))
        self.stdout.write("\n".join(lines[1:]))
