"""Settings for the benchmark: the test settings on a database that persists
between the seeding and the measuring processes.

STATUSBOARD_BENCH_DB is ``sqlite`` (a file, STATUSBOARD_BENCH_SQLITE) or
``postgresql`` (database ``statusboard_bench`` at 127.0.0.1:5432);
STATUSBOARD_BENCH_CACHE is ``locmem`` or ``redis`` (127.0.0.1:6379, db 15).
"""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "benchmarks.urls"

if os.environ.get("STATUSBOARD_BENCH_DB", "sqlite") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "statusboard_bench",
            "HOST": "127.0.0.1",
            "USER": "postgres",
            "CONN_MAX_AGE": 60,
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("STATUSBOARD_BENCH_SQLITE", "/tmp/statusboard-bench.sqlite3"),
        }
    }

if os.environ.get("STATUSBOARD_BENCH_CACHE", "locmem") == "redis":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
