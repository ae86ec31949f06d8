"""Settings for statusboard, read from the ``STATUSBOARD`` dict in the host's settings.

Every key is optional. An example configuration::

    STATUSBOARD = {
        "INCIDENT_DAYS_IN_INDEX": 3,
        "OPEN_INCIDENT_IN_INDEX": True,
        "AUTO_REFRESH_INDEX_SECONDS": 60,
        "FAVICON_DEFAULT": "myproject/favicon.svg",
        "FAVICON_INDEX_DICT": {3: "myproject/favicon-down.svg"},
        "PAGE_NAME": "Example Status",
        "PAGE_URL": "https://status.example.com/",
    }

Values are read from Django's settings on every access, so
``override_settings(STATUSBOARD=...)`` works in tests. ``manage.py check``
validates them (see ``statusboard.checks``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Days of incidents shown on the index: 1 is today only, 0 is none.
    "INCIDENT_DAYS_IN_INDEX": 7,
    # Also show every incident that is still open, however old.
    "OPEN_INCIDENT_IN_INDEX": True,
    # Reload the index every N seconds; 0 turns it off.
    "AUTO_REFRESH_INDEX_SECONDS": 0,
    # Static path of the favicon when there are no services.
    "FAVICON_DEFAULT": "statusboard/icons/favicon-default.svg",
    # Static path of the favicon by worst service status (0-3).
    "FAVICON_INDEX_DICT": {
        0: "statusboard/icons/favicon-operational.svg",
        1: "statusboard/icons/favicon-performance.svg",
        2: "statusboard/icons/favicon-partial.svg",
        3: "statusboard/icons/favicon-major.svg",
    },
    # Name of the page in the Statuspage-compatible API (``page.name``).
    "PAGE_NAME": "Status",
    # Public http(s) URL of the status page; "" builds it from each request.
    "PAGE_URL": "",
    # Days of history behind the uptime bars and percentages.
    "UPTIME_DAYS": 90,
    # How much time in each status counts as down (0 = not at all, 1 = fully).
    "UPTIME_WEIGHTS": {1: 0.0, 2: 0.3, 3: 1.0},
    # Sender of notification emails; None uses DEFAULT_FROM_EMAIL.
    "NOTIFICATION_FROM_EMAIL": None,
    # How late ``statusboard_tick`` may still announce a maintenance's start or end.
    "MAINTENANCE_NOTIFICATION_WINDOW_MINUTES": 60,
    # Let webhooks reach loopback, private and link-local addresses (tests only).
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": False,
    # Attempts per webhook delivery, the first one included.
    "WEBHOOK_MAX_ATTEMPTS": 5,
    # Delay before the first retry of a webhook; it doubles after each attempt.
    "WEBHOOK_RETRY_DELAY_SECONDS": 60,
    # Timeout of each webhook request's connection and reads.
    "WEBHOOK_TIMEOUT_SECONDS": 5,
    # The cache (an alias of CACHES) that keeps the public pages.
    "CACHE_ALIAS": "default",
    # Seconds a cached page may live: bounds how stale what changes with the
    # clock ("5 minutes ago", a maintenance starting) can get.
    "CACHE_TIMEOUT": 60,
    # Seconds the last good copy of a page is kept for when the database is
    # down; None keeps it until the cache evicts it.
    "STALE_TIMEOUT": 7 * 24 * 3600,
}


class Settings:
    """The ``STATUSBOARD`` settings with their defaults filled in."""

    @property
    def user_settings(self) -> dict[str, Any]:
        value = getattr(settings, "STATUSBOARD", None)
        return value if isinstance(value, dict) else {}

    def _get(self, key: str) -> Any:
        return self.user_settings.get(key, DEFAULTS[key])

    @property
    def INCIDENT_DAYS_IN_INDEX(self) -> int:
        return self._get("INCIDENT_DAYS_IN_INDEX")

    @property
    def OPEN_INCIDENT_IN_INDEX(self) -> bool:
        return self._get("OPEN_INCIDENT_IN_INDEX")

    @property
    def AUTO_REFRESH_INDEX_SECONDS(self) -> int:
        return self._get("AUTO_REFRESH_INDEX_SECONDS")

    @property
    def FAVICON_DEFAULT(self) -> str:
        return self._get("FAVICON_DEFAULT")

    @property
    def FAVICON_INDEX_DICT(self) -> dict[int, str]:
        # A host that overrides one status keeps the shipped icons for the others.
        return {
            **DEFAULTS["FAVICON_INDEX_DICT"],
            **self.user_settings.get("FAVICON_INDEX_DICT", {}),
        }

    @property
    def PAGE_NAME(self) -> str:
        return self._get("PAGE_NAME")

    @property
    def PAGE_URL(self) -> str:
        return self._get("PAGE_URL")

    @property
    def UPTIME_DAYS(self) -> int:
        return self._get("UPTIME_DAYS")

    @property
    def UPTIME_WEIGHTS(self) -> dict[int, float]:
        return {**DEFAULTS["UPTIME_WEIGHTS"], **self.user_settings.get("UPTIME_WEIGHTS", {})}

    @property
    def NOTIFICATION_FROM_EMAIL(self) -> str:
        return self._get("NOTIFICATION_FROM_EMAIL") or settings.DEFAULT_FROM_EMAIL

    @property
    def MAINTENANCE_NOTIFICATION_WINDOW_MINUTES(self) -> int:
        return self._get("MAINTENANCE_NOTIFICATION_WINDOW_MINUTES")

    @property
    def WEBHOOK_ALLOW_PRIVATE_ADDRESSES(self) -> bool:
        return self._get("WEBHOOK_ALLOW_PRIVATE_ADDRESSES")

    @property
    def WEBHOOK_MAX_ATTEMPTS(self) -> int:
        return self._get("WEBHOOK_MAX_ATTEMPTS")

    @property
    def WEBHOOK_RETRY_DELAY_SECONDS(self) -> int:
        return self._get("WEBHOOK_RETRY_DELAY_SECONDS")

    @property
    def WEBHOOK_TIMEOUT_SECONDS(self) -> float:
        return self._get("WEBHOOK_TIMEOUT_SECONDS")

    @property
    def CACHE_ALIAS(self) -> str:
        return self._get("CACHE_ALIAS")

    @property
    def CACHE_TIMEOUT(self) -> int:
        return self._get("CACHE_TIMEOUT")

    @property
    def STALE_TIMEOUT(self) -> int | None:
        return self._get("STALE_TIMEOUT")


app_settings = Settings()
