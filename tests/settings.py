"""Settings for the test suite; STATUSBOARD_TEST_DB picks the database.

- ``sqlite`` (default): an in-memory SQLite database.
- ``postgresql``: PostgreSQL at 127.0.0.1:5432, user ``postgres``.
- ``mariadb``: MariaDB at 127.0.0.1:3306, user ``root``.

STATUSBOARD_TEST_DB_HOST, _PORT, _USER and _PASSWORD override the connection.
"""

from __future__ import annotations

import os

import django

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "Europe/Rome"
LANGUAGE_CODE = "en"

_ENGINES = {
    "sqlite": ("django.db.backends.sqlite3", None),
    "postgresql": ("django.db.backends.postgresql", "5432"),
    "mariadb": ("django.db.backends.mysql", "3306"),
}
_DB = os.environ.get("STATUSBOARD_TEST_DB", "sqlite")
if _DB not in _ENGINES:
    raise RuntimeError(f"STATUSBOARD_TEST_DB must be one of {sorted(_ENGINES)}, not {_DB!r}")
_ENGINE, _PORT = _ENGINES[_DB]

if _DB == "sqlite":
    DATABASES = {"default": {"ENGINE": _ENGINE, "NAME": ":memory:"}}
else:
    DATABASES = {
        "default": {
            "ENGINE": _ENGINE,
            # Unique per process, so that several runs can share one server.
            "NAME": os.environ.get("STATUSBOARD_TEST_DB_NAME", f"statusboard_{os.getpid()}"),
            "HOST": os.environ.get("STATUSBOARD_TEST_DB_HOST", "127.0.0.1"),
            "PORT": os.environ.get("STATUSBOARD_TEST_DB_PORT", _PORT),
            "USER": os.environ.get(
                "STATUSBOARD_TEST_DB_USER", "postgres" if _DB == "postgresql" else "root"
            ),
            "PASSWORD": os.environ.get("STATUSBOARD_TEST_DB_PASSWORD", ""),
        }
    }
    if _DB == "mariadb":
        DATABASES["default"]["OPTIONS"] = {"charset": "utf8mb4"}
        DATABASES["default"]["TEST"] = {"CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # The queue of the worker test of the notifications (tests/notifications/test_tasks.py).
    "django_tasks_db",
    "statusboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "tests.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

STATIC_URL = "/static/"
# Django 6.0 takes plain addresses and deprecates the (name, address) pairs.
ADMINS = ["admin@example.com"] if django.VERSION >= (6, 0) else [("Admin", "admin@example.com")]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Most tests change data inside a transaction that never commits, so the page
# cache would never be invalidated: they run without one. tests/test_caching.py
# turns a real cache on (local memory, and Redis).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
if os.environ.get("STATUSBOARD_TEST_REDIS_URL"):
    # For a second process in the caching tests: the same Redis as the test.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["STATUSBOARD_TEST_REDIS_URL"],
            "KEY_PREFIX": os.environ.get("STATUSBOARD_TEST_REDIS_PREFIX", ""),
        }
    }
