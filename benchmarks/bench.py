"""Benchmark statusboard's public pages and API at a given scale.

    python benchmarks/bench.py --scale 1000 [--db sqlite|postgresql] [--cache locmem|redis]
        [--requests 30] [--load-seconds 10] [--workers 2]

Seeds S services in S/10 groups, 10*S incidents with 3 updates each over a
year, a status history and maintenances; then, for each page, prints the SQL
queries, the response size, and the median and 95th percentile time of
uncached requests (cache cleared before each) and of cached ones, each also as
a ratio to a trivial Django view measured in the same run. Last, unless
--load-seconds is 0, it serves the site with gunicorn on 127.0.0.1 and loads
the cached index and the trivial view with wrk for that many seconds each,
printing requests per second. Everything it starts stops by itself.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1000, help="number of services (S)")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cache", choices=["locmem", "redis"], default="locmem")
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--load-seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    return parser.parse_args()


def prepare_database(db: str) -> None:
    if db == "postgresql":
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=postgres", autocommit=True) as c:
            c.execute("DROP DATABASE IF EXISTS statusboard_bench")
            c.execute("CREATE DATABASE statusboard_bench")
    else:
        Path(os.environ["STATUSBOARD_BENCH_SQLITE"]).unlink(missing_ok=True)


def seed(scale: int) -> None:
    from django.db import transaction
    from django.utils import timezone

    from statusboard.models import (
        Incident,
        IncidentStatus,
        IncidentUpdate,
        Maintenance,
        Service,
        ServiceGroup,
        ServiceStatusChange,
    )

    rng = random.Random(42)  # noqa: S311 (sample data, not security)
    now = timezone.now()
    year_ago = now - datetime.timedelta(days=365)

    def moment() -> datetime.datetime:
        return year_ago + datetime.timedelta(seconds=rng.randrange(365 * 86400))

    with transaction.atomic():
        groups = ServiceGroup.objects.bulk_create(
            ServiceGroup(name=f"Group {n}", priority=rng.randrange(10))
            for n in range(max(scale // 10, 1))
        )
        services = Service.objects.bulk_create(
            Service(
                name=f"Service {n}",
                description=f"The service number {n}.",
                href=f"https://example.com/{n}",
                priority=rng.randrange(10),
                created=year_ago,
            )
            for n in range(scale)
        )
        Service.groups.through.objects.bulk_create(
            Service.groups.through(service_id=service.pk, servicegroup_id=groups[n // 10].pk)
            for n, service in enumerate(services)
            if n // 10 < len(groups)
        )
        changes, final = [], {}
        for service in services:
            status = 0
            changes.append(ServiceStatusChange(service=service, new_status=0, created=year_ago))
            for when in sorted(moment() for _ in range(10)):
                new = rng.choice([0, 0, 1, 2, 3]) if status == 0 else 0
                changes.append(
                    ServiceStatusChange(
                        service=service, old_status=status, new_status=new, created=when
                    )
                )
                status = new
            final[service.pk] = status
        ServiceStatusChange.objects.bulk_create(changes, batch_size=5000)
        for status in range(4):
            pks = [pk for pk, value in final.items() if value == status]
            Service.objects.filter(pk__in=pks).update(status=status)

        incidents = Incident.objects.bulk_create(
            (
                Incident(name=f"Incident {n}", occurred=moment(), impact=rng.randrange(4))
                for n in range(10 * scale)
            ),
            batch_size=5000,
        )
        Incident.services.through.objects.bulk_create(
            (
                Incident.services.through(
                    incident_id=incident.pk, service_id=rng.choice(services).pk
                )
                for incident in incidents
            ),
            batch_size=5000,
        )
        updates = []
        for n, incident in enumerate(incidents):
            statuses = [IncidentStatus.INVESTIGATING, IncidentStatus.IDENTIFIED]
            statuses.append(IncidentStatus.WATCHING if n % 50 == 0 else IncidentStatus.FIXED)
            for step, status in enumerate(statuses):
                updates.append(
                    IncidentUpdate(
                        incident=incident,
                        status=status,
                        description=f"Update {step} of **incident {n}**.",
                        created=incident.occurred + datetime.timedelta(minutes=30 * step),
                    )
                )
        IncidentUpdate.objects.bulk_create(updates, batch_size=5000)
        Incident.objects.all().sync_closed()

        maintenances = Maintenance.objects.bulk_create(
            Maintenance(
                name=f"Maintenance {n}",
                description="Planned work.",
                scheduled=now + datetime.timedelta(days=rng.randrange(-300, 30)),
            )
            for n in range(max(scale // 5, 1))
        )
        for maintenance in maintenances:
            maintenance.end = maintenance.scheduled + datetime.timedelta(hours=2)
        Maintenance.objects.bulk_update(maintenances, ["end"])
        Maintenance.services.through.objects.bulk_create(
            Maintenance.services.through(
                maintenance_id=maintenance.pk, service_id=rng.choice(services).pk
            )
            for maintenance in maintenances
        )


def timed(client, url: str, runs: int, clear_cache: bool) -> list[float]:
    from django.core.cache import cache

    durations = []
    for _ in range(runs):
        if clear_cache:
            cache.clear()
        start = time.perf_counter()
        # As a browser asks: the cached pages are kept gzipped too.
        response = client.get(url, headers={"accept-encoding": "gzip"})
        durations.append(time.perf_counter() - start)
        assert response.status_code == 200, (url, response.status_code)
    return durations


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


class QueryCounter:
    """An execute wrapper that counts queries (the queries log is reset by
    every request, so CaptureQueriesContext cannot see them)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(runs: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from statusboard.models import Incident

    incident = Incident.objects.order_by("-occurred").first()
    month = incident.occurred
    pages = {
        "index": reverse("statusboard:index"),
        "incident page": incident.get_absolute_url(),
        "archive month": reverse(
            "statusboard:incident:archive-month", args=[month.year, f"{month.month:02d}"]
        ),
        "v1 services": reverse("statusboard:v1:service-list"),
        "v1 incidents": reverse("statusboard:v1:incident-list"),
        "v1 maintenances": reverse("statusboard:v1:maintenance-list"),
        "summary.json": reverse("statusboard:v2:summary"),
    }
    client = Client()
    baseline = statistics.median(timed(client, "/trivial/", runs, clear_cache=False))
    print(f"trivial view: median {baseline * 1000:.2f} ms")
    header = (
        f"{'page':<16} {'queries':>7} {'bytes':>9} {'uncached median':>15} {'p95':>8} "
        f"{'ratio':>6} {'cached median':>13} {'p95':>8} {'ratio':>6}"
    )
    print(header)
    for name, url in pages.items():
        cache.clear()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            response = client.get(url)
        size = len(response.content)
        cold = timed(client, url, runs, clear_cache=True)
        client.get(url)
        warm = timed(client, url, runs, clear_cache=False)
        print(
            f"{name:<16} {counter.count:>7} {size:>9} "
            f"{statistics.median(cold) * 1000:>12.1f} ms {p95(cold) * 1000:>5.1f} ms "
            f"{statistics.median(cold) / baseline:>6.0f} "
            f"{statistics.median(warm) * 1000:>10.2f} ms {p95(warm) * 1000:>5.2f} ms "
            f"{statistics.median(warm) / baseline:>6.1f}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_test(seconds: int, workers: int) -> None:
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    wrk = shutil.which("wrk")
    if not Path(gunicorn).exists() or wrk is None:
        print("load test skipped: needs gunicorn (pip) and wrk (apt)")
        return
    port = free_port()
    server = subprocess.Popen(
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "benchmarks.wsgi",
        ],
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        for name, path in [("trivial view", "/trivial/"), ("cached index", "/statusboard/")]:
            url = f"http://127.0.0.1:{port}{path}"
            subprocess.run(["curl", "-s", "-o", "/dev/null", url], check=False, timeout=60)  # noqa: S607
            result = subprocess.run(
                [
                    wrk,
                    "-t2",
                    "-c32",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-H",
                    "Accept-Encoding: gzip",
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
                timeout=seconds + 60,
            )
            rps = next(
                line.split()[1] for line in result.stdout.splitlines() if "Requests/sec" in line
            )
            errors = [line.strip() for line in result.stdout.splitlines() if "Non-2xx" in line]
            print(f"{name}: {rps} requests/s ({workers} gunicorn workers) {' '.join(errors)}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    args = parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    os.environ["STATUSBOARD_BENCH_DB"] = args.db
    os.environ["STATUSBOARD_BENCH_CACHE"] = args.cache
    os.environ.setdefault("STATUSBOARD_BENCH_SQLITE", "/tmp/statusboard-bench.sqlite3")
    import django

    prepare_database(args.db)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    seed(args.scale)
    print(f"seeded scale {args.scale} on {args.db} in {time.perf_counter() - start:.1f} s")
    measure(args.requests)
    if args.load_seconds:
        load_test(args.load_seconds, args.workers)


if __name__ == "__main__":
    main()
