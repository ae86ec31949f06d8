"""Settings for the server that ``.ci/schemathesis`` fuzzes: the test settings
on a SQLite file, served on the loopback address.

STATUSBOARD_SCHEMATHESIS_DB names the SQLite file (the script makes a temporary one).
"""

from __future__ import annotations

import importlib.util
import os
import socket
from typing import Any

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ["STATUSBOARD_SCHEMATHESIS_DB"],
        # A throwaway database: speed over durability.
        "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"},
    }
}
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
# Basic authentication first, so that wrong credentials get a 401.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # Tracebacks of 500s reach the server's log, which the script prints on failure.
    "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR"}},
}
# Notifications are queued, never run: nothing may reach the webhook endpoints
# (such as public IP addresses) that the fuzzer invents.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.dummy.DummyBackend"
            if importlib.util.find_spec("django.tasks")
            else "django_tasks.backends.dummy.DummyBackend"
        )
    }
}
# Webhook addresses are checked without DNS lookups of the invented host names.
STATUSBOARD = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": True}

# And should anything still try to reach another machine, it fails here.
_LOOPBACK = {None, "127.0.0.1", "::1", "localhost", b"127.0.0.1", b"::1", b"localhost"}
_getaddrinfo = socket.getaddrinfo


def _getaddrinfo_loopback_only(host: str | bytes | None, *args: Any, **kwargs: Any) -> list:
    if host not in _LOOPBACK:
        raise socket.gaierror(socket.EAI_NONAME, f"the fuzzed server may not look up {host!r}")
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo_loopback_only
